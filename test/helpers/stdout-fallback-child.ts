/**
 * A child process for test/outcome-log/stdout-write-errors.test.ts: a store that always fails,
 * so every record goes to the fallback (stdout, then stderr) of the real process streams, which
 * the test points at /dev/full or a closed pipe. Two concurrent "invocations" write 5 records
 * each; the WriteReports go as JSON to the file named by argv[2], then the child exits 0.
 * A crash (an unhandled 'error' on stdout) shows as a non-zero exit and no report.
 */
import { writeFileSync } from 'node:fs';
import type { OutcomeRecord } from '#shared/model/record.js';
import { OutcomeStoreError } from '#shared/outcome-log/errors.js';
import { guardProcessStreams } from '#shared/outcome-log/line-output.js';
import { OutcomeLog } from '#shared/outcome-log/outcome-log.js';

const reportFile = process.argv[2]!;
guardProcessStreams();
const log = new OutcomeLog({
  name: 'file',
  target: 'file /nowhere',
  async write() {
    throw new OutcomeStoreError('refused', { store: 'file', code: 'EISDIR' });
  },
});
const records = (inv: string): OutcomeRecord[] =>
  Array.from(
    { length: 5 },
    (_, i) =>
      ({
        recordId: `${inv}-${i}`,
        time: new Date().toISOString(),
        invocationId: inv,
        outcome: 'skipped',
        attempts: 0,
      }) as unknown as OutcomeRecord,
  );
const ctx = (inv: string) => ({
  invocationId: inv,
  trigger: 'timer',
  functionName: 'f',
  region: 'cn-hangzhou',
  deadlineMs: Date.now() + 2000,
});
const reports = await Promise.all(
  ['a', 'b'].map(async (inv) => {
    const first = await log.write(records(inv), ctx(inv));
    // A second batch after stdout failed: stdout is destroyed by then.
    const second = await log.write(records(`${inv}2`), ctx(inv));
    return [first, second];
  }),
);
writeFileSync(reportFile, JSON.stringify(reports.flat()));
