import type { OutcomeRecord } from '#shared/model/record.js';
import { NUMERIC_RECORD_KEYS } from '#shared/model/record-keys.js';
import { readLogs } from '#shared/sls/read-logs.js';
import type { SlsTarget } from '../sls-target.js';
import { type LogFilters, slsQuery } from './filters.js';
import { redactReadRecord } from './redact-read.js';

/** Without `--since`, `log --sls` reads the last 24 hours. */
export const SLS_DEFAULT_WINDOW_MS = 24 * 3_600_000;

/**
 * A log as GetLogs returns it (every value a string, plus `__time__`, `__topic__`, `__source__`,
 * `__tag__:*`) back to a record: SLS's own `__…` keys dropped, whole-number keys
 * (`attempts`, `latencyMs`...) as numbers again.
 */
export function recordOfLog(log: Record<string, string>): OutcomeRecord {
  const record: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(log)) {
    if (key.startsWith('__')) continue;
    if (NUMERIC_RECORD_KEYS.includes(key) && /^-?\d+$/.test(value)) record[key] = Number(value);
    else record[key] = value;
  }
  return record as unknown as OutcomeRecord;
}

/**
 * The records of the SLS target matching `filters`, oldest first, each passed through the
 * redactor (./redact-read.ts): GetLogs over
 * `[since, now + 1 s)` with the filters as a search statement, 100 per page.
 * @param limit keep only the newest `limit`
 * @throws SlsApiError
 */
export async function readSlsRecords(
  target: SlsTarget,
  filters: LogFilters,
  options: { limit?: number; nowMs?: number; sinceMs?: number } = {},
): Promise<OutcomeRecord[]> {
  const nowMs = options.nowMs ?? Date.now();
  const sinceMs = options.sinceMs ?? filters.sinceMs ?? nowMs - SLS_DEFAULT_WINDOW_MS;
  const logs = await readLogs(target.admin, {
    logstore: target.logstore,
    from: Math.floor(sinceMs / 1000),
    to: Math.floor(nowMs / 1000) + 1,
    query: slsQuery(filters),
    ...(options.limit !== undefined ? { limit: options.limit } : {}),
  });
  return logs.map((log) => redactReadRecord(recordOfLog(log)));
}
