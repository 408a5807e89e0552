import type { OutcomeRecord } from '#shared/model/record.js';

/**
 * `log --summary`: counts by outcome, then by environment (one column per outcome seen,
 * environments with most records first), as plain aligned text. Records without an
 * environment (notifications, request-level records) count under `-`.
 */
export function summaryText(records: readonly OutcomeRecord[]): string {
  if (records.length === 0) return '(no records)';
  const byOutcome = new Map<string, number>();
  const byEnv = new Map<string, Map<string, number>>();
  for (const r of records) {
    byOutcome.set(r.outcome, (byOutcome.get(r.outcome) ?? 0) + 1);
    const env = r.envId ?? '-';
    const row = byEnv.get(env) ?? new Map<string, number>();
    row.set(r.outcome, (row.get(r.outcome) ?? 0) + 1);
    byEnv.set(env, row);
  }
  const outcomes = [...byOutcome.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const lines = ['outcome            records'];
  for (const [outcome, n] of outcomes) {
    lines.push(`${outcome.padEnd(18)} ${String(n).padStart(7)}`);
  }
  lines.push(`${'total'.padEnd(18)} ${String(records.length).padStart(7)}`, '');
  const columns = outcomes.map(([o]) => o);
  lines.push(['environment'.padEnd(27), ...columns].join('  '));
  const envs = [...byEnv.entries()].sort(
    (a, b) => total(b[1]) - total(a[1]) || a[0].localeCompare(b[0]),
  );
  for (const [env, row] of envs) {
    const cells = columns.map((o) => String(row.get(o) ?? 0).padStart(o.length));
    lines.push([env.padEnd(27), ...cells].join('  '));
  }
  return lines.join('\n');
}

function total(row: Map<string, number>): number {
  let n = 0;
  for (const v of row.values()) n += v;
  return n;
}
