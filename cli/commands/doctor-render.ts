/**
 * How `webplus-abort doctor` prints its report: a checklist table (RESULT, CHECK, DETAIL) fitted
 * to the width like every table of the CLI (only DETAIL wraps; `--wide` for one line per row),
 * a heading line and one summary line; or, with `--json`, one JSON document (docs/reference/cli.md,
 * "doctor").
 */
import type { DoctorReport, DoctorStatus } from '#shared/pipeline/doctor/report.js';
import type { ExitCode } from '../exit-codes.js';
import { safeText } from '../render/outcomes.js';
import { type Colour, paint } from '../render/style.js';
import { fitText, renderTable } from '../render/table.js';

/** The word printed for each status (FAIL in capitals: it is what an operator looks for). */
export const STATUS_LABEL: Readonly<Record<DoctorStatus, string>> = {
  ok: 'ok',
  warn: 'warn',
  fail: 'FAIL',
  skipped: 'skip',
};

const STATUS_COLOUR: Readonly<Record<DoctorStatus, Colour>> = {
  ok: 'green',
  warn: 'yellow',
  fail: 'red',
  skipped: 'dim',
};

export interface DoctorRenderOptions {
  /** Width to fit, in columns; undefined: no limit (`--wide`). */
  width?: number;
  /** Colour the RESULT column (a terminal without NO_COLOR). */
  color: boolean;
}

/** `doctor · sandbox · webplus, sae · cn-hangzhou, cn-shanghai`. */
export function doctorHeading(report: DoctorReport): string {
  return [
    'doctor',
    report.target,
    `platforms ${report.platforms.join(', ')}`,
    `regions ${report.regions.length > 0 ? report.regions.join(', ') : '(unknown)'}`,
  ].join(' · ');
}

/**
 * `9 ok, 1 warning, 0 failed, 1 skipped: nothing checked blocks enforce` (or what blocks it): it
 * speaks only of the rows above it (rt12 M2). Warnings and skipped checks never block.
 */
export function doctorSummary(report: DoctorReport): string {
  const { ok, warn, fail, skipped } = report.counts;
  const tally = `${ok} ok, ${warn} warning(s), ${fail} failed, ${skipped} skipped`;
  const verdict =
    report.verdict === 'ok'
      ? warn > 0
        ? 'nothing checked blocks enforce; read the warnings'
        : 'nothing checked blocks enforce'
      : 'fix the FAIL rows before enabling enforce';
  return `${tally}: ${verdict}`;
}

/**
 * The checklist table (control characters of subjects and details escaped, as in every table of
 * the CLI: cli/render/outcomes.ts `safeText`): one row per check, the CHECK cell holding the check and, under it (beside
 * it with no width limit), its subject.
 */
export function doctorTable(report: DoctorReport, options: DoctorRenderOptions): string {
  const statuses = report.checks.map((c) => c.status);
  return renderTable(
    [
      {
        heading: 'RESULT',
        style: (line, row) => paint(line, STATUS_COLOUR[statuses[row]!], options.color),
      },
      { heading: 'CHECK' },
      { heading: 'DETAIL' },
    ],
    report.checks.map((c) => {
      // Details quote what platforms answered: no control character may reach the terminal.
      const subject = c.subject === undefined ? undefined : safeText(c.subject);
      return [
        [STATUS_LABEL[c.status]],
        // Fitted: the subject under the check (the DETAIL column keeps its width); --wide: one line.
        subject ? (options.width ? [c.check, subject] : [`${c.check} ${subject}`]) : [c.check],
        [safeText(c.detail)],
      ];
    }),
    { width: options.width, minLastWidth: 24 },
  );
}

/** The whole text output: heading, table, summary line (each prose line fitted to the width). */
export function doctorText(report: DoctorReport, options: DoctorRenderOptions): string {
  const fitted = (line: string) => (options.width ? fitText(line, options.width) : line);
  return [
    fitted(doctorHeading(report)),
    doctorTable(report, options),
    fitted(doctorSummary(report)),
  ]
    .join('\n')
    .concat('\n');
}

/** The `--json` document: the report plus the exit status the command ends with. */
export function doctorJson(report: DoctorReport, exitCode: ExitCode): string {
  return `${JSON.stringify({ ...report, exitCode })}\n`;
}
