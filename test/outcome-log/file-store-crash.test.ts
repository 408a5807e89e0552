/**
 * The file store against crashes and neighbours, with real processes and a real file:
 * two processes appending 1,000 records each to one file, three concurrent writers in one
 * process, kill -9 in the middle of a run, and torn fragments left by a crash. The check reads
 * the file back with its own line splitting and JSON.parse (not the project's reader) and
 * compares with what each writer said it had written.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { OutcomeRecord } from '#shared/model/record.js';
import { createFileStore } from '#shared/outcome-log/file-store.js';
import { parseRecordLines } from '#shared/outcome-log/read-records.js';

const CHILD = join(import.meta.dirname, '../helpers/append-child.ts');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'webplus-abort-crash-'));
  dirs.push(dir);
  return join(dir, 'outcomes.jsonl');
}

function startChild(path: string, writer: string, count: number, batch: number): ChildProcess {
  return spawn(
    process.execPath,
    ['--import', 'tsx', CHILD, path, writer, String(count), String(batch)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
}

/** Resolves with the last `wrote N` the child printed, when it exits. */
function lastWrote(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('exit', () => {
      const all = [...out.matchAll(/wrote (\d+)\n/g)];
      resolve(all.length ? Number(all.at(-1)![1]) : 0);
    });
  });
}

/** Independent reading: split on \n, JSON.parse each line, count what does not parse. */
function readBack(path: string): { ids: string[]; bad: number } {
  const ids: string[] = [];
  let bad = 0;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line === '') continue;
    try {
      ids.push((JSON.parse(line) as { recordId: string }).recordId);
    } catch {
      bad++;
    }
  }
  return { ids, bad };
}

const ctx = {
  invocationId: 'inv',
  trigger: 'cli',
  functionName: 'f',
  region: 'r',
  deadlineMs: Date.now() + 600_000,
};
const rec = (id: string): OutcomeRecord => ({
  recordId: id,
  time: '2026-05-20T02:00:00.000Z',
  trigger: 'cli',
  invocationId: 'inv',
  outcome: 'skipped',
  detail: `record ${id}`,
  attempts: 0,
});

describe('file store: neighbours', () => {
  it('2 processes x 1,000 records into one file: 0 lost, 0 corrupt', async () => {
    const path = tempFile();
    const a = startChild(path, 'a', 1000, 25);
    const b = startChild(path, 'b', 1000, 25);
    const [na, nb] = await Promise.all([lastWrote(a), lastWrote(b)]);
    expect([na, nb]).toEqual([1000, 1000]);
    const { ids, bad } = readBack(path);
    expect(bad).toBe(0);
    expect(ids).toHaveLength(2000);
    expect(new Set(ids).size).toBe(2000);
  });

  it('3 concurrent invocations in one process share one writer: 0 lost, 0 corrupt', async () => {
    const path = tempFile();
    const stores = [createFileStore(path), createFileStore(path), createFileStore(path)];
    await Promise.all(
      stores.map(async (store, w) => {
        for (let b = 0; b < 40; b++) {
          await store.write(
            Array.from({ length: 25 }, (_, i) => rec(`w${w}-${b * 25 + i}`)),
            ctx,
          );
        }
      }),
    );
    const { ids, bad } = readBack(path);
    expect(bad).toBe(0);
    expect(new Set(ids).size).toBe(3000);
  });
});

describe('file store: crashes', () => {
  it('a torn last line is repaired before the next append; the reader skips it and loses nothing after it', async () => {
    const path = tempFile();
    writeFileSync(path, `${JSON.stringify(rec('before'))}\n`);
    appendFileSync(path, '{"recordId":"torn","time":"2026-05-20T02:0'); // a crash mid-write
    await createFileStore(path).write([rec('after-1'), rec('after-2')], ctx);
    const text = readFileSync(path, 'utf8');
    expect(text.split('\n')[1]).toBe('{"recordId":"torn","time":"2026-05-20T02:0');
    const parsed = parseRecordLines(text);
    expect(parsed.records.map((r) => r.recordId)).toEqual(['before', 'after-1', 'after-2']);
    expect(parsed.torn).toEqual([
      { line: 2, preview: '{"recordId":"torn","time":"2026-05-20T02:0' },
    ]);
  });

  it('a record glued to a fragment (by an older writer) is still read', () => {
    const text = `{"recordId":"x","ti${JSON.stringify(rec('glued'))}\n${JSON.stringify(rec('next'))}\n`;
    const parsed = parseRecordLines(text);
    expect(parsed.records.map((r) => r.recordId)).toEqual(['glued', 'next']);
    expect(parsed.torn).toHaveLength(1);
  });

  it('kill -9 at 3 points of a writing process: every reported record is readable, and so is the next run', async () => {
    const path = tempFile();
    const reported: number[] = [];
    for (let k = 0; k < 3; k++) {
      const child = startChild(path, `k${k}`, 100_000, 25);
      const wrote = lastWrote(child);
      await new Promise<void>((resolve) => {
        let lines = 0;
        child.stdout!.on('data', (d: Buffer) => {
          lines += d.toString().split('\n').length - 1;
          if (lines >= 5 + k * 7 && !child.killed) {
            child.kill('SIGKILL');
            resolve();
          }
        });
      });
      reported.push(await wrote);
    }
    const after = startChild(path, 'after', 100, 25);
    expect(await lastWrote(after)).toBe(100);
    const parsed = parseRecordLines(readFileSync(path, 'utf8'));
    const ids = new Set(parsed.records.map((r) => r.recordId));
    for (let k = 0; k < 3; k++) {
      // every record of a batch reported written is there (the kill may have landed more)
      expect(reported[k]).toBeGreaterThan(0);
      const missing = Array.from({ length: reported[k]! }, (_, i) => `k${k}-${i}`).filter(
        (id) => !ids.has(id),
      );
      expect(missing).toEqual([]);
    }
    expect([...ids].filter((id) => id?.startsWith('after-'))).toHaveLength(100);
  });
});
