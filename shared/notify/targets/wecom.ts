/**
 * WeCom (企业微信) group robot.
 *
 * Source: https://developer.work.weixin.qq.com/document/path/91770 ("群机器人配置说明"):
 * `POST <webhook>?key=…` with `{msgtype: "markdown", markdown: {content}}`, `content` UTF-8 and
 * at most 4096 bytes; reply `{errcode: 0, errmsg: "ok"}` (errors: errcode ≠ 0, e.g. 93000
 * "invalid webhook url"). The robot has no signature scheme: the `key` in the URL is the secret,
 * and at most 20 messages a minute are accepted.
 */

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

/** The documented limit of `markdown.content`, bytes. */
export const WECOM_MAX_CONTENT_BYTES = 4096;

const COLOUR = { critical: 'warning', warning: 'info', info: 'comment' } as const;

function content(message: NotificationMessage): string {
  const lines = [`### <font color="${COLOUR[message.severity]}">${message.title}</font>`];
  for (const item of message.items) lines.push(`> ${markdownEscape(itemLine(item))}`);
  if (message.more > 0) lines.push(`> … and ${message.more} more (see the outcome log)`);
  lines.push(`<font color="comment">${message.footer}</font>`);
  return truncateBytes(lines.join('\n'), WECOM_MAX_CONTENT_BYTES);
}

/** The WeCom group robot: a markdown message, cut to its byte limit; WeCom robots are not signed (sources in this file's header). */
export const wecom: TargetFormat = {
  kind: 'wecom',
  request(message, webhookUrl): TargetRequest {
    return {
      url: webhookUrl,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ msgtype: 'markdown', markdown: { content: content(message) } }),
      signatures: [], // not signed (the secret is the URL itself, redacted as configured)
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
