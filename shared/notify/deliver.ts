/**
 * The sending half of the notifier (notifier.ts): the messages, each target kind's format and
 * signature (targets/), the HTTP post and its retries. notifier.ts loads this module at the first
 * notification of the instance (shared/core/load-chunk.ts): in the function bundle it is the
 * chunk `notify-targets.js` (scripts/bundle-options.mjs `SOURCE_CHUNKS`), so a cold start never
 * reads it, with or without targets.
 */
import type { NotifyKind, NotifySettings } from '../config/notify-settings.js';
import { equalJitterDelay } from '../core/backoff.js';
import { createRedactor } from '../core/redact.js';
import { NotifySendError } from './errors.js';
import type { NotificationMessage } from './message.js';
import type { TargetResult } from './notifier.js';
import { type FetchLike, postOnce } from './send.js';
import type { ReplyVerdict } from './target.js';
import { TARGET_FORMATS } from './targets/index.js';
import { urlSecrets } from './url-secrets.js';

export { buildMessage, testMessage } from './message.js';

/** Attempts per target and message (the first included). */
export const NOTIFY_MAX_ATTEMPTS = 2;
/** No attempt starts with less time than this before the deadline, ms. */
export const NOTIFY_MIN_ATTEMPT_MS = 100;
/** Backoff base before the second attempt, ms (equal jitter, shared/core/backoff.ts). */
const RETRY_BASE_MS = 200;

/** A target with its URL and secret read from the environment at cold start. */
export interface ResolvedTarget {
  name: string;
  kind: NotifyKind;
  url: string;
  secret?: string;
  outcomes: NotifySettings['outcomes'];
  minSeverity: NotifySettings['minSeverity'];
}

/** One target: up to {@link NOTIFY_MAX_ATTEMPTS} attempts, none started without time for it. */
export async function deliver(
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
