/**
 * Lark / Feishu custom bot ("自定义机器人").
 *
 * Sources (the same API on both sites):
 * https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot and
 * https://open.larksuite.com/document/client-docs/bot-v3/add-custom-bot
 * - text message: `{msg_type: "text", content: {text}}`; the request body is at most 20 KB;
 * - signature: `timestamp` = epoch **seconds** (within one hour), string to sign =
 *   `timestamp + "\n" + secret`, used as the **key** of an HMAC-SHA256 over an empty message;
 *   `sign` = base64 of it; both go in the JSON body (`timestamp` as a string);
 * - reply: `{code: 0, msg: "success", data: {}}`; older bots answer
 *   `{StatusCode: 0, StatusMessage: "success"}`; a bad signature is `code` 19021.
 */
import { createHmac } from 'node:crypto';
import type { NotificationMessage } from '../message.js';
import { plainLines } from '../message.js';
import {
  excerpt,
  jsonObject,
  type Reply,
  type ReplyVerdict,
  retryableStatus,
  type TargetFormat,
  type TargetRequest,
  truncateBytes,
} from '../target.js';

/** Text budget that keeps the body under the documented 20 KB, bytes. */
const MAX_TEXT_BYTES = 18_000;

/** base64(HMAC-SHA256(key = `${timestampS}\n${secret}`, message = "")). */
export function larkSign(timestampS: number, secret: string): string {
  return createHmac('sha256', `${timestampS}\n${secret}`).update('').digest('base64');
}

function text(message: NotificationMessage): string {
  return truncateBytes(plainLines(message).join('\n'), MAX_TEXT_BYTES);
}

/**
 * The Lark / Feishu custom bot: a text message, signed (`timestamp` + `sign` in the body) when
 * the target has a secret (sources in this file's header).
 */
export const lark: TargetFormat = {
  kind: 'lark',
  request(message, webhookUrl, secret, nowMs): TargetRequest {
    const seconds = Math.floor(nowMs / 1000);
    const sign = secret === undefined ? undefined : larkSign(seconds, secret);
    const signature = sign === undefined ? {} : { timestamp: String(seconds), sign };
    return {
      url: webhookUrl,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ ...signature, msg_type: 'text', content: { text: text(message) } }),
      signatures: sign === undefined ? [] : [sign],
    };
  },
  verdict(reply: Reply): ReplyVerdict {
    const json = jsonObject(reply.body);
    const code = json?.code ?? json?.StatusCode;
    if (reply.status === 200 && code === 0) {
      return { ok: true, detail: 'HTTP 200, code 0', retryable: false };
    }
    if (json && typeof code === 'number') {
      const msg = json.msg ?? json.StatusMessage ?? '';
      return {
        ok: false,
        detail: `HTTP ${reply.status}, code ${code}: ${excerpt(String(msg))}`,
        retryable: retryableStatus(reply.status),
      };
    }
    return {
      ok: false,
      detail: `HTTP ${reply.status} (${reply.contentType || 'no content-type'}): ${excerpt(reply.body) || 'empty body'}`,
      retryable: retryableStatus(reply.status),
    };
  },
};
