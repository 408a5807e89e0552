/**
 * How the CLI shows outcomes: the outcome table (sorted by severity, names beside ids, fitted to
 * the terminal), the one-line run summary and the hint for the next step. Pure functions of their
 * input: the commands decide the width and whether to colour (cli/render/style.ts).
 */

import { printable } from '#shared/core/text.js';
import type { Outcome } from '#shared/model/record.js';
import { type Colour, paint } from './style.js';
import { type Column, lastColumnWidth, renderTable } from './table.js';

/** The fields of a run result or an outcome record the table shows. */
export interface OutcomeRow {
  /** ISO 8601 time of the record (shown with `withTime`). */
  time?: string;
  changeId?: string;
  envId?: string;
  /** The environment's name, when a Web+ read of this run (or the record) gave it. */
  envName?: string;
  appId?: string;
  /** The application's name, when known. */
  appName?: string;
  outcome: Outcome | string;
  /** `webplus` (or absent), `sae`, `edas`. */
  platform?: string;
  /** AbortChange calls made for this decision. */
  attempts?: number | string;
  detail?: string;
  errorCode?: string;
  errorMessage?: string;
}

/**
 * A cell's text with every control character escaped (C0, DEL and C1, which holds the 8-bit CSI):
 * names, ids and error messages come from Web+ and records, and must not move the cursor, clear
 * the screen or recolour the terminal. Not cut (the table wraps WHY instead).
 */
export function safeText(text: string): string {
  return printable(text, Number.MAX_SAFE_INTEGER).replace(
    /[\u0080-\u009f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** The row with each displayed text made safe by {@link safeText}. */
function safeRow<T extends OutcomeRow>(row: T): T {
  const out: T = { ...row };
  for (const key of [
    'time',
    'changeId',
    'envId',
    'envName',
    'appId',
    'appName',
    'outcome',
    'detail',
    'errorCode',
    'errorMessage',
  ] as const) {
    const value = row[key];
    if (typeof value === 'string') (out as OutcomeRow)[key] = safeText(value);
  }
  if (typeof row.attempts === 'string') out.attempts = safeText(row.attempts);
  return out;
}

/**
 * Outcomes from the most to the least urgent for an operator: what went wrong first, then what
 * was done, then what was left alone. Unknown outcomes sort last.
 */
export const SEVERITY_ORDER: readonly Outcome[] = [
  'failed',
  'timeout',
  'aborted',
  'would_abort',
  'deferred',
  'already_aborting',
  'not_found',
  'invalid',
  'skipped',
  'already_finished',
  'ignored',
  'notify_failed',
  'notified',
  'checked',
  'abort_sending',
];

/** The colour of each outcome on a terminal. */
export const OUTCOME_COLOUR: Readonly<Record<Outcome, Colour>> = {
  failed: 'red',
  timeout: 'red',
  aborted: 'green',
  would_abort: 'yellow',
  deferred: 'cyan',
  already_aborting: 'cyan',
  not_found: 'magenta',
  invalid: 'magenta',
  skipped: 'dim',
  already_finished: 'dim',
  ignored: 'dim',
  notify_failed: 'yellow',
  notified: 'dim',
  checked: 'dim',
  abort_sending: 'dim',
};

function severity(outcome: string): number {
  const i = SEVERITY_ORDER.indexOf(outcome as Outcome);
  return i === -1 ? SEVERITY_ORDER.length : i;
}

/** The environment's sort key and label: its name when known, else its id. */
function envKey(row: OutcomeRow): string {
  return row.envName ?? row.envId ?? row.appName ?? row.appId ?? '';
}

/**
 * Rows sorted by outcome severity ({@link SEVERITY_ORDER}), then environment (name, else id),
 * then ChangeId; rows equal on all three keep their order. Returns a new array.
 */
export function sortBySeverity<T extends OutcomeRow>(rows: readonly T[]): T[] {
  return rows
    .map((row, i) => ({ row, i }))
    .sort(
      (a, b) =>
        severity(a.row.outcome) - severity(b.row.outcome) ||
        envKey(a.row).localeCompare(envKey(b.row)) ||
        (a.row.changeId ?? '').localeCompare(b.row.changeId ?? '') ||
        a.i - b.i,
    )
    .map(({ row }) => row);
}

/**
 * Why the outcome happened, in words: `detail`, then the error code and message, each left out
 * when the text before already says it.
 */
export function why(row: OutcomeRow): string {
  const parts: string[] = [];
  const said = () => parts.join('; ');
  if (row.detail) parts.push(row.detail);
  if (row.errorCode && !said().includes(row.errorCode)) parts.push(row.errorCode);
  if (row.errorMessage && !said().includes(row.errorMessage)) parts.push(row.errorMessage);
  return said();
}

/** `app/env` names when known (`shop/shop-prod`, or just `shop-prod`), else `undefined`. */
export function namesOf(row: OutcomeRow): string | undefined {
  if (row.envName && row.appName) return `${row.appName}/${row.envName}`;
  return row.envName ?? (row.appName ? `app ${row.appName}` : undefined);
}

/** `2026-05-20T02:00:05Z`: the record time to the second. */
function shortTime(time: string | undefined): string {
  if (!time) return '-';
  return time.replace(/\.\d+Z$/, 'Z');
}

export interface OutcomeTableOptions {
  /** Show each record's time (the `log` table). */
  withTime?: boolean;
  /** Terminal width to fit; `undefined` means no limit and nothing wraps (`--wide`). */
  width?: number;
  /** Colour the outcome column (only on a terminal without NO_COLOR). @default false */
  color?: boolean;
  /**
   * `severity`: sort with {@link sortBySeverity}; `given`: keep the order given (the `log` table,
   * oldest first). @default 'severity' without `withTime`, 'given' with it
   */
  order?: 'severity' | 'given';
}

/** The "why" column gets at least this many columns before a narrower layout is tried. */
const COMFORTABLE_WHY = 30;

/**
 * The outcome table: OUTCOME, CHANGE, ENVIRONMENT (id and names), TRIES (AbortChange calls),
 * WHY; TIME first with `withTime`. Only WHY wraps. When the width is short the environment's
 * names go under its id, then change and environment share one column, so ids stay whole.
 * @returns the table without a final newline, or `(no outcomes)` for no rows.
 */
export function outcomeTable(rows: readonly OutcomeRow[], options: OutcomeTableOptions = {}) {
  if (rows.length === 0) return '(no outcomes)';
  const order = options.order ?? (options.withTime ? 'given' : 'severity');
  const safe = rows.map(safeRow);
  const sorted = order === 'severity' ? sortBySeverity(safe) : safe;
  const color = options.color === true;
  const outcomeColumn: Column = {
    heading: 'OUTCOME',
    style: (line, r) =>
      paint(line, OUTCOME_COLOUR[sorted[r]!.outcome as Outcome] ?? undefined, color),
  };
  const envLines = (row: OutcomeRow, stacked: boolean): string[] => {
    const id = row.envId ?? (row.appId ? `app ${row.appId}` : '-');
    const names = namesOf(row);
    if (!names) return [id];
    return stacked ? [id, names] : [`${id} ${names}`];
  };
  const tail = (row: OutcomeRow) => [[String(row.attempts ?? 0)], [why(row) || '-']];
  const time = (row: OutcomeRow) => (options.withTime ? [[shortTime(row.time)]] : []);
  const timeColumn: Column[] = options.withTime ? [{ heading: 'TIME' }] : [];
  const layouts: Array<{ columns: Column[]; cells: string[][][] }> = [
    {
      columns: [...timeColumn, outcomeColumn, { heading: 'CHANGE' }, { heading: 'ENVIRONMENT' }],
      cells: sorted.map((row) => [
        ...time(row),
        [row.outcome],
        [row.changeId ?? '-'],
        envLines(row, false),
        ...tail(row),
      ]),
    },
    {
      columns: [...timeColumn, outcomeColumn, { heading: 'CHANGE' }, { heading: 'ENVIRONMENT' }],
      cells: sorted.map((row) => [
        ...time(row),
        [row.outcome],
        [row.changeId ?? '-'],
        envLines(row, true),
        ...tail(row),
      ]),
    },
    {
      columns: [
        outcomeColumn,
        { heading: options.withTime ? 'TIME / CHANGE / ENV' : 'CHANGE / ENV' },
      ],
      cells: sorted.map((row) => [
        [row.outcome],
        [
          ...(options.withTime ? [shortTime(row.time)] : []),
          row.changeId ?? '-',
          ...envLines(row, true),
        ],
        ...tail(row),
      ]),
    },
  ];
  const tailColumns: Column[] = [{ heading: 'TRIES' }, { heading: 'WHY' }];
  const chosen =
    options.width === undefined
      ? layouts[0]!
      : (layouts.find((l) => {
          const headings = [...l.columns, ...tailColumns].map((c) => c.heading);
          const w = lastColumnWidth(headings, l.cells, { width: options.width, minLastWidth: 0 });
          return (w ?? 0) >= COMFORTABLE_WHY;
        }) ?? layouts[layouts.length - 1]!);
  return renderTable([...chosen.columns, ...tailColumns], chosen.cells, {
    width: options.width,
  });
}

/** Outcomes in the order the summary line names them; `failed` is always named. */
const SUMMARY_ORDER: readonly Outcome[] = [
  'aborted',
  'would_abort',
  'already_aborting',
  'already_finished',
  'not_found',
  'skipped',
  'ignored',
  'invalid',
  'deferred',
  'timeout',
  'failed',
];

/** Counts per outcome (only outcomes that occur). */
export function countOutcomes(rows: readonly { outcome: string }[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.outcome, (counts.get(row.outcome) ?? 0) + 1);
  return counts;
}

/**
 * The one-line run summary: `2 aborted, 3 skipped, 0 failed in 1.2 s`. Names every outcome that
 * occurred (in {@link SUMMARY_ORDER}, unknown ones after), always `failed`; the duration in
 * seconds with one decimal. `durationMs` is wall time of the run, in milliseconds.
 */
export function summaryLine(rows: readonly { outcome: string }[], durationMs: number): string {
  const counts = countOutcomes(rows);
  const parts: string[] = [];
  for (const outcome of SUMMARY_ORDER) {
    const n = counts.get(outcome) ?? 0;
    if (n > 0 || outcome === 'failed') parts.push(`${n} ${outcome}`);
  }
  for (const [outcome, n] of counts) {
    if (!SUMMARY_ORDER.includes(outcome as Outcome)) parts.push(`${n} ${outcome}`);
  }
  return `${parts.join(', ')} in ${(Math.max(0, durationMs) / 1000).toFixed(1)} s`;
}

/** What the hint may say about the command that produced the rows. */
export interface HintContext {
  /** The command that ran: `sweep`, `abort`, `start`, `invoke`. */
  command: string;
  /** The run was a dry run (request, kill switch or policy mode). */
  dryRun: boolean;
  /** The command line to repeat without `--dry-run`, when there is one. */
  enforceCommand?: string;
}

/** The fields of a row the hint reads. */
export interface HintRow {
  outcome: string;
  /** `webplus` (or absent), `sae`, `edas`. */
  platform?: string;
  errorCode?: string;
}

/** How the hint names a platform: `Web+`, `SAE`, `EDAS`. */
const PLATFORM_LABEL: Readonly<Record<string, string>> = {
  webplus: 'Web+',
  sae: 'SAE',
  edas: 'EDAS',
};

/** The platforms of `rows` with `outcome` (Web+ for rows without one), in a stable order. */
function platformsOf(rows: readonly HintRow[], outcomes: readonly string[]): string[] {
  const seen = new Set(
    rows.filter((r) => outcomes.includes(r.outcome)).map((r) => r.platform ?? 'webplus'),
  );
  return ['webplus', 'sae', 'edas', ...seen].filter(
    (p, i, all) => seen.has(p) && all.indexOf(p) === i,
  );
}

/** `webplus-abort sweep --platform sae --dry-run` (no `--platform` for Web+). */
const dryRunSweep = (platform: string) =>
  `\`webplus-abort sweep${platform === 'webplus' ? '' : ` --platform ${platform}`} --dry-run\``;

/**
 * One line telling the operator what to do next, or `undefined` when there is nothing to say.
 * Failures first (they need a look; a platform that is not enabled says how to enable it), then a
 * dry run that found work (with the command to run without dry-run), then aborts (each platform
 * aborts asynchronously: a dry-run sweep of it shows what is still in flight).
 */
export function nextStepHint(rows: readonly HintRow[], context: HintContext): string | undefined {
  const counts = countOutcomes(rows);
  const n = (o: Outcome) => counts.get(o) ?? 0;
  if (n('failed') + n('timeout') > 0) {
    const bad = rows.filter((r) => r.outcome === 'failed' || r.outcome === 'timeout');
    if (bad.every((r) => r.errorCode === 'PlatformNotEnabled')) {
      const list = platformsOf(bad, ['failed'])
        .map((p) => PLATFORM_LABEL[p] ?? p)
        .join(' and ');
      return `next: nothing was sent to ${list}: it is not enabled in this run; WHY says what enables it`;
    }
    return `next: read why with \`webplus-abort log --outcome failed --since 1h\` (timeouts: --outcome timeout); the next sweep re-checks these changes`;
  }
  if (n('would_abort') > 0) {
    const again = context.enforceCommand ? `: \`${context.enforceCommand}\`` : '';
    return `next: ${n('would_abort')} change(s) would be aborted; run again without dry-run to abort them${again}`;
  }
  if (n('aborted') > 0) {
    const names = platformsOf(rows, ['aborted']);
    return `next: ${names.map((p) => PLATFORM_LABEL[p] ?? p).join(', ')} ${names.length === 1 ? 'aborts' : 'abort'} asynchronously; ${names.map(dryRunSweep).join(' and ')} in a minute shows what is still in flight`;
  }
  if (n('not_found') > 0) {
    const names = platformsOf(rows, ['not_found']);
    return `next: check the ids and the account (--profile, --region): ${names.map((p) => PLATFORM_LABEL[p] ?? p).join(', ')} does not know them`;
  }
  if (rows.length === 0 && context.command === 'sweep') {
    return 'next: nothing is in flight in scope; widen it with --app / --env, or check the policy (sweep.appIds)';
  }
  return undefined;
}
