/**
 * DingTalk custom robot ("自定义机器人").
 *
 * Sources:
 * - message types, `markdown` = `{msgtype: "markdown", markdown: {title, text}}`, reply
 *   `{errcode: 0, errmsg: "ok"}` (errors are HTTP 200 with errcode ≠ 0):
 *   https://open.dingtalk.com/document/orgapp/custom-robots-send-group-messages
 * - signature ("加签"): `timestamp` = epoch **milliseconds** (within one hour of the server's
 *   clock); string to sign = `timestamp + "\n" + secret`; `sign` = urlEncode(base64(HMAC-SHA256(
 *   key = secret, stringToSign))); both appended to the webhook URL as query parameters:
 *   https://open.dingtalk.com/document/orgapp/customize-robot-security-settings
 * A robot with the "custom keywords" setting only accepts messages containing a keyword: every
 * message starts with `webplus-abort`, so that keyword always works.
 */
import { createHmac } from 'node:crypto';
import { markdownEscape } from '../markdown-escape.js';
import type { NotificationMessage } from '../message.js';
import { itemLine } from '../message.js';
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

/** Kept well under the robot's message size limit, bytes. */
const MAX_TEXT_BYTES = 18_000;

/** `sign` before URL encoding: base64(HMAC-SHA256(secret, `${timestampMs}\n${secret}`)). */
export function dingtalkSign(timestampMs: number, secret: string): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64');
}

function markdown(message: NotificationMessage): string {
  const lines = [`#### ${message.title}`, ''];
  for (const item of message.items) lines.push(`- ${markdownEscape(itemLine(item))}`);
  if (message.more > 0) lines.push(`- … and ${message.more} more (see the outcome log)`);
  lines.push('', `> ${message.footer}`);
  return truncateBytes(lines.join('\n'), MAX_TEXT_BYTES);
}

/**
 * The DingTalk custom robot: a markdown message, signed (`timestamp` + `sign` in the URL) when
 * the target has a secret (sources in this file's header).
 */
export const dingtalk: TargetFormat = {
  kind: 'dingtalk',
  request(message, webhookUrl, secret, nowMs): TargetRequest {
    const url = new URL(webhookUrl);
    const signatures: string[] = [];
    if (secret !== undefined) {
      const sign = dingtalkSign(nowMs, secret);
      url.searchParams.set('timestamp', String(nowMs));
      url.searchParams.set('sign', sign);
      signatures.push(sign);
    }
    const body = JSON.stringify({
      msgtype: 'markdown',
      markdown: { title: message.title, text: markdown(message) },
    });
    return {
      url: url.toString(),
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body,
      signatures,
    };
  },
  verdict(reply: Reply): ReplyVerdict {
    const json = jsonObject(reply.body);
    if (reply.status === 200 && json && json.errcode === 0) {
      return { ok: true, detail: 'HTTP 200, errcode 0', retryable: false };
    }
    if (json && typeof json.errcode === 'number') {
      return {
        ok: false,
        detail: `HTTP ${reply.status}, errcode ${json.errcode}: ${excerpt(String(json.errmsg ?? ''))}`,
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
