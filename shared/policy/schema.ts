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

export const ModeSchema = z.enum(['off', 'dry-run', 'enforce']);

export const RulesSchema = z.strictObject({
  /** off | dry-run | enforce */
  mode: ModeSchema.default('enforce'),
  /** A running change with no progress (now - UpdateTime) longer than this is stuck. */
  maxIdleMinutes: minutes.default(30),
  /** A running change older (now - CreateTime) than this is stuck. */
  maxDurationMinutes: minutes.default(240),
  /** Paused changes are left alone unless true. */
  includePaused: z.boolean().default(false),
  /** ActionNames that may be aborted; empty = all. */
  actions: z.array(z.string().min(1)).default([]),
});

const RulesOverrideSchema = z.strictObject({
  mode: ModeSchema.optional(),
  maxIdleMinutes: minutes.optional(),
  maxDurationMinutes: minutes.optional(),
  includePaused: z.boolean().optional(),
  actions: z.array(z.string().min(1)).optional(),
});

const AlarmMatchSchema = z
  .strictObject({
    ruleId: z.string().min(1).optional(),
    alertName: z.string().min(1).optional(),
    namespace: z.string().min(1).optional(),
    metricName: z.string().min(1).optional(),
    dimensions: z.record(z.string(), z.string()).optional(),
  })
  .refine((m) => Object.keys(m).length > 0, 'an alarm match needs at least one key');

export const AlarmRuleSchema = z.strictObject({
  match: AlarmMatchSchema,
  envIds: z.array(envId).min(1, 'list at least one EnvId'),
});

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
      appIds: z.array(appId).default([]),
      maxAbortsPerRun: z.number().int().min(0).default(20),
    })
    .default({ appIds: [], maxAbortsPerRun: 20 }),
  alarms: z.array(AlarmRuleSchema).default([]),
  /** Where the summary of each invocation is sent (shared/config/notify-settings.ts). */
  notify: NotifySettingsSchema.default(DEFAULT_NOTIFY_SETTINGS),
});

export type Policy = z.infer<typeof PolicySchema>;
export type Rules = z.infer<typeof RulesSchema>;
export type AlarmRule = z.infer<typeof AlarmRuleSchema>;
