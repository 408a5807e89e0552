import type { OutcomeRecord } from '../model/record.js';
import { OutcomeStoreError } from './errors.js';
import { asOutput, type LineOutput, stdoutOutput } from './line-output.js';
import type { LineSink } from './line-sink.js';
import type { OutcomeStore, WriteContext } from './store.js';

/** Prefix of every outcome line on stdout, so they can be found in FC's function log. */
export const STDOUT_MARKER = 'webplus-abort.outcome';

/**
 * One JSON line per record on stdout: `{"log":"webplus-abort.outcome", ...record}`.
 * A batch is written when stdout took every line (each `write()`'s callback ran), waited for
 * until `ctx.deadlineMs`; otherwise `write` throws an `OutcomeStoreError` whose `written` is the
 * number of lines that left the process and `pending` the number still in its stdout buffer at
 * the deadline (those are not written again by the fallback: they may still go out). The lines
 * stdout refused (ENOSPC, EPIPE) go to the fallback, which tries stdout then stderr.
 * @param output where lines go (default process.stdout; a plain sink is taken as is, for tests)
 */
export function createStdoutStore(output: LineSink | LineOutput = stdoutOutput): OutcomeStore {
  const lines = asOutput(output);
  return {
    name: 'stdout',
    target: 'stdout',
    async write(records: readonly OutcomeRecord[], ctx: WriteContext): Promise<void> {
      if (records.length === 0) return;
      const outcome = await lines.write(
        records.map((record) => JSON.stringify({ log: STDOUT_MARKER, ...record })),
        ctx.deadlineMs,
      );
      if (outcome.written === records.length) return;
      throw new OutcomeStoreError(outcome.reason ?? 'stdout did not take every line', {
        store: 'stdout',
        code: outcome.pending > 0 ? 'NotDrained' : 'StdoutWriteFailed',
        retryable: false,
        written: outcome.written,
        pending: outcome.pending,
      });
    },
  };
}
