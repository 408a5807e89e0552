import { createRedactor, type Redactor } from '#shared/core/redact.js';
import type { OutcomeRecord } from '#shared/model/record.js';
import { cliSecrets } from '../secrets.js';

let redactor: Redactor | undefined;

/**
 * A record read back from a store (the file, SLS) with every secret this process knows removed
 * in any dress the one redactor finds (shared/core/redact.ts): the function redacts before it
 * writes, but a store can hold what it did not write (an older version, another writer into the
 * same logstore, a hand edit), and `log` prints nothing it has not passed through the redactor.
 * The secrets are {@link cliSecrets}; the redactor is built once per process.
 */
export function redactReadRecord<T extends OutcomeRecord>(record: T): T {
  redactor ??= createRedactor(cliSecrets());
  return redactor.value(record);
}
