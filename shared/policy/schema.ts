import { DEFAULT_NOTIFY_SETTINGS, NotifySettingsSchema } from '../config/notify-settings.js';
import * as z from '../core/zod.js';

/**
 * The policy file schema (docs/policy.md); unknown keys are rejected everywhere.
 * Documented key by key in docs/policy.md.
 */

const envId = z
  .string()
  .check(z.regex(/^we-[0-9a-f]{24}$/, 'must be an EnvId: we- followed by 24 hex digits'));
const appId = z
  .string()
  .check(z.regex(/^wa-[0-9a-f]{24}$/, 'must be an AppId: wa- followed by 24 hex digits'));
const minutes = z.number().check(z.int('must be whole minutes'), z.positive('must be more than 0'));
const nonEmptyString = () => z.string().check(z.minLength(1));
/**
 * A list whose emptiness would mean "all" is given with at least one entry, or left out: an
 * explicit `[]` never widens scope (issue 10, "Explicit empty lists never widen scope").
 */
const nonEmptyList = <T extends z.ZodMiniType>(item: T, all: string) =>
  z
    .array(item)
    .check(z.minLength(1, `an empty list would mean ${all}: leave the key out for that`));

/** `off` touches nothing, `dry-run` records `would_abort`, `enforce` aborts (docs/policy.md). */
export const ModeSchema = z.enum(['off', 'dry-run', 'enforce']);

/** The rules of `defaults` (every field with its default below; docs/policy.md). */
export const RulesSchema = z.strictObject({
  /** off | dry-run | enforce */
  mode: z._default(ModeSchema, 'enforce'),
  /** A running change with no progress (now - UpdateTime) longer than this is stuck. */
  maxIdleMinutes: z._default(minutes, 30),
  /** A running change older (now - CreateTime) than this is stuck. */
  maxDurationMinutes: z._default(minutes, 240),
  /** Paused changes are left alone unless true. */
  includePaused: z._default(z.boolean(), false),
  /** ActionNames that may be aborted; absent = all (an explicit [] is refused). */
  actions: z.optional(nonEmptyList(nonEmptyString(), 'every action')),
});

const RulesOverrideSchema = z.strictObject({
  mode: z.optional(ModeSchema),
  maxIdleMinutes: z.optional(minutes),
  maxDurationMinutes: z.optional(minutes),
  includePaused: z.optional(z.boolean()),
  actions: z.optional(nonEmptyList(nonEmptyString(), 'every action')),
});

const AlarmMatchSchema = z
  .strictObject({
    ruleId: z.optional(nonEmptyString()),
    alertName: z.optional(nonEmptyString()),
    namespace: z.optional(nonEmptyString()),
    metricName: z.optional(nonEmptyString()),
    dimensions: z.optional(z.record(z.string(), z.string())),
  })
  .check(
    z.refine(
      (m) =>
        m.ruleId !== undefined ||
        m.alertName !== undefined ||
        m.namespace !== undefined ||
        m.metricName !== undefined ||
        Object.keys(m.dimensions ?? {}).length > 0,
      'an alarm match needs at least one criterion (ruleId, alertName, namespace, metricName or a dimension): one that matches every alarm is refused',
    ),
  );

/** An alarm rule: an alarm that matches `match` targets `envIds` (at least one; docs/policy.md). */
export const AlarmRuleSchema = z.strictObject({
  match: AlarmMatchSchema,
  envIds: z.array(envId).check(z.minLength(1, 'list at least one EnvId')),
});

const platformAppId = z
  .string()
  .check(
    z.regex(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
      'must be an SAE/EDAS application id: a lower-case UUID',
    ),
  );

/** What an accepted abort does: `abort` stops the order; `rollback` also rolls it back. */
export const OnAbortSchema = z.enum(['abort', 'rollback']);

const PlatformOverrideSchema = z.strictObject({
  mode: z.optional(ModeSchema),
  maxIdleMinutes: z.optional(minutes),
  maxDurationMinutes: z.optional(minutes),
  includePaused: z.optional(z.boolean()),
  onAbort: z.optional(OnAbortSchema),
});

/**
 * One SAE or EDAS platform's rules. Unset keys take `defaults` (mode and thresholds);
 * `onAbort` is `abort` unless set: a rollback is never done without being asked for.
 */
export const PlatformRulesSchema = z.strictObject({
  mode: z.optional(ModeSchema),
  maxIdleMinutes: z.optional(minutes),
  maxDurationMinutes: z.optional(minutes),
  includePaused: z.optional(z.boolean()),
  onAbort: z._default(OnAbortSchema, 'abort'),
  /** `CoTypeCode`s that may be aborted (`CoDeploy`, ...); absent = all (an explicit [] is refused). */
  changeTypes: z.optional(nonEmptyList(nonEmptyString(), 'every change type')),
  /** Applications never touched, manual requests included. */
  protect: z._default(z.strictObject({ appIds: z._default(z.array(platformAppId), []) }), {
    appIds: [],
  }),
  /** Per-application overrides; they win over the platform's keys. */
  apps: z._default(z.record(platformAppId, PlatformOverrideSchema), {}),
  /** Applications a sweep looks into; absent = every application (an explicit [] is refused). */
  sweepAppIds: z.optional(nonEmptyList(platformAppId, 'every application')),
});

/** `sweep.maxReadAgeSeconds` when the policy sets none (docs/policy.md "Keys"). */
export const DEFAULT_MAX_READ_AGE_SECONDS = 60;
/** The largest `sweep.maxReadAgeSeconds` accepted: one hour. */
export const MAX_READ_AGE_SECONDS = 3600;

/**
 * The policy file (`POLICY_FILE` / `POLICY`), strict: unknown keys refused; read once at cold
 * start by ./load.ts, which also refuses a policy that states no mode. Contract: docs/policy.md.
 */
export const PolicySchema = z.strictObject({
  defaults: z._default(RulesSchema, RulesSchema.parse({})),
  environments: z._default(z.record(envId, RulesOverrideSchema), {}),
  protect: z._default(
    z.strictObject({
      envIds: z._default(z.array(envId), []),
      appIds: z._default(z.array(appId), []),
    }),
    { envIds: [], appIds: [] },
  ),
  sweep: z._default(
    z.strictObject({
      /** absent = every application (an explicit [] is refused) */
      appIds: z.optional(nonEmptyList(appId, 'every application')),
      maxAbortsPerRun: z._default(z.number().check(z.int(), z.gte(0)), 20),
      /**
       * Seconds: the oldest a change's read may be when its AbortChange would start (monotonic
       * clock, from the end of the read to the moment the request would start, in the pacer's
       * slot); an older read is read again and the change decided again before any abort
       * (docs/policy.md "Keys", red-team 24 F10). Whole seconds, 1 … 3600; default 60.
       */
      maxReadAgeSeconds: z._default(
        z.number().check(z.int(), z.gte(1), z.lte(MAX_READ_AGE_SECONDS)),
        DEFAULT_MAX_READ_AGE_SECONDS,
      ),
    }),
    { maxAbortsPerRun: 20, maxReadAgeSeconds: DEFAULT_MAX_READ_AGE_SECONDS },
  ),
  alarms: z._default(z.array(AlarmRuleSchema), []),
  /** SAE and EDAS change orders (docs/policy.md "platforms"); a platform must also be enabled by `PLATFORMS`. */
  platforms: z._default(
    z.strictObject({
      sae: z._default(PlatformRulesSchema, PlatformRulesSchema.parse({})),
      edas: z._default(PlatformRulesSchema, PlatformRulesSchema.parse({})),
    }),
    { sae: PlatformRulesSchema.parse({}), edas: PlatformRulesSchema.parse({}) },
  ),
  /**
   * Alarms older than this (by their own time) are `ignored`; an alarm with no readable time
   * too. Keep `asyncInvokeConfig.maxAsyncEventAgeInSeconds` in s.yaml at this × 60.
   */
  alarmMaxAgeMinutes: z._default(minutes, 15),
  /** Where the summary of each invocation is sent (shared/config/notify-settings.ts). */
  notify: z._default(NotifySettingsSchema, DEFAULT_NOTIFY_SETTINGS),
});

export type Policy = z.infer<typeof PolicySchema>;
export type Rules = z.infer<typeof RulesSchema>;
export type AlarmRule = z.infer<typeof AlarmRuleSchema>;
export type PlatformRules = z.infer<typeof PlatformRulesSchema>;
