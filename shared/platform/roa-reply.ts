import { MAX_REPLY_DEPTH, nestedDeeperThan, repeatedName } from '../core/json.js';
import { cutBody, PlatformError, type PlatformErrorKind, PlatformReplyError } from './errors.js';
import { gatewayErrorKind, statusErrorKind } from './gateway-codes.js';
import type { PlatformName } from './platform.js';
import type { Redact, RoaReply } from './roa-transport.js';

/** A reply body that parsed as a JSON object (a plain object, never pop-core's json-bigint one). */
export type JsonBody = Record<string, unknown>;

/** How one product reads its envelope; see sae/reply.ts and edas/reply.ts. */
export interface EnvelopeRules {
  platform: PlatformName;
  /** True when the envelope says success (e.g. SAE: `String(Code) === "200"` and `Success` not false). */
  isSuccess(body: JsonBody): boolean;
  /** The error code an error body carries, or undefined when it carries none that can be read. */
  errorCode(body: JsonBody): string | undefined;
  /** The kind of a product error code (after the gateway's own codes were tried). */
  kindOf(code: string, httpStatus: number): PlatformErrorKind;
  /**
   * Whether the product's docs name `code` (so that a 2xx carrying it to a state-changing call
   * is read as that refusal); an unknown code in a 2xx to such a call is `unconfirmed`.
   */
  knownCode(code: string): boolean;
}

/** Values of `ErrorCode` that the docs show on success (sae-edas.md §2.3, §3.3, §2.9). */
const SUCCESS_ERROR_CODES = new Set(['', 'success', '空', 'null', 'ok']);

/** Names that carry a failure wherever they stand beside a success envelope (any value). */
const FAILURE_NAMES = ['errorCode', 'code', 'errorMessage', 'ErrorMessage', 'Error', 'error'];

/**
 * A failure field in a ROA body whose envelope says success, in words, or undefined. The same
 * test for every SAE / EDAS action: `Success` / `success` present and not the JSON `true`;
 * `ErrorCode` present and not a success word the docs show (`""`, `"success"`, `"空"`; any
 * case); any of `errorCode`, `code`, `errorMessage`, `ErrorMessage`, `Error`, `error` present;
 * `HttpStatusCode` present and not 200; `Data.Success` present and not `true`.
 * Sources: docs/reference/sae-edas.md §2.3 (SAE envelope), §3.3 (EDAS envelope).
 * @param body a parsed reply
 */
export function roaFailureBesideSuccess(body: JsonBody): string | undefined {
  for (const k of ['Success', 'success']) {
    if (Object.hasOwn(body, k) && body[k] !== true) return `carried ${k} ${words(body[k])}`;
  }
  if (Object.hasOwn(body, 'ErrorCode')) {
    const e = body.ErrorCode;
    if (typeof e !== 'string' || !SUCCESS_ERROR_CODES.has(e.trim().toLowerCase()))
      return `carried ErrorCode ${words(e)}`;
  }
  const name = FAILURE_NAMES.find((k) => Object.hasOwn(body, k));
  if (name !== undefined) return `carried ${name} ${words(body[name])}`;
  if (
    Object.hasOwn(body, 'HttpStatusCode') &&
    body.HttpStatusCode !== 200 &&
    body.HttpStatusCode !== '200'
  )
    return `carried HttpStatusCode ${words(body.HttpStatusCode)}`;
  const data = body.Data;
  if (typeof data === 'object' && data !== null && !Array.isArray(data)) {
    const d = data as Record<string, unknown>;
    if (Object.hasOwn(d, 'Success') && d.Success !== true)
      return `carried Data.Success ${words(d.Success)}`;
  }
  return undefined;
}

/** A reply value in words for an error message (the caller redacts). */
export function words(value: unknown): string {
  if (value === undefined) return 'absent';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 40));
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return Array.isArray(value) ? '(an array)' : '(an object)';
}

/**
 * Reads one raw ROA reply by a product's envelope rules.
 * - JSON in which any object repeats a name → PlatformReplyError `DuplicateKeyReply`:
 *   `ambiguous` for an action that changes state, `permanent` for a read (core/json.ts).
 * - JSON whose envelope says success, with a 2xx status → the body.
 * - JSON with an error code, whatever the status (EDAS sends business errors in HTTP 200) →
 *   PlatformError of the code's kind (the gateway's codes first, then the product's).
 * - An XML `<Error>` with `<HostId>` (the gateway's) → PlatformError from its `<Code>`; without
 *   `<HostId>` it came from something else on the path: `permanent`, raw body kept.
 * - Anything else (an HTML 502, broken JSON, an empty body, a 2xx without a success envelope)
 *   → PlatformReplyError keeping the raw body: `ambiguous` for an action that changes state (the
 *   change may have happened: re-read), `retryable` for a read.
 * - An action that changes state answered with an error that is not a documented refusal (a 5xx
 *   with any code or none, an unknown code, a status without a code) → `ambiguous` (non-2xx) or
 *   `unconfirmed` (2xx): re-read, never re-sent; only `throttled` and documented refusals keep
 *   their kind.
 * Sources: docs/reference/sae-edas.md §2.3, §3.3, §4.
 * Every text an error keeps (code, message, raw body) passes `redact` first, before any cut.
 * @param mutating the action changes state (AbortChangeOrder and friends)
 * @param redact the transport's redactor (roa-transport.ts); default: none (tests of the reader)
 * @throws PlatformError
 */
export function readRoaReply(
  rules: EnvelopeRules,
  action: string,
  reply: RoaReply,
  mutating: boolean,
  redact: Redact = (t) => t,
): JsonBody {
  const { platform } = rules;
  const rawBody = (): string => cutBody(redact(reply.body));
  const trimmed = reply.body.trim();
  const ok = reply.status >= 200 && reply.status < 300;
  // A 2xx to a state-changing call that does not affirm it: the request reached the platform,
  // the change may have happened. Never re-sent as a fresh abort: re-read (`unconfirmed`).
  const mutatingKind: PlatformErrorKind = ok ? 'unconfirmed' : 'ambiguous';
  const unreadable = (what: string, requestId?: string) =>
    new PlatformReplyError(
      `${action}: ${what} (HTTP ${reply.status || 'unknown'}, ${reply.contentType || 'no content-type'})`,
      {
        platform,
        action,
        kind: mutating ? mutatingKind : 'retryable',
        code: reply.status ? `HTTP${reply.status}` : 'UnreadableReply',
        httpStatus: reply.status,
        requestId,
        rawBody: rawBody(),
      },
    );
  if (trimmed.startsWith('<')) {
    const code = xmlTag(trimmed, 'Code');
    if (code && /<Error[\s>]/.test(trimmed)) {
      const fromGateway = xmlTag(trimmed, 'HostId') !== undefined;
      const kind = fromGateway ? kindOf(rules, code, reply.status) : 'permanent';
      const documented = fromGateway && knownCode(rules, code) && !MAY_HAVE_ACTED.has(kind);
      throw new PlatformError(
        redact(`${action}: ${code}: ${xmlTag(trimmed, 'Message') ?? ''}`.trim()),
        {
          platform,
          action,
          kind: mutating && !documented ? mutatingKind : kind,
          code: redact(code),
          httpStatus: reply.status,
          requestId: optional(xmlTag(trimmed, 'RequestId'), redact),
          rawBody: rawBody(),
        },
      );
    }
    throw unreadable('a non-JSON reply');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    throw unreadable(trimmed ? 'a reply that is not valid JSON' : 'an empty reply');
  }
  if (nestedDeeperThan(trimmed, MAX_REPLY_DEPTH))
    throw unreadable(`a JSON reply nested deeper than ${MAX_REPLY_DEPTH} levels`);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw unreadable('a JSON reply that is not an object');
  const repeated = repeatedName(trimmed, { caseInsensitive: true });
  if (repeated) {
    // JSON.parse kept the last of the repeated names; something else may read the first. A
    // mutating reply so read is ambiguous (re-read, never affirmed by it); a read's facts are
    // unknown, and retrying would only read the same text again.
    throw new PlatformReplyError(
      `${action}: the reply repeats the name ${JSON.stringify(redact(repeated.path).slice(0, 80))} (JSON with a duplicate name, in any case, is not read)`,
      {
        platform,
        action,
        kind: mutating ? 'unconfirmed' : 'permanent',
        code: 'DuplicateKeyReply',
        httpStatus: reply.status,
        rawBody: rawBody(),
      },
    );
  }
  const body = parsed as JsonBody;
  const requestId = typeof body.RequestId === 'string' ? redact(body.RequestId) : undefined;
  if (rules.isSuccess(body)) {
    const marker = roaFailureBesideSuccess(body);
    if (marker !== undefined || !ok) {
      // A failure field beside the success envelope, or a success envelope under an error
      // status: the reply says two things. A state-changing call is `unconfirmed` (re-read,
      // never re-sent); a read's facts are unknown (`permanent`: reading the same text again
      // cannot settle it).
      throw new PlatformReplyError(
        redact(
          marker !== undefined
            ? `${action}: the reply ${marker} beside a success Code`
            : `${action}: HTTP ${reply.status} with a success envelope: the status and the body disagree`,
        ),
        {
          platform,
          action,
          kind: mutating
            ? 'unconfirmed'
            : marker !== undefined
              ? 'permanent'
              : statusErrorKind(reply.status),
          code: marker !== undefined ? 'FailureBesideSuccess' : `HTTP${reply.status}`,
          httpStatus: reply.status,
          requestId,
          rawBody: rawBody(),
        },
      );
    }
    // A read's documented answer is 200: a 202 or 206 is not the listing (red-team 12 F7).
    if (!mutating && reply.status !== 200) {
      throw new PlatformReplyError(
        `${action}: a ${reply.status} reply (a read's documented answer is 200): what it holds is not read`,
        {
          platform,
          action,
          kind: 'retryable',
          code: 'MalformedReply',
          httpStatus: reply.status,
          requestId,
          rawBody: rawBody(),
        },
      );
    }
    return body;
  }
  const code = rules.errorCode(body);
  if (code !== undefined && mutating && ok && !knownCode(rules, code)) {
    // A code the docs do not name, in a 2xx to a state-changing call: not the affirmation and
    // not a documented refusal. The change may have happened: `unconfirmed`.
    throw new PlatformReplyError(
      redact(
        `${action}: a ${reply.status} reply with the code ${words(code)}, not a documented one`,
      ),
      {
        platform,
        action,
        kind: 'unconfirmed',
        code: redact(code),
        httpStatus: reply.status,
        requestId,
        rawBody: rawBody(),
      },
    );
  }
  if (code === undefined) {
    if (ok) throw unreadable('a 2xx reply without a success envelope', requestId);
    throw new PlatformError(`${action}: HTTP ${reply.status} without an error code`, {
      platform,
      action,
      kind: mutating ? 'ambiguous' : statusErrorKind(reply.status),
      code: `HTTP${reply.status}`,
      httpStatus: reply.status,
      requestId,
      rawBody: rawBody(),
    });
  }
  const message = typeof body.Message === 'string' ? redact(body.Message) : '';
  const kind = kindOf(rules, code, reply.status);
  // A 2xx to a state-changing call whose body names a refusal (SAE
  // `Application.ChangerOrder.Not.Running` under HTTP 200): status and body contradict each
  // other, neither is believed: `unconfirmed`, re-read (red-team 12 F3).
  const contradicted = mutating && ok;
  // A read whose not-found code stands beside a 2xx or a 5xx (SAE DescribeChangeOrder 200
  // `InvalidChangeOrder.NotFound` with `Success: false`): the status and the code contradict
  // each other, so absence is not proven: unreadable, `failed` naming it, never `not_found`
  // (red-team 12 M1). Absence is read only from a 4xx.
  const absenceContradicted =
    !mutating && kind === 'not_found' && (ok || reply.status >= 500 || reply.status < 400);
  const said =
    contradicted || absenceContradicted
      ? `${action}: a ${reply.status} reply carrying the refusal code ${redact(code)}${message ? ` (${message})` : ''}: ${contradicted ? 'a success status with an error body, so neither is believed' : 'absence is read only from a 4xx, so the status and the code contradict each other and absence is not proven'}`
      : `${action}: ${redact(code)}${message ? `: ${message}` : ''}`;
  throw new PlatformError(said, {
    platform,
    action,
    // A state-changing call answered with a code that is not a documented refusal (a 5xx
    // `InternalError`, `ServiceUnavailable`, an unknown code): it may have landed. `ambiguous`:
    // re-read; re-sent only on proof it did not land (shared/executor/platform-execute.ts).
    kind: contradicted
      ? 'unconfirmed'
      : absenceContradicted
        ? 'permanent'
        : mutating && (MAY_HAVE_ACTED.has(kind) || !knownCode(rules, code))
          ? 'ambiguous'
          : kind,
    code: redact(code),
    httpStatus: reply.status,
    requestId,
  });
}

function kindOf(rules: EnvelopeRules, code: string, status: number): PlatformErrorKind {
  return gatewayErrorKind(code) ?? rules.kindOf(code, status);
}

/**
 * Kinds whose answer to a state-changing call does not prove it was refused: the call may have
 * landed (`throttled` is the gateway's refusal; the other kinds are documented refusals).
 */
const MAY_HAVE_ACTED: ReadonlySet<PlatformErrorKind> = new Set(['retryable', 'ambiguous']);

/** A code the gateway's table or the product's docs name. */
function knownCode(rules: EnvelopeRules, code: string): boolean {
  return gatewayErrorKind(code) !== undefined || rules.knownCode(code);
}

function xmlTag(xml: string, tag: string): string | undefined {
  const match = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml);
  return match?.[1]?.trim() || undefined;
}

function optional(text: string | undefined, redact: Redact): string | undefined {
  return text === undefined ? undefined : redact(text);
}
