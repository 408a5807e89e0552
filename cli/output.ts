import Table from 'cli-table3';
import type { WriteReport } from '../shared/outcome-log/outcome-log.js';

/** The fields of a run result or an outcome record the tables show. */
export interface OutcomeRow {
  time?: string;
  changeId?: string;
  envId?: string;
  outcome: string;
  attempts?: number | string;
  detail?: string;
  errorCode?: string;
  errorMessage?: string;
}

/** Why the outcome happened, in words: `detail`, then the error code and message. */
export function why(row: OutcomeRow): string {
  const error = [row.errorCode, row.errorMessage].filter(Boolean).join(': ');
  return [row.detail, error].filter(Boolean).join('; ');
}

/**
 * A table of outcomes: change, env, outcome, attempts, why (and time first when `withTime`).
 * No colours, so it reads the same in a terminal, a pipe or a CI log.
 */
export function outcomeTable(rows: readonly OutcomeRow[], options: { withTime?: boolean } = {}) {
  const head = ['change', 'env', 'outcome', 'attempts', 'why'];
  if (options.withTime) head.unshift('time');
  const table = new Table({
    head,
    style: { head: [], border: [] },
    wordWrap: true,
    colWidths: options.withTime ? [26, 29, 29, 18, 10, 44] : [29, 29, 18, 10, 50],
  });
  for (const row of rows) {
    const cells = [
      row.changeId ?? '-',
      row.envId ?? '-',
      row.outcome,
      String(row.attempts ?? 0),
      why(row) || '-',
    ];
    if (options.withTime) cells.unshift(row.time ?? '-');
    table.push(cells);
  }
  return rows.length === 0 ? '(no outcomes)' : table.toString();
}

/** One line saying where the records went (file path, SLS target or stdout; fallback reason). */
export function describeWrite(write: WriteReport): string {
  if (write.written === 0) return 'records: none written (no decisions)';
  const plural = write.written === 1 ? 'record' : 'records';
  const where = `${write.written} ${plural} written to ${write.target}`;
  return write.fallback
    ? `records: ${where} FAILED (${write.fallback.reason}); they went to stdout instead`
    : `records: ${where}`;
}
