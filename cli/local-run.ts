import type { AbortRequest } from '../shared/model/request.js';
import { type RunReport, runRequests } from '../shared/pipeline/run-requests.js';
import type { RunSummary } from '../shared/pipeline/summary.js';
import { HandlerThrewError, UsageError } from './errors.js';
import { type ExitCode, exitCodeForSummary } from './exit-codes.js';
import { describeWrite, outcomeTable } from './output.js';
import {
  buildRuntime,
  defaultContext,
  type ScenarioSandbox,
  sandboxEnv,
  startScenario,
  stderrLine,
} from './setup.js';

export interface LocalRunOptions {
  /** Run against the sandbox seeded from this scenario file instead of real Web+. */
  scenario?: string;
  /** Print the run summary as one JSON document on stdout (everything else on stderr). */
  json?: boolean;
}

/**
 * Runs CLI-built requests (`sweep`, `abort`) through the same pipeline as the handler
 * (`runRequests`, trigger `cli`), prints the run summary, and returns the exit status.
 * @throws UsageError without credentials and without `--scenario`; ConfigError / PolicyError;
 *   HandlerThrewError when the pipeline throws.
 */
export async function runLocal(
  requests: AbortRequest[],
  options: LocalRunOptions,
): Promise<ExitCode> {
  let sandbox: ScenarioSandbox | undefined;
  try {
    let env = process.env;
    if (options.scenario) {
      sandbox = await startScenario(options.scenario);
      env = sandboxEnv(process.env, sandbox.sandbox.url);
    }
    const { config, runtime } = buildRuntime(env, {
      sink: options.json ? stderrLine : undefined,
    });
    const credentials = sandbox?.credentials ?? config.envCredentials;
    if (!credentials) {
      throw new UsageError(
        'no Alibaba Cloud credentials: set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, or pass --scenario FILE to use the local sandbox',
      );
    }
    if (sandbox) stderrLine(`webplus-abort: Web+ sandbox at ${sandbox.sandbox.url}`);
    let report: RunReport;
    try {
      report = await runRequests(requests, defaultContext(credentials), runtime);
    } catch (err) {
      throw new HandlerThrewError(err);
    }
    if (options.json) {
      process.stdout.write(`${JSON.stringify(report.summary)}\n`);
      stderrLine(describeWrite(report.write));
    } else {
      process.stdout.write(`${summaryHeading(report.summary)}\n`);
      process.stdout.write(`${outcomeTable(report.summary.results)}\n`);
      process.stdout.write(`${describeWrite(report.write)}\n`);
    }
    return exitCodeForSummary(report.summary);
  } finally {
    await sandbox?.sandbox.close();
  }
}

/** `invocation cli-… (trigger cli, dry run: no, cap reached: no)`. */
export function summaryHeading(summary: RunSummary, label?: string): string {
  const yesNo = (b: boolean) => (b ? 'yes' : 'no');
  return `${label ? `${label}: ` : ''}invocation ${summary.invocationId} (trigger ${summary.trigger}, dry run: ${yesNo(summary.dryRun)}, cap reached: ${yesNo(summary.capReached)})`;
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
