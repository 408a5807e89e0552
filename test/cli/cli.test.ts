import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = join(process.cwd(), 'bin/webplus-abort.js');
const DEMO = 'sandbox/scenarios/demo.json';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let dir: string;
let outcomeFile: string;

/** The environment of every child: a temp file store, no Alibaba Cloud keys, no tokens. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith('ALIBABA_CLOUD_') || key === 'HTTP_AUTH_TOKENS' || key === 'LOG_STORE') {
      delete env[key];
    }
  }
  // A temp HOME: no ~/.aliyun/config.json of the machine's user is ever read.
  return { ...env, HOME: dir, OUTCOME_LOG_FILE: outcomeFile, ...extra };
}

function cli(args: string[], extra: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: childEnv(extra) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The decision records of the file (without the intent records: red-team 25 G15). */
function records(): Array<Record<string, unknown>> {
  return readFileSync(outcomeFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((r) => r.kind !== 'intent');
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'webplus-abort-cli-'));
  outcomeFile = join(dir, 'outcomes.jsonl');
});

describe('webplus-abort CLI', () => {
  it('start: demo on the sandbox, a table, records in the file store', async () => {
    const run = await cli(['start']);

    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/no Alibaba Cloud credentials/);
    expect(run.stdout).toMatch(/^OUTCOME\s+CHANGE[ /]/m);
    expect(run.stdout).toMatch(/^4 aborted, 4 skipped, 0 failed in \d+\.\d s$/m);
    // 8 decisions and the 4 aborts' intent records (red-team 25 G15), counted apart
    expect(run.stdout.replaceAll('\n  ', ' ')).toContain(
      `records: 12 records written to file ${outcomeFile} (8 decisions, 4 intents)`,
    );
    const byChange = new Map(
      records()
        .filter((r) => r.trigger === 'timer')
        .map((r) => [r.changeId, r.outcome]),
    );
    expect(byChange.get('wc-5d3a963d5802611c4ddc0001')).toBe('aborted');
    expect(byChange.get('wc-5d3a963d5802611c4ddc0002')).toBe('aborted');
    expect(byChange.get('wc-5d3a963d5802611c4ddc0003')).toBe('skipped');
    expect(byChange.get('wc-5d3a963d5802611c4ddc0004')).toBe('skipped');
    expect(byChange.get('wc-5d3a963d5802611c4ddc0007')).toBe('skipped');
    // one stuck change order of each of SAE and EDAS, beside the Web+ ones
    const platformRecords = records()
      .filter((r) => r.platform)
      .map((r) => [r.platform, r.changeId, r.outcome]);
    expect(platformRecords.sort()).toEqual([
      ['edas', '28ab8de8-22b9-430d-9952-00f676930001', 'aborted'],
      ['sae', 'ba8e6c3c-9b1a-4ad2-9e1f-5f0e5c5e0001', 'aborted'],
      ['sae', 'ba8e6c3c-9b1a-4ad2-9e1f-5f0e5c5e0002', 'skipped'],
    ]);
    const later = records()
      .filter((r) => r.trigger !== 'timer')
      .map((r) => [r.trigger, r.changeId, r.outcome]);
    expect(later.sort()).toEqual([
      ['eventbridge', 'wc-5d3a963d5802611c4ddc0007', 'aborted'],
      ['http', 'wc-5d3a963d5802611c4ddc0004', 'aborted'],
    ]);
  });

  it('invoke: stdout is exactly one JSON document; the journal has valid signatures', async () => {
    const journal = join(dir, 'journal.jsonl');

    const run = await cli([
      'invoke',
      '--event',
      'test/fixtures/timer-sweep.json',
      '--scenario',
      DEMO,
      '--journal',
      journal,
    ]);

    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as { trigger: string; results: unknown[] };
    expect(summary.trigger).toBe('timer');
    expect(summary.results.length).toBeGreaterThan(0);
    const lines = readFileSync(journal, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { signatureValid: boolean });
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => l.signatureValid === true)).toBe(true);
  });

  it('invoke: exit 2 for a missing event file', async () => {
    const run = await cli(['invoke', '--event', join(dir, 'no-such-event.json')]);

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/cannot read event file/);
    expect(run.stdout).toBe('');
  });

  it('invoke: exit 1 for an HTTP event answered 401 (no HTTP_AUTH_TOKENS)', async () => {
    const run = await cli([
      'invoke',
      '--event',
      'test/fixtures/http-abort.json',
      '--scenario',
      DEMO,
    ]);

    expect(run.code).toBe(1);
    expect((JSON.parse(run.stdout) as { statusCode: number }).statusCode).toBe(401);
    expect(run.stderr).not.toContain('local-dev-token-0001');
  });

  it('abort: exit 2 for an invalid ChangeId, naming it', async () => {
    const run = await cli(['abort', 'wc-not-an-id', '--scenario', DEMO]);

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/invalid ChangeId "wc-not-an-id"/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('log --json --outcome aborted: JSON lines of aborted records only', async () => {
    const run = await cli(['log', '--json', '--outcome', 'aborted']);

    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { outcome: string });
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.every((l) => l.outcome === 'aborted')).toBe(true);
  });

  describe('serve', () => {
    let child: ChildProcess;
    let url: string;

    beforeAll(async () => {
      child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--scenario', DEMO], {
        env: childEnv({ HTTP_AUTH_TOKENS: 'cli-test-token-0001' }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const first = await new Promise<string>((resolve, reject) => {
        const lines = createInterface({ input: child.stdout! });
        lines.once('line', resolve);
        child.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
      });
      expect(first).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+$/);
      url = first.replace('listening on ', '');
    });

    afterAll(async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
    });

    it('answers GET /health', async () => {
      const res = await fetch(`${url}/health`);

      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: 'ok' });
    });

    it('answers POST /abort with a token through the handler', async () => {
      const res = await fetch(`${url}/abort`, {
        method: 'POST',
        headers: {
          authorization: 'Bearer cli-test-token-0001',
          'content-type': 'application/json',
        },
        body: JSON.stringify({ changeIds: ['wc-5d3a963d5802611c4ddc0001'], dryRun: true }),
      });

      expect(res.status).toBe(200);
      const body = (await res.json()) as { trigger: string; results: Array<{ outcome: string }> };
      expect(body.trigger).toBe('http');
      expect(body.results[0]?.outcome).toBe('would_abort');
    });

    it('refuses POST /abort without a token', async () => {
      const res = await fetch(`${url}/abort`, { method: 'POST', body: '{}' });

      expect(res.status).toBe(401);
    });
  });
});
