import type { Config } from '../config/config.js';
import { ConfigError } from '../config/errors.js';
import { createPacer, type Pacer } from '../core/pacer.js';
import { createRedactor, type Redactor } from '../core/redact.js';
import { edasEndpoint } from '../edas/endpoints.js';
import { InFlightChanges } from '../executor/in-flight.js';
import { RecentEvents } from '../intake/recent-events.js';
import { createNotifier, type Notifier, type NotifierOptions } from '../notify/notifier.js';
import { createFileStore } from '../outcome-log/file-store.js';
import {
  guardProcessStreams,
  type LineOutput,
  stdoutOutput,
  stdoutThenStderr,
} from '../outcome-log/line-output.js';
import type { LineSink } from '../outcome-log/line-sink.js';
import { OutcomeLog } from '../outcome-log/outcome-log.js';
import { createSlsStore } from '../outcome-log/sls-store.js';
import { createStdoutStore } from '../outcome-log/stdout-store.js';
import type { OutcomeStore } from '../outcome-log/store.js';
import { UnknownRegionError } from '../platform/errors.js';
import type { Policy } from '../policy/schema.js';
import { saeEndpoint } from '../sae/endpoints.js';
import { DirectoryCache } from '../targeting/directory-cache.js';
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
  /**
   * Each region's last complete environment listing, remembered for 5 minutes
   * (shared/targeting/directory-cache.ts): a hint for alarms naming only a ChangeId, always
   * confirmed by DescribeChange. Absent: every such alarm lists the region.
   */
  directoryCache?: DirectoryCache;
  version: string;
  /** Warnings (refused HTTP calls) and notices; never given a secret. */
  warn: LineSink;
  /** Random source for retry jitter (injected in unit tests only). */
  random: () => number;
  /**
   * The monotonic clock, ms (`performance.now()`; injected in tests): how old a sweep's read is
   * when its abort would start (`sweep.maxReadAgeSeconds`, red-team 24 F10).
   */
  monoNow: () => number;
  /** SAE and EDAS: the enabled regions with their endpoints, and one pacer per region. */
  platforms: PlatformRuntime;
  /**
   * Warnings found at cold start (e.g. no HTTP token), each written once as a record by the
   * first invocation of the instance (then emptied).
   */
  startupWarnings: string[];
  /**
   * Epoch ms the instance's runtime was built (cold start), until its first invocation takes
   * it: a callback of that invocation whose arrival is not known counts its budget from here
   * (fc/arrival.ts). Then `undefined`.
   */
  coldStartAtMs?: number;
  /** Sends the summary of each invocation; absent when the policy names no `notify.targets`. */
  notifier?: Notifier;
}

/** One SAE / EDAS region as the instance calls it, resolved at cold start. */
export interface PlatformRegion {
  platform: 'sae' | 'edas';
  regionId: string;
  /** The base URL calls go to: the region's endpoint, or `SAE_ENDPOINT` / `EDAS_ENDPOINT`. */
  endpoint: string;
  /**
   * The region's real host (from the endpoint table), sent as `Host` when `endpoint` is an
   * override: one sandbox or proxy serving several regions tells them apart by it. Absent when
   * `endpoint` is the table's own (its host is already that).
   */
  host?: string;
  /** Where `endpoint` came from. */
  endpointSource: 'table' | 'SAE_ENDPOINT' | 'EDAS_ENDPOINT';
}

/** One SAE / EDAS platform of the runtime. */
export interface PlatformRuntimeEntry {
  /**
   * The regions to work in (config order); empty when `PLATFORMS` does not list the platform, or
   * when the runtime forces it off (`notEnabled`).
   */
  regions: PlatformRegion[];
  /**
   * Why the platform is not enabled although `PLATFORMS` lists it, in words (the detail of its
   * `PlatformNotEnabled` records): set when `RuntimeOptions.platformNotEnabled` forced it off.
   */
  notEnabled?: string;
  /**
   * The pacer of one region: each (platform, region) has its own API limits (`SAE_QPS` /
   * `EDAS_QPS`, 4 calls in flight), shared by the instance's overlapping invocations.
   */
  pacerFor(regionId: string): Pacer;
}

/** SAE / EDAS parts of the runtime. */
export type PlatformRuntime = Record<'sae' | 'edas', PlatformRuntimeEntry>;

export interface RuntimeOptions {
  /** Cold-start warnings to record with the first invocation (functions/.../cold-start.ts). */
  startupWarnings?: string[];
  config: Config;
  policy: Policy;
  version: string;
  /** Overrides the store chosen by `config.logStore` (tests). */
  store?: OutcomeStore;
  /**
   * Where stdout-store lines and fallback lines go (default process.stdout, with stderr as the
   * fallback's last resort; a write waits until stdout took the line, up to the write deadline).
   */
  sink?: LineSink;
  warn?: LineSink;
  random?: () => number;
  /** The monotonic clock, ms (default `performance.now()`). */
  monoNow?: () => number;
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
export function storeFor(config: Config, sink: LineSink | LineOutput = stdoutOutput): OutcomeStore {
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
  // A write error on stdout or stderr (ENOSPC, EPIPE) must never kill the instance: the
  // invocations sharing it would die with their records (shared/outcome-log/line-output.ts).
  guardProcessStreams();
  const sink = options.sink;
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
  // The HTTP tokens, the keys of the environment, and the notification targets' secrets.
  const instanceSecrets = [
    ...(notifier?.secrets ?? []),
    ...config.httpAuthTokens,
    config.envCredentials?.accessKeySecret,
    config.envCredentials?.securityToken,
  ];
  const redactorFor = (extra: readonly (string | undefined)[]) =>
    createRedactor([...instanceSecrets, ...extra]);
  const instanceRedactor = redactorFor([]);
  const warn = options.warn ?? ((line: string) => process.stderr.write(`${line}\n`, () => {}));
  return {
    config,
    policy: options.policy,
    outcomeLog: new OutcomeLog(
      options.store ?? storeFor(config, sink ?? stdoutOutput),
      sink ?? stdoutThenStderr,
    ),
    regions,
    pacer: pacerFor(regions[0]?.regionId ?? config.region),
    pacerFor,
    redactorFor,
    inFlight: new InFlightChanges(),
    recentEvents: new RecentEvents(),
    directoryCache: new DirectoryCache(),
    version: options.version,
    // Every warning line passes the redactor: a token pasted somewhere never reaches a log.
    warn: (line) => warn(instanceRedactor.text(line)),
    random: options.random ?? Math.random,
    monoNow: options.monoNow ?? (() => performance.now()),
    startupWarnings: [...(options.startupWarnings ?? [])],
    coldStartAtMs: Date.now(),
    ...(notifier ? { notifier } : {}),
    platforms: platformRuntime(options.config, options.platformNotEnabled),
  };
}

/**
 * One SAE / EDAS region's endpoint: `SAE_ENDPOINT` / `EDAS_ENDPOINT` when set (then `host` is
 * the region's real host, sent as the `Host` header), else the platform's table
 * (shared/sae/endpoints.ts `saeEndpoint`, shared/edas/endpoints.ts `edasEndpoint`, public
 * network). The region must be in the table either way: a `Host` is never made up.
 * @param platform `sae` or `edas`
 * @param regionId e.g. `cn-hangzhou`
 * @param override the endpoint override, `http(s)://host[:port]`
 * @throws UnknownRegionError for a region the platform's table does not list
 */
export function resolvePlatformRegion(
  platform: 'sae' | 'edas',
  regionId: string,
  override?: string,
): PlatformRegion {
  const table = platform === 'sae' ? saeEndpoint(regionId) : edasEndpoint(regionId);
  if (!override) return { platform, regionId, endpoint: table, endpointSource: 'table' };
  return {
    platform,
    regionId,
    endpoint: override.replace(/\/+$/, ''),
    host: new URL(table).host,
    endpointSource: platform === 'sae' ? 'SAE_ENDPOINT' : 'EDAS_ENDPOINT',
  };
}

/**
 * Regions, endpoints and pacers of the enabled SAE / EDAS platforms, resolved at cold start
 * (`SAE_REGIONS` / `EDAS_REGIONS`, default the function's region); a platform in `notEnabled`
 * gets no region (forced off) whatever `config.platforms` says.
 * @throws ConfigError naming `SAE_REGIONS` / `EDAS_REGIONS` (or `FC_REGION` when the region
 *   came from there) for a region with no known endpoint
 */
export function platformRuntime(
  config: Config,
  notEnabled: Partial<Record<'sae' | 'edas', string>> = {},
): PlatformRuntime {
  const entry = (name: 'sae' | 'edas'): PlatformRuntimeEntry => {
    // Forced off (the CLI's sandbox has no emulator for it): no region, whatever PLATFORMS says;
    // its records say why when PLATFORMS lists it, else that PLATFORMS does not.
    const forcedOff = notEnabled[name];
    const listed = config.platforms.includes(name);
    const enabled = listed && forcedOff === undefined;
    const regionIds = name === 'sae' ? config.saeRegions : config.edasRegions;
    const from = name === 'sae' ? config.saeRegionsFrom : config.edasRegionsFrom;
    const override = name === 'sae' ? config.saeEndpoint : config.edasEndpoint;
    const regions = enabled
      ? regionIds.map((regionId) => {
          try {
            return resolvePlatformRegion(name, regionId, override);
          } catch (err) {
            if (!(err instanceof UnknownRegionError)) throw err;
            const variable = from === 'FC_REGION' ? 'FC_REGION' : `${name.toUpperCase()}_REGIONS`;
            throw new ConfigError(
              `invalid ${variable}: ${err.message}; set ${name.toUpperCase()}_REGIONS to the regions your ${name.toUpperCase()} applications live in`,
              variable,
            );
          }
        })
      : [];
    const qps = name === 'sae' ? config.saeQps : config.edasQps;
    const pacers = new Map<string, Pacer>();
    return {
      regions,
      ...(listed && forcedOff !== undefined ? { notEnabled: forcedOff } : {}),
      pacerFor: (regionId) => {
        let pacer = pacers.get(regionId);
        if (!pacer) {
          pacer = createPacer({ concurrency: 4, qps, burst: qps });
          pacers.set(regionId, pacer);
        }
        return pacer;
      },
    };
  };
  return { sae: entry('sae'), edas: entry('edas') };
}
