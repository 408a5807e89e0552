import type { NotifyKind, NotifySettings } from '../config/notify-settings.js';
import { equalJitterDelay } from '../core/backoff.js';
import { createRedactor, redactTokens } from '../core/redact.js';
import type { NotificationRecord, OutcomeRecord, Trigger } from '../model/record.js';
import { NotifyConfigError, NotifySendError } from './errors.js';
import {
  buildMessage,
  type MessageContext,
  type NotificationMessage,
  testMessage,
} from './message.js';
import { type FetchLike, postOnce } from './send.js';
import type { ReplyVerdict } from './target.js';
import { TARGET_FORMATS } from './targets/index.js';
import { urlSecrets } from './url-secrets.js';

/** Attempts per target and message (the first included). */
export const NOTIFY_MAX_ATTEMPTS = 2;
/** No attempt starts with less time than this before the deadline, ms. */
export const NOTIFY_MIN_ATTEMPT_MS = 100;
/** Backoff base before the second attempt, ms (equal jitter, shared/core/backoff.ts). */
const RETRY_BASE_MS = 200;

/** A target with its URL and secret read from the environment at cold start. */
interface ResolvedTarget {
  name: string;
  kind: NotifyKind;
  url: string;
  secret?: string;
  outcomes: NotifySettings['outcomes'];
  minSeverity: NotifySettings['minSeverity'];
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
      const message = redactTokens(testMessage(ctx), secrets);
      const results = await Promise.all(
        resolved.map((target) =>
          deliver(target, message, ctx.deadlineMs, settings.timeoutMs, now, fetchImpl, random),
        ),
      );
      return results.map((r) => redactTokens(r, secrets));
    },
    async notify(records, ctx) {
      const startMs = now();
      const secrets = [...configSecrets, ...ctx.secrets];
      const jobs: Promise<TargetResult>[] = [];
      for (const target of resolved) {
        const built = buildMessage(records, target, settings.maxItems, ctx);
        if (!built) continue;
        const message = redactTokens(built, secrets);
        jobs.push(
          deliver(target, message, ctx.deadlineMs, settings.timeoutMs, now, fetchImpl, random),
        );
      }
      if (jobs.length === 0) return undefined;
      const results = (await Promise.all(jobs)).map((r) => redactTokens(r, secrets));
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

/** One target: up to {@link NOTIFY_MAX_ATTEMPTS} attempts, none started without time for it. */
async function deliver(
  target: ResolvedTarget,
  message: NotificationMessage,
  deadlineMs: number,
  timeoutMs: number,
  now: () => number,
  fetchImpl: FetchLike,
  random: () => number,
): Promise<TargetResult> {
  const format = TARGET_FORMATS[target.kind];
  const base = { name: target.name, kind: target.kind };
  let attempts = 0;
  let last = 'not sent';
  for (;;) {
    const left = deadlineMs - now();
    if (left < NOTIFY_MIN_ATTEMPT_MS) {
      const why = `${Math.max(0, left)} ms left before the deadline, too little for an attempt`;
      return {
        ...base,
        delivered: false,
        attempts,
        detail: attempts === 0 ? `not sent: ${why}` : `not delivered: ${last}; ${why}`,
      };
    }
    attempts++;
    let verdict: ReplyVerdict;
    // This request's own secrets: its signatures and every query value of the URL it went to
    // (DingTalk's `sign` and `timestamp` are added per request): a receiver that echoes the
    // request back never shows them in a detail (rt12 L1).
    // The signatures are searched as signatures (their HMAC bytes in hex or base64url too:
    // red-team 25 G8), the URL's other values as secrets.
    let requestSecrets: readonly string[] = [];
    let requestSignatures: readonly string[] = [];
    try {
      const request = format.request(message, target.url, target.secret, now());
      requestSignatures = request.signatures;
      requestSecrets = urlSecrets(request.url).filter((v) => !request.signatures.includes(v));
      verdict = format.verdict(await postOnce(request, Math.min(timeoutMs, left), fetchImpl));
    } catch (error) {
      const failure =
        error instanceof NotifySendError
          ? error
          : new NotifySendError(`could not send: ${String(error)}`, 'Unknown', false);
      verdict = { ok: false, detail: failure.message, retryable: failure.retryable };
    }
    if (requestSecrets.length > 0 || requestSignatures.length > 0)
      verdict = {
        ...verdict,
        detail: withoutRequestSecrets(verdict.detail, requestSecrets, requestSignatures),
      };
    if (verdict.ok) {
      const tries = attempts > 1 ? `, attempt ${attempts}` : '';
      return {
        ...base,
        delivered: true,
        attempts,
        detail: `delivered (${verdict.detail}${tries})`,
      };
    }
    last = verdict.detail;
    if (!verdict.retryable || attempts >= NOTIFY_MAX_ATTEMPTS) {
      const tries = `${attempts} attempt${attempts === 1 ? '' : 's'}`;
      return { ...base, delivered: false, attempts, detail: `not delivered: ${last} (${tries})` };
    }
    const delay = equalJitterDelay(attempts, RETRY_BASE_MS, 1000, random);
    if (now() + delay + NOTIFY_MIN_ATTEMPT_MS > deadlineMs) {
      return {
        ...base,
        delivered: false,
        attempts,
        detail: `not delivered: ${last}; no time for another attempt before the deadline`,
      };
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
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

/**
 * `text` without a request's own secrets: `secrets` (its URL's values) as the redactor's secrets,
 * `signatures` added as signatures (each searched in every dress, its HMAC bytes too:
 * shared/core/redact.ts `Redactor.add`).
 */
function withoutRequestSecrets(
  text: string,
  secrets: readonly string[],
  signatures: readonly string[],
): string {
  const redactor = createRedactor(secrets);
  for (const signature of signatures) redactor.add(signature);
  return redactor.text(text);
}
