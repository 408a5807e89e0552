import type { OutcomeRecord } from '#shared/model/record.js';
import { countOutcomes } from '../render/outcomes.js';
import { renderTable } from '../render/table.js';
import { platformOf } from './filters.js';

/** One group of `log --summary`: a platform and an environment (Web+) or application (SAE / EDAS). */
export interface SummaryGroup {
  /** `webplus`, `sae`, `edas`; `-` for notification and doctor records (no platform). */
  platform: string;
  /**
   * What the group counts: `we-…` (Web+ environment), `app <id>` (an SAE / EDAS application, or a
   * Web+ record naming only its application), `notifications` (records of kind `notification`),
   * `doctor` (kind `doctor`), `intents` (kind `intent`: the write-ahead record of each abort,
   * red-team 25 G15), `(no environment)` (request-level records: ignored events, invalid input,
   * not-enabled platforms).
   */
  target: string;
  /** The environment's or application's name, when a record of the group carries one. */
  name?: string;
  /** Records per outcome. */
  outcomes: Record<string, number>;
  records: number;
}

/** The group a record counts in (see {@link SummaryGroup}). */
function groupOf(r: OutcomeRecord): { platform: string; target: string; name?: string } {
  if (r.kind === 'notification') return { platform: '-', target: 'notifications' };
  if (r.kind === 'doctor') return { platform: '-', target: 'doctor' };
  if (r.kind === 'intent') return { platform: '-', target: 'intents' };
  const platform = platformOf(r);
  if (r.envId) {
    const name = r.envName && r.appName ? `${r.appName}/${r.envName}` : r.envName;
    return { platform, target: r.envId, ...(name ? { name } : {}) };
  }
  if (r.appId)
    return { platform, target: `app ${r.appId}`, ...(r.appName ? { name: r.appName } : {}) };
  return { platform, target: '(no environment)' };
}

/** Order of the groups: platforms, then notification and doctor lines last; most records first. */
const rank = (g: SummaryGroup) => (g.platform === '-' ? 1 : 0);

/**
 * The groups of `log --summary`: per platform and environment / application; notification and
 * doctor records in their own groups, labelled. Most records first, ties by platform and target.
 */
export function summaryGroups(records: readonly OutcomeRecord[]): SummaryGroup[] {
  const groups = new Map<string, SummaryGroup>();
  for (const r of records) {
    const g = groupOf(r);
    const key = `${g.platform} ${g.target}`;
    let group = groups.get(key);
    if (!group) {
      group = { platform: g.platform, target: g.target, outcomes: {}, records: 0 };
      groups.set(key, group);
    }
    if (g.name && !group.name) group.name = g.name;
    group.outcomes[r.outcome] = (group.outcomes[r.outcome] ?? 0) + 1;
    group.records += 1;
  }
  return [...groups.values()].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      b.records - a.records ||
      a.platform.localeCompare(b.platform) ||
      a.target.localeCompare(b.target),
  );
}

/**
 * `log --summary`: counts by outcome, then one line per platform and environment (Web+) or
 * application (SAE / EDAS), with the counts in words (`2 aborted, 1 skipped`); notification
 * records count on their own `notifications` line, doctor records on `doctor`, intent records on
 * `intents`, request-level records on `(no environment)` of their platform; last, the intents no
 * decision record follows ({@link openIntents}), named. Fitted to `width` columns (only the
 * counts wrap); `undefined`: no limit.
 */
export function summaryText(records: readonly OutcomeRecord[], width?: number): string {
  if (records.length === 0) return '(no records)';
  const outcomes = [...countOutcomes(records).entries()].sort(
    (a, b) => b[1] - a[1] || a[0].localeCompare(b[0]),
  );
  const lines = ['outcome            records'];
  for (const [outcome, n] of outcomes) {
    lines.push(`${outcome.padEnd(18)} ${String(n).padStart(7)}`);
  }
  lines.push(`${'total'.padEnd(18)} ${String(records.length).padStart(7)}`, '');
  const order = outcomes.map(([o]) => o);
  const rows = summaryGroups(records).map((g) => [
    [g.platform],
    g.name ? [g.target, `  ${g.name}`] : [g.target],
    [
      order
        .filter((o) => g.outcomes[o] !== undefined)
        .map((o) => `${g.outcomes[o]} ${o}`)
        .join(', '),
    ],
  ]);
  lines.push(
    renderTable(
      [{ heading: 'PLATFORM' }, { heading: 'ENVIRONMENT / APP' }, { heading: 'RECORDS' }],
      rows,
      { width },
    ),
  );
  const open = openIntents(records);
  if (open.length > 0) {
    lines.push(
      '',
      `${open.length} intent${open.length === 1 ? '' : 's'} with no decision record after ${open.length === 1 ? 'it' : 'them'} (the invocation ended first, e.g. killed): the abort may have been sent, check the change: ${open
        .map(
          (r) =>
            `${r.platform && r.platform !== 'webplus' ? `${r.platform}:` : ''}${r.changeId ?? '?'} (invocation ${r.invocationId})`,
        )
        .join(', ')}`,
    );
  }
  return lines.join('\n');
}

/**
 * The intent records (`kind: intent`, red-team 25 G15) that no decision record among `records`
 * names in `intentId`: the invocation ended before its decision was recorded (a kill), so their
 * abort may have been sent. A filter that keeps an intent but not its decision (`--since` just
 * between them, `--outcome abort_sending`) shows it here too: read the change's records whole.
 */
export function openIntents(records: readonly OutcomeRecord[]): OutcomeRecord[] {
  const named = new Set(records.flatMap((r) => (r.intentId ? [r.intentId] : [])));
  return records.filter((r) => r.kind === 'intent' && !named.has(r.recordId ?? ''));
}
