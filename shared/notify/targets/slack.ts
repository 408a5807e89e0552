/**
 * Slack incoming webhook.
 *
 * Sources:
 * - https://api.slack.com/messaging/webhooks: `POST` JSON with `text` (the notification
 *   fallback) and optional `blocks`; success is HTTP 200 with the body `ok`; errors are 4xx with
 *   a plain-text code (`invalid_payload`, `no_service`, `channel_is_archived`, ...). No
 *   signature: the URL is the secret.
 * - Block Kit: https://api.slack.com/reference/block-kit/blocks (`header` plain text at most
 *   150 characters, `section` text at most 3000 characters, `context` elements).
 * - mrkdwn escaping (`&`, `<`, `>`): https://api.slack.com/reference/surfaces/formatting#escaping
 */
import type { NotificationMessage } from '../message.js';
import { itemLine } from '../message.js';
import {
  excerpt,
  type Reply,
  type ReplyVerdict,
  retryableStatus,
  type TargetFormat,
  type TargetRequest,
} from '../target.js';

const MAX_HEADER_CHARS = 150;
const MAX_SECTION_CHARS = 3000;

/** Escapes the three characters Slack's mrkdwn reserves. */
export function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function cut(text: string, max: number): string {
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}

function blocks(message: NotificationMessage): unknown[] {
  const lines = message.items.map((item) => `• ${slackEscape(itemLine(item))}`);
  if (message.more > 0) lines.push(`• … and ${message.more} more (see the outcome log)`);
  return [
    { type: 'header', text: { type: 'plain_text', text: cut(message.title, MAX_HEADER_CHARS) } },
    { type: 'section', text: { type: 'mrkdwn', text: cut(lines.join('\n'), MAX_SECTION_CHARS) } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: slackEscape(message.footer) }] },
  ];
}

/** A Slack incoming webhook: Block Kit sections, escaped; Slack webhooks are not signed (sources in this file's header). */
export const slack: TargetFormat = {
  kind: 'slack',
  request(message, webhookUrl): TargetRequest {
    return {
      url: webhookUrl,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ text: slackEscape(message.title), blocks: blocks(message) }),
      signatures: [], // not signed (the secret is the URL itself, redacted as configured)
    };
  },
  verdict(reply: Reply): ReplyVerdict {
    if (reply.status === 200 && reply.body.trim() === 'ok') {
      return { ok: true, detail: 'HTTP 200, ok', retryable: false };
    }
    return {
      ok: false,
      detail: `HTTP ${reply.status}: ${excerpt(reply.body) || 'empty body'}`,
      retryable: retryableStatus(reply.status),
    };
  },
};
