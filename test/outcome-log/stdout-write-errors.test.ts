/**
 * Red-team 11 F1 and F4: the stdout store and the fallback report a record written only when it
 * left the process, and a write error on stdout (ENOSPC, EPIPE) never kills the process.
 * The crash checks run real child processes whose stdout (and stderr) are a full device or a
 * closed pipe; the buffer checks use a stream whose callbacks do not run in time.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { OutcomeRecord } from '#shared/model/record.js';
import {
  MAX_BUFFERED_BYTES,
  streamOutput,
  type WritableLike,
  withLastResort,
} from '#shared/outcome-log/line-output.js';
import { OutcomeLog, type WriteReport } from '#shared/outcome-log/outcome-log.js';
import { createStdoutStore } from '#shared/outcome-log/stdout-store.js';

const CHILD = join(import.meta.dirname, '../helpers/stdout-fallback-child.ts');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function runChild(
  stdout: 'full' | 'closed-pipe',
  stderr: 'full' | 'pipe',
): Promise<{ code: number | null; reports?: WriteReport[]; stderr: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'webplus-abort-stdout-'));
  dirs.push(dir);
  const report = join(dir, 'report.json');
  const full = openSync('/dev/full', 'w');
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, report], {
    stdio: ['ignore', stdout === 'full' ? full : 'pipe', stderr === 'full' ? full : 'pipe'],
  });
  if (stdout === 'closed-pipe') child.stdout!.destroy();
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  return new Promise((resolve) => {
    child.on('close', (code) => {
      resolve({
        code,
        stderr: err,
        ...(existsSync(report)
          ? { reports: JSON.parse(readFileSync(report, 'utf8')) as WriteReport[] }
          : {}),
      });
    });
  });
}

describe('a write error on stdout never kills the process (F1)', () => {
  it('stdout on a full device: the records go to stderr, both invocations finish', async () => {
    const run = await runChild('full', 'pipe');
    expect(run.code).toBe(0);
    expect(run.reports).toHaveLength(4);
    for (const r of run.reports!) {
      expect(r.written).toBe(5);
      expect(r.toStderr).toBe(5);
      expect(r.notWritten).toBeUndefined();
    }
    const ids = run.stderr
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { recordId: string }).recordId)
      .sort();
    expect(ids).toEqual(
      ['a', 'a2', 'b', 'b2'].flatMap((p) => [0, 1, 2, 3, 4].map((i) => `${p}-${i}`)).sort(),
    );
  }, 30_000);

  it('stdout a closed pipe (EPIPE): the same', async () => {
    const run = await runChild('closed-pipe', 'pipe');
    expect(run.code).toBe(0);
    expect(run.reports!.map((r) => [r.written, r.toStderr])).toEqual([
      [5, 5],
      [5, 5],
      [5, 5],
      [5, 5],
    ]);
  }, 30_000);

  it('stdout and stderr both full: reported NOT written, and the process lives', async () => {
    const run = await runChild('full', 'full');
    expect(run.code).toBe(0);
    for (const r of run.reports!) {
      expect(r.written).toBe(0);
      expect(r.notWritten?.count).toBe(5);
      expect(r.notWritten?.reason).toMatch(/stderr/);
    }
  }, 30_000);
});

/** A stream that holds every line: callbacks run only when `drain()` is called. */
function heldStream(): WritableLike & { drain(): void; lines: string[] } {
  const held: (() => void)[] = [];
  const lines: string[] = [];
  let length = 0;
  return {
    lines,
    get writableLength() {
      return length;
    },
    destroyed: false,
    write(chunk, cb) {
      lines.push(chunk);
      length += chunk.length;
      held.push(() => {
        length -= chunk.length;
        cb(null);
      });
      return false;
    },
    on() {
      return this;
    },
    drain() {
      for (const f of held.splice(0)) f();
    },
  };
}

const rec = (i: number) =>
  ({
    recordId: `r${i}`,
    time: '2026-01-01T00:00:00.000Z',
    outcome: 'skipped',
    attempts: 0,
  }) as unknown as OutcomeRecord;
const ctx = (deadlineMs: number) => ({
  invocationId: 'i',
  trigger: 'timer',
  functionName: 'f',
  region: 'r',
  deadlineMs,
});

describe('a record is written when it left the process, not when it was buffered (F4)', () => {
  it('lines still in the stdout buffer at the write deadline are NOT written, and not repeated elsewhere', async () => {
    const stdout = heldStream();
    const stderr = heldStream();
    const out = streamOutput('stdout', () => stdout);
    const log = new OutcomeLog(
      createStdoutStore(out),
      withLastResort(
        out,
        streamOutput('stderr', () => stderr),
      ),
    );
    const report = await log.write([rec(1), rec(2), rec(3)], ctx(Date.now() + 50));
    expect(report.written).toBe(0);
    expect(report.notWritten?.count).toBe(3);
    expect(report.notWritten?.reason).toMatch(/still in the process's stdout buffer/);
    expect(stdout.lines).toHaveLength(3);
    expect(stderr.lines).toHaveLength(0);
  });

  it('lines drained before the deadline are written', async () => {
    const stdout = heldStream();
    const out = streamOutput('stdout', () => stdout);
    const pending = new OutcomeLog(createStdoutStore(out), out).write(
      [rec(1), rec(2)],
      ctx(Date.now() + 5000),
    );
    setImmediate(() => stdout.drain());
    const report = await pending;
    expect(report).toEqual({ store: 'stdout', target: 'stdout', written: 2 });
  });

  it('a stdout holding more than MAX_BUFFERED_BYTES takes no more lines: they go to stderr', async () => {
    const stdout = heldStream();
    stdout.write('x'.repeat(MAX_BUFFERED_BYTES + 1), () => {});
    const stderr = heldStream();
    const out = withLastResort(
      streamOutput('stdout', () => stdout),
      streamOutput('stderr', () => stderr),
    );
    const writing = out.write(['a', 'b'], Date.now() + 5000);
    setImmediate(() => stderr.drain());
    const outcome = await writing;
    expect(outcome).toMatchObject({ written: 2, toStderr: 2, pending: 0, failed: 0 });
    expect(outcome.reason).toMatch(/not draining/);
    expect(stdout.lines).toHaveLength(1);
  });
});
