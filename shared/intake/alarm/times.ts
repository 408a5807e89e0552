/**
 * The times an alarm carries, read strictly. Every time field present must be readable, and the
 * alarm's time is the OLDEST of them: a resent alarm whose envelope is fresh but whose inner
 * timestamp is old (or the reverse) is judged by its old time, both for its age and for "fired
 * before the change was created" (docs/policy.md, "Fail closed").
 *
 * Sources: CloudMonitor callback `timestamp` (docs show seconds, real payloads milliseconds:
 * values below 1e12 are read as seconds); rule push `time` (ms) and `metricData.timestamp`;
 * EventBridge envelope `time` (CloudEvents 1.0: RFC 3339) (docs/reference/fc-triggers.md).
 */
import { printable } from '../../core/text.js';

/**
 * How a time field is written: epoch seconds or ms (number or digits), an RFC 3339 string,
 * either of the two (`any`: an SAE / EDAS event's `data.time`, whose form is UNVERIFIED), or
 * EventBridge's `aliyunpublishtime` (`prc`: `2026-05-20T10:00:00.123PRC`, China time, UTC+8,
 * docs/reference/fc-triggers.md; RFC 3339 accepted too).
 */
export type TimeFormat = 'epoch' | 'rfc3339' | 'any' | 'prc';

/** One time field of an alarm: its name as the record shows it, its raw value, its format. */
export interface TimeField {
  field: string;
  raw: unknown;
  format: TimeFormat;
}

/**
 * The alarm's time (the oldest readable one, `field` the field that gave it), or why a time
 * that is present cannot be read.
 */
export type AlarmTimes =
  | { ok: true; ms: number | undefined; field?: string }
  | { ok: false; why: string };

/** `2026-05-20T10:00:00.123PRC`: EventBridge's `aliyunpublishtime`, China time (UTC+8). */
const PRC = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?)PRC$/;

/** `2026-05-20T10:00:00Z`, `2026-05-20T10:00:00.123+08:00`: RFC 3339 date-time, offset required. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** Epoch ms of one value, or undefined when unreadable. */
function readOne(raw: unknown, format: TimeFormat): number | undefined {
  if (format === 'any')
    return typeof raw === 'string' && raw.includes('T')
      ? readOne(raw, 'rfc3339')
      : readOne(raw, 'epoch');
  if (format === 'prc') {
    const m = typeof raw === 'string' ? PRC.exec(raw) : null;
    return m ? readOne(`${m[1]}+08:00`, 'rfc3339') : readOne(raw, 'rfc3339');
  }
  if (format === 'rfc3339') {
    if (typeof raw !== 'string' || !RFC3339.test(raw)) return undefined;
    const ms = Date.parse(raw);
    return Number.isFinite(ms) && ms > 0 ? ms : undefined;
  }
  let n: number;
  if (typeof raw === 'number') n = raw;
  else if (typeof raw === 'string' && /^[1-9]\d*$/.test(raw.trim())) n = Number(raw.trim());
  else return undefined;
  if (!Number.isFinite(n) || n <= 0) return undefined;
  return Math.round(n < 1e12 ? n * 1000 : n);
}

/**
 * Reads every time field that is present (`raw !== undefined`).
 * @returns the oldest as epoch ms (`ms: undefined` when none is present), or, when one that is
 *   present cannot be read (a repeated form field arrives as two values joined by a comma, so it
 *   cannot be read either), `ok: false` with a `why` naming the field and its value
 */
export function readAlarmTimes(fields: readonly TimeField[]): AlarmTimes {
  let oldest: number | undefined;
  let oldestField: string | undefined;
  for (const { field, raw, format } of fields) {
    if (raw === undefined) continue;
    const ms = readOne(raw, format);
    if (ms === undefined) {
      const shown = typeof raw === 'string' ? `'${printable(raw, 40)}'` : printable(raw, 40);
      const expected =
        format === 'rfc3339'
          ? 'an RFC 3339 time with its offset'
          : format === 'prc'
            ? "EventBridge's publish time (2026-05-20T10:00:00.123PRC) or an RFC 3339 time"
            : format === 'any'
              ? 'epoch seconds or milliseconds, or an RFC 3339 time with its offset'
              : 'epoch seconds or milliseconds (a number or digits)';
      return {
        ok: false,
        why: `the alarm's ${field} ${shown} is not ${expected}: its age is unknown`,
      };
    }
    if (oldest === undefined || ms < oldest) {
      oldest = ms;
      oldestField = field;
    }
  }
  return oldestField === undefined
    ? { ok: true, ms: oldest }
    : { ok: true, ms: oldest, field: oldestField };
}

/**
 * How far apart an event's own times may lie, ms (10 min): an event is stamped when it
 * happened (`time`, `data.time`, EDAS `data.event.timestamp`) and published by EventBridge
 * soon after (`aliyunpublishtime`); times further apart say two things about when it happened
 * (red-team s24 F12: an `aliyunpublishtime` 11 months before `time` was accepted).
 */
export const EVENT_TIMES_AGREEMENT_MS = 10 * 60_000;

/** Clock slack between the event's source and EventBridge, ms (60 s, as alarm-age.ts). */
const PUBLISH_SLACK_MS = 60_000;

/**
 * Why an event's readable times disagree, or undefined when they agree: any two more than
 * {@link EVENT_TIMES_AGREEMENT_MS} apart, or `publishField` (EventBridge's publish time) more
 * than 60 s before another (it publishes an event only after it happened). Unreadable times
 * are {@link readAlarmTimes}'s to refuse.
 * @param fields every time field of the event
 * @param publishField the field holding EventBridge's publish time, when there is one
 */
export function eventTimesDisagree(
  fields: readonly TimeField[],
  publishField = 'aliyunpublishtime',
): string | undefined {
  const read = fields.flatMap((f) => {
    if (f.raw === undefined) return [];
    const ms = readOne(f.raw, f.format);
    return ms === undefined ? [] : [{ field: f.field, ms }];
  });
  if (read.length < 2) return undefined;
  const at = (t: { field: string; ms: number }) => `${t.field} ${new Date(t.ms).toISOString()}`;
  const publish = read.find((t) => t.field === publishField);
  const later = publish && read.find((t) => t.ms - publish.ms > PUBLISH_SLACK_MS);
  if (publish && later)
    return `the event's times disagree (${at(publish)}, ${at(later)}): EventBridge publishes an event only after it happened (60 s slack)`;
  let min = read[0]!;
  let max = read[0]!;
  for (const t of read) {
    if (t.ms < min.ms) min = t;
    if (t.ms > max.ms) max = t;
  }
  if (max.ms - min.ms <= EVENT_TIMES_AGREEMENT_MS) return undefined;
  return `the event's times disagree (${at(min)}, ${at(max)}): ${Math.round((max.ms - min.ms) / 60_000)} min apart, more than ${EVENT_TIMES_AGREEMENT_MS / 60_000} min`;
}
