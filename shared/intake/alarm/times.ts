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

/** How a time field is written: epoch seconds or ms (number or digits), or an RFC 3339 string. */
export type TimeFormat = 'epoch' | 'rfc3339';

/** One time field of an alarm: its name as the record shows it, its raw value, its format. */
export interface TimeField {
  field: string;
  raw: unknown;
  format: TimeFormat;
}

/** The alarm's time (the oldest readable one), or why a time that is present cannot be read. */
export type AlarmTimes = { ok: true; ms: number | undefined } | { ok: false; why: string };

/** `2026-05-20T10:00:00Z`, `2026-05-20T10:00:00.123+08:00`: RFC 3339 date-time, offset required. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** Epoch ms of one value, or undefined when unreadable. */
function readOne(raw: unknown, format: TimeFormat): number | undefined {
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
  for (const { field, raw, format } of fields) {
    if (raw === undefined) continue;
    const ms = readOne(raw, format);
    if (ms === undefined) {
      const shown = typeof raw === 'string' ? `'${printable(raw, 40)}'` : printable(raw, 40);
      const expected =
        format === 'rfc3339'
          ? 'an RFC 3339 time with its offset'
          : 'epoch seconds or milliseconds (a number or digits)';
      return {
        ok: false,
        why: `the alarm's ${field} ${shown} is not ${expected}: its age is unknown`,
      };
    }
    if (oldest === undefined || ms < oldest) oldest = ms;
  }
  return { ok: true, ms: oldest };
}
