import type { OutcomeRecord } from '../model/record.js';
import { appendWriterFor } from './append-writer.js';
import { AppendDeadlineError, OutcomeStoreError, toError } from './errors.js';
import type { OutcomeStore, WriteContext } from './store.js';

/** Time kept after a file append gives up for the stdout fallback, before the write deadline, ms. */
export const FILE_FALLBACK_RESERVE_MS = 50;

/**
 * The default store outside FC: JSON lines appended to a local file (`OUTCOME_LOG_FILE`,
 * default `.webplus-abort/outcomes.jsonl`); the folder is created when missing.
 * Each batch is one `write()` on an O_APPEND descriptor, after a newline repair, through the
 * process's one writer for the path (see `append-writer.ts`): crashes leave at most one torn
 * line, which the reader skips, and neighbours (other processes, concurrent invocations) never
 * interleave inside a line.
 *
 * **The write deadline** (issue 11): a batch must be appended by `ctx.deadlineMs` minus
 * {@link FILE_FALLBACK_RESERVE_MS} (the rest is for the stdout fallback). When it is not (a hung
 * NFS or NAS mount, a slow disk, earlier batches stuck before it), `write` throws an
 * OutcomeStoreError with code `DeadlineExceeded`, and each record ends in exactly one place:
 * - the append had not issued its `write()`: it is withdrawn and never writes (`pending` 0), so
 *   the OutcomeLog puts every record on the stdout fallback;
 * - its `write()` was issued: the records may still land in the file, so they are `pending`
 *   (not written again anywhere) and reported not written (`recordsNotWritten`).
 */

export function createFileStore(path: string): OutcomeStore {
  const writer = appendWriterFor(path);
  return {
    name: 'file',
    target: `file ${path}`,
    async write(records: readonly OutcomeRecord[], ctx?: WriteContext): Promise<void> {
      if (records.length === 0) return;
      const deadlineMs =
        ctx !== undefined && Number.isFinite(ctx.deadlineMs)
          ? ctx.deadlineMs - FILE_FALLBACK_RESERVE_MS
          : Number.POSITIVE_INFINITY;
      try {
        await writer.append(records.map((r) => `${JSON.stringify(r)}\n`).join(''), deadlineMs);
      } catch (err) {
        if (err instanceof AppendDeadlineError) {
          throw new OutcomeStoreError(`cannot append to ${path}: ${err.message}`, {
            store: 'file',
            code: err.code,
            retryable: true,
            cause: err,
            pending: err.issued ? records.length : 0,
          });
        }
        const e = toError(err) as NodeJS.ErrnoException;
        throw new OutcomeStoreError(`cannot append to ${path}: ${e.message}`, {
          store: 'file',
          code: e.code,
          cause: err,
        });
      }
    },
  };
}
