import type { OutcomeRecord } from '#shared/model/record.js';

/**
 * The identity of a record for de-duplication: its `recordId` when it has one; otherwise (records
 * written before `recordId` existed) the invocation, time, kind, change, environment and outcome
 * together, which two different decisions never share.
 */
export function recordKey(record: OutcomeRecord & { recordId?: string }): string {
  if (typeof record.recordId === 'string' && record.recordId !== '') return `id:${record.recordId}`;
  return [
    'k',
    record.invocationId,
    record.time,
    record.kind ?? '',
    record.changeId ?? '',
    record.envId ?? '',
    record.outcome,
  ].join('|');
}

/**
 * Keeps the first of each record (stores are at-least-once: an SLS write that succeeded slowly
 * is retried and stored twice). `seen` carries the keys across calls (`--follow`).
 */
export function dedupeRecords<T extends OutcomeRecord>(
  records: readonly T[],
  seen: Set<string> = new Set(),
): T[] {
  const out: T[] = [];
  for (const record of records) {
    const key = recordKey(record);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(record);
  }
  return out;
}
