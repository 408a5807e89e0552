/**
 * OUTCOME_LOG_FILE pointing somewhere that is not a regular file (issue 11, finding a): a FIFO,
 * /dev/null, /dev/full, a directory. Before, a FIFO took the records into its pipe buffer and
 * the CLI said "written". Now the file store refuses anything but a regular file before writing
 * a byte, every record goes to the stdout fallback marked `logWriteFailed` with the reason, and
 * the CLI says the write FAILED. A path in a missing directory is created, and a file left
 * read-only is written when the process may (root) and falls back when it may not.
 * Each case runs through the real handler; the FIFO case also through the built CLI.
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileStore } from '#shared/outcome-log/file-store.js';
import { cliEnv, runCli } from '../helpers/cli-run.js';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { change, changeId, scenario, timerEvent } from '../helpers/world.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function world() {
  return scenario(
    [2],
    [
      change({ n: 1, env: 0, idleMin: 90, ageMin: 95 }),
      change({ n: 2, env: 1, idleMin: 2, ageMin: 5 }),
    ],
  );
}

function fifoAt(dir: string): string {
  const path = join(dir, 'outcomes.fifo');
  execFileSync('mkfifo', [path]);
  expect(statSync(path).isFIFO()).toBe(true);
  return path;
}

/** Runs one sweep writing to `path`; returns the fallback lines parsed. */
async function sweepInto(path: string): Promise<Record<string, unknown>[]> {
  h = await startHarness(world(), { store: createFileStore(path) });
  await h.handler(timerEvent(), fakeContext({ requestId: 'inv-special' }));
  return h.stdoutLines.map((l) => JSON.parse(l) as Record<string, unknown>);
}

/**
 * Every record on the fallback; the stuck change's intent record (red-team 25 G15) too, and as
 * the store did not take it, its AbortChange was never sent: `failed`, naming the intent.
 */
function expectAllInFallback(lines: Record<string, unknown>[], because: RegExp): void {
  const decisions = lines.filter((l) => l.kind !== 'intent');
  const intents = lines.filter((l) => l.kind === 'intent');
  expect(decisions.map((l) => l.changeId).sort()).toEqual([changeId(1), changeId(2)]);
  expect(intents.map((l) => l.changeId)).toEqual([changeId(1)]);
  for (const line of lines) {
    expect(line.logWriteFailed).toMatchObject({ store: 'file' });
    expect(String((line.logWriteFailed as { reason: string }).reason)).toMatch(because);
    expect(typeof line.recordId).toBe('string');
  }
  const stuck = decisions.find((l) => l.changeId === changeId(1))!;
  expect(stuck).toMatchObject({ outcome: 'failed', attempts: 0, intentId: intents[0]!.recordId });
  expect(String(stuck.detail)).toMatch(
    /^AbortChange not sent: its intent record could not be written to the outcome log first/,
  );
  expect(h!.sandbox.journal().filter((j) => j.action === 'AbortChange')).toEqual([]);
}

/** The decision records of a file (no intents), and its intents' ChangeIds. */
function inFileOf(path: string): { decisions: string[]; intents: string[] } {
  const records = readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { changeId: string; kind?: string });
  return {
    decisions: records
      .filter((r) => r.kind !== 'intent')
      .map((r) => r.changeId)
      .sort(),
    intents: records.filter((r) => r.kind === 'intent').map((r) => r.changeId),
  };
}

describe('the file store only appends to a regular file', () => {
  it('a FIFO: nothing is written into it, every record is on the stdout fallback', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'webplus-abort-special-'));
    const fifo = fifoAt(dir);

    const lines = await sweepInto(fifo);

    expectAllInFallback(lines, /is a FIFO, not a regular file/);
    expect(statSync(fifo).isFIFO()).toBe(true);
  });

  it('/dev/null (a character device): refused, every record on the fallback', async () => {
    const lines = await sweepInto('/dev/null');

    expectAllInFallback(lines, /\/dev\/null is a character device, not a regular file/);
  });

  it('/dev/full: refused, every record on the fallback', async () => {
    const lines = await sweepInto('/dev/full');

    expectAllInFallback(lines, /\/dev\/full is a character device/);
  });

  it('a directory: refused at open, every record on the fallback', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'webplus-abort-special-'));

    const lines = await sweepInto(dir);

    expectAllInFallback(lines, /EISDIR|illegal operation on a directory/);
  });

  it('a path in a missing directory: the directory and a regular file are created', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'webplus-abort-special-'));
    const path = join(dir, 'missing', 'outcomes.jsonl');

    const lines = await sweepInto(path);

    expect(lines).toEqual([]);
    expect(statSync(path).isFile()).toBe(true);
    expect(inFileOf(path)).toEqual({
      decisions: [changeId(1), changeId(2)],
      intents: [changeId(1)],
    });
  });

  it('a read-only file: written only when the process may write it, else all on the fallback', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'webplus-abort-special-'));
    const path = join(dir, 'outcomes.jsonl');
    writeFileSync(path, '');
    chmodSync(path, 0o444);
    const root = process.getuid?.() === 0;

    const lines = await sweepInto(path);

    if (root) {
      // root ignores the mode bits: the records are in the file, readable, none on stdout.
      expect(lines).toEqual([]);
      expect(inFileOf(path)).toEqual({
        decisions: [changeId(1), changeId(2)],
        intents: [changeId(1)],
      });
    } else {
      expect(readFileSync(path, 'utf8')).toBe('');
      expectAllInFallback(lines, /EACCES|permission denied/i);
    }
  });

  it('the CLI says the write FAILED and where the records went when OUTCOME_LOG_FILE is a FIFO', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'webplus-abort-special-'));
    const fifo = fifoAt(dir);
    mkdirSync(join(dir, 'home'));

    const run = await runCli(
      ['sweep', '--dry-run', '--scenario', 'sandbox/scenarios/demo.json'],
      cliEnv({ OUTCOME_LOG_FILE: fifo }),
    );

    // The CLI wraps long lines: compare with the whitespace folded.
    const all = (run.stdout + run.stderr).replace(/\s+/g, ' ');
    expect(all).toContain('records: 5 records written to stdout (fallback) FAILED (');
    expect(all).toContain('outcomes.fifo is a FIFO, not a regular file');
    expect(all).toContain('they went to stdout instead');
    expect(all).not.toContain('written to file');
    expect(run.stdout.split('\n').filter((l) => l.includes('"logWriteFailed"'))).toHaveLength(5);
    expect(existsSync(fifo)).toBe(true);
  });
});
