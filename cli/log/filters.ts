import { parseId } from '#shared/core/ids.js';
import { OUTCOMES, type OutcomeRecord } from '#shared/model/record.js';
import { UsageError } from '../errors.js';

/** The platforms a record can name (`platform`; a Web+ record may carry none). */
export const PLATFORMS = ['webplus', 'sae', 'edas'] as const;

/** A record's platform: its `platform`, `webplus` when it has none (docs/reference/record.md). */
export const platformOf = (record: { platform?: string }): string => record.platform ?? 'webplus';

/** The triggers a record can have (docs/reference/record.md). */
export const TRIGGERS = ['timer', 'http', 'cms-callback', 'eventbridge', 'cli'] as const;

/** What `log` keeps. Each list: a record matches any one value; an absent list matches all. */
export interface LogFilters {
  /** Epoch ms; records at or after it. */
  sinceMs?: number;
  outcomes?: readonly string[];
  changeIds?: readonly string[];
  envIds?: readonly string[];
  triggers?: readonly string[];
  invocationIds?: readonly string[];
  /** `webplus` matches records without a `platform` too. */
  platforms?: readonly string[];
  /** Web+ AppIds (`wa-…`) or SAE / EDAS application ids (UUIDs): the record's `appId`. */
  appIds?: readonly string[];
}

/** The raw `log` options holding filters (repeatable options arrive as lists). */
export interface FilterOptions {
  since?: string;
  outcome?: string[];
  change?: string[];
  env?: string[];
  trigger?: string[];
  invocation?: string[];
  platform?: string[];
  app?: string[];
}

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };
const ENV_ID = /^we-[0-9a-f]{24}$/;
/** A record's `changeId`: a Web+ ChangeId, or an SAE / EDAS ChangeOrderId (as intake takes them). */
const isChangeOrOrderId = (v: string) =>
  parseId('ChangeId', v).ok || parseId('ChangeOrderId', v).ok;
/** A record's `appId`: a Web+ AppId, or an SAE / EDAS application id. */
const isAppId = (v: string) => parseId('AppId', v).ok || parseId('PlatformAppId', v).ok;
/** FC request ids are UUID-like; `cli-<uuid>` locally. */
const INVOCATION_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/**
 * Parses `--since`: `30m`, `2h`, `7d` (back from `nowMs`) or an ISO 8601 time.
 * @returns epoch ms. @throws UsageError
 */
export function parseSince(raw: string, nowMs = Date.now()): number {
  const relative = /^(\d+)([mhd])$/.exec(raw.trim());
  if (relative) return nowMs - Number(relative[1]) * UNIT_MS[relative[2]!]!;
  if (/^\d{4}-\d{2}-\d{2}/.test(raw.trim())) {
    const ms = Date.parse(raw.trim());
    if (!Number.isNaN(ms)) return ms;
  }
  throw new UsageError(
    `--since must be like 30m, 2h, 7d or an ISO 8601 time, got ${JSON.stringify(raw)}`,
  );
}

function list(
  values: readonly string[] | undefined,
  option: string,
  check: (value: string) => boolean,
  expected: string,
): string[] | undefined {
  if (values === undefined) return undefined;
  const out = values.map((v) => v.trim());
  for (const value of out) {
    if (!check(value)) {
      throw new UsageError(`--${option} must be ${expected}, got ${JSON.stringify(value)}`);
    }
  }
  return [...new Set(out)];
}

/**
 * Validates the filter options. Every value is checked: an unknown outcome or a malformed id
 * is a usage error, never a silent "matches nothing".
 * @throws UsageError naming the option
 */
export function parseFilters(options: FilterOptions, nowMs = Date.now()): LogFilters {
  const filters: LogFilters = {};
  if (options.since !== undefined) filters.sinceMs = parseSince(options.since, nowMs);
  const outcomes = list(
    options.outcome,
    'outcome',
    (v) => (OUTCOMES as readonly string[]).includes(v),
    `one of ${OUTCOMES.join(', ')}`,
  );
  const changeIds = list(
    options.change,
    'change',
    isChangeOrOrderId,
    'a ChangeId (wc- and 24 hex digits) or an SAE / EDAS ChangeOrderId (a lower-case UUID)',
  );
  const platforms = list(
    options.platform,
    'platform',
    (v) => (PLATFORMS as readonly string[]).includes(v),
    `one of ${PLATFORMS.join(', ')}`,
  );
  const appIds = list(
    options.app,
    'app',
    isAppId,
    'a Web+ AppId (wa- and 24 hex digits) or an SAE / EDAS application id (a lower-case UUID)',
  );
  const envIds = list(
    options.env,
    'env',
    (v) => ENV_ID.test(v),
    'an EnvId (we- and 24 hex digits)',
  );
  const triggers = list(
    options.trigger,
    'trigger',
    (v) => (TRIGGERS as readonly string[]).includes(v),
    `one of ${TRIGGERS.join(', ')}`,
  );
  const invocationIds = list(
    options.invocation,
    'invocation',
    (v) => INVOCATION_ID.test(v),
    'an invocation (FC request) id',
  );
  if (outcomes) filters.outcomes = outcomes;
  if (changeIds) filters.changeIds = changeIds;
  if (envIds) filters.envIds = envIds;
  if (triggers) filters.triggers = triggers;
  if (invocationIds) filters.invocationIds = invocationIds;
  if (platforms) filters.platforms = platforms;
  if (appIds) filters.appIds = appIds;
  return filters;
}

const pick = (allowed: readonly string[] | undefined, value: string | undefined): boolean =>
  allowed === undefined || (value !== undefined && allowed.includes(value));

/** True when the record passes every filter. A record whose time does not parse fails `since`. */
export function matchesFilters(record: OutcomeRecord, filters: LogFilters): boolean {
  if (filters.sinceMs !== undefined) {
    const ms = Date.parse(record.time);
    if (!Number.isFinite(ms) || ms < filters.sinceMs) return false;
  }
  return (
    pick(filters.outcomes, record.outcome) &&
    pick(filters.changeIds, record.changeId) &&
    pick(filters.envIds, record.envId) &&
    pick(filters.triggers, record.trigger) &&
    pick(filters.invocationIds, record.invocationId) &&
    pick(filters.platforms, platformOf(record)) &&
    pick(filters.appIds, record.appId)
  );
}

/**
 * The same filters as an SLS search statement (everything but `since`, which becomes GetLogs'
 * `from`, and `--platform webplus`, which records without `platform` match and is applied after
 * reading): `(outcome: "aborted" or outcome: "failed") and envId: "we-…"`; `*` when none.
 * Values were validated by {@link parseFilters}, and are quoted besides.
 */
export function slsQuery(filters: LogFilters): string {
  const terms: string[] = [];
  const add = (key: string, values: readonly string[] | undefined) => {
    if (values === undefined) return;
    const quoted = values.map((v) => `${key}: "${v.replace(/["\\]/g, '\\$&')}"`);
    terms.push(quoted.length === 1 ? quoted[0]! : `(${quoted.join(' or ')})`);
  };
  add('outcome', filters.outcomes);
  add('changeId', filters.changeIds);
  add('envId', filters.envIds);
  add('trigger', filters.triggers);
  add('invocationId', filters.invocationIds);
  add('appId', filters.appIds);
  // Web+ records may carry no `platform`: with webplus among the values the platform is
  // filtered after reading (matchesFilters), not in the query.
  if (filters.platforms && !filters.platforms.includes('webplus')) {
    add('platform', filters.platforms);
  }
  return terms.length === 0 ? '*' : terms.join(' and ');
}
