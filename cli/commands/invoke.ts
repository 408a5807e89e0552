import type { FcContext } from '#shared/fc/context.js';
import type { HandlerResult } from '#shared/pipeline/handle-event.js';
import { createHandler } from '../../functions/abort-stuck-changes/handler.js';
import { HandlerThrewError, InputFileError, UsageError } from '../errors.js';
import { type ExitCode, exitCodeForResult } from '../exit-codes.js';
import { notifiedLine, notifyFailureLine } from '../render/notified.js';
import {
  buildRuntime,
  defaultContext,
  readInputFile,
  readJsonObject,
  stderrLine,
} from '../setup.js';
import { type CloudOptions, runTarget } from '../target.js';
import { invokeRemoteCommand } from './invoke-remote.js';

export interface InvokeOptions extends CloudOptions {
  event: string;
  context?: string;
  scenario?: string;
  journal?: string;
  remote?: boolean;
  function?: string;
  /** FC 2.0: the service of the function (with --remote). */
  service?: string;
  qualifier?: string;
  async?: boolean;
}

/**
 * The event file: its bytes, as FC would pass them. Every trigger this function handles sends
 * JSON (timer, HTTP request struct, EventBridge, CloudMonitor rule push), so a file that is not
 * JSON is a mistake: one line names the file and where parsing stopped.
 * @throws UsageError when the file cannot be read or is not JSON (exit 2).
 */
export async function readEventFile(path: string): Promise<Buffer> {
  const event = await readInputFile(path, 'event file');
  try {
    JSON.parse(event.toString('utf8'));
  } catch (err) {
    const reason = (err as Error).message.replaceAll('\n', '\\n').slice(0, 120);
    throw new InputFileError(
      `event file ${path} is not JSON (${reason}); every trigger sends JSON: see test/fixtures/ for examples`,
    );
  }
  return event;
}

/**
 * `webplus-abort invoke --event FILE [--context FILE] [--scenario FILE] [--journal FILE]
 * [--profile NAME] [--region ID]`: runs the FC handler in-process with the file's bytes as the
 * event (a Buffer, as FC delivers it). stdout carries exactly one JSON document, the handler's
 * return value; while the handler runs, `process.stdout.write` goes to stderr (banners, the stdout
 * store, fallback lines). With `--remote [--service S] --function F [--qualifier Q] [--async]`
 * the event goes to the deployed function instead (cli/commands/invoke-remote.ts).
 * @returns 0, or 1 when a result ended failed / timeout or the HTTP status is >= 400.
 * @throws UsageError (unreadable or non-JSON files, bad options), CredentialsError, ConfigError,
 *   PolicyError, HandlerThrewError.
 */
export async function invokeCommand(options: InvokeOptions): Promise<ExitCode | number> {
  const event = await readEventFile(options.event);
  if (options.remote) {
    if (!options.function) throw new UsageError('invoke --remote needs --function NAME');
    if (options.scenario || options.journal || options.context) {
      throw new UsageError('--scenario, --journal and --context apply to local invocations only');
    }
    return invokeRemoteCommand({
      event,
      functionName: options.function,
      ...(options.service ? { serviceName: options.service } : {}),
      ...(options.qualifier ? { qualifier: options.qualifier } : {}),
      ...(options.profile !== undefined ? { profile: options.profile } : {}),
      ...(options.region !== undefined ? { region: options.region } : {}),
      async: options.async === true,
    });
  }
  if (options.function || options.async || options.service || options.qualifier) {
    throw new UsageError('--function, --service, --qualifier and --async need --remote');
  }
  if (options.journal && !options.scenario) {
    throw new UsageError('--journal needs --scenario (it is the sandbox request journal)');
  }
  const overrides = options.context
    ? await readJsonObject(options.context, 'context file')
    : undefined;

  const target = await runTarget(options);
  try {
    stderrLine(`webplus-abort: ${target.description}`);
    const { runtime } = buildRuntime(target.env, {
      sink: stderrLine,
      ...(target.sandboxPlatforms ? { sandbox: target.sandboxPlatforms } : {}),
    });
    if (!target.credentials) {
      stderrLine(
        'webplus-abort: no Alibaba Cloud credentials and no --scenario: Web+ calls will be refused',
      );
    }
    const context = defaultContext(target.credentials, {
      region: target.region,
      ...((overrides ?? {}) as Partial<FcContext>),
    });
    // What the notification did goes to stderr (stdout stays the one JSON document).
    const handler = createHandler(runtime, (report) => {
      if (!report.notification) return;
      stderrLine(notifiedLine(report.notification.report.targets));
      const failed = notifyFailureLine(report.notification.report.targets);
      if (failed) stderrLine(failed);
    });
    const result = await withStdoutOnStderr(async () => {
      try {
        return await handler(event, context);
      } catch (err) {
        throw new HandlerThrewError(err);
      }
    });
    process.stdout.write(`${JSON.stringify(result)}\n`);
    if (target.sandbox && options.journal) {
      await target.sandbox.sandbox.writeJournal(options.journal);
      stderrLine(`webplus-abort: sandbox journal written to ${options.journal}`);
    }
    return exitCodeForResult(result);
  } finally {
    await target.sandbox?.sandbox.close();
  }
}

/** Runs `fn` with `process.stdout.write` pointed at stderr, restoring it afterwards. */
async function withStdoutOnStderr(fn: () => Promise<HandlerResult>): Promise<HandlerResult> {
  const original = process.stdout.write;
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  try {
    return await fn();
  } finally {
    process.stdout.write = original;
  }
}
