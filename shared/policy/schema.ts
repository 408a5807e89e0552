import { z } from 'zod';
import { DEFAULT_NOTIFY_SETTINGS, NotifySettingsSchema } from '../config/notify-settings.js';

/**
 * The policy file schema (docs/policy.md); unknown keys are rejected everywhere.
 * Documented key by key in docs/policy.md.
 */

const envId = z
  .string()
  .regex(/^we-[0-9a-f]{24}$/, 'must be an EnvId: we- followed by 24 hex digits');
const appId = z
  .string()
  .regex(/^wa-[0-9a-f]{24}$/, 'must be an AppId: wa- followed by 24 hex digits');
const minutes = z.number().int('must be whole minutes').positive('must be more than 0');
/**
 * A list whose emptiness would mean "all" is given with at least one entry, or left out: an
 * explicit `[]` never widens scope (issue 10, "Explicit empty lists never widen scope").
 */
const nonEmptyList = <T extends z.ZodType>(item: T, all: string) =>
  z.array(item).min(1, `an empty list would mean ${all}: leave the key out for that`);

/** `off` touches nothing, `dry-run` records `would_abort`, `enforce` aborts (docs/policy.md). */
export const ModeSchema = z.enum(['off', 'dry-run', 'enforce']);

/** The rules of `defaults` (every field with its default below; docs/policy.md). */
export const RulesSchema = z.strictObject({
  /** off | dry-run | enforce */
  mode: ModeSchema.default('enforce'),
  /** A running change with no progress (now - UpdateTime) longer than this is stuck. */
  maxIdleMinutes: minutes.default(30),
  /** A running change older (now - CreateTime) than this is stuck. */
  maxDurationMinutes: minutes.default(240),
  /** Paused changes are left alone unless true. */
  includePaused: z.boolean().default(false),
  /** ActionNames that may be aborted; absent = all (an explicit [] is refused). */
  actions: nonEmptyList(z.string().min(1), 'every action').optional(),
});

const RulesOverrideSchema = z.strictObject({
  mode: ModeSchema.optional(),
  maxIdleMinutes: minutes.optional(),
  maxDurationMinutes: minutes.optional(),
  includePaused: z.boolean().optional(),
  actions: nonEmptyList(z.string().min(1), 'every action').optional(),
});

const AlarmMatchSchema = z
  .strictObject({
    ruleId: z.string().min(1).optional(),
    alertName: z.string().min(1).optional(),
    namespace: z.string().min(1).optional(),
    metricName: z.string().min(1).optional(),
    dimensions: z.record(z.string(), z.string()).optional(),
  })
  .refine(
    (m) =>
      m.ruleId !== undefined ||
      m.alertName !== undefined ||
      m.namespace !== undefined ||
      m.metricName !== undefined ||
      Object.keys(m.dimensions ?? {}).length > 0,
    'an alarm match needs at least one criterion (ruleId, alertName, namespace, metricName or a dimension): one that matches every alarm is refused',
  );

/** An alarm rule: an alarm that matches `match` targets `envIds` (at least one; docs/policy.md). */
export const AlarmRuleSchema = z.strictObject({
  match: AlarmMatchSchema,
  envIds: z.array(envId).min(1, 'list at least one EnvId'),
});

const platformAppId = z
  .string()
  .regex(
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    'must be an SAE/EDAS application id: a lower-case UUID',
  );

/** What an accepted abort does: `abort` stops the order; `rollback` also rolls it back. */
export const OnAbortSchema = z.enum(['abort', 'rollback']);

const PlatformOverrideSchema = z.strictObject({
  mode: ModeSchema.optional(),
  maxIdleMinutes: minutes.optional(),
  maxDurationMinutes: minutes.optional(),
  includePaused: z.boolean().optional(),
  onAbort: OnAbortSchema.optional(),
});

/**
 * One SAE or EDAS platform's rules. Unset keys take `defaults` (mode and thresholds);
 * `onAbort` is `abort` unless set: a rollback is never done without being asked for.
 */
export const PlatformRulesSchema = z.strictObject({
  mode: ModeSchema.optional(),
  maxIdleMinutes: minutes.optional(),
  maxDurationMinutes: minutes.optional(),
  includePaused: z.boolean().optional(),
  onAbort: OnAbortSchema.default('abort'),
  /** `CoTypeCode`s that may be aborted (`CoDeploy`, ...); absent = all (an explicit [] is refused). */
  changeTypes: nonEmptyList(z.string().min(1), 'every change type').optional(),
  /** Applications never touched, manual requests included. */
  protect: z.strictObject({ appIds: z.array(platformAppId).default([]) }).default({ appIds: [] }),
  /** Per-application overrides; they win over the platform's keys. */
  apps: z.record(platformAppId, PlatformOverrideSchema).default({}),
  /** Applications a sweep looks into; absent = every application (an explicit [] is refused). */
  sweepAppIds: nonEmptyList(platformAppId, 'every application').optional(),
});

/**
 * The policy file (`POLICY_FILE` / `POLICY`), strict: unknown keys refused; read once at cold
 * start by ./load.ts, which also refuses a policy that states no mode. Contract: docs/policy.md.
 */
export const PolicySchema = z.strictObject({
  defaults: RulesSchema.default(RulesSchema.parse({})),
  environments: z.record(envId, RulesOverrideSchema).default({}),
  protect: z
    .strictObject({
      envIds: z.array(envId).default([]),
      appIds: z.array(appId).default([]),
    })
    .default({ envIds: [], appIds: [] }),
  sweep: z
    .strictObject({
      /** absent = every application (an explicit [] is refused) */
      appIds: nonEmptyList(appId, 'every application').optional(),
      maxAbortsPerRun: z.number().int().min(0).default(20),
    })
    .default({ maxAbortsPerRun: 20 }),
  alarms: z.array(AlarmRuleSchema).default([]),
  /** SAE and EDAS change orders (docs/policy.md "platforms"); a platform must also be enabled by `PLATFORMS`. */
  platforms: z
    .strictObject({
      sae: PlatformRulesSchema.default(PlatformRulesSchema.parse({})),
      edas: PlatformRulesSchema.default(PlatformRulesSchema.parse({})),
    })
    .default({ sae: PlatformRulesSchema.parse({}), edas: PlatformRulesSchema.parse({}) }),
  /**
   * Alarms older than this (by their own time) are `ignored`; an alarm with no readable time
   * too. Keep `asyncInvokeConfig.maxAsyncEventAgeInSeconds` in s.yaml at this × 60.
   */
  alarmMaxAgeMinutes: minutes.default(15),
  /** Where the summary of each invocation is sent (shared/config/notify-settings.ts). */
  notify: NotifySettingsSchema.default(DEFAULT_NOTIFY_SETTINGS),
});

export type Policy = z.infer<typeof PolicySchema>;
export type Rules = z.infer<typeof RulesSchema>;
export type AlarmRule = z.infer<typeof AlarmRuleSchema>;
export type PlatformRules = z.infer<typeof PlatformRulesSchema>;
