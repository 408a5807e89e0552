/**
 * What `invoke --remote` saw of FC's HTTP reply, and whether it is the function's answer
 * (red-team 12 F9). The FC SDKs read the reply themselves: an HTML 502 from a gateway made
 * `@alicloud/fc20230330` throw a bare `SyntaxError` (exit 3 with a stack trace), and a
 * `200 text/plain` was printed as a success. Here the reply's status, content type, request id
 * and first bytes are observed passively through Node's `http.client.response.finish`
 * diagnostics channel (https://nodejs.org/api/diagnostics_channel.html#http), so a reply that is
 * not the function's JSON answer can be named in one line.
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { Redactor } from '#shared/core/redact.js';
import { printable } from '#shared/core/text.js';

/** What was seen of one HTTP reply. */
export interface SeenReply {
  status: number;
  /** `content-type`, or `undefined` when the reply had none. */
  contentType?: string;
  /** `x-fc-request-id`. */
  requestId?: string;
  /** The first {@link FIRST_BYTES} bytes of the body, as they came (UTF-8, maybe cut). */
  firstBytes: string;
}

/** How many bytes of a reply's body are kept for the message. */
export const FIRST_BYTES = 120;

/**
 * Watches the replies to requests sent to `host` (`host[:port]`) until `stop()`: `last()` is the
 * latest. Nothing of the request or the reply is changed (the body's `data` events are copied
 * as they are emitted to whoever reads them).
 */
export function watchReplies(host: string): { last(): SeenReply | undefined; stop(): void } {
  let last: SeenReply | undefined;
  const onResponse = (message: unknown): void => {
    const { request, response } = message as { request: ClientRequest; response: IncomingMessage };
    const requestHost = request.getHeader('host');
    if (typeof requestHost === 'string' && requestHost !== host && request.host !== host) return;
    const header = (name: string) => {
      const v = response.headers[name];
      return typeof v === 'string' ? v : undefined;
    };
    const seen: SeenReply = { status: response.statusCode ?? 0, firstBytes: '' };
    const type = header('content-type');
    if (type !== undefined) seen.contentType = type;
    const id = header('x-fc-request-id');
    if (id !== undefined) seen.requestId = id;
    last = seen;
    const kept: Buffer[] = [];
    let size = 0;
    const emit = response.emit.bind(response);
    response.emit = ((event: string | symbol, ...args: unknown[]) => {
      if (event === 'data' && size < FIRST_BYTES) {
        const chunk = args[0];
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
        kept.push(bytes.subarray(0, FIRST_BYTES - size));
        size += Math.min(bytes.length, FIRST_BYTES - size);
        seen.firstBytes = Buffer.concat(kept).toString('utf8');
      }
      return emit(event, ...args);
    }) as typeof response.emit;
  };
  diagnosticsChannel.subscribe('http.client.response.finish', onResponse);
  return {
    last: () => last,
    stop: () => diagnosticsChannel.unsubscribe('http.client.response.finish', onResponse),
  };
}

/** The function's answer as JSON, or `undefined` when `body` is not one JSON document. */
export function parseAnswer(body: string): { value: unknown } | undefined {
  if (body.trim() === '') return undefined;
  try {
    return { value: JSON.parse(body) };
  } catch {
    return undefined;
  }
}

/**
 * The one line naming a reply that is not the function's JSON answer: its status, content type,
 * request id and first bytes (redacted, control characters escaped by core/text.ts `printable`,
 * at most {@link FIRST_BYTES} characters).
 * @example
 *   notTheAnswer({ status: 502, contentType: 'text/html', firstBytes: '<html>…' }, redact)
 *   // 'the reply is not the function's JSON answer: HTTP 502, content-type text/html, …'
 */
export function notTheAnswer(reply: SeenReply, redact: Redactor): string {
  const start = printable(redact.text(reply.firstBytes), FIRST_BYTES);
  const type = reply.contentType ? redact.text(reply.contentType).slice(0, 80) : 'none';
  const id = reply.requestId
    ? `, x-fc-request-id ${redact.text(reply.requestId).slice(0, 64)}`
    : '';
  return `the reply is not the function's JSON answer: HTTP ${reply.status}, content-type ${type}${id}, ${start ? `first bytes ${JSON.stringify(start)}` : 'empty body'}`;
}
