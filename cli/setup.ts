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
import { DEMO_SLS_LOGSTORE, DEMO_SLS_PROJECT } from '../sandbox/sls/server.js';
import {
  loadScenarioFile,
  type Scenario,
  startWebplusSandbox,
  type WebplusSandbox,
} from '../sandbox/webplus/index.js';
import { InputFileError, PortInUseError, SandboxEscapeError, UsageError } from './errors.js';
import { packageRoot } from './paths.js';
import {
  isLoopbackUrl,
  type SandboxEmulators,
  type SandboxPlatforms,
  sandboxPlatforms,
} from './sandbox-platforms.js';

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
  /** The scenario file, as given (records and messages name it). */
  path: string;
  credentials: Credentials;
  /** The loopback URLs of the emulators started: Web+ always, SAE / EDAS for their sections. */
  emulators: SandboxEmulators;
}

/**
 * Loads a scenario file and starts the Web+ sandbox on loopback, and the SAE / EDAS emulators
 * for the scenario's `sae` / `edas` sections (each on its own ephemeral port).
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
  return {
    sandbox,
    scenario,
    path,
    credentials,
    emulators: {
      webplus: webplus.url,
      ...(sae ? { sae: sae.url } : {}),
      ...(edas ? { edas: edas.url } : {}),
    },
  };
}

/** The platforms a scenario has emulators for, in order (`webplus` always). */
export function scenarioPlatforms(emulators: SandboxEmulators): string[] {
  return ['webplus', ...(emulators.sae ? ['sae'] : []), ...(emulators.edas ? ['edas'] : [])];
}

/**
 * The environment the handler sees when it runs against a sandbox: the emulators' URLs (no
 * endpoint variable of `base` survives), no account keys, `PLATFORMS` as `base` says (unset:
 * `unsetPlatforms`, else the function's default `webplus`); and the platforms forced off
 * because the scenario has no emulator for them (cli/sandbox-platforms.ts).
 */
export function sandboxEnv(
  base: NodeJS.ProcessEnv,
  started: Pick<ScenarioSandbox, 'emulators' | 'path'>,
  unsetPlatforms?: readonly string[],
): SandboxPlatforms {
  const out = sandboxPlatforms(base, started.emulators, started.path, unsetPlatforms);
  for (const key of CREDENTIAL_VARIABLES) delete out.env[key];
  return out;
}

/**
 * Refuses a sandbox runtime with any Web+ region, SAE or EDAS endpoint that is not a loopback
 * URL: a check of its own, sharing nothing with how `sandboxEnv` built the environment.
 * @throws SandboxEscapeError naming the platform and the host
 */
export function assertLoopbackRuntime(runtime: Runtime): void {
  const endpoints: Array<[string, string]> = [
    ...runtime.regions.map((r): [string, string] => [`webplus ${r.regionId}`, r.endpoint]),
    ...(['sae', 'edas'] as const).flatMap((name) =>
      runtime.platforms[name].regions.map((r): [string, string] => [
        `${name} ${r.regionId}`,
        r.endpoint,
      ]),
    ),
  ];
  for (const [what, url] of endpoints) {
    if (!isLoopbackUrl(url)) {
      throw new SandboxEscapeError(
        `refused: this sandbox run would send ${what} calls to ${url.replace(/[?#].*$/, '')}, not to a local emulator; nothing was sent`,
      );
    }
  }
}

/** SLS stand-in settings for `--sls` (docs/reference/cli.md; the stand-in's default names). */
export function slsEnv(base: NodeJS.ProcessEnv, standInUrl: string): NodeJS.ProcessEnv {
  return {
    ...base,
    LOG_STORE: 'sls',
    SLS_ENDPOINT: standInUrl,
    SLS_PROJECT: DEMO_SLS_PROJECT,
    SLS_LOGSTORE: DEMO_SLS_LOGSTORE,
  };
}

/**
 * Validated configuration, policy and runtime, as the function builds them at cold start.
 * Stdout-store and fallback lines go to `sink` (stderr for `invoke`, so stdout stays one document).
 * With `sandbox` (a `--scenario` run): the platforms it names are forced off, and every endpoint
 * must be loopback ({@link assertLoopbackRuntime}).
 * @throws ConfigError / PolicyError (exit 2); SandboxEscapeError (exit 2).
 */
export function buildRuntime(
  env: NodeJS.ProcessEnv,
  options: { sink?: LineSink; sandbox?: Pick<SandboxPlatforms, 'notEnabled'> } = {},
): { config: Config; runtime: Runtime } {
  const config = loadConfig(env);
  const policy = loadPolicy({ file: config.policyFile, inline: config.policyInline });
  const runtime = createRuntime({
    config,
    policy,
    version: VERSION,
    sink: options.sink,
    warn: stderrLine,
    ...(options.sandbox ? { platformNotEnabled: options.sandbox.notEnabled } : {}),
  });
  if (options.sandbox) assertLoopbackRuntime(runtime);
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
