import { repeatedName } from '../core/json.js';
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
  const unreadable = (what: string, requestId?: string) =>
    new PlatformReplyError(
      `${action}: ${what} (HTTP ${reply.status || 'unknown'}, ${reply.contentType || 'no content-type'})`,
      {
        platform,
        action,
        kind: mutating ? 'ambiguous' : 'retryable',
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
      throw new PlatformError(
        redact(`${action}: ${code}: ${xmlTag(trimmed, 'Message') ?? ''}`.trim()),
        {
          platform,
          action,
          kind: fromGateway ? kindOf(rules, code, reply.status) : 'permanent',
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
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw unreadable('a JSON reply that is not an object');
  const repeated = repeatedName(trimmed);
  if (repeated) {
    // JSON.parse kept the last of the repeated names; something else may read the first. A
    // mutating reply so read is ambiguous (re-read, never affirmed by it); a read's facts are
    // unknown, and retrying would only read the same text again.
    throw new PlatformReplyError(
      `${action}: the reply repeats the name ${JSON.stringify(redact(repeated.path).slice(0, 80))} (JSON with a duplicate name is not read)`,
      {
        platform,
        action,
        kind: mutating ? 'ambiguous' : 'permanent',
        code: 'DuplicateKeyReply',
        httpStatus: reply.status,
        rawBody: rawBody(),
      },
    );
  }
  const body = parsed as JsonBody;
  const requestId = typeof body.RequestId === 'string' ? redact(body.RequestId) : undefined;
  const ok = reply.status >= 200 && reply.status < 300;
  if (ok && rules.isSuccess(body)) return body;
  const code = rules.errorCode(body);
  if (code === undefined) {
    if (ok) throw unreadable('a 2xx reply without a success envelope', requestId);
    throw new PlatformError(`${action}: HTTP ${reply.status} without an error code`, {
      platform,
      action,
      kind: mutating && reply.status >= 500 ? 'ambiguous' : statusErrorKind(reply.status),
      code: `HTTP${reply.status}`,
      httpStatus: reply.status,
      requestId,
      rawBody: rawBody(),
    });
  }
  const message = typeof body.Message === 'string' ? redact(body.Message) : '';
  throw new PlatformError(`${action}: ${redact(code)}${message ? `: ${message}` : ''}`, {
    platform,
    action,
    kind: kindOf(rules, code, reply.status),
    code: redact(code),
    httpStatus: reply.status,
    requestId,
  });
}

function kindOf(rules: EnvelopeRules, code: string, status: number): PlatformErrorKind {
  return gatewayErrorKind(code) ?? rules.kindOf(code, status);
}

function xmlTag(xml: string, tag: string): string | undefined {
  const match = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml);
  return match?.[1]?.trim() || undefined;
}

function optional(text: string | undefined, redact: Redact): string | undefined {
  return text === undefined ? undefined : redact(text);
}
