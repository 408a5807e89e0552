import { repeatedName } from '../core/json.js';
import { errorKind } from './error-kind.js';
import { WebplusError } from './errors.js';
import type { RawReply } from './transport.js';

/** A successful Web+ body: a plain object (never pop-core's null-prototype json-bigint object). */
export type WebplusBody = Record<string, unknown>;

/**
 * Reads one raw Web+ reply the way the executor needs it.
 * - JSON with `Code: "OK"` (or no Code, or `"200"` / 200) and a 2xx status → the body, unless it
 *   says `Success: false` (then a `permanent` `SuccessFalse` WebplusError, `ambiguous` on
 *   AbortChange). Each action then checks the fields it needs (client.ts).
 * - JSON in which any object repeats a name (`{"Code":"ChangeOnAborting","Code":"OK"}`, a second
 *   `ChangeId`, a repeat nested in `Change`), whatever else it says → a `permanent`
 *   `DuplicateKeyReply` WebplusError, `ambiguous` on AbortChange (core/json.ts).
 * - JSON with an error `Code` / `errorCode` (a number too), whatever the status → WebplusError.
 * - XML `<Error>` (with or without `<HostId>`) → WebplusError from its `<Code>`.
 * - A 404 that is not a Web+ JSON error (an HTML "not found" page) → `unavailable`: no such API
 *   at this endpoint.
 * - Anything else (an HTML 502, broken JSON, an empty body) → a retryable WebplusError
 *   keeping the raw body: a resolved promise is not a success.
 * Every text an error keeps (code, message, raw body) passes `redact` first, before any cut.
 * Source: Web+ API reference error format; pop-core 1.8.0 behaviour (webplus-api.md).
 * @param redact the invocation's redactor (core/redact.ts); default: none (tests of the reader)
 * @throws WebplusError
 */
export function readReply(
  action: string,
  reply: RawReply,
  redact: (text: string) => string = (t) => t,
): WebplusBody {
  const raw = reply.body;
  if (raw.trim().startsWith('<')) return readXmlError(action, { ...reply, body: redact(raw) });
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw unreadable(
      action,
      { ...reply, body: redact(raw) },
      raw.trim() ? 'a reply that is not valid JSON' : 'an empty reply',
    );
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw unreadable(action, { ...reply, body: redact(raw) }, 'a JSON reply that is not an object');
  }
  const repeated = repeatedName(raw);
  if (repeated) {
    // JSON.parse kept the last of the repeated names; something else may read the first. The
    // reply says two things: on AbortChange it is ambiguous (the request reached Web+, the
    // abort may have landed: the executor re-reads the change, never records `aborted` from
    // this reply); on a read its facts are unknown (no abort from them).
    throw new WebplusError(
      `${action}: the reply repeats the name ${JSON.stringify(redact(repeated.path).slice(0, 80))} (JSON with a duplicate name is not read)`,
      {
        action,
        kind: 'permanent',
        code: 'DuplicateKeyReply',
        httpStatus: reply.status,
        ambiguous: action === 'AbortChange',
        rawBody: cut(redact(raw)),
      },
    );
  }
  const body = parsed as WebplusBody;
  const rawCode = body.Code ?? body.code ?? body.errorCode;
  const code = rawCode === undefined || rawCode === null ? '' : String(rawCode);
  const isOk = code === '' || code === 'OK' || code === '200';
  // `Success: false` (a boolean or the string) says the call failed whatever `Code` says: an
  // `OK`/`200` beside it is never read as success. On AbortChange it is ambiguous (the request
  // reached Web+, the abort may have landed): the executor re-reads the change.
  const successFalse = body.Success === false || body.Success === 'false';
  if (successFalse && isOk) {
    throw new WebplusError(
      `${action}: the reply says Success: false beside Code ${code ? JSON.stringify(redact(code)) : 'absent'}`,
      {
        action,
        kind: 'permanent',
        code: 'SuccessFalse',
        httpStatus: reply.status,
        requestId: optionalText(body.RequestId ?? body.requestId, redact),
        ambiguous: action === 'AbortChange',
        rawBody: cut(redact(raw)),
      },
    );
  }
  if (isOk && reply.status >= 200 && reply.status < 300) return body;
  const message = redact(
    String(body.Message ?? body.message ?? body.errorMsg ?? body.errorMessage ?? ''),
  );
  const effective = code && !isOk ? redact(code) : `HTTP${reply.status}`;
  throw new WebplusError(`${action}: ${effective}${message ? `: ${message}` : ''}`, {
    action,
    kind: errorKind(effective, reply.status),
    code: effective,
    httpStatus: reply.status,
    requestId: optionalText(body.RequestId ?? body.requestId, redact),
    rawBody: code ? undefined : cut(redact(raw)),
  });
}

/** An XML reply (already redacted): the gateway's `<Error>` or something unreadable. */
function readXmlError(action: string, reply: RawReply): never {
  const text = reply.body;
  const trimmed = text.trim();
  const code = xmlTag(trimmed, 'Code');
  if (code && /<Error[\s>]/.test(trimmed)) {
    // The gateway's XML errors always carry <HostId> (pop-core's ACSError reads it and crashes
    // without it). One without it came from something else on the path: its Code is not
    // trusted, the call fails without retry, and the raw body is kept (case C06 f,
    // test/README.md).
    const fromGateway = xmlTag(trimmed, 'HostId') !== undefined;
    throw new WebplusError(`${action}: ${code}: ${xmlTag(trimmed, 'Message') ?? ''}`.trim(), {
      action,
      kind: fromGateway ? errorKind(code, reply.status) : 'permanent',
      code,
      httpStatus: reply.status,
      requestId: xmlTag(trimmed, 'RequestId'), // the body was redacted before
      rawBody: cut(text),
    });
  }
  throw unreadable(action, reply, 'a non-JSON reply');
}

function unreadable(action: string, reply: RawReply, what: string): WebplusError {
  // A 404 page that is not Web+'s own error: there is no such API at this endpoint (a retired
  // product, a wrong WEBPLUS_ENDPOINT). Retrying cannot help.
  const notHere = reply.status === 404;
  return new WebplusError(
    `${action}: ${what} (HTTP ${reply.status || 'unknown'}, ${reply.contentType || 'no content-type'})${notHere ? ': no such API at this endpoint' : ''}`,
    {
      action,
      kind: notHere ? 'unavailable' : 'retryable',
      code: reply.status ? `HTTP${reply.status}` : 'UnreadableReply',
      httpStatus: reply.status,
      rawBody: cut(reply.body),
    },
  );
}

function xmlTag(xml: string, tag: string): string | undefined {
  const match = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml);
  return match?.[1]?.trim() || undefined;
}

function cut(text: string): string {
  return text.length > 2048 ? `${text.slice(0, 2048)}…` : text;
}

/** A reply value as text; undefined when absent, null or empty (never the text "undefined"). */
export function stringOrUndefined(value: unknown): string | undefined {
  return value === undefined || value === null || value === '' ? undefined : String(value);
}

/** A reply value as redacted text, or undefined when it is absent or empty. */
function optionalText(value: unknown, redact: (text: string) => string): string | undefined {
  const text = stringOrUndefined(value);
  return text === undefined ? undefined : redact(text);
}
