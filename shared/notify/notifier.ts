import type { NotifyKind, NotifySettings } from '../config/notify-settings.js';
import { ChunkLoadError } from '../core/errors.js';
import { loadChunk } from '../core/load-chunk.js';
import { redactTokens } from '../core/redact.js';
import type { NotificationRecord, OutcomeRecord, Trigger } from '../model/record.js';
import type { ResolvedTarget } from './deliver.js';
import { NotifyConfigError } from './errors.js';
import type { MessageContext } from './message.js';
import type { FetchLike } from './send.js';
import { urlSecrets } from './url-secrets.js';

/** What the notifier loads at its first message, as a notification record names it. */
export const NOTIFY_CODE = 'the notification code (notify-targets.js)';

/**
 * The sending half (deliver.ts: messages, target formats, signatures, the post), loaded at the
 * first message of the instance: the chunk `notify-targets.js` in the function bundle.
 * @throws ChunkLoadError when it cannot be loaded
 */
function loadDelivery(): Promise<typeof import('./deliver.js')> {
  return loadChunk(NOTIFY_CODE, () => import('./deliver.js'));
}

/** The invocation a notification is about. */
export interface NotifyContext extends MessageContext {
  trigger: Trigger;
  triggerRef?: string;
  /** Epoch ms by which every delivery must be over (before the records' write deadline). */
  deadlineMs: number;
  /** Values that must never appear in a message or record (AccessKey secret, STS token, HTTP tokens). */
  secrets: readonly string[];
}

/** How one target's delivery ended. */
export interface TargetResult {
  name: string;
  kind: NotifyKind;
  delivered: boolean;
  attempts: number;
  /** `delivered (HTTP 200, errcode 0)` or `not delivered: …`; no URL, no secret. */
  detail: string;
}

/** Sends the summary of each invocation to the configured targets. */
export interface Notifier {
  /** Target names and kinds, for the CLI and docs (`dingtalk`, `slack-2`...). */
  readonly targets: readonly { name: string; kind: NotifyKind }[];
  /**
   * Sends one message per target that has something to report, all targets at once, each
   * bounded by `ctx.deadlineMs`, and returns the one notification record of this attempt, or
   * `undefined` when no target had anything to report (nothing sent, nothing recorded).
   * Never throws and never waits past `ctx.deadlineMs` (plus the time to settle timers).
   */
  notify(records: readonly OutcomeRecord[], ctx: NotifyContext): Promise<NotifyReport | undefined>;
  /**
   * Sends the test message (message.ts `testMessage`) to every target, as `notify` sends (same
   * signatures, attempts and deadline), and returns the result per target. Never throws.
   */
  test(ctx: NotifyContext): Promise<TargetResult[]>;
  /** Per target: its kind and the host of its URL only (never the path or query: they carry the secret). */
  readonly hosts: readonly { name: string; kind: NotifyKind; host: string }[];
  /**
   * The targets' secrets (signing secrets, the secret parts of webhook URLs: {@link urlSecrets}),
   * for the function's one redactor: a Web+ or SLS error that quotes one never reaches a record,
   * an answer or a log line (pipeline/runtime.ts).
   */
  readonly secrets: readonly string[];
}

/** The record of a notification attempt and the result per target. */
export interface NotifyReport {
  record: NotificationRecord;
  targets: TargetResult[];
}

export interface NotifierOptions {
  /** Clock, epoch ms (default Date.now). */
  now?: () => number;
  /** HTTP client (default the global fetch). */
  fetch?: FetchLike;
  /** Random source for the retry jitter (default Math.random). */
  random?: () => number;
}

/**
 * Builds the notifier from the policy's `notify` section, reading each target's `urlEnv` and
 * `secretEnv` from `env` once (cold start). Returns `undefined` when there are no targets.
 *
 * A URL must be `https://` (plain `http://` only to a loopback host: 127.0.0.1, ::1,
 * localhost), without user info; a secret must be non-empty. Names default to the kind
 * (`slack`, then `slack-2`, ...); two targets with the same name are refused.
 * @throws NotifyConfigError (a ConfigError) naming the policy key and the variable, never its value.
 */
export function createNotifier(
  settings: NotifySettings,
  env: NodeJS.ProcessEnv,
  options: NotifierOptions = {},
): Notifier | undefined {
  if (settings.targets.length === 0) return undefined;
  const resolved: ResolvedTarget[] = [];
  const seen = new Map<string, number>();
  settings.targets.forEach((target, index) => {
    const key = `notify.targets.${index}`;
    let name = target.name;
    if (name === undefined) {
      const n = (seen.get(target.kind) ?? 0) + 1;
      seen.set(target.kind, n);
      name = n === 1 ? target.kind : `${target.kind}-${n}`;
    }
    if (resolved.some((r) => r.name === name)) {
      throw new NotifyConfigError(`${key}.name: "${name}" is used by two targets`, `${key}.name`);
    }
    const url = readUrl(env, target.urlEnv, `${key}.urlEnv`);
    let secret: string | undefined;
    if (target.secretEnv !== undefined) {
      secret = env[target.secretEnv]?.trim();
      if (!secret) {
        throw new NotifyConfigError(
          `${key}.secretEnv: the variable ${target.secretEnv} is not set or empty`,
          target.secretEnv,
        );
      }
    }
    resolved.push({
      name,
      kind: target.kind,
      url,
      ...(secret !== undefined ? { secret } : {}),
      outcomes: target.outcomes ?? settings.outcomes,
      minSeverity: target.minSeverity ?? settings.minSeverity,
    });
  });
  const now = options.now ?? Date.now;
  const fetchImpl = options.fetch ?? fetch;
  const random = options.random ?? Math.random;
  const configSecrets = resolved.flatMap((t) => [
    ...urlSecrets(t.url),
    ...(t.secret ? [t.secret] : []),
  ]);

  return {
    targets: resolved.map((t) => ({ name: t.name, kind: t.kind })),
    hosts: resolved.map((t) => ({ name: t.name, kind: t.kind, host: new URL(t.url).host })),
    secrets: configSecrets,
    async test(ctx) {
      const secrets = [...configSecrets, ...ctx.secrets];
      let delivery: typeof import('./deliver.js');
      try {
        delivery = await loadDelivery();
      } catch (error) {
        return resolved.map((target) => redactTokens(notLoaded(target, error), secrets));
      }
      const message = redactTokens(delivery.testMessage(ctx), secrets);
      const results = await Promise.all(
        resolved.map((target) =>
          delivery.deliver(
            target,
            message,
            ctx.deadlineMs,
            settings.timeoutMs,
            now,
            fetchImpl,
            random,
          ),
        ),
      );
      return results.map((r) => redactTokens(r, secrets));
    },
    async notify(records, ctx) {
      const startMs = now();
      const secrets = [...configSecrets, ...ctx.secrets];
      let results: TargetResult[];
      try {
        const delivery = await loadDelivery();
        const jobs: Promise<TargetResult>[] = [];
        for (const target of resolved) {
          const built = delivery.buildMessage(records, target, settings.maxItems, ctx);
          if (!built) continue;
          const message = redactTokens(built, secrets);
          jobs.push(
            delivery.deliver(
              target,
              message,
              ctx.deadlineMs,
              settings.timeoutMs,
              now,
              fetchImpl,
              random,
            ),
          );
        }
        if (jobs.length === 0) return undefined;
        results = (await Promise.all(jobs)).map((r) => redactTokens(r, secrets));
      } catch (error) {
        // The sending code could not be loaded: whether a target had something to report is
        // not known, so every target gets a result saying why nothing was sent (one
        // `notify_failed` record; the decision records are written already).
        if (!(error instanceof ChunkLoadError)) throw error;
        results = resolved.map((target) => redactTokens(notLoaded(target, error), secrets));
      }
      const failed = results.filter((r) => !r.delivered);
      const record: NotificationRecord = {
        time: new Date(now()).toISOString(),
        kind: 'notification',
        trigger: ctx.trigger,
        ...(ctx.triggerRef ? { triggerRef: ctx.triggerRef } : {}),
        invocationId: ctx.invocationId,
        outcome: failed.length === 0 ? 'notified' : 'notify_failed',
        detail: results.map((r) => `${r.name}: ${r.detail}`).join('; '),
        attempts: results.reduce((sum, r) => sum + r.attempts, 0),
        ...(failed.length > 0 ? { errorCode: 'NotifyFailed' } : {}),
        notifyTargets: results.map((r) => r.name).join(','),
        latencyMs: Math.max(0, now() - startMs),
      };
      return { record, targets: results };
    },
  };
}

/** A target's result when the sending code could not be loaded: nothing sent. */
function notLoaded(target: ResolvedTarget, error: unknown): TargetResult {
  const why = error instanceof Error ? error.message : String(error);
  return {
    name: target.name,
    kind: target.kind,
    delivered: false,
    attempts: 0,
    detail: `not sent: ${why}`,
  };
}

/** Reads and checks one webhook URL variable. @throws NotifyConfigError */
function readUrl(env: NodeJS.ProcessEnv, variable: string, key: string): string {
  const raw = env[variable]?.trim();
  if (!raw) {
    throw new NotifyConfigError(`${key}: the variable ${variable} is not set or empty`, variable);
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new NotifyConfigError(`${key}: the variable ${variable} does not hold a URL`, variable);
  }
  const loopback = ['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new NotifyConfigError(
      `${key}: the URL in ${variable} must start with https:// (http:// only to a loopback host)`,
      variable,
    );
  }
  if (url.username || url.password) {
    throw new NotifyConfigError(`${key}: the URL in ${variable} must not hold user info`, variable);
  }
  return url.toString();
}

export { urlSecrets } from './url-secrets.js';
