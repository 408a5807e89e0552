import { endpointProblem } from '../core/endpoint.js';
import {
  ANSWER_RESERVE_MAX_MS,
  MIN_DEADLINE_MARGIN_MS,
  SLS_MIN_ATTEMPT_MS,
} from '../core/write-budget.js';
import * as z from '../core/zod.js';
import { ConfigError } from './errors.js';

/**
 * Configuration from environment variables, validated once at cold start
 * (docs/reference/configuration.md). FC allows 4 KB of variables in total and reserves the `FC_`
 * prefix.
 */
export interface Config {
  /**
   * `WEBPLUS_ENDPOINT`: one base URL every region's calls go to (a sandbox, a proxy). Unset (the
   * normal case): each region's endpoint comes from the SDK endpoint map
   * (shared/webplus/endpoints.ts), resolved by the runtime at cold start.
   */
  webplusEndpoint?: string;
  /**
   * The Web+ regions to work in, in order, without repeats (`WEBPLUS_REGIONS`, comma-separated;
   * default the function's region `FC_REGION`, else `cn-hangzhou`). Each is sent as
   * `x-acs-region-id` and `RegionId` on every call, paced and recorded on its own.
   */
  webplusRegions: string[];
  /** Where `webplusRegions` came from, for messages: the variable name, or `default`. */
  webplusRegionsFrom: 'WEBPLUS_REGIONS' | 'FC_REGION' | 'default';
  /** `sls`, `file` or `stdout`; see `defaultLogStore`. */
  logStore: 'sls' | 'file' | 'stdout';
  outcomeLogFile: string;
  slsEndpoint?: string;
  slsProject?: string;
  slsLogstore?: string;
  httpAuthTokens: string[];
  httpMaxBodyBytes: number;
  httpMaxIds: number;
  /** Path of the policy file (YAML or JSON). */
  policyFile?: string;
  /** The policy as inline JSON (or YAML). */
  policyInline?: string;
  /** Kill switch: `true` forces dry-run everywhere (`mode: off` still wins). */
  dryRun: boolean;
  /** Web+ calls in flight at once. */
  webplusConcurrency: number;
  /** Web+ calls per second, on average over any window. */
  webplusQps: number;
  /** Web+ calls that may start at once after a quiet spell (token-bucket capacity); default = QPS. */
  webplusBurst: number;
  /** Most ChangeIds + EnvIds one alarm may name; the rest are recorded `deferred`. */
  alarmMaxIds: number;

  retryMaxAttempts: number;
  retryBaseMs: number;
  retryMaxDelayMs: number;
  attemptTimeoutMs: number;
  /** `DEADLINE_MARGIN_MS`, ms: at least `MIN_DEADLINE_MARGIN_MS` (core/write-budget.ts, 500). */
  deadlineMarginMs: number;
  /** Keys outside FC (inside FC the invocation's `context.credentials` win). */
  envCredentials?: { accessKeyId: string; accessKeySecret: string; securityToken?: string };
  /** The function's own region (`FC_REGION`, default `cn-hangzhou`): the SLS endpoint default. */
  region: string;
  /** Platforms acted on (`PLATFORMS`, comma-separated): `webplus`, `sae`, `edas`. */
  platforms: Array<'webplus' | 'sae' | 'edas'>;
  /**
   * `SAE_ENDPOINT`: one base URL every SAE region's calls go to (a sandbox, a proxy); each call
   * still names its region by the `Host` header of that region's real endpoint. Unset: each
   * region's endpoint comes from shared/sae/endpoints.ts.
   */
  saeEndpoint?: string;
  /**
   * The SAE regions to work in, in order, without repeats (`SAE_REGIONS`, comma-separated;
   * default the function's region `FC_REGION`, else `cn-hangzhou`). Each is paced and recorded
   * on its own.
   */
  saeRegions: string[];
  /** Where `saeRegions` came from, for messages. */
  saeRegionsFrom: 'SAE_REGIONS' | 'FC_REGION' | 'default';
  /** `EDAS_ENDPOINT`: as `saeEndpoint`, for EDAS (shared/edas/endpoints.ts). */
  edasEndpoint?: string;
  /** The EDAS regions (`EDAS_REGIONS`), as `saeRegions`. */
  edasRegions: string[];
  edasRegionsFrom: 'EDAS_REGIONS' | 'FC_REGION' | 'default';
  /** SAE / EDAS calls per second (one pacer per platform and region per instance). */
  saeQps: number;
  edasQps: number;
}

/**
 * HTTP tokens must be at least this many characters: CloudMonitor sends them in a query string
 * (`?token=`), so they must survive URLs unchanged and be long enough not to be guessed.
 */
export const MIN_HTTP_TOKEN_CHARS = 16;

/** The URL-safe alphabet of an HTTP token: RFC 3986 unreserved characters. */
export const HTTP_TOKEN_PATTERN = /^[A-Za-z0-9._~-]+$/;

/** A region id as Alibaba Cloud spells them (`cn-hangzhou`, `ap-southeast-1`). */
const REGION_ID = /^[a-z]{2,}(?:-[a-z0-9]+)+$/;

/** Every variable this function reads (the s.yaml test checks against this list). */
export const CONFIG_VARIABLES = [
  'WEBPLUS_ENDPOINT',
  'WEBPLUS_REGIONS',
  'ALIBABA_CLOUD_ACCESS_KEY_ID',
  'ALIBABA_CLOUD_ACCESS_KEY_SECRET',
  'ALIBABA_CLOUD_SECURITY_TOKEN',
  'LOG_STORE',
  'OUTCOME_LOG_FILE',
  'SLS_ENDPOINT',
  'SLS_PROJECT',
  'SLS_LOGSTORE',
  'HTTP_AUTH_TOKENS',
  'HTTP_MAX_BODY_BYTES',
  'HTTP_MAX_IDS',
  'POLICY_FILE',
  'POLICY',
  'ABORT_DRY_RUN',
  'WEBPLUS_CONCURRENCY',
  'WEBPLUS_QPS',
  'WEBPLUS_BURST',
  'ALARM_MAX_IDS',
  'RETRY_MAX_ATTEMPTS',
  'RETRY_BASE_MS',
  'RETRY_MAX_DELAY_MS',
  'ATTEMPT_TIMEOUT_MS',
  'DEADLINE_MARGIN_MS',
  'PLATFORMS',
  'SAE_REGIONS',
  'SAE_ENDPOINT',
  'SAE_QPS',
  'EDAS_REGIONS',
  'EDAS_ENDPOINT',
  'EDAS_QPS',
] as const;

const int = (min: number, max: number) =>
  z.pipe(
    z.pipe(
      z.string().check(z.trim(), z.regex(/^\d+$/, 'must be a whole number')),
      z.transform(Number),
    ),
    z.number().check(z.int(), z.gte(min), z.lte(max)),
  );

const bool = () =>
  z.pipe(
    z.pipe(z.string().check(z.trim(), z.toLowerCase()), z.enum(['true', 'false', '1', '0', ''])),
    z.transform((v) => v === 'true' || v === '1'),
  );

/**
 * An endpoint URL: `http(s)://host[:port]` and nothing else (no user info, path, query or
 * fragment; shared/config/endpoint.ts). The message never quotes the value.
 */
const url = () =>
  z.string().check(
    z.trim(),
    z.superRefine((value, ctx) => {
      const problem = endpointProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  );

/** `SLS_ENDPOINT`: a bare host (HTTPS) or a URL as {@link url}. */
const slsEndpoint = () =>
  z.string().check(
    z.trim(),
    z.minLength(1),
    z.superRefine((value, ctx) => {
      const problem = endpointProblem(value, true);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  );

const trimmed = () => z.string().check(z.trim());
const nonEmpty = () => z.string().check(z.trim(), z.minLength(1));

/**
 * Each variable's schema, as a function that builds it: a cold start builds only the schemas of
 * the variables that are set (a few of these 31; issue 16), once, in this order. What an unset
 * variable reads as is in {@link VARIABLE_DEFAULTS} (unset and not there: `undefined`).
 */
const variables = {
  WEBPLUS_ENDPOINT: url,
  WEBPLUS_REGIONS: trimmed,
  LOG_STORE: () => z.enum(['sls', 'file', 'stdout']),
  OUTCOME_LOG_FILE: () => z.string().check(z.minLength(1)),
  SLS_ENDPOINT: slsEndpoint,
  SLS_PROJECT: nonEmpty,
  SLS_LOGSTORE: nonEmpty,
  HTTP_AUTH_TOKENS: () => z.string(),
  HTTP_MAX_BODY_BYTES: () => int(1, 32 * 1024 * 1024),
  HTTP_MAX_IDS: () => int(1, 10000),
  POLICY_FILE: nonEmpty,
  POLICY: nonEmpty,
  ABORT_DRY_RUN: bool,
  WEBPLUS_CONCURRENCY: () => int(1, 256),
  WEBPLUS_QPS: () => int(1, 10000),
  WEBPLUS_BURST: () => int(1, 10000),
  ALARM_MAX_IDS: () => int(1, 1000),
  RETRY_MAX_ATTEMPTS: () => int(1, 20),
  RETRY_BASE_MS: () => int(0, 60000),
  RETRY_MAX_DELAY_MS: () => int(0, 300000),
  ATTEMPT_TIMEOUT_MS: () => int(100, 600000),
  DEADLINE_MARGIN_MS: () => int(0, 600000),
  PLATFORMS: () =>
    z.pipe(
      z.pipe(
        trimmed(),
        z.transform((v) => v.split(',').map((p) => p.trim())),
      ),
      z
        .array(
          z.enum(['webplus', 'sae', 'edas'], { error: 'each entry must be webplus, sae or edas' }),
        )
        .check(z.minLength(1)),
    ),
  SAE_REGIONS: trimmed,
  SAE_ENDPOINT: url,
  // SAE's FAQ quotes 60 API calls per minute per user (docs/reference/sae-edas.md §2.1)
  SAE_QPS: () => int(1, 1000),
  EDAS_REGIONS: trimmed,
  EDAS_ENDPOINT: url,
  EDAS_QPS: () => int(1, 1000),
} as const;

type Variable = keyof typeof variables;

/** What an unset (or empty) variable reads as, when not `undefined`. */
const VARIABLE_DEFAULTS = {
  OUTCOME_LOG_FILE: '.webplus-abort/outcomes.jsonl',
  HTTP_MAX_BODY_BYTES: 262144,
  HTTP_MAX_IDS: 100,
  ABORT_DRY_RUN: false,
  WEBPLUS_CONCURRENCY: 4,
  WEBPLUS_QPS: 10,
  ALARM_MAX_IDS: 10,
  RETRY_MAX_ATTEMPTS: 4,
  RETRY_BASE_MS: 200,
  RETRY_MAX_DELAY_MS: 5000,
  ATTEMPT_TIMEOUT_MS: 3000,
  DEADLINE_MARGIN_MS: 2000,
  PLATFORMS: ['webplus'] as Array<'webplus' | 'sae' | 'edas'>,
  SAE_QPS: 1,
  EDAS_QPS: 5,
} satisfies { [K in Variable]?: z.output<ReturnType<(typeof variables)[K]>> };

/** The variables as read: each set one through its schema, each unset one its default. */
type Variables = { [K in Variable]?: z.output<ReturnType<(typeof variables)[K]>> } & Omit<
  typeof VARIABLE_DEFAULTS,
  'PLATFORMS'
> & { PLATFORMS: Array<'webplus' | 'sae' | 'edas'> };

/** The schemas built so far (each at most once per instance). */
const built: { [K in Variable]?: z.ZodMiniType } = {};

/**
 * Reads the set variables (`input`: name → value, unset and empty ones left out) through their
 * schemas, in the order of {@link variables} (so the first refusal is the first variable in
 * that order), and gives every unset one its default.
 */
function readVariables(
  input: Partial<Record<Variable, string>>,
): { success: true; data: Variables } | { success: false; error: z.core.$ZodError } {
  const shape: Record<string, z.ZodMiniType> = {};
  for (const key of Object.keys(variables) as Variable[]) {
    if (input[key] !== undefined) shape[key] = built[key] ??= variables[key]();
  }
  const parsed = z.object(shape).safeParse(input);
  if (!parsed.success) return { success: false, error: parsed.error };
  return {
    success: true,
    data: { ...VARIABLE_DEFAULTS, PLATFORMS: [...VARIABLE_DEFAULTS.PLATFORMS], ...parsed.data },
  };
}

/** Variables of earlier versions, refused at cold start, and the variable that replaced each. */
export const RETIRED_VARIABLES: ReadonlyArray<readonly [string, string]> = [
  ['SAE_REGION', 'SAE_REGIONS'],
  ['EDAS_REGION', 'EDAS_REGIONS'],
];

/**
 * A platform's region list (`WEBPLUS_REGIONS`, `SAE_REGIONS`, `EDAS_REGIONS`): comma-separated,
 * kept in order, repeats dropped; unset = the function's region (`FC_REGION`), else
 * `cn-hangzhou`. An entry that is not a region id, or a list naming none, stops the cold start.
 * @throws ConfigError naming the variable (or `FC_REGION` when the region came from there)
 */
function regionList<V extends string>(
  variable: V,
  value: string | undefined,
  fcRegion: string | undefined,
): { regions: string[]; from: V | 'FC_REGION' | 'default' } {
  const from = value ? variable : fcRegion ? 'FC_REGION' : 'default';
  const named = from === 'FC_REGION' ? 'FC_REGION' : variable;
  const list = (value ?? (fcRegion || 'cn-hangzhou'))
    .split(',')
    .map((r) => r.trim())
    .filter((r) => r.length > 0);
  for (const [i, r] of list.entries()) {
    if (!REGION_ID.test(r)) {
      // Never the value itself: a secret pasted into the wrong variable would be printed.
      throw new ConfigError(
        `invalid ${named}: region ${i + 1} of ${list.length} (${r.length} characters) is not a region id such as cn-hangzhou`,
        named,
      );
    }
  }
  if (list.length === 0) {
    throw new ConfigError(`invalid ${variable}: name at least one region`, variable);
  }
  return { regions: [...new Set(list)], from };
}

/**
 * Reads and validates the configuration.
 * @param env the environment (default `process.env`); empty strings count as unset.
 * @throws ConfigError naming the first invalid variable and why.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // A policy variable that is set says something: set but blank is a policy that says nothing
  // (issue 10, kind 6), refused rather than read as "no policy, use the defaults".
  for (const variable of ['POLICY', 'POLICY_FILE'] as const) {
    const value = env[variable];
    if (value !== undefined && value.trim() === '') {
      throw new ConfigError(
        `${variable} is set but empty: a policy that says nothing is refused; unset ${variable} to use the built-in defaults`,
        variable,
      );
    }
  }
  // The kill switch set but blank (an unset secret or variable in a deploy) is refused, never
  // read as its default `false` (enforce).
  const killSwitch = env.ABORT_DRY_RUN;
  if (killSwitch !== undefined && killSwitch.trim() === '') {
    throw new ConfigError(
      'ABORT_DRY_RUN is set but empty: set it to true or false (blank would otherwise mean enforce)',
      'ABORT_DRY_RUN',
    );
  }
  // The single-region variables of earlier versions are refused, never half-read: a deploy that
  // still sets one would otherwise silently work in another region than it names.
  for (const [old, now] of RETIRED_VARIABLES) {
    if (env[old] !== undefined) {
      throw new ConfigError(
        `${old} is no longer read: set ${now} instead (comma-separated region ids, e.g. ${now}=${env[old]?.trim() || 'cn-hangzhou'}; default the function's region)`,
        old,
      );
    }
  }
  const input: Partial<Record<Variable, string>> = {};
  for (const key of Object.keys(variables) as Variable[]) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const parsed = readVariables(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'environment');
    throw new ConfigError(`invalid ${variable}: ${issue.message}`, variable);
  }
  const v = parsed.data;
  if (v.DEADLINE_MARGIN_MS < MIN_DEADLINE_MARGIN_MS) {
    throw new ConfigError(
      `invalid DEADLINE_MARGIN_MS: ${v.DEADLINE_MARGIN_MS} ms is less than the ${MIN_DEADLINE_MARGIN_MS} ms the end of an invocation needs (one SLS attempt of SLS_MIN_ATTEMPT_MS ${SLS_MIN_ATTEMPT_MS} ms for the last records, then half the margin, at most ${ANSWER_RESERVE_MAX_MS} ms, to answer): with less the function runs past function.timeout`,
      'DEADLINE_MARGIN_MS',
    );
  }
  if (v.WEBPLUS_BURST !== undefined && v.WEBPLUS_BURST > v.WEBPLUS_QPS) {
    throw new ConfigError(
      `invalid WEBPLUS_BURST: ${v.WEBPLUS_BURST} is more than WEBPLUS_QPS ${v.WEBPLUS_QPS}: at most WEBPLUS_QPS calls start in any second, so a burst can be at most that`,
      'WEBPLUS_BURST',
    );
  }
  if (v.POLICY_FILE && v.POLICY) {
    throw new ConfigError('set POLICY_FILE or POLICY, not both', 'POLICY');
  }
  const inFc = Boolean(env.FC_FUNCTION_NAME);
  const logStore = v.LOG_STORE ?? (inFc ? (v.SLS_PROJECT ? 'sls' : 'stdout') : 'file');
  const region = env.FC_REGION || 'cn-hangzhou';
  if (logStore === 'sls' && (!v.SLS_PROJECT || !v.SLS_LOGSTORE)) {
    throw new ConfigError(
      'LOG_STORE=sls needs SLS_PROJECT and SLS_LOGSTORE',
      v.SLS_PROJECT ? 'SLS_LOGSTORE' : 'SLS_PROJECT',
    );
  }
  const tokens = (v.HTTP_AUTH_TOKENS ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
  tokens.forEach((t, i) => {
    // Never echo the token itself: only its position and length.
    if (t.length < MIN_HTTP_TOKEN_CHARS || !HTTP_TOKEN_PATTERN.test(t)) {
      throw new ConfigError(
        `invalid HTTP_AUTH_TOKENS: token ${i + 1} of ${tokens.length} (${t.length} characters) must be at least ${MIN_HTTP_TOKEN_CHARS} characters of A-Z a-z 0-9 . _ ~ - (CloudMonitor sends it in a query string)`,
        'HTTP_AUTH_TOKENS',
      );
    }
  });
  const webplus = regionList('WEBPLUS_REGIONS', v.WEBPLUS_REGIONS, env.FC_REGION);
  const sae = regionList('SAE_REGIONS', v.SAE_REGIONS, env.FC_REGION);
  const edas = regionList('EDAS_REGIONS', v.EDAS_REGIONS, env.FC_REGION);
  const ak = env.ALIBABA_CLOUD_ACCESS_KEY_ID;
  const sk = env.ALIBABA_CLOUD_ACCESS_KEY_SECRET;
  const token = env.ALIBABA_CLOUD_SECURITY_TOKEN;
  return {
    ...(v.WEBPLUS_ENDPOINT ? { webplusEndpoint: v.WEBPLUS_ENDPOINT } : {}),
    webplusRegions: webplus.regions,
    webplusRegionsFrom: webplus.from,
    logStore,
    outcomeLogFile: v.OUTCOME_LOG_FILE,
    slsEndpoint: v.SLS_ENDPOINT ?? `${region}.log.aliyuncs.com`,
    slsProject: v.SLS_PROJECT,
    slsLogstore: v.SLS_LOGSTORE,
    httpAuthTokens: tokens,
    httpMaxBodyBytes: v.HTTP_MAX_BODY_BYTES,
    httpMaxIds: v.HTTP_MAX_IDS,
    policyFile: v.POLICY_FILE,
    policyInline: v.POLICY,
    dryRun: v.ABORT_DRY_RUN,
    webplusConcurrency: v.WEBPLUS_CONCURRENCY,
    webplusQps: v.WEBPLUS_QPS,
    webplusBurst: v.WEBPLUS_BURST ?? v.WEBPLUS_QPS,
    alarmMaxIds: v.ALARM_MAX_IDS,
    retryMaxAttempts: v.RETRY_MAX_ATTEMPTS,
    retryBaseMs: v.RETRY_BASE_MS,
    retryMaxDelayMs: v.RETRY_MAX_DELAY_MS,
    attemptTimeoutMs: v.ATTEMPT_TIMEOUT_MS,
    deadlineMarginMs: v.DEADLINE_MARGIN_MS,
    envCredentials:
      ak && sk
        ? { accessKeyId: ak, accessKeySecret: sk, ...(token ? { securityToken: token } : {}) }
        : undefined,
    region,
    platforms: [...new Set(v.PLATFORMS)],
    saeEndpoint: v.SAE_ENDPOINT,
    saeRegions: sae.regions,
    saeRegionsFrom: sae.from,
    edasEndpoint: v.EDAS_ENDPOINT,
    edasRegions: edas.regions,
    edasRegionsFrom: edas.from,
    saeQps: v.SAE_QPS,
    edasQps: v.EDAS_QPS,
  };
}
