/**
 * Issue 11 item 1 for the file store: a write that blocks (here a real block: the child's only
 * libuv thread held by an open of a FIFO nobody writes to, as a hung NFS mount holds it) does not
 * hold the invocation past its write deadline. The batches that could not start are withdrawn
 * and go to the stdout fallback, exactly once: never in the file afterwards, even once the file
 * system is free again; the writer then appends normally. Without the deadline the child never
 * ends (the FIFO is released only after both writes returned).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const CHILD = join(import.meta.dirname, '../helpers/file-blocked-child.ts');

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'file-store-deadline-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('the file store keeps the write deadline (issue 11)', () => {
  it('a blocked file system: both invocations fall back to stdout by their deadline, none lands in the file later', async () => {
    // Arrange
    const fifo = join(dir, 'nobody-writes');
    await run('mkfifo', [fifo]);
    const file = join(dir, 'out', 'outcomes.jsonl');

    // Act
    const { stdout } = await run(process.execPath, ['--import', 'tsx', CHILD, fifo, file], {
      cwd: join(import.meta.dirname, '../..'),
      env: { ...process.env, UV_THREADPOOL_SIZE: '1' },
    });
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!);

    // Assert
    for (const report of [result.first, result.second]) {
      expect(report.store).toBe('stdout');
      expect(report.written).toBe(3);
      expect(report.notWritten).toBeUndefined();
      expect(report.fallback.reason).toMatch(
        /did not start by the write deadline \(waiting on (queued|mkdir)\): withdrawn, nothing written/,
      );
    }
    expect(result.fallbackIds.sort()).toEqual([
      'first-0',
      'first-1',
      'first-2',
      'second-0',
      'second-1',
      'second-2',
    ]);
    expect(result.third).toEqual({ store: 'file', target: `file ${file}`, written: 3 });
    expect(result.inFile).toEqual(['third-0', 'third-1', 'third-2']);
  }, 60_000);
});
