/**
 * What the commands print about a run: the outcome table fitted to stdout (cli/render/), the
 * one-line summary, where the records went, and the next step. Width and colour come from the
 * stream: a terminal's width and colour on a TTY; `COLUMNS` (else 80) and no colour in a pipe or
 * with `NO_COLOR`.
 */
import type { NotifyReport } from '#shared/notify/notifier.js';
import type { WriteReport } from '#shared/outcome-log/outcome-log.js';
import { notifiedLine } from './render/notified.js';
import {
  type HintContext,
  nextStepHint,
  type OutcomeRow,
  outcomeTable as renderOutcomeTable,
  summaryLine,
} from './render/outcomes.js';
import { type TerminalStream, terminalColumns, useColor } from './render/style.js';
import { fitText } from './render/table.js';

export type { OutcomeRow } from './render/outcomes.js';
export { why } from './render/outcomes.js';

export interface TableOutputOptions {
  /** Show each record's time first (the `log` table; rows keep the order given). */
  withTime?: boolean;
  /** `--wide`: no width limit, nothing wraps. */
  wide?: boolean;
  /** The stream the table is for. @default process.stdout */
  stream?: TerminalStream;
}

/**
 * The outcome table for `stream` (default stdout): fitted to its width unless `wide`, outcomes
 * coloured on a terminal without `NO_COLOR`; sorted by severity then environment (in the order
 * given with `withTime`). See {@link renderOutcomeTable}.
 */
export function outcomeTable(rows: readonly OutcomeRow[], options: TableOutputOptions = {}) {
  const stream = options.stream ?? process.stdout;
  return renderOutcomeTable(rows, {
    withTime: options.withTime,
    width: options.wide ? undefined : terminalColumns(stream),
    color: useColor(stream),
  });
}

/** A run's notification: what each target did and where its record went. */
export interface RunNotification {
  report: NotifyReport;
  write: WriteReport;
}

/**
 * One line saying where the records went (file path, SLS target or stdout; fallback reason). The
 * intent records of the aborts (red-team 25 G15) and the notification record, when there are
 * any, are counted with them, and the decisions named apart:
 * `records: 12 records written to file … (8 decisions, 3 intents, 1 notification)`.
 */
export function describeWrite(write: WriteReport, notification?: RunNotification): string {
  const extra = notification?.write.written ?? 0;
  const total = write.written + extra;
  const lost = (write.notWritten?.count ?? 0) + (notification?.write.notWritten?.count ?? 0);
  const lostText =
    lost > 0
      ? `${lost} record${lost === 1 ? '' : 's'} NOT WRITTEN (${
          write.notWritten?.reason ?? notification?.write.notWritten?.reason
        })`
      : '';
  if (total === 0)
    return lost > 0 ? `records: ${lostText}` : 'records: none written (no decisions)';
  const plural = total === 1 ? 'record' : 'records';
  const intents = write.intents ?? 0;
  const decisions = write.written - intents;
  const split =
    extra > 0 || intents > 0
      ? ` (${[
          `${decisions} decision${decisions === 1 ? '' : 's'}`,
          ...(intents > 0 ? [`${intents} intent${intents === 1 ? '' : 's'}`] : []),
          ...(extra > 0 ? [`${extra} notification`] : []),
        ].join(', ')})`
      : '';
  const where = `${total} ${plural} written to ${write.target}${split}`;
  const toStderr = (write.toStderr ?? 0) + (notification?.write.toStderr ?? 0);
  const stderrNote = toStderr > 0 ? `, ${toStderr} of them to stderr (stdout refused them)` : '';
  const fallback = write.fallback ?? notification?.write.fallback;
  const line = fallback
    ? `records: ${where} FAILED (${fallback.reason}); they went to stdout instead${stderrNote}`
    : `records: ${where}${stderrNote}`;
  return lost > 0 ? `${line}; ${lostText}` : line;
}

/**
 * The block a command prints after a run: the table, the summary line
 * (`2 aborted, 3 skipped, 0 failed in 1.2 s`), where the records went (the notification record
 * counted), what each notification target did (`notified: …`), and the next step when there is
 * one (none when `hint` is undefined). `durationMs` is the run's wall time in ms.
 */
export function runReport(
  rows: readonly OutcomeRow[],
  write: WriteReport | undefined,
  durationMs: number,
  hint: HintContext | undefined,
  options: TableOutputOptions = {},
  notification?: RunNotification,
): string {
  const text: string[] = [summaryLine(rows, durationMs)];
  if (write) text.push(describeWrite(write, notification));
  if (notification) text.push(notifiedLine(notification.report.targets));
  const next = hint ? nextStepHint(rows, hint) : undefined;
  if (next) text.push(next);
  return [outcomeTable(rows, options), ...text.map((t) => fitLine(t, options))].join('\n');
}

/**
 * A line of prose for `stream` (default stdout): wrapped at word boundaries to its width, the
 * continuation indented by two spaces; unchanged with `wide`. A word longer than the width
 * (a path, a command) is never broken.
 */
export function fitLine(text: string, options: TableOutputOptions = {}): string {
  if (options.wide) return text;
  return fitText(text, terminalColumns(options.stream ?? process.stdout));
}
