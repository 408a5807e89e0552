/**
 * A child process for the file-store deadline test: its libuv thread pool (UV_THREADPOOL_SIZE=1,
 * set by the parent) is held by a real blocking call, an open of a FIFO nobody writes to (as a
 * hung NFS or NAS mount holds it), so every file-system call of the file store waits. It writes
 * two batches (two invocations) through the real OutcomeLog over the real file store with a
 * write deadline 800 ms away, releases the FIFO, waits until the writer is idle, writes a third
 * batch with time to spare, and prints one JSON line: the three reports, the fallback's record
 * ids and the record ids found in the file.
 * Usage: UV_THREADPOOL_SIZE=1 node --import tsx test/helpers/file-blocked-child.ts <fifo> <file>
 */
import { closeSync, constants, existsSync, open, openSync, readFileSync } from 'node:fs';
import type { OutcomeRecord } from '#shared/model/record.js';
import { appendWriterFor } from '#shared/outcome-log/append-writer.js';
import { createFileStore } from '#shared/outcome-log/file-store.js';
import { OutcomeLog } from '#shared/outcome-log/outcome-log.js';

const [fifo, file] = process.argv.slice(2) as [string, string];
// Holds the only thread-pool thread until a writer opens the FIFO.
open(fifo, 'r', (_error, fd) => {
  if (fd !== undefined) closeSync(fd);
});
await new Promise((resolve) => setTimeout(resolve, 100));

const fallback: string[] = [];
const log = new OutcomeLog(createFileStore(file), (line) => fallback.push(line));
const batch = (name: string): OutcomeRecord[] =>
  [0, 1, 2].map((i) => ({
    recordId: `${name}-${i}`,
    time: new Date().toISOString(),
    trigger: 'timer',
    invocationId: name,
    outcome: 'skipped',
    detail: `record ${i}`,
    attempts: 0,
  }));
const ctx = (name: string, ms: number) => ({
  invocationId: name,
  trigger: 'timer',
  functionName: 'f',
  region: 'r',
  deadlineMs: Date.now() + ms,
});
const started = Date.now();
const [first, second] = await Promise.all([
  log.write(batch('first'), ctx('first', 800)),
  log.write(batch('second'), ctx('second', 800)),
]);
const blockedMs = Date.now() - started;
// Release the blocked open (a non-blocking writer open does not use the thread pool).
closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
await appendWriterFor(file).idle();
const third = await log.write(batch('third'), ctx('third', 20_000));
const inFile = existsSync(file)
  ? readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => (JSON.parse(l) as { recordId: string }).recordId)
  : [];
process.stdout.write(
  `${JSON.stringify({
    first,
    second,
    third,
    blockedMs,
    fallbackIds: fallback.map((l) => (JSON.parse(l) as { recordId: string }).recordId),
    inFile,
  })}\n`,
);
