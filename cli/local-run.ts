import type { OutcomeRecord } from '#shared/model/record.js';
import type { AbortRequest } from '#shared/model/request.js';
import { type RunReport, runRequests } from '#shared/pipeline/run-requests.js';
import type { RunSummary } from '#shared/pipeline/summary.js';
import { HandlerThrewError, UsageError } from './errors.js';
import { EXIT, type ExitCode, exitCodeForSummary } from './exit-codes.js';
import { describeWrite, fitLine, runReport } from './output.js';
import { notifiedLine, notifyFailureLine } from './render/notified.js';
import { summaryLine } from './render/outcomes.js';
import { countingPacer, startProgress } from './render/progress.js';
import { buildRuntime, defaultContext, stderrLine } from './setup.js';
import { type CloudOptions, runTarget } from './target.js';

export interface LocalRunOptions extends CloudOptions {
  /** Run against the sandbox seeded from this scenario file instead of real Web+. */
  scenario?: string;
  /** Print the run summary as one JSON document on stdout (everything else on stderr). */
  json?: boolean;
  /** `--wide`: the table at full width, nothing wrapped. */
  wide?: boolean;
}

/** Which command runs, for the progress line, the hint and the not-found rule. */
export interface LocalRunCommand {
  name: 'sweep' | 'abort';
  /** The same command line without `--dry-run` (the hint after a dry run that found work). */
  enforceCommand?: string;
  /** The operator named these ids: one that Web+ does not know ends the command with exit 1. */
  namedIds: readonly string[];
}

/**
 * Runs CLI-built requests (`sweep`, `abort`) through the same pipeline as the handler
 * (`runRequests`, trigger `cli`), prints the outcome table, the one-line summary, where the
 * records went and the next step, and returns the exit status: 1 when a result ended `failed`
 * or `timeout`, or when an id the operator named was not found (a one-line message names them).
 * While it runs, a progress line is drawn on stderr when stderr is a terminal.
 * @throws UsageError without credentials and without `--scenario`; CredentialsError,
 *   ConfigError, PolicyError; HandlerThrewError when the pipeline throws.
 */
export async function runLocal(
  requests: AbortRequest[],
  options: LocalRunOptions,
  command: LocalRunCommand,
): Promise<ExitCode> {
  const startedMs = Date.now();
  const target = await runTarget(options);
  try {
    const { runtime } = buildRuntime(target.env, {
      sink: options.json ? stderrLine : undefined,
      ...(target.sandboxPlatforms ? { sandbox: target.sandboxPlatforms } : {}),
    });
    if (!target.credentials) {
      throw new UsageError(
        `no Alibaba Cloud credentials (${target.description}): run \`aliyun configure\` or set ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET, or pass --scenario FILE to use the local sandbox`,
      );
    }
    stderrLine(`webplus-abort: ${target.description}`);
    const counter = { done: 0, inFlight: 0 };
    runtime.pacer = countingPacer(runtime.pacer, counter);
    const stopProgress = startProgress(process.stderr, {
      label: command.name === 'sweep' ? 'sweeping' : 'aborting',
      counter,
    });
    let report: RunReport;
    try {
      report = await runRequests(
        requests,
        defaultContext(target.credentials, { region: target.region }),
        runtime,
      );
    } catch (err) {
      throw new HandlerThrewError(err);
    } finally {
      stopProgress();
    }
    const durationMs = Date.now() - startedMs;
    if (options.json) {
      process.stdout.write(`${JSON.stringify(report.summary)}\n`);
      stderrLine(summaryLine(report.records, durationMs));
      stderrLine(describeWrite(report.write, report.notification));
      if (report.notification) stderrLine(notifiedLine(report.notification.report.targets));
    } else {
      process.stdout.write(`${fitLine(summaryHeading(report.summary), { wide: options.wide })}\n`);
      process.stdout.write(
        `${runReport(report.records, report.write, durationMs, { command: command.name, dryRun: report.summary.dryRun, ...(command.enforceCommand ? { enforceCommand: command.enforceCommand } : {}) }, { wide: options.wide }, report.notification)}\n`,
      );
    }
    const failedNotify = report.notification
      ? notifyFailureLine(report.notification.report.targets)
      : undefined;
    if (failedNotify) stderrLine(failedNotify);
    const code = exitCodeForSummary(report.summary);
    const unknown = notFound(report.records, command.namedIds);
    if (unknown.length > 0) {
      stderrLine(
        `webplus-abort: not found in this account (region ${target.region}): ${unknown.join(', ')}; check the ids, --profile and --region`,
      );
      return EXIT.failed;
    }
    return code;
  } finally {
    await target.sandbox?.sandbox.close();
  }
}

/** The named ids whose records say `not_found` (ChangeIds and EnvIds). */
function notFound(records: readonly OutcomeRecord[], named: readonly string[]): string[] {
  const missing = new Set<string>();
  for (const r of records) {
    if (r.outcome !== 'not_found') continue;
    for (const id of [r.changeId, r.envId]) if (id && named.includes(id)) missing.add(id);
  }
  return [...missing];
}

/**
 * The line above a run's table: `sweep (timer) · invocation cli-… · dry run`, or without a label
 * `invocation cli-… · trigger cli`; `dry run` and `cap reached` appear only when true.
 */
export function summaryHeading(summary: RunSummary, label?: string): string {
  const parts = [
    ...(label ? [label] : []),
    `invocation ${summary.invocationId}`,
    ...(label ? [] : [`trigger ${summary.trigger}`]),
    ...(summary.dryRun ? ['dry run'] : []),
    ...(summary.capReached ? ['cap reached (sweep.maxAbortsPerRun)'] : []),
  ];
  return parts.join(' · ');
}

/**
 * Validates ids with `parse`; every refused one is listed in one UsageError (exit 2).
 * @returns the trimmed ids, duplicates removed.
 */
export function validIds(
  values: readonly string[],
  parse: (raw: unknown) => { ok: true; id: string } | { ok: false; message: string },
  label: string,
): string[] {
  const ids: string[] = [];
  const problems: string[] = [];
  for (const value of values) {
    const parsed = parse(value);
    if (parsed.ok) {
      if (!ids.includes(parsed.id)) ids.push(parsed.id);
    } else {
      problems.push(`${label} ${JSON.stringify(value.slice(0, 80))}: ${parsed.message}`);
    }
  }
  if (problems.length > 0) throw new UsageError(`invalid ${problems.join('; ')}`);
  return ids;
}

/** The command line that was run, without `--dry-run` (for the hint after a dry run). */
export function enforceCommandLine(
  command: string,
  argv: readonly string[] = process.argv,
): string {
  const at = argv.indexOf(command);
  const args = at === -1 ? [command] : argv.slice(at);
  return `webplus-abort ${args
    .filter((a) => a !== '--dry-run')
    .map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`))
    .join(' ')}`;
}
