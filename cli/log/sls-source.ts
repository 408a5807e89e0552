import type { OutcomeRecord } from '#shared/model/record.js';
import { NUMERIC_RECORD_KEYS } from '#shared/model/record-keys.js';
import { readLogs } from '#shared/sls/read-logs.js';
import type { SlsTarget } from '../sls-target.js';
import { recordKey } from './dedupe.js';
import { type LogFilters, matchesFilters, slsQuery } from './filters.js';
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
 * redactor (./redact-read.ts), each once (by `recordId`, or the stable key of ./dedupe.ts: SLS
 * is at-least-once, a slow success retried is stored twice): GetLogs over `[since, now + 1 s)`
 * with the filters as a search statement, 100 per page; what the statement cannot express
 * (`--platform webplus`) is applied to each record as it is read.
 * @param limit keep only the newest `limit` distinct matching records: the duplicates and the
 *   records a filter drops are left out first, then the limit is applied, reading further pages
 *   as needed (red-team 11 F6: the limit applied before the de-duplication returned fewer and
 *   could hide a record)
 * @throws SlsApiError
 */
export async function readSlsRecords(
  target: SlsTarget,
  filters: LogFilters,
  options: { limit?: number; nowMs?: number; sinceMs?: number } = {},
): Promise<OutcomeRecord[]> {
  const nowMs = options.nowMs ?? Date.now();
  const sinceMs = options.sinceMs ?? filters.sinceMs ?? nowMs - SLS_DEFAULT_WINDOW_MS;
  const seen = new Set<string>();
  const records = new Map<Record<string, string>, OutcomeRecord>();
  const logs = await readLogs(target.admin, {
    logstore: target.logstore,
    from: Math.floor(sinceMs / 1000),
    to: Math.floor(nowMs / 1000) + 1,
    query: slsQuery(filters),
    ...(options.limit !== undefined ? { limit: options.limit } : {}),
    accept: (log) => {
      const record = redactReadRecord(recordOfLog(log));
      const key = recordKey(record);
      if (seen.has(key)) return false;
      seen.add(key);
      if (!matchesFilters(record, filters)) return false;
      records.set(log, record);
      return true;
    },
  });
  return logs.map((log) => records.get(log)!);
}
