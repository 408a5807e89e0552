import type { NotifyKind } from '../config/notify-settings.js';
import type { NotificationMessage } from './message.js';

/** The HTTP request that delivers one message: always a POST of a UTF-8 JSON body. */
export interface TargetRequest {
  /** The URL to post to (the webhook URL, plus any signature query parameters). A secret. */
  url: string;
  headers: Record<string, string>;
  body: string;
  /**
   * The values this request is signed with, wherever they travel (DingTalk's `sign` query value,
   * Lark's `sign` in the body, the JSON webhook's signature header); empty when unsigned. Secrets
   * for the redactor: a receiver echoing the request never shows them (rt12 L1). Every query
   * value of `url` is redacted as well, whether listed here or not.
   */
  signatures: readonly string[];
}

/** What the receiver's answer means. */
export interface ReplyVerdict {
  ok: boolean;
  /** In words, for the notification record: `HTTP 200, errcode 0`. Never holds the URL. */
  detail: string;
  /** Worth another attempt (5xx, 429, a socket error). */
  retryable: boolean;
}

/** What a receiver answered: status, content type and at most 64 KB of the body as text. */
export interface Reply {
  status: number;
  contentType: string;
  body: string;
}

/**
 * One kind of receiver: how a message becomes its request (payload shape and signature as the
 * service documents them) and how its reply is judged. One file per kind under targets/.
 */
export interface TargetFormat {
  readonly kind: NotifyKind;
  /**
   * @param webhookUrl the URL from the target's `urlEnv` variable
   * @param secret the signing secret from `secretEnv`, when the target has one
   * @param nowMs epoch ms used for the signature timestamp
   */
  request(
    message: NotificationMessage,
    webhookUrl: string,
    secret: string | undefined,
    nowMs: number,
  ): TargetRequest;
  verdict(reply: Reply): ReplyVerdict;
}

/** `text` cut to at most `maxBytes` UTF-8 bytes, on a character boundary, ending in `…` if cut. */
export function truncateBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  const ellipsis = '…';
  let out = '';
  let bytes = Buffer.byteLength(ellipsis);
  for (const ch of text) {
    const size = Buffer.byteLength(ch);
    if (bytes + size > maxBytes) break;
    out += ch;
    bytes += size;
  }
  return out + ellipsis;
}

/** The reply body parsed as a JSON object, or undefined. */
export function jsonObject(body: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(body) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Retry 5xx, 429 and 408; not other statuses. */
export function retryableStatus(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

/** A short, single-line excerpt of a reply body for a detail. */
export function excerpt(body: string, max = 120): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
