import { createHandler } from '../../functions/abort-stuck-changes/handler.js';
import type { FcContext } from '../../shared/fc/context.js';
import type { HandlerResult } from '../../shared/pipeline/handle-event.js';
import { HandlerThrewError, UsageError } from '../errors.js';
import { type ExitCode, exitCodeForResult } from '../exit-codes.js';
import {
  buildRuntime,
  defaultContext,
  readInputFile,
  readJsonObject,
  type ScenarioSandbox,
  sandboxEnv,
  startScenario,
  stderrLine,
} from '../setup.js';
import { invokeRemote } from './invoke-remote.js';

export interface InvokeOptions {
  event: string;
  context?: string;
  scenario?: string;
  journal?: string;
  remote?: boolean;
  function?: string;
  async?: boolean;
}

/**
 * `webplus-abort invoke --event FILE [--context FILE] [--scenario FILE] [--journal FILE]`:
 * runs the FC handler in-process with the file's bytes as the event (a Buffer, as FC delivers it).
 * stdout carries exactly one JSON document, the handler's return value; while the handler runs,
 * `process.stdout.write` goes to stderr (banners, the stdout store, fallback lines).
 * @returns 0, or 1 when a result ended failed / timeout or the HTTP status is >= 400.
 * @throws UsageError (unreadable files, bad options), ConfigError, PolicyError, HandlerThrewError.
 */
export async function invokeCommand(options: InvokeOptions): Promise<ExitCode | number> {
  const event = await readInputFile(options.event, 'event file');
  const overrides = options.context
    ? await readJsonObject(options.context, 'context file')
    : undefined;
  if (options.remote) {
    if (!options.function) throw new UsageError('invoke --remote needs --function NAME');
    if (options.scenario || options.journal) {
      throw new UsageError('--scenario and --journal apply to local invocations only');
    }
    return invokeRemote({
      event,
      functionName: options.function,
      async: options.async,
      context: overrides,
    });
  }
  if (options.function || options.async) {
    throw new UsageError('--function and --async need --remote');
  }
  if (options.journal && !options.scenario) {
    throw new UsageError('--journal needs --scenario (it is the sandbox request journal)');
  }

  let sandbox: ScenarioSandbox | undefined;
  try {
    let env = process.env;
    if (options.scenario) {
      sandbox = await startScenario(options.scenario);
      env = sandboxEnv(process.env, sandbox.sandbox.url, sandbox.platformEnv);
      stderrLine(`webplus-abort: Web+ sandbox at ${sandbox.sandbox.url}`);
    }
    const { config, runtime } = buildRuntime(env, { sink: stderrLine });
    const credentials = sandbox?.credentials ?? config.envCredentials;
    if (!credentials) {
      stderrLine(
        'webplus-abort: no Alibaba Cloud credentials in the environment and no --scenario: Web+ calls will be refused',
      );
    }
    const context = defaultContext(credentials, (overrides ?? {}) as Partial<FcContext>);
    const handler = createHandler(runtime);
    const result = await withStdoutOnStderr(async () => {
      try {
        return await handler(event, context);
      } catch (err) {
        throw new HandlerThrewError(err);
      }
    });
    process.stdout.write(`${JSON.stringify(result)}\n`);
    if (sandbox && options.journal) {
      await sandbox.sandbox.writeJournal(options.journal);
      stderrLine(`webplus-abort: sandbox journal written to ${options.journal}`);
    }
    return exitCodeForResult(result);
  } finally {
    await sandbox?.sandbox.close();
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
