import { MAX_REPLY_DEPTH, nestedDeeperThan, repeatedName } from '../core/json.js';
import { errorKind, isKnownCode } from './error-kind.js';
import { WebplusError } from './errors.js';
import type { RawReply } from './transport.js';

/** A successful Web+ body: a plain object (never pop-core's null-prototype json-bigint object). */
export type WebplusBody = Record<string, unknown>;

/**
 * Reads one raw Web+ reply the way the executor needs it. `AbortChange` is the one action that
 * changes state: every 2xx of it that is not the affirmation is **ambiguous** (`ambiguous: true`:
 * never retried as a fresh abort; the executor re-reads the change and the outcome comes from
 * the re-read, shared/executor/abort.ts); a non-2xx fault (5xx, an HTML page, broken JSON) is
 * ambiguous and `retryable`: re-read first, re-sent only when the re-read proves the change
 * still running. A read whose reply is not exactly
 * a success makes its facts unknown (a WebplusError: no abort from it).
 * - JSON with `Code: "OK"` (or no Code, or `"200"` / 200) and a 2xx status → the body, unless a
 *   failure field stands beside it ({@link failureBesideSuccess}: `Success` not `true`, an
 *   `errorCode` / `code` / `ErrorCode` / `Error` field, `HttpStatusCode` other than 200, a
 *   `Data.Success` not `true`) → a `permanent` WebplusError (`SuccessFalse` or
 *   `FailureBesideSuccess`). Each action then checks the fields it needs (client.ts; AbortChange
 *   accepts only the exact documented body, and every read only the documented envelope:
 *   `Code` `"OK"`, `Message` absent or `"success"`, a RequestId, its own names:
 *   `readEnvelopeProblem`, red-team 25 G16).
 * - The same success body with a non-2xx status (500 + `Code: "OK"`): the status and the body
 *   disagree. On AbortChange ambiguous (code `HTTP500`); on a read classified by the status.
 * - JSON in which any object repeats a name, exactly or in another case (`{"Code":"ChangeOnAborting","Code":"OK"}`,
 *   `Change` beside `change`, a repeat nested in `Change`), whatever else it says → a
 *   `permanent` `DuplicateKeyReply` WebplusError (core/json.ts, case-insensitive).
 * - JSON with an error `Code` / `errorCode` (a number too) → WebplusError of its kind
 *   (error-kind.ts), whatever the status; but on AbortChange a 2xx whose code is not one
 *   error-kind.ts knows (`"OK "`, `"ok"`, `"OK\u200b"`) is ambiguous (code `UnknownCode`).
 * - XML `<Error>` (with `<HostId>`: the gateway's) → WebplusError from its `<Code>`.
 * - A 404 that is not a Web+ JSON error (an HTML "not found" page) → `unavailable`: no such API
 *   at this endpoint.
 * - Anything else (an HTML 502, broken JSON, a BOM, two JSON documents, an empty body, a 204)
 *   → a retryable WebplusError keeping the raw body (a resolved promise is not a success); on
 *   AbortChange with a 2xx status ambiguous instead (code `UnreadableReply`).
 * Every text an error keeps (code, message, raw body) passes `redact` first, before any cut.
 * Source: Web+ API reference error format; pop-core 1.8.0 behaviour (docs/reference/webplus-api.md,
 * "AbortChange" and "Errors in general").
 * @param redact the invocation's redactor (core/redact.ts); default: none (tests of the reader)
 * @throws WebplusError
 */
export function readReply(
  action: string,
  reply: RawReply,
  redact: (text: string) => string = (t) => t,
): WebplusBody {
  const mutating = action === MUTATING_ACTION;
  const is2xx = reply.status >= 200 && reply.status < 300;
  const raw = reply.body;
  if (raw.trim().startsWith('<'))
    return readXmlError(action, { ...reply, body: redact(raw) }, mutating);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw unreadable(
      action,
      { ...reply, body: redact(raw) },
      raw.trim() ? 'a reply that is not valid JSON' : 'an empty reply',
      mutating,
    );
  }
  if (nestedDeeperThan(raw, MAX_REPLY_DEPTH)) {
    throw unreadable(
      action,
      { ...reply, body: redact(raw) },
      `a JSON reply nested deeper than ${MAX_REPLY_DEPTH} levels`,
      mutating,
    );
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw unreadable(
      action,
      { ...reply, body: redact(raw) },
      'a JSON reply that is not an object',
      mutating,
    );
  }
  const repeated = repeatedName(raw, { caseInsensitive: true });
  if (repeated) {
    // JSON.parse kept the last of the repeated names; something else (a case-insensitive SDK
    // decoder, a proxy, a reviewer) may read the first. The reply says two things: on
    // AbortChange it is ambiguous (the abort may have landed: the executor re-reads the change,
    // never records `aborted` from this reply); on a read its facts are unknown.
    throw new WebplusError(
      `${action}: the reply repeats the name ${JSON.stringify(redact(repeated.path).slice(0, 80))} (JSON with a duplicate name, in any case, is not read)`,
      {
        action,
        kind: 'permanent',
        code: 'DuplicateKeyReply',
        httpStatus: reply.status,
        ambiguous: mutating,
        rawBody: cut(redact(raw)),
      },
    );
  }
  const body = parsed as WebplusBody;
  const rawCode = body.Code ?? body.code ?? body.errorCode;
  const code = rawCode === undefined || rawCode === null ? '' : String(rawCode);
  const isOk = code === '' || code === 'OK' || code === '200';
  const requestId = optionalText(body.RequestId ?? body.requestId, redact);
  if (isOk) {
    // A failure field beside a success code: the reply says two things, it is never read as
    // success. On AbortChange it is ambiguous (the executor re-reads the change).
    const marker = failureBesideSuccess(body);
    if (marker) {
      throw new WebplusError(
        redact(
          `${action}: the reply ${marker.words} beside Code ${code ? JSON.stringify(code.slice(0, 40)) : 'absent'}`,
        ),
        {
          action,
          kind: 'permanent',
          code: marker.code,
          httpStatus: reply.status,
          requestId,
          ambiguous: mutating,
          rawBody: cut(redact(raw)),
        },
      );
    }
    // A read's documented answer is 200: a 202 (accepted, not done) or a 206 (partial) is not
    // the listing or the change, and its body is not read as one (red-team 12 F7). AbortChange
    // replies are checked against their exact affirmation by the client (200 only).
    if (is2xx && !mutating && reply.status !== 200) {
      throw new WebplusError(
        `${action}: a ${reply.status} reply (a read's documented answer is 200): what it holds is not read`,
        {
          action,
          kind: 'retryable',
          code: 'MalformedReply',
          httpStatus: reply.status,
          requestId,
          rawBody: cut(redact(raw)),
        },
      );
    }
    if (is2xx) return body;
    if (mutating) {
      // 500 + Code "OK": the status says failed, the body says accepted. Either may be a
      // proxy's; the abort may have landed. Never retried as a fresh abort: re-read.
      throw new WebplusError(
        `${action}: HTTP ${reply.status} with a success body (Code ${code ? JSON.stringify(redact(code)) : 'absent'}): the status and the body disagree`,
        {
          action,
          kind: 'permanent',
          code: `HTTP${reply.status}`,
          httpStatus: reply.status,
          requestId,
          ambiguous: true,
          rawBody: cut(redact(raw)),
        },
      );
    }
  }
  const message = redact(
    String(body.Message ?? body.message ?? body.errorMsg ?? body.errorMessage ?? ''),
  );
  if (!isOk && mutating && is2xx && !isKnownCode(code)) {
    // "OK ", "ok", "OK\u200b", an invented code: not the affirmation and not a refusal the
    // docs name. The abort may have landed: ambiguous, re-read.
    throw new WebplusError(
      `${action}: a ${reply.status} reply with Code ${JSON.stringify(redact(code).slice(0, 40))}, neither "OK" nor a known Web+ error code${message ? ` (${message.slice(0, 120)})` : ''}`,
      {
        action,
        kind: 'permanent',
        code: 'UnknownCode',
        httpStatus: reply.status,
        requestId,
        ambiguous: true,
        rawBody: cut(redact(raw)),
      },
    );
  }
  const effective = code && !isOk ? redact(code) : `HTTP${reply.status}`;
  // A 2xx AbortChange whose body names a refusal (`ChangeFinished`, `ChangeOnAborting`,
  // `Forbidden.RAM`, `Throttling.User`): the status says accepted, the body says refused. The
  // two contradict each other, so neither is believed: ambiguous, re-read (red-team 12 F3).
  const contradicted = mutating && is2xx;
  // A read whose not-found code stands beside a 2xx or a 5xx (DescribeChange 200 or 500
  // `ResourceAuthFailed`, 200 `ChangeNotExists`): the status and the code contradict each other,
  // so absence is not proven: unreadable, `failed` naming it, never `not_found` (red-team 12
  // M1). A read's absence is a 4xx (404 `ChangeNotExists`, 401 `AuthMissingEntityid`; a 403 is
  // permission: shared/targeting/settle.ts).
  const kind = errorKind(effective, reply.status);
  const absenceContradicted =
    !mutating && kind === 'not_found' && (reply.status < 400 || reply.status >= 500);
  const words =
    contradicted || absenceContradicted
      ? `${action}: a ${reply.status} reply carrying the refusal code ${effective}${message ? ` (${message})` : ''}: ${contradicted ? 'a success status with an error body, so neither is believed' : "a read's absence is a 4xx, so the status and the code contradict each other and absence is not proven"}`
      : `${action}: ${effective}${message ? `: ${message}` : ''}`;
  throw new WebplusError(words, {
    action,
    kind: absenceContradicted ? 'permanent' : kind,
    code: effective,
    httpStatus: reply.status,
    requestId,
    // An AbortChange error without a documented refusal code (a 5xx, InternalError, an unknown
    // code, a bare 429) may have landed: re-read first; re-sent only when the re-read proves the
    // change still running and the answer was not a 2xx (shared/executor/abort.ts).
    ambiguous: contradicted || (mutating && !documentedAnswer(effective, reply.status)),
    rawBody: code ? undefined : cut(redact(raw)),
  });
}

/** The one Web+ action that changes state (its replies are read for an exact affirmation). */
export const MUTATING_ACTION = 'AbortChange';

/**
 * Whether an error code answering AbortChange proves the abort was not acted on: a documented
 * refusal (error-kind.ts knows it and its kind is not `retryable`: `ChangeOnAborting`,
 * `ChangeFinished`, not-found, credentials, clock, unavailable codes) or a throttling code (the
 * gateway refused the request: `Throttling.User`; the one kind that may be re-sent). Anything
 * else (`InternalError`, `ServiceUnavailable`, an unknown code, a bare HTTP status) leaves the
 * abort unknown.
 */
function documentedAnswer(code: string, httpStatus: number): boolean {
  if (code.startsWith('Throttling')) return true;
  return isKnownCode(code) && errorKind(code, httpStatus) !== 'retryable';
}

/** What {@link failureBesideSuccess} found: the record's words and the error code. */
export interface FailureMarker {
  /** e.g. `says Success: false`, `carried errorCode "X"` */
  words: string;
  /** `SuccessFalse` for `Success: false` / `"false"`, else `FailureBesideSuccess`. */
  code: 'SuccessFalse' | 'FailureBesideSuccess';
}

/** Names that carry a failure wherever they stand beside a success code (any value). */
const FAILURE_NAMES = [
  'code',
  'errorCode',
  'ErrorCode',
  'errorMsg',
  'errorMessage',
  'ErrorMessage',
  'Error',
  'error',
] as const;

/**
 * A failure field in a Web+ body whose `Code` reads as success, or undefined. The same test for
 * every action (the AbortChange test of issue 12, extended to reads): `Success` / `success`
 * present and not the JSON `true` (`false`, `"False"`, `null`, `"true"`); any of
 * {@link FAILURE_NAMES} present (Web+ documents only `Code`, `Message`, `RequestId` and the
 * action's payload, docs/reference/webplus-api.md); `HttpStatusCode` present and not 200;
 * `Data.Success` present and not `true`; every name compared case-insensitively (`SUCCESS`,
 * `ERRORCODE`). Case-variant duplicates never reach here (readReply refuses them first).
 * @param body a parsed Web+ reply
 */
export function failureBesideSuccess(body: WebplusBody): FailureMarker | undefined {
  // Names are compared case-insensitively (`SUCCESS`, `ERRORCODE`, `HTTPSTATUSCODE` too): a
  // gateway or proxy that upper-cases a marker still says the call failed.
  for (const [k, v] of Object.entries(body)) {
    const lower = k.toLowerCase();
    if (lower === 'success' && v !== true) {
      return k === 'Success' && (v === false || v === 'false')
        ? { words: 'says Success: false', code: 'SuccessFalse' }
        : { words: `carried ${k} ${describe(v)}, not true`, code: 'FailureBesideSuccess' };
    }
  }
  const name = Object.keys(body).find(
    (k) =>
      k !== 'Code' &&
      (FAILURE_NAMES as readonly string[]).some((f) => f.toLowerCase() === k.toLowerCase()),
  );
  if (name !== undefined)
    return { words: `carried ${name} ${describe(body[name])}`, code: 'FailureBesideSuccess' };
  const status = Object.keys(body).find((k) => k.toLowerCase() === 'httpstatuscode');
  if (status !== undefined && body[status] !== 200 && body[status] !== '200')
    return {
      words: `carried ${status} ${describe(body[status])}`,
      code: 'FailureBesideSuccess',
    };
  for (const [dk, data] of Object.entries(body)) {
    if (dk.toLowerCase() !== 'data') continue;
    if (typeof data !== 'object' || data === null || Array.isArray(data)) continue;
    for (const [k, v] of Object.entries(data as Record<string, unknown>)) {
      if (k.toLowerCase() === 'success' && v !== true)
        return {
          words: `carried ${dk}.${k} ${describe(v)}, not true`,
          code: 'FailureBesideSuccess',
        };
    }
  }
  return undefined;
}

/** A reply value in words: its JSON type and a short form (redact the result). */
function describe(value: unknown): string {
  if (value === undefined) return 'absent';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 40));
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return Array.isArray(value) ? '(an array)' : '(an object)';
}

/**
 * An XML reply (already redacted): the gateway's `<Error>` or something unreadable.
 * @param mutating an AbortChange: only a gateway error (`<HostId>`) with a documented refusal
 *   code ({@link documentedAnswer}) is read as a refusal; anything else is ambiguous (re-read)
 */
function readXmlError(action: string, reply: RawReply, mutating = false): never {
  const text = reply.body;
  const trimmed = text.trim();
  const code = xmlTag(trimmed, 'Code');
  if (code && /<Error[\s>]/.test(trimmed)) {
    // The gateway's XML errors always carry <HostId> (pop-core's ACSError reads it and crashes
    // without it). One without it came from something else on the path: its Code is not
    // trusted, the call fails without retry, and the raw body is kept (case C06 f,
    // test/README.md).
    const fromGateway = xmlTag(trimmed, 'HostId') !== undefined;
    const trusted = fromGateway && (!mutating || documentedAnswer(code, reply.status));
    throw new WebplusError(`${action}: ${code}: ${xmlTag(trimmed, 'Message') ?? ''}`.trim(), {
      action,
      kind: trusted ? errorKind(code, reply.status) : 'permanent',
      code,
      httpStatus: reply.status,
      requestId: xmlTag(trimmed, 'RequestId'), // the body was redacted before
      ambiguous: !trusted && mutating,
      rawBody: cut(text),
    });
  }
  throw unreadable(action, reply, 'a non-JSON reply', mutating);
}

function unreadable(action: string, reply: RawReply, what: string, mutating = false): WebplusError {
  // A 404 page that is not Web+'s own error: there is no such API at this endpoint (a retired
  // product, a wrong WEBPLUS_ENDPOINT). Retrying cannot help.
  const notHere = reply.status === 404;
  // An AbortChange answered with something unreadable (an HTML 502, an empty or cut body, any
  // status but 404): the request may have reached Web+ and the abort may have landed:
  // ambiguous, the change is re-read first. A non-2xx one stays `retryable`: sent again only
  // when the re-read proves the change still running (shared/executor/abort.ts).
  const is2xx = reply.status >= 200 && reply.status < 300;
  const ambiguous = mutating && !notHere;
  return new WebplusError(
    `${action}: ${what} (HTTP ${reply.status || 'unknown'}, ${reply.contentType || 'no content-type'})${notHere ? ': no such API at this endpoint' : ''}`,
    {
      action,
      kind: notHere ? 'unavailable' : ambiguous && is2xx ? 'permanent' : 'retryable',
      code:
        ambiguous && is2xx
          ? 'UnreadableReply'
          : reply.status
            ? `HTTP${reply.status}`
            : 'UnreadableReply',
      httpStatus: reply.status,
      ambiguous,
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

/** A reply value as text; undefined when absent, null, empty or only whitespace (never the text "undefined"). */
export function stringOrUndefined(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  // Blank (empty or only whitespace) is absent: a " " id or RequestId names nothing (rt12 L1).
  return typeof value === 'string' && value.trim() === '' ? undefined : String(value);
}

/** A reply value as redacted text, or undefined when it is absent or empty. */
function optionalText(value: unknown, redact: (text: string) => string): string | undefined {
  const text = stringOrUndefined(value);
  return text === undefined ? undefined : redact(text);
}
