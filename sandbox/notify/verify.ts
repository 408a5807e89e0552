/**
 * What each chat service checks on an incoming webhook call, written from the services' own
 * documentation and independently of shared/notify (which builds the calls): the receivers in
 * server.ts use these checks as the oracle for the senders.
 *
 * - DingTalk custom robot: https://open.dingtalk.com/document/orgapp/custom-robots-send-group-messages
 *   and https://open.dingtalk.com/document/orgapp/customize-robot-security-settings
 * - Lark / Feishu custom bot: https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot
 * - WeCom group robot: https://developer.work.weixin.qq.com/document/path/91770
 * - Slack incoming webhook: https://api.slack.com/messaging/webhooks and
 *   https://api.slack.com/reference/block-kit/blocks
 * - generic webhook: docs/reference/notifications.md of this repository.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type ReceiverKind = 'dingtalk' | 'lark' | 'wecom' | 'slack' | 'webhook';

/** One incoming request as the checks see it. Header names are lower case. */
export interface IncomingCall {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  /** The raw body, decoded as UTF-8. */
  body: string;
}

/** The receiver's answer. */
export interface Answer {
  status: number;
  contentType: string;
  body: string;
}

/** The outcome of the checks: the answer the service would give, and what was wrong if anything. */
export interface Check {
  accepted: boolean;
  /** Why the call was refused (absent when accepted). */
  problem?: string;
  /** The human-readable text of the message (for assertions), when the body could be read. */
  text?: string;
  answer: Answer;
}

/** Signatures older or newer than this are refused (all services: one hour). */
const ONE_HOUR_MS = 3_600_000;
/** Our generic webhook's tolerance, ms. */
const WEBHOOK_TOLERANCE_MS = 5 * 60_000;

const json = (status: number, value: unknown): Answer => ({
  status,
  contentType: 'application/json',
  body: JSON.stringify(value),
});
const plain = (status: number, body: string): Answer => ({
  status,
  contentType: 'text/plain',
  body,
});

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function parse(body: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function obj(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** DingTalk: `/robot/send?access_token=…[&timestamp=ms&sign=…]`, markdown or text body. */
export function checkDingtalk(
  call: IncomingCall,
  token: string,
  secret: string | undefined,
  nowMs: number,
): Check {
  const refuse = (errcode: number, errmsg: string): Check => ({
    accepted: false,
    problem: errmsg,
    answer: json(200, { errcode, errmsg }),
  });
  if (call.method !== 'POST' || call.path !== '/robot/send')
    return refuse(300001, 'no such robot path');
  if (!sameText(call.query.get('access_token') ?? '', token))
    return refuse(300005, 'token is not exist');
  if (secret !== undefined) {
    const timestamp = call.query.get('timestamp') ?? '';
    const sign = call.query.get('sign') ?? '';
    if (!/^\d{13}$/.test(timestamp)) return refuse(310000, 'timestamp must be epoch milliseconds');
    if (Math.abs(nowMs - Number(timestamp)) > ONE_HOUR_MS)
      return refuse(310000, 'timestamp is more than an hour off');
    const mac = createHmac('sha256', Buffer.from(secret, 'utf8'));
    mac.update(Buffer.from(`${timestamp}\n${secret}`, 'utf8'));
    if (!sameText(sign, mac.digest().toString('base64'))) return refuse(310000, 'sign not match');
  }
  if (!(call.headers['content-type'] ?? '').startsWith('application/json')) {
    return refuse(40035, 'content-type must be application/json');
  }
  const body = parse(call.body);
  if (!body) return refuse(40035, 'body is not a JSON object');
  const type = body.msgtype;
  if (type === 'markdown') {
    const md = obj(body.markdown);
    if (
      typeof md?.title !== 'string' ||
      md.title === '' ||
      typeof md.text !== 'string' ||
      md.text === ''
    ) {
      return refuse(40035, 'markdown.title and markdown.text are required');
    }
    return { accepted: true, text: md.text, answer: json(200, { errcode: 0, errmsg: 'ok' }) };
  }
  if (type === 'text') {
    const text = obj(body.text);
    if (typeof text?.content !== 'string' || text.content === '')
      return refuse(40035, 'text.content is required');
    return { accepted: true, text: text.content, answer: json(200, { errcode: 0, errmsg: 'ok' }) };
  }
  return refuse(40035, `msgtype ${JSON.stringify(type)} is not one this receiver knows`);
}

/** Lark: `/open-apis/bot/v2/hook/<token>`, `{[timestamp, sign], msg_type, content}`. */
export function checkLark(
  call: IncomingCall,
  token: string,
  secret: string | undefined,
  nowMs: number,
): Check {
  const refuse = (code: number, msg: string): Check => ({
    accepted: false,
    problem: msg,
    answer: json(200, { code, msg, data: {} }),
  });
  if (call.method !== 'POST' || call.path !== `/open-apis/bot/v2/hook/${token}`) {
    return refuse(19001, 'param invalid: incoming webhook access token invalid');
  }
  const body = parse(call.body);
  if (!body) return refuse(9499, 'Bad Request: body is not JSON');
  if (secret !== undefined) {
    const raw = body.timestamp;
    const timestamp = typeof raw === 'string' || typeof raw === 'number' ? String(raw) : '';
    if (!/^\d{10}$/.test(timestamp))
      return refuse(19021, 'sign match fail: timestamp must be epoch seconds');
    if (Math.abs(nowMs - Number(timestamp) * 1000) > ONE_HOUR_MS) {
      return refuse(19021, 'sign match fail or timestamp is not within one hour from current time');
    }
    // The documented scheme: the string `timestamp\nsecret` is the HMAC key, the data is empty.
    const expected = createHmac('sha256', Buffer.from(`${timestamp}\n${secret}`, 'utf8')).digest(
      'base64',
    );
    if (typeof body.sign !== 'string' || !sameText(body.sign, expected)) {
      return refuse(19021, 'sign match fail or timestamp is not within one hour from current time');
    }
  }
  if (Buffer.byteLength(call.body) > 20 * 1024) return refuse(9499, 'request body exceeds 20 KB');
  if (body.msg_type === 'text') {
    const text = obj(body.content)?.text;
    if (typeof text !== 'string' || text === '') return refuse(9499, 'content.text is required');
    return { accepted: true, text, answer: json(200, { code: 0, msg: 'success', data: {} }) };
  }
  return refuse(9499, `msg_type ${JSON.stringify(body.msg_type)} is not one this receiver knows`);
}

/** WeCom: `/cgi-bin/webhook/send?key=<token>`, markdown (≤ 4096 bytes) or text (≤ 2048 bytes). */
export function checkWecom(call: IncomingCall, token: string): Check {
  const refuse = (errcode: number, errmsg: string): Check => ({
    accepted: false,
    problem: errmsg,
    answer: json(200, { errcode, errmsg }),
  });
  if (call.method !== 'POST' || call.path !== '/cgi-bin/webhook/send')
    return refuse(93000, 'invalid webhook url');
  if (!sameText(call.query.get('key') ?? '', token)) return refuse(93000, 'invalid webhook url');
  const body = parse(call.body);
  if (!body) return refuse(40008, 'invalid message type');
  if (body.msgtype === 'markdown') {
    const content = obj(body.markdown)?.content;
    if (typeof content !== 'string' || content === '')
      return refuse(41009, 'missing markdown.content');
    if (Buffer.byteLength(content, 'utf8') > 4096)
      return refuse(40058, 'markdown.content exceed max length 4096');
    return { accepted: true, text: content, answer: json(200, { errcode: 0, errmsg: 'ok' }) };
  }
  if (body.msgtype === 'text') {
    const content = obj(body.text)?.content;
    if (typeof content !== 'string' || content === '') return refuse(41009, 'missing text.content');
    if (Buffer.byteLength(content, 'utf8') > 2048)
      return refuse(40058, 'text.content exceed max length 2048');
    return { accepted: true, text: content, answer: json(200, { errcode: 0, errmsg: 'ok' }) };
  }
  return refuse(40008, 'invalid message type');
}

/** Slack: `/services/T…/B…/<token>`, `text` and/or `blocks` (header ≤ 150, section ≤ 3000). */
export function checkSlack(call: IncomingCall, token: string): Check {
  const refuse = (status: number, code: string): Check => ({
    accepted: false,
    problem: code,
    answer: plain(status, code),
  });
  const match = /^\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/([A-Za-z0-9]+)$/.exec(call.path);
  if (call.method !== 'POST' || !match || !sameText(match[1]!, token))
    return refuse(404, 'no_service');
  const body = parse(call.body);
  if (!body) return refuse(400, 'invalid_payload');
  const blocks = body.blocks;
  if (typeof body.text !== 'string' && !Array.isArray(blocks)) return refuse(400, 'no_text');
  const texts: string[] = typeof body.text === 'string' ? [body.text] : [];
  if (blocks !== undefined) {
    if (!Array.isArray(blocks) || blocks.length === 0 || blocks.length > 50)
      return refuse(400, 'invalid_blocks');
    for (const block of blocks) {
      const b = obj(block);
      const text = obj(b?.text);
      if (b?.type === 'header') {
        if (
          text?.type !== 'plain_text' ||
          typeof text.text !== 'string' ||
          [...text.text].length > 150
        ) {
          return refuse(400, 'invalid_blocks');
        }
        texts.push(text.text);
      } else if (b?.type === 'section') {
        if (
          !['mrkdwn', 'plain_text'].includes(String(text?.type)) ||
          typeof text?.text !== 'string'
        ) {
          return refuse(400, 'invalid_blocks');
        }
        if ([...text.text].length > 3000) return refuse(400, 'invalid_blocks');
        texts.push(text.text);
      } else if (b?.type === 'context') {
        if (!Array.isArray(b.elements) || b.elements.length === 0)
          return refuse(400, 'invalid_blocks');
        for (const element of b.elements) {
          const e = obj(element);
          if (typeof e?.text !== 'string') return refuse(400, 'invalid_blocks');
          texts.push(e.text);
        }
      } else {
        return refuse(400, 'invalid_blocks');
      }
    }
  }
  return { accepted: true, text: texts.join('\n'), answer: plain(200, 'ok') };
}

/** Generic webhook: JSON body from webplus-abort, signed with our headers when a secret is set. */
export function checkWebhook(
  call: IncomingCall,
  token: string,
  secret: string | undefined,
  nowMs: number,
): Check {
  const refuse = (status: number, why: string): Check => ({
    accepted: false,
    problem: why,
    answer: json(status, { error: why }),
  });
  if (call.method !== 'POST' || call.path !== `/hooks/${token}`) return refuse(404, 'no such hook');
  if (secret !== undefined) {
    const timestamp = call.headers['x-webplus-abort-timestamp'] ?? '';
    const signature = call.headers['x-webplus-abort-signature'] ?? '';
    if (!/^\d{10}$/.test(timestamp))
      return refuse(401, 'timestamp header missing or not epoch seconds');
    if (Math.abs(nowMs - Number(timestamp) * 1000) > WEBHOOK_TOLERANCE_MS)
      return refuse(401, 'timestamp too old');
    const expected = `sha256=${createHmac('sha256', secret)
      .update(Buffer.from(`${timestamp}.${call.body}`, 'utf8'))
      .digest('hex')}`;
    if (!sameText(signature, expected)) return refuse(401, 'signature mismatch');
  }
  const body = parse(call.body);
  if (
    body?.source !== 'webplus-abort' ||
    typeof body.title !== 'string' ||
    !Array.isArray(body.items)
  ) {
    return refuse(400, 'not a webplus-abort notification');
  }
  return {
    accepted: true,
    text: typeof body.text === 'string' ? body.text : body.title,
    answer: { status: 204, contentType: '', body: '' },
  };
}

/** The check of `kind`. */
export function checkCall(
  kind: ReceiverKind,
  call: IncomingCall,
  token: string,
  secret: string | undefined,
  nowMs: number,
): Check {
  switch (kind) {
    case 'dingtalk':
      return checkDingtalk(call, token, secret, nowMs);
    case 'lark':
      return checkLark(call, token, secret, nowMs);
    case 'wecom':
      return checkWecom(call, token);
    case 'slack':
      return checkSlack(call, token);
    default:
      return checkWebhook(call, token, secret, nowMs);
  }
}
