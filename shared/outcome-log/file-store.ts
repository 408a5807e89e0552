import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { OutcomeRecord } from '../model/record.js';
import { OutcomeStoreError, toError } from './errors.js';
import type { OutcomeStore } from './store.js';

/**
 * The default store outside FC: JSON lines appended to a local file (`OUTCOME_LOG_FILE`,
 * default `.webplus-abort/outcomes.jsonl`); the folder is created when missing.
 * One `appendFile` per batch, so a batch lands whole or not at all in practice.
 */
export function createFileStore(path: string): OutcomeStore {
  return {
    name: 'file',
    target: `file ${path}`,
    async write(records: readonly OutcomeRecord[]): Promise<void> {
      if (records.length === 0) return;
      try {
        await mkdir(dirname(path), { recursive: true });
        await appendFile(path, records.map((r) => `${JSON.stringify(r)}\n`).join(''), 'utf8');
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
