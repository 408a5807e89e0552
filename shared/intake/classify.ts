/**
 * The intake stage's entry point: the raw FC event (a Buffer) → typed requests, or an HTTP reply.
 * Intake never calls Web+. Source of the event shapes: docs/reference/fc-triggers.md (FC
 * passes every trigger's payload as a Buffer; the handler parses it).
 */

import { repeatedNamePath } from '../core/json.js';
import { redactTokens } from '../core/redact.js';
import { isRecord, printable, typeName } from '../core/text.js';
import type { HttpResponse } from '../fc/http.js';
import type { AbortRequest, IgnoredRequest } from '../model/request.js';
import { cmsCallbackRequest, hasAlarmFields } from './cloudmonitor/callback.js';
import { cmsRulePushRequest, isCmsRulePush } from './cloudmonitor/rule-push.js';
import { eventBridgeRequests, isCloudEvent } from './eventbridge/event.js';
import { classifyHttp, isHttpEvent } from './http/route.js';
import type { RecentEvents } from './recent-events.js';
import { isTimerEvent, timerRequest } from './timer/payload.js';

/** What intake needs, read once at cold start (docs/reference/configuration.md). */
export interface IntakeOptions {
  /** `HTTP_AUTH_TOKENS`; empty = every protected route answers 401. */
  authTokens: readonly string[];
  /** `HTTP_MAX_BODY_BYTES` (default 262144): limit on the decoded body, in bytes. */
  maxBodyBytes: number;
  /** `HTTP_MAX_IDS` (default 100): ids per HTTP request, all lists together. */
  maxIds: number;
  /** Package version, for `GET /health`. */
  version: string;
  /** Per-instance memory of EventBridge (`id`, `source`) pairs already handled. */
  recentEvents: RecentEvents;
}

/**
 * The outcome of intake:
 * - `requests`: timer, EventBridge (single or batch array; a redelivery yields none), CloudMonitor
 *   rule push or callback-shaped JSON, and unknown events (one `IgnoredRequest`);
 * - `http`: an accepted HTTP call (`/abort`, `/sweep`, `/cms-callback`) and its request;
 * - `http-reply`: `GET /health` (200) or a refused call (400/401/404/405/413): no record is written,
 *   `warning` is the log line (never a token).
 */
export type IntakeResult =
  | { kind: 'requests'; requests: AbortRequest[] }
  | {
      kind: 'http';
      route: '/abort' | '/sweep' | '/cms-callback';
      requestId?: string;
      /** `requestContext.timeEpoch` as sent: when FC received the request (epoch ms as text). */
      timeEpoch?: string;
      request: AbortRequest;
    }
  | { kind: 'http-reply'; response: HttpResponse; warning?: string };

/**
 * Trigger recorded for an event intake does not recognise. The `Trigger` type has no "unknown";
 * `eventbridge` is the closest: EventBridge (like a direct async invoke) is the only way arbitrary
 * payloads reach the function, whereas timer and HTTP events have fixed shapes. The record's
 * `detail` starts with `unrecognised event:` so it cannot be mistaken for a real EventBridge alarm.
 */
export const UNKNOWN_EVENT_TRIGGER = 'eventbridge' as const;

/**
 * Classifies one FC event. `event` is what FC passes (a Buffer of the raw payload), a string, or an
 * already-parsed value. Recognised, in this order:
 * - a JSON array → each CloudEvents envelope is handled as EventBridge, anything else in it is
 *   one unknown event; an empty array is one unknown event;
 * - the FC 3.0 HTTP struct (`rawPath` or `requestContext.http`) → HTTP routes;
 * - a timer event (`triggerName` + `triggerTime`) → sweep;
 * - a CloudEvents envelope (`specversion`) → EventBridge;
 * - a CloudMonitor rule push (`ruleId` + `curLevel`/`resources`/`metricData`) → trigger
 *   `cms-callback`;
 * - a JSON object carrying callback fields (`alertState`, `alertName`, ...) → as a callback,
 *   trigger `cms-callback`;
 * - anything else (not UTF-8 JSON, a scalar, an unknown object) → one `IgnoredRequest`, trigger
 *   {@link UNKNOWN_EVENT_TRIGGER}, `detail` `unrecognised event: ...` naming only the shape
 *   (size, type, top-level keys), never the content.
 * An event (any shape read as JSON text) that names a field twice at any depth is never read as
 * its last value: an alarm is `ignored`, a timer event refused (`invalid` naming the field), an
 * HTTP struct answered 400 naming it.
 * Every configured token (≥ 8 characters) found in the result is replaced with `[redacted]`.
 * Never throws: an internal failure becomes an unknown event (or a 400 reply for an HTTP struct).
 */
export function classifyEvent(
  event: Buffer | string | unknown,
  options: IntakeOptions,
): IntakeResult {
  let result: IntakeResult;
  try {
    result = classify(event, options);
  } catch (error) {
    result = {
      kind: 'requests',
      requests: [
        unknownEvent(
          `intake could not read it (${error instanceof Error ? error.name : typeName(error)})`,
        ),
      ],
    };
  }
  try {
    return redactTokens(result, options.authTokens);
  } catch {
    return result;
  }
}

function classify(event: unknown, options: IntakeOptions): IntakeResult {
  const parsed = toJson(event);
  if (!parsed.ok) return { kind: 'requests', requests: [unknownEvent(parsed.why)] };
  const value = parsed.value;
  // Any event that names a field twice (`{"time": old, "time": fresh}`, two `payload` keys of a
  // timer event, two `body` keys of an HTTP struct) would be read as its last value only: which
  // one was meant is a guess, so nothing is acted on.
  const repeated =
    parsed.text !== undefined && (Array.isArray(value) || isRecord(value))
      ? repeatedNamePath(parsed.text)
      : undefined;
  if (repeated !== undefined && isRecord(value) && isHttpEvent(value)) {
    return classifyHttp(value, options, repeated);
  }
  if (repeated !== undefined && isRecord(value) && isTimerEvent(value)) {
    return { kind: 'requests', requests: [timerRequest(value, repeated)] };
  }
  if (Array.isArray(value) || isAlarmShaped(value)) {
    if (repeated !== undefined) {
      return {
        kind: 'requests',
        requests: [
          {
            kind: 'ignored',
            trigger: isRecord(value) && !isCloudEvent(value) ? 'cms-callback' : 'eventbridge',
            detail: `the alarm cannot be read as one meaning: the event names ${printable(repeated, 80)} more than once; nothing is aborted (fail closed)`,
            invalid: [],
          },
        ],
      };
    }
  }
  if (Array.isArray(value)) {
    if (value.length === 0)
      return { kind: 'requests', requests: [unknownEvent('an empty JSON array')] };
    const requests: AbortRequest[] = [];
    const conflicting = conflictingIds(value);
    value.forEach((item, index) => {
      const key = isCloudEvent(item) ? envelopeKey(item) : undefined;
      if (key !== undefined && conflicting.has(key)) {
        requests.push({
          kind: 'ignored',
          trigger: 'eventbridge',
          ...(typeof item.id === 'string' && item.id !== '' ? { triggerRef: item.id } : {}),
          detail: `the alarm cannot be read as one meaning: the batch carries event ${printable(item.id, 80)} (source ${printable(item.source, 40)}) more than once with different content; nothing is aborted (fail closed)`,
          invalid: [],
        });
      } else if (isCloudEvent(item))
        requests.push(...eventBridgeRequests(item, options.recentEvents));
      else
        requests.push(
          unknownEvent(`batch item ${index} is ${describe(item)}, not an EventBridge envelope`),
        );
    });
    return { kind: 'requests', requests };
  }
  if (!isRecord(value)) return { kind: 'requests', requests: [unknownEvent(describe(value))] };
  if (isHttpEvent(value)) return classifyHttp(value, options);
  if (isTimerEvent(value)) return { kind: 'requests', requests: [timerRequest(value)] };
  if (isCloudEvent(value)) {
    return { kind: 'requests', requests: eventBridgeRequests(value, options.recentEvents) };
  }
  if (isCmsRulePush(value)) return { kind: 'requests', requests: [cmsRulePushRequest(value)] };
  if (hasAlarmFields(value)) return { kind: 'requests', requests: [cmsCallbackRequest(value)] };
  return { kind: 'requests', requests: [unknownEvent(describe(value))] };
}

/** `source` + `id` of an envelope (the redelivery key), or undefined without an id. */
function envelopeKey(item: Record<string, unknown>): string | undefined {
  if (typeof item.id !== 'string' || item.id === '') return undefined;
  return `${typeof item.source === 'string' ? item.source : ''}\u0000${item.id}`;
}

/**
 * Envelope keys a batch carries more than once with different content: which is the real event
 * is a guess (the same content twice is a redelivery, handled once).
 */
function conflictingIds(items: readonly unknown[]): Set<string> {
  const seen = new Map<string, string>();
  const out = new Set<string>();
  for (const item of items) {
    if (!isCloudEvent(item)) continue;
    const key = envelopeKey(item);
    if (key === undefined) continue;
    const text = JSON.stringify(item);
    const before = seen.get(key);
    if (before === undefined) seen.set(key, text);
    else if (before !== text) out.add(key);
  }
  return out;
}

type JsonRead = { ok: true; value: unknown; text?: string } | { ok: false; why: string };

/** An event read as an alarm: an envelope, a rule push, or callback-shaped JSON (not HTTP, not timer). */
function isAlarmShaped(value: unknown): boolean {
  if (!isRecord(value) || isHttpEvent(value) || isTimerEvent(value)) return false;
  return isCloudEvent(value) || isCmsRulePush(value) || hasAlarmFields(value);
}

function toJson(event: unknown): JsonRead {
  let text: string;
  if (Buffer.isBuffer(event) || event instanceof Uint8Array) {
    const buffer = Buffer.isBuffer(event)
      ? event
      : Buffer.from(event.buffer, event.byteOffset, event.byteLength);
    text = buffer.toString('utf8');
    if (text.includes('\ufffd') && !buffer.includes(Buffer.from('\ufffd', 'utf8'))) {
      return { ok: false, why: `${buffer.length} bytes that are not UTF-8 text` };
    }
  } else if (typeof event === 'string') {
    text = event;
  } else if (event === undefined) {
    return { ok: false, why: 'no event' };
  } else {
    return { ok: true, value: event };
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') return { ok: false, why: 'an empty event' };
  try {
    return { ok: true, value: JSON.parse(text) as unknown, text };
  } catch {
    return { ok: false, why: `${Buffer.byteLength(text, 'utf8')} bytes that are not JSON` };
  }
}

/** The shape of a value, never its content: `a JSON object with keys [a, b]`, `a JSON number`. */
function describe(value: unknown): string {
  if (isRecord(value)) {
    const keys = Object.keys(value);
    const shown = keys.slice(0, 8).map((k) => printable(k, 40));
    const more = keys.length > 8 ? `, … ${keys.length - 8} more` : '';
    return `a JSON object with keys [${shown.join(', ')}${more}]`;
  }
  if (Array.isArray(value)) return `a JSON array of ${value.length}`;
  return `a JSON ${typeName(value)}`;
}

function unknownEvent(why: string): IgnoredRequest {
  return {
    kind: 'ignored',
    trigger: UNKNOWN_EVENT_TRIGGER,
    detail: `unrecognised event: ${why}`,
    invalid: [],
  };
}
