/**
 * A child process for file-store crash and neighbour tests: appends `count` records to `path`
 * through the real file store, in batches of `batch`, tagging each with `writer` and a sequence
 * number, and prints `wrote <seq>` to stdout after each batch is on disk (so a parent can kill
 * it at any point and know which records were completely written).
 * Usage: node --import tsx test/helpers/append-child.ts <path> <writer> <count> <batch>
 */

import type { OutcomeRecord } from '#shared/model/record.js';
import { createFileStore } from '#shared/outcome-log/file-store.js';

const [path, writer, countText, batchText] = process.argv.slice(2);
const count = Number(countText);
const batch = Number(batchText);
const store = createFileStore(path!);
const ctx = {
  invocationId: `child-${writer}`,
  trigger: 'cli',
  functionName: 'f',
  region: 'r',
  deadlineMs: Date.now() + 600_000,
};
let seq = 0;
while (seq < count) {
  const records: OutcomeRecord[] = [];
  for (let i = 0; i < batch && seq < count; i++, seq++) {
    records.push({
      recordId: `${writer}-${seq}`,
      time: new Date().toISOString(),
      trigger: 'cli',
      invocationId: `child-${writer}`,
      outcome: 'skipped',
      // Long enough that a batch takes more than one page of the page cache.
      detail: `writer ${writer} record ${seq} ${'x'.repeat(300)}`,
      attempts: 0,
    });
  }
  await store.write(records, ctx);
  process.stdout.write(`wrote ${seq}\n`);
}
