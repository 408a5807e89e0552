import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Config, loadConfig } from '#shared/config/config.js';
import type { Credentials } from '#shared/core/credentials.js';
import type { FcContext } from '#shared/fc/context.js';
import type { LineSink } from '#shared/outcome-log/line-sink.js';
import { createRuntime, type Runtime } from '#shared/pipeline/runtime.js';
import { loadPolicy } from '#shared/policy/load.js';
import { VERSION } from '#shared/version.js';
import { startEdasSandbox } from '../sandbox/edas/server.js';
import { startSaeSandbox } from '../sandbox/sae/server.js';
import {
  loadScenarioFile,
  type Scenario,
  startWebplusSandbox,
  type WebplusSandbox,
} from '../sandbox/webplus/index.js';
import { InputFileError, PortInUseError, UsageError } from './errors.js';
import { packageRoot } from './paths.js';

/** The demo scenario `start` seeds the sandbox with (and `sandbox`'s default). */
export const DEMO_SCENARIO = join(packageRoot(), 'sandbox', 'scenarios', 'demo.json');
/** The `start` demo: the Web+ demo plus one stuck change order each of SAE and EDAS. */
export const START_SCENARIO = join(
  packageRoot(),
  'sandbox',
  'scenarios',
  'demo-all-platforms.json',
);

/** Environment keys of Alibaba Cloud credentials: ignored when a scenario is given. */
export const CREDENTIAL_VARIABLES = [
  'ALIBABA_CLOUD_ACCESS_KEY_ID',
  'ALIBABA_CLOUD_ACCESS_KEY_SECRET',
  'ALIBABA_CLOUD_SECURITY_TOKEN',
] as const;

/** Writes one line to stderr (banners, notices, warnings). */
export const stderrLine: LineSink = (line) => {
  process.stderr.write(`${line}\n`);
};

/** A started sandbox and the credentials the handler should sign with. */
export interface ScenarioSandbox {
  /** The Web+ sandbox; its `close()` also stops the SAE / EDAS emulators of the scenario. */
  sandbox: WebplusSandbox;
  scenario: Scenario;
  credentials: Credentials;
  /**
   * With `sae` / `edas` sections: `PLATFORMS` and `SAE_ENDPOINT` / `EDAS_ENDPOINT` pointing at
   * their emulators (each on its own ephemeral port); empty otherwise.
   */
  platformEnv: Record<string, string>;
}

/**
 * Loads a scenario file and starts the Web+ sandbox on loopback.
 * @throws InputFileError when the file cannot be read or is not a valid scenario; PortInUseError.
 */
export async function startScenario(path: string, port = 0): Promise<ScenarioSandbox> {
  let scenario: Scenario;
  try {
    scenario = await loadScenarioFile(path);
  } catch (err) {
    throw new InputFileError((err as Error).message);
  }
  let webplus: WebplusSandbox;
  try {
    webplus = await startWebplusSandbox(scenario, { port });
  } catch (err) {
    throw listenFailure(err, port, '--port');
  }
  const sae = scenario.sae ? await startSaeSandbox(scenario) : undefined;
  const edas = scenario.edas ? await startEdasSandbox(scenario) : undefined;
  const platformEnv: Record<string, string> = {};
  if (sae || edas) {
    platformEnv.PLATFORMS = ['webplus', ...(sae ? ['sae'] : []), ...(edas ? ['edas'] : [])].join(
      ',',
    );
    // the emulators throttle only when the scenario says so (qpsLimit): no need for SAE's 1/s
    if (sae) Object.assign(platformEnv, { SAE_ENDPOINT: sae.url, SAE_QPS: '50' });
    if (edas) Object.assign(platformEnv, { EDAS_ENDPOINT: edas.url, EDAS_QPS: '50' });
  }
  const sandbox: WebplusSandbox = {
    ...webplus,
    close: async () => {
      await Promise.all([webplus.close(), sae?.close(), edas?.close()]);
    },
  };
  const first = scenario.credentials[0];
  const credentials: Credentials = first
    ? {
        accessKeyId: first.accessKeyId,
        accessKeySecret: first.accessKeySecret,
        ...(first.securityToken ? { securityToken: first.securityToken } : {}),
      }
    : { accessKeyId: 'sandbox-ak', accessKeySecret: 'sandbox-secret' };
  return { sandbox, scenario, credentials, platformEnv };
}

/** The environment the handler sees when it runs against a sandbox: its URL, no account keys. */
export function sandboxEnv(
  base: NodeJS.ProcessEnv,
  sandboxUrl: string,
  platformEnv: Record<string, string> = {},
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, WEBPLUS_ENDPOINT: sandboxUrl, ...platformEnv };
  for (const key of CREDENTIAL_VARIABLES) delete env[key];
  return env;
}

/** SLS stand-in settings for `--sls` (docs/reference/cli.md; the stand-in's default names). */
export function slsEnv(base: NodeJS.ProcessEnv, standInUrl: string): NodeJS.ProcessEnv {
  return {
    ...base,
    LOG_STORE: 'sls',
    SLS_ENDPOINT: standInUrl,
    SLS_PROJECT: 'webplus-abort-demo',
    SLS_LOGSTORE: 'outcomes',
  };
}

/**
 * Validated configuration, policy and runtime, as the function builds them at cold start.
 * Stdout-store and fallback lines go to `sink` (stderr for `invoke`, so stdout stays one document).
 * @throws ConfigError / PolicyError (exit 2).
 */
export function buildRuntime(
  env: NodeJS.ProcessEnv,
  options: { sink?: LineSink } = {},
): { config: Config; runtime: Runtime } {
  const config = loadConfig(env);
  const policy = loadPolicy({ file: config.policyFile, inline: config.policyInline });
  const runtime = createRuntime({
    config,
    policy,
    version: VERSION,
    sink: options.sink,
    warn: stderrLine,
  });
  return { config, runtime };
}

/**
 * The default FC context of a local run: `function {name: 'abort-stuck-changes', timeout: 60,
 * memory: 256}` (timeout in seconds), a fresh `requestId`, the credentials in use, region
 * `cn-hangzhou`; fields of `overrides` replace these (`function` is merged key by key).
 */
export function defaultContext(
  credentials: Credentials | undefined,
  overrides: Partial<FcContext> = {},
): FcContext {
  const base: FcContext = {
    requestId: `cli-${randomUUID()}`,
    ...(credentials ? { credentials } : {}),
    function: { name: 'abort-stuck-changes', handler: 'index.handler', timeout: 60, memory: 256 },
    region: 'cn-hangzhou',
  };
  return {
    ...base,
    ...overrides,
    function: { ...base.function, ...(overrides.function ?? {}) },
  };
}

/**
 * Reads a file as bytes.
 * @throws InputFileError naming the file when it cannot be read.
 */
export async function readInputFile(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    throw new InputFileError(
      `cannot read ${what} ${path}: ${(err as NodeJS.ErrnoException).message}`,
    );
  }
}

/**
 * Reads a JSON object file.
 * @throws InputFileError when it cannot be read or is not a JSON object.
 */
export async function readJsonObject(path: string, what: string): Promise<Record<string, unknown>> {
  const bytes = await readInputFile(path, what);
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new InputFileError(`${what} ${path} is not JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InputFileError(`${what} ${path} must hold a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** Resolves when SIGINT or SIGTERM arrives (Ctrl-C closes servers). */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

/**
 * What a failed `listen` on 127.0.0.1 means for the operator: a port in use or not allowed
 * becomes a one-line PortInUseError (exit 2) naming the port and the option that picks another;
 * anything else is returned as it is.
 */
export function listenFailure(err: unknown, port: number, option: string): unknown {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') {
    return new PortInUseError(
      `port ${port} is already in use on 127.0.0.1: stop what holds it, or pass ${option} N (${option} 0 picks a free port)`,
    );
  }
  if (code === 'EACCES') {
    return new PortInUseError(
      `port ${port} needs privileges on this machine: pass ${option} N with N above 1023`,
    );
  }
  return err;
}

/** Parses a TCP port option (0 = any free port). @throws UsageError */
export function parsePort(raw: string): number {
  if (!/^\d+$/.test(raw) || Number(raw) > 65535) {
    throw new UsageError(
      `--port must be a whole number from 0 to 65535, got ${JSON.stringify(raw)}`,
    );
  }
  return Number(raw);
}

/** Commander collector for repeatable options (kept here for existing imports; see cli/options.ts). */
export { collect } from './options.js';
