/**
 * `webplus-abort log` over a file store: repeated filters, --limit, --summary, de-duplication,
 * bad values refused by name; and --follow in a child process, printing records appended later.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OUTCOMES, type OutcomeRecord } from '#shared/model/record.js';
import { logCommand } from '../../cli/commands/log.js';
import { UsageError } from '../../cli/errors.js';

let file: string;
let out: string[];
const saved = { ...process.env };

beforeEach(() => {
  file = join(mkdtempSync(join(tmpdir(), 'webplus-abort-log-')), 'outcomes.jsonl');
  process.env.OUTCOME_LOG_FILE = file;
  delete process.env.LOG_STORE;
  out = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => {
  vi.restoreAllMocks();
  process.env = { ...saved };
});

const ENV_A = 'we-5d39b8ba6786bd4b14950001';
const ENV_B = 'we-5d39b8ba6786bd4b14950002';

function record(n: number, overrides: Partial<OutcomeRecord> = {}): OutcomeRecord {
  return {
    time: `2026-05-20T02:00:${String(n).padStart(2, '0')}.000Z`,
    changeId: `wc-5d3a963d5802611c4ddc00${String(n).padStart(2, '0')}`,
    envId: n % 2 ? ENV_A : ENV_B,
    trigger: 'timer',
    invocationId: `inv-${n}`,
    outcome: 'aborted',
    detail: `d${n}`,
    attempts: 1,
    ...overrides,
  };
}

const RECORDS = [
  record(5, { outcome: 'failed' }),
  record(1),
  record(2, { outcome: 'skipped' }),
  record(3, { outcome: 'timeout', trigger: 'http' }),
  record(4),
  { ...record(4) }, // stored twice (at-least-once): shown once
  record(6, { kind: 'notification', outcome: 'notified', changeId: undefined, envId: undefined }),
];

function json(): OutcomeRecord[] {
  return out
    .join('')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as OutcomeRecord);
}

describe('log over the file store', () => {
  beforeEach(() =>
    writeFileSync(file, `${RECORDS.map((r) => JSON.stringify(r)).join('\n')}\nnot json\n`),
  );

  it('records oldest first, de-duplicated', async () => {
    await logCommand({ json: true });
    expect(json().map((r) => r.invocationId)).toEqual([
      'inv-1',
      'inv-2',
      'inv-3',
      'inv-4',
      'inv-5',
      'inv-6',
    ]);
  });

  it('every --outcome counts; options combine with AND', async () => {
    await logCommand({ json: true, outcome: ['failed', 'timeout'] });
    expect(json().map((r) => r.invocationId)).toEqual(['inv-3', 'inv-5']);
    out = [];
    await logCommand({
      json: true,
      outcome: ['failed', 'timeout', 'aborted'],
      env: [ENV_A],
      trigger: ['timer'],
    });
    expect(json().map((r) => r.invocationId)).toEqual(['inv-1', 'inv-5']);
    out = [];
    await logCommand({ json: true, invocation: ['inv-2', 'inv-4'] });
    expect(json().map((r) => r.invocationId)).toEqual(['inv-2', 'inv-4']);
  });

  it('--limit keeps the newest, still oldest first', async () => {
    await logCommand({ json: true, limit: '2' });
    expect(json().map((r) => r.invocationId)).toEqual(['inv-5', 'inv-6']);
  });

  it('--summary counts by outcome, then by platform and environment; notifications on their own line', async () => {
    await logCommand({ summary: true });
    expect(out.join('')).toBe(
      [
        'outcome            records',
        'aborted                  2',
        'failed                   1',
        'notified                 1',
        'skipped                  1',
        'timeout                  1',
        'total                    6',
        '',
        'PLATFORM  ENVIRONMENT / APP            RECORDS',
        `webplus   ${ENV_A}  1 aborted, 1 failed, 1 timeout`,
        `webplus   ${ENV_B}  1 aborted, 1 skipped`,
        '-         notifications                1 notified',
        `6 of 6 record(s) in ${file}`,
        '',
      ].join('\n'),
    );
  });

  it('--summary: intents on their own line, and every intent no decision record names is listed (red-team 25 G15)', async () => {
    // Arrange: change 1 has its intent and its decision (killed after it: none); change 7 only
    // its intent (the invocation was killed with its AbortChange in flight)
    const i1 = {
      ...record(1, { kind: 'intent', outcome: 'abort_sending', attempts: 0 }),
      recordId: 'i-1',
    };
    const i7 = {
      ...record(7, {
        kind: 'intent',
        outcome: 'abort_sending',
        attempts: 0,
        invocationId: 'inv-k',
      }),
      recordId: 'i-7',
    };
    const d1 = { ...record(1), recordId: 'd-1', intentId: 'i-1' };
    writeFileSync(file, `${[i1, d1, i7].map((r) => JSON.stringify(r)).join('\n')}\n`);

    // Act
    await logCommand({ summary: true });
    const text = out.join('');
    out.length = 0;
    await logCommand({ summary: true, json: true });

    // Assert
    expect(text).toContain('abort_sending            2\n');
    expect(text).toContain('-         intents                      2 abort_sending\n');
    expect(text).toContain(
      '1 intent with no decision record after it (the invocation ended first, e.g. killed): the abort may have been sent, check the change: wc-5d3a963d5802611c4ddc0007 (invocation inv-k)',
    );
    expect(JSON.parse(out.join('')).openIntents).toEqual([
      {
        changeId: 'wc-5d3a963d5802611c4ddc0007',
        invocationId: 'inv-k',
        recordId: 'i-7',
        time: i7.time,
      },
    ]);
  });

  it('--summary --json', async () => {
    await logCommand({ summary: true, json: true, outcome: ['aborted', 'failed'] });
    expect(JSON.parse(out.join(''))).toEqual({
      records: 3,
      byOutcome: { aborted: 2, failed: 1 },
      byEnvironment: { [ENV_A]: { aborted: 1, failed: 1 }, [ENV_B]: { aborted: 1 } },
      groups: [
        { platform: 'webplus', target: ENV_A, outcomes: { aborted: 1, failed: 1 }, records: 2 },
        { platform: 'webplus', target: ENV_B, outcomes: { aborted: 1 }, records: 1 },
      ],
    });
  });

  it('a bad value is refused by name, never matched as nothing', async () => {
    await expect(logCommand({ outcome: ['aborted', 'abortd'] })).rejects.toThrow(
      new UsageError(`--outcome must be one of ${OUTCOMES.join(', ')}, got "abortd"`),
    );
    await expect(logCommand({ env: ['prod'] })).rejects.toThrow(
      '--env must be an EnvId (we- and 24 hex digits), got "prod"',
    );
    await expect(logCommand({ trigger: ['cron'] })).rejects.toThrow(
      '--trigger must be one of timer, http, cms-callback, eventbridge, cli',
    );
    await expect(logCommand({ limit: '0' })).rejects.toThrow(
      '--limit must be a whole number from 1 to 100000, got "0"',
    );
    await expect(logCommand({ follow: true, summary: true })).rejects.toThrow(
      '--follow and --summary do not go together',
    );
  });
});

describe('log --follow (child process)', () => {
  it('prints the records there, then each record appended later, until SIGTERM', async () => {
    writeFileSync(file, `${JSON.stringify(record(1))}\n`);
    const child = spawn(
      process.execPath,
      [
        join(process.cwd(), 'bin/webplus-abort.js'),
        'log',
        '--follow',
        '--json',
        '--outcome',
        'aborted',
      ],
      {
        env: { ...process.env, OUTCOME_LOG_FILE: file },
      },
    );
    const lines: string[] = [];
    let buffer = '';
    const waitFor = (n: number) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (lines.length >= n) resolve();
        };
        child.stdout.on('data', (d: Buffer) => {
          buffer += d.toString();
          const parts = buffer.split('\n');
          buffer = parts.pop()!;
          lines.push(...parts.filter(Boolean));
          check();
        });
        child.on('exit', () => reject(new Error(`exited early with ${lines.length} line(s)`)));
        check();
      });
    const first = waitFor(1);
    await first;
    // A partial line waits for its newline; a skipped record is filtered out.
    const late = JSON.stringify(record(2));
    appendFileSync(
      file,
      `${JSON.stringify(record(3, { outcome: 'skipped' }))}\n${late.slice(0, 20)}`,
    );
    appendFileSync(file, `${late.slice(20)}\n`);
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (lines.length >= 2) {
          clearInterval(t);
          resolve();
        }
      }, 50);
    });
    const exit = new Promise<number | null>((resolve) =>
      child.on('close', (code) => resolve(code)),
    );
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(lines.map((l) => (JSON.parse(l) as OutcomeRecord).invocationId)).toEqual([
      'inv-1',
      'inv-2',
    ]);
  }, 30_000);
});
