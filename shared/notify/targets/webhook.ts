/**
 * Generic JSON webhook: the message as this project defines it (docs/reference/notifications.md).
 *
 * `POST` `application/json` body `{source: "webplus-abort", severity, title, counts, items, more,
 * invocationId, trigger, functionName, region, dryRun, text}`. With a secret, two headers sign it:
 * `x-webplus-abort-timestamp` (epoch seconds) and `x-webplus-abort-signature` =
 * `sha256=` + hex(HMAC-SHA256(secret, `${timestamp}.${body}`)) — the timestamp-dot-body scheme
 * of Stripe's webhook signatures (https://docs.stripe.com/webhooks#verify-manually), so a
 * receiver can refuse replays older than its tolerance. Any 2xx is success.
 */
import { createHmac } from 'node:crypto';
import { plainLines } from '../message.js';
import {
  excerpt,
  type Reply,
  type ReplyVerdict,
  retryableStatus,
  type TargetFormat,
  type TargetRequest,
} from '../target.js';

/** Header of the JSON webhook carrying the signing time, whole seconds since the epoch. */
export const WEBHOOK_TIMESTAMP_HEADER = 'x-webplus-abort-timestamp';
/** Header of the JSON webhook carrying {@link webhookSignature}. */
export const WEBHOOK_SIGNATURE_HEADER = 'x-webplus-abort-signature';

/** `sha256=` + hex(HMAC-SHA256(secret, `${timestampS}.${body}`)). */
export function webhookSignature(timestampS: number, body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestampS}.${body}`, 'utf8').digest('hex')}`;
}

/**
 * A generic JSON webhook: the message as JSON (docs/reference/notifications.md), signed with
 * {@link WEBHOOK_TIMESTAMP_HEADER} and {@link WEBHOOK_SIGNATURE_HEADER} when it has a secret.
 */
export const webhook: TargetFormat = {
  kind: 'webhook',
  request(message, webhookUrl, secret, nowMs): TargetRequest {
    const { context } = message;
    const body = JSON.stringify({
      source: 'webplus-abort',
      severity: message.severity,
      title: message.title,
      counts: message.counts,
      items: message.items,
      more: message.more,
      invocationId: context.invocationId,
      trigger: context.trigger,
      functionName: context.functionName,
      region: context.region,
      dryRun: context.dryRun,
      text: plainLines(message).join('\n'),
    });
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
    const signatures: string[] = [];
    if (secret !== undefined) {
      const seconds = Math.floor(nowMs / 1000);
      const signature = webhookSignature(seconds, body, secret);
      headers[WEBHOOK_TIMESTAMP_HEADER] = String(seconds);
      headers[WEBHOOK_SIGNATURE_HEADER] = signature;
      signatures.push(signature, signature.slice('sha256='.length));
    }
    return { url: webhookUrl, headers, body, signatures };
  },
  verdict(reply: Reply): ReplyVerdict {
    if (reply.status >= 200 && reply.status < 300) {
      return { ok: true, detail: `HTTP ${reply.status}`, retryable: false };
    }
    return {
      ok: false,
      detail: `HTTP ${reply.status}: ${excerpt(reply.body) || 'empty body'}`,
      retryable: retryableStatus(reply.status),
    };
  },
};
