import * as z from '../core/zod.js';

/**
 * The `notify` section of the policy file: where a summary of each invocation is sent
 * (docs/policy.md "notify", docs/reference/notifications.md). Unknown keys are refused.
 *
 * Webhook URLs and signing secrets never appear here: a target names the environment variables
 * that hold them (`urlEnv`, `secretEnv`), and they are read and checked once at cold start
 * (`createNotifier` in shared/notify/notifier.ts).
 */

/** The kinds of receiver, one sender file each under shared/notify/targets/. */
export const NOTIFY_KINDS = ['dingtalk', 'lark', 'wecom', 'slack', 'webhook'] as const;
export type NotifyKind = (typeof NOTIFY_KINDS)[number];

/** Kinds whose service defines a signature with a shared secret (`secretEnv` allowed). */
export const SIGNED_KINDS: ReadonlySet<NotifyKind> = new Set(['dingtalk', 'lark', 'webhook']);

/** Decision outcomes a notification can report. */
export const NOTIFY_OUTCOMES = ['aborted', 'failed', 'timeout', 'would_abort'] as const;
export type NotifyOutcome = (typeof NOTIFY_OUTCOMES)[number];

/** Severity levels, lowest first. */
export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/**
 * How grave each reported outcome is: a failed or timed-out abort leaves a change stuck
 * (`critical`), an abort changed production (`warning`), a dry-run verdict changed nothing (`info`).
 */
export const OUTCOME_SEVERITY: Readonly<Record<NotifyOutcome, Severity>> = {
  failed: 'critical',
  timeout: 'critical',
  aborted: 'warning',
  would_abort: 'info',
};

const envVarName = z.string().check(
  z.regex(
    /^[A-Z][A-Z0-9_]{0,127}$/,
    'must be the name of an environment variable (upper case letters, digits, _)',
  ),
  z.refine((name) => !name.startsWith('FC_'), 'FC reserves the FC_ prefix'),
);

const outcomes = z.array(z.enum(NOTIFY_OUTCOMES));
const severity = z.enum(SEVERITIES);
const whole = (min: number, max: number) => z.number().check(z.int(), z.gte(min), z.lte(max));

/**
 * One notification receiver of `NOTIFY_TARGETS` (strict: unknown keys refused): its kind, name,
 * the variable holding its webhook URL and, where the service signs, its secret. Contract:
 * docs/reference/notifications.md.
 */
export const NotifyTargetSchema = z
  .strictObject({
    /** dingtalk | lark | wecom | slack | webhook */
    kind: z.enum(NOTIFY_KINDS),
    /** Label in records and details; default the kind (`slack`, or `slack-2` for a second one). */
    name: z.optional(
      z
        .string()
        .check(
          z.regex(
            /^[a-z0-9][a-z0-9-]{0,39}$/,
            'must be 1-40 of a-z, 0-9 and -, starting alphanumeric',
          ),
        ),
    ),
    /** Environment variable holding the webhook URL (the URL carries the service's token). */
    urlEnv: envVarName,
    /** Environment variable holding the signing secret (dingtalk, lark, webhook only). */
    secretEnv: z.optional(envVarName),
    /** Outcomes this target hears of; default `notify.outcomes`. An empty list sends nothing. */
    outcomes: z.optional(outcomes),
    /** Lowest severity this target hears of; default `notify.minSeverity`. */
    minSeverity: z.optional(severity),
  })
  .check(
    z.refine((t) => t.secretEnv === undefined || SIGNED_KINDS.has(t.kind), {
      message:
        'secretEnv is only for dingtalk, lark and webhook targets (slack and wecom have no signature: the URL is the secret)',
      path: ['secretEnv'],
    }),
  );

/**
 * The notification settings (`NOTIFY_*`), validated once at cold start; every field has its
 * default below (no target: nothing is sent). Contract: docs/reference/notifications.md.
 */
export const NotifySettingsSchema = z.strictObject({
  /** Receivers; none by default (no notification is sent). */
  targets: z._default(z.array(NotifyTargetSchema), []),
  /** Outcomes reported; default aborted, failed, timeout. An empty list sends nothing. */
  outcomes: z._default(outcomes, ['aborted', 'failed', 'timeout']),
  /** Lowest severity reported (info | warning | critical). Default `info`. */
  minSeverity: z._default(severity, 'info'),
  /** Longest wait for one receiver, ms (always cut to the invocation's deadline). Default 3000. */
  timeoutMs: z._default(whole(100, 30000), 3000),
  /** Changes listed by name in one message; the rest are counted. Default 10. */
  maxItems: z._default(whole(1, 50), 10),
});

export type NotifyTarget = z.infer<typeof NotifyTargetSchema>;
export type NotifySettings = z.infer<typeof NotifySettingsSchema>;

/** The settings when the policy has no `notify` section: no targets. */
export const DEFAULT_NOTIFY_SETTINGS: NotifySettings = NotifySettingsSchema.parse({});
