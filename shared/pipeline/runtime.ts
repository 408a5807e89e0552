import type { Config } from '../config/config.js';
import { ConfigError } from '../config/errors.js';
import { createPacer, type Pacer } from '../core/pacer.js';
import { createRedactor, type Redactor } from '../core/redact.js';
import { edasEndpoint } from '../edas/endpoints.js';
import { InFlightChanges } from '../executor/in-flight.js';
import { RecentEvents } from '../intake/recent-events.js';
import { createNotifier, type Notifier, type NotifierOptions } from '../notify/notifier.js';
import { createFileStore } from '../outcome-log/file-store.js';
import type { LineSink } from '../outcome-log/line-sink.js';
import { stdoutSink } from '../outcome-log/line-sink.js';
import { OutcomeLog } from '../outcome-log/outcome-log.js';
import { createSlsStore } from '../outcome-log/sls-store.js';
import { createStdoutStore } from '../outcome-log/stdout-store.js';
import type { OutcomeStore } from '../outcome-log/store.js';
import { UnknownRegionError } from '../platform/errors.js';
import type { Policy } from '../policy/schema.js';
import { saeEndpoint } from '../sae/endpoints.js';
import {
  resolveWebplusRegion,
  UnknownWebplusRegionError,
  type WebplusRegion,
} from '../webplus/endpoints.js';

/**
 * Everything one FC instance keeps between invocations, built once at cold start: validated
 * configuration and policy, the outcome log, the Web+ pacer (shared by overlapping
 * invocations), the in-flight set and the EventBridge redelivery memory. Never credentials:
 * those come with each invocation.
 */
export interface Runtime {
  config: Config;
  policy: Policy;
  outcomeLog: OutcomeLog;
  /** The Web+ regions and their endpoints, resolved at cold start (config order). */
  regions: WebplusRegion[];
  /** The pacer of the first region (kept for callers that know one region). */
  pacer: Pacer;
  /** One pacer per region: each region's limits are its own (`WEBPLUS_CONCURRENCY`, `WEBPLUS_QPS`). */
  pacerFor(regionId: string): Pacer;
  /**
   * Removes the instance's secrets (HTTP tokens, the environment's keys) from a text or value;
   * an invocation adds its own credentials with `redactorFor`.
   */
  redactorFor(extra: readonly (string | undefined)[]): Redactor;
  inFlight: InFlightChanges;
  recentEvents: RecentEvents;
  version: string;
  /** Warnings (refused HTTP calls) and notices; never given a secret. */
  warn: LineSink;
  /** Random source for retry jitter (injected in unit tests only). */
  random: () => number;
  /** SAE and EDAS: endpoint (when enabled) and the instance's pacer for that API. */
  platforms: PlatformRuntime;
  /**
   * Warnings found at cold start (e.g. no HTTP token), each written once as a record by the
   * first invocation of the instance (then emptied).
   */
  startupWarnings: string[];
  /** Sends the summary of each invocation; absent when the policy names no `notify.targets`. */
  notifier?: Notifier;
}

/**
 * SAE / EDAS parts of the runtime: the endpoint when the platform is enabled; when it is not,
 * `notEnabled` may say why in words (the detail of its `PlatformNotEnabled` records; default:
 * not in `PLATFORMS`).
 */
export type PlatformRuntime = Record<
  'sae' | 'edas',
  { endpoint?: string; pacer: Pacer; notEnabled?: string }
>;

export interface RuntimeOptions {
  /** Cold-start warnings to record with the first invocation (functions/.../cold-start.ts). */
  startupWarnings?: string[];
  config: Config;
  policy: Policy;
  version: string;
  /** Overrides the store chosen by `config.logStore` (tests). */
  store?: OutcomeStore;
  /** Where stdout-store lines and fallback lines go (default process.stdout). */
  sink?: LineSink;
  warn?: LineSink;
  random?: () => number;
  /** Where the notify targets' `urlEnv` / `secretEnv` variables are read (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** The notifier's clock and HTTP client (tests of the notifier's own behaviour). */
  notifierOptions?: NotifierOptions;
  /**
   * Platforms forced off whatever `PLATFORMS` says, each with why in words for its
   * `PlatformNotEnabled` records (the CLI's sandbox: `the scenario has no sae section`).
   */
  platformNotEnabled?: Partial<Record<'sae' | 'edas', string>>;
}

/** Builds the store `LOG_STORE` names (defaults: docs/reference/configuration.md). */
export function storeFor(config: Config, sink: LineSink = stdoutSink): OutcomeStore {
  switch (config.logStore) {
    case 'sls':
      return createSlsStore({
        endpoint: config.slsEndpoint!,
        project: config.slsProject!,
        logstore: config.slsLogstore!,
        attemptTimeoutMs: config.attemptTimeoutMs,
        maxAttempts: config.retryMaxAttempts,
        baseDelayMs: config.retryBaseMs,
      });
    case 'stdout':
      return createStdoutStore(sink);
    default:
      return createFileStore(config.outcomeLogFile);
  }
}

/**
 * The Web+ regions of a configuration with their endpoints (endpoints.ts: the SDK endpoint map,
 * or `WEBPLUS_ENDPOINT` for all).
 * @throws ConfigError naming `WEBPLUS_REGIONS` (or `FC_REGION` when the region came from there)
 *   for a region no endpoint is known for
 */
export function resolveRegions(config: Config): WebplusRegion[] {
  return config.webplusRegions.map((regionId) => {
    try {
      return resolveWebplusRegion(regionId, config.webplusEndpoint);
    } catch (err) {
      if (!(err instanceof UnknownWebplusRegionError)) throw err;
      const variable = config.webplusRegionsFrom === 'FC_REGION' ? 'FC_REGION' : 'WEBPLUS_REGIONS';
      throw new ConfigError(
        `invalid ${variable}: ${err.message}; set WEBPLUS_REGIONS to the regions your Web+ applications live in`,
        variable,
      );
    }
  });
}

/**
 * Builds the runtime of one instance (cold start).
 * @throws ConfigError for a region without a known Web+ endpoint (see `resolveRegions`)
 * @throws NotifyConfigError when a notify target's variable is unset or its URL is not https.
 */
export function createRuntime(options: RuntimeOptions): Runtime {
  const sink = options.sink ?? stdoutSink;
  const notifier = createNotifier(
    options.policy.notify,
    options.env ?? process.env,
    options.notifierOptions,
  );
  const { config } = options;
  const regions = resolveRegions(config);
  const pacers = new Map<string, Pacer>();
  const pacerFor = (regionId: string): Pacer => {
    let pacer = pacers.get(regionId);
    if (!pacer) {
      pacer = createPacer({
        concurrency: config.webplusConcurrency,
        qps: config.webplusQps,
        burst: config.webplusBurst,
      });
      pacers.set(regionId, pacer);
    }
    return pacer;
  };
  const instanceSecrets = [
    ...config.httpAuthTokens,
    config.envCredentials?.accessKeySecret,
    config.envCredentials?.securityToken,
  ];
  const redactorFor = (extra: readonly (string | undefined)[]) =>
    createRedactor([...instanceSecrets, ...extra]);
  const instanceRedactor = redactorFor([]);
  const warn = options.warn ?? ((line: string) => process.stderr.write(`${line}\n`));
  return {
    config,
    policy: options.policy,
    outcomeLog: new OutcomeLog(options.store ?? storeFor(config, sink), sink),
    regions,
    pacer: pacerFor(regions[0]?.regionId ?? config.region),
    pacerFor,
    redactorFor,
    inFlight: new InFlightChanges(),
    recentEvents: new RecentEvents(),
    version: options.version,
    // Every warning line passes the redactor: a token pasted somewhere never reaches a log.
    warn: (line) => warn(instanceRedactor.text(line)),
    random: options.random ?? Math.random,
    startupWarnings: [...(options.startupWarnings ?? [])],
    ...(notifier ? { notifier } : {}),
    platforms: platformRuntime(options.config, options.platformNotEnabled),
  };
}

/**
 * Endpoints and pacers of the enabled SAE / EDAS platforms, resolved at cold start; a platform
 * in `notEnabled` gets no endpoint (forced off) whatever `config.platforms` says.
 * @throws ConfigError (`SAE_REGION` / `EDAS_REGION`) for a region with no known endpoint
 */
export function platformRuntime(
  config: Config,
  notEnabled: Partial<Record<'sae' | 'edas', string>> = {},
): PlatformRuntime {
  const endpoint = (name: 'sae' | 'edas'): string | undefined => {
    if (!config.platforms.includes(name)) return undefined;
    const explicit = name === 'sae' ? config.saeEndpoint : config.edasEndpoint;
    if (explicit) return explicit;
    const region = name === 'sae' ? config.saeRegion : config.edasRegion;
    try {
      return name === 'sae' ? saeEndpoint(region) : edasEndpoint(region);
    } catch (err) {
      if (!(err instanceof UnknownRegionError)) throw err;
      const variable = name === 'sae' ? 'SAE_REGION' : 'EDAS_REGION';
      throw new ConfigError(`invalid ${variable}: ${err.message}`, variable);
    }
  };
  const pacer = (qps: number) => createPacer({ concurrency: 4, qps, burst: qps });
  // A platform named in `notEnabled` is off whatever PLATFORMS says (the CLI's sandbox has no
  // emulator for it); its records say why when PLATFORMS lists it, else that PLATFORMS does not.
  const entry = (name: 'sae' | 'edas', qps: number) => {
    const why = notEnabled[name];
    const url = why === undefined ? endpoint(name) : undefined;
    return {
      endpoint: url,
      pacer: pacer(qps),
      ...(why !== undefined && config.platforms.includes(name) ? { notEnabled: why } : {}),
    };
  };
  return { sae: entry('sae', config.saeQps), edas: entry('edas', config.edasQps) };
}
