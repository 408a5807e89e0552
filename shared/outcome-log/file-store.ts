import type { OutcomeRecord } from '../model/record.js';
import { appendWriterFor } from './append-writer.js';
import { OutcomeStoreError, toError } from './errors.js';
import type { OutcomeStore } from './store.js';

/**
 * The default store outside FC: JSON lines appended to a local file (`OUTCOME_LOG_FILE`,
 * default `.webplus-abort/outcomes.jsonl`); the folder is created when missing.
 * Each batch is one `write()` on an O_APPEND descriptor, after a newline repair, through the
 * process's one writer for the path (see `append-writer.ts`): crashes leave at most one torn
 * line, which the reader skips, and neighbours (other processes, concurrent invocations) never
 * interleave inside a line.
 */
export function createFileStore(path: string): OutcomeStore {
  const writer = appendWriterFor(path);
  return {
    name: 'file',
    target: `file ${path}`,
    async write(records: readonly OutcomeRecord[]): Promise<void> {
      if (records.length === 0) return;
      try {
        await writer.append(records.map((r) => `${JSON.stringify(r)}\n`).join(''));
      } catch (err) {
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
