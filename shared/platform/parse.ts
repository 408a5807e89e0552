import { MIN_EPOCH_MS, readEpochMs } from '../webplus/epoch-ms.js';
import type { EpochMsOrUnknown } from './platform.js';

/**
 * Strict readers for platform reply fields. A value of the wrong type or out of range is
 * unknown (`undefined` / `'unknown'`), never a default: unknown must never read as 0, "now" or
 * "finished". Sources: docs/reference/sae-edas.md §2.4 and §3.4 (SAE batch times are epoch-ms
 * numbers, EDAS batch times epoch-ms strings, SAE `Code` a string or a number).
 */

/**
 * Earliest accepted epoch ms: the Web+ rule (shared/webplus/epoch-ms.ts `MIN_EPOCH_MS`,
 * 2001-09-09): an earlier one is seconds, a placeholder or a parsing mistake.
 */
export const MIN_PLAUSIBLE_EPOCH_MS = MIN_EPOCH_MS;
/** 2100-01-01T00:00:00Z, ms: a later one is seconds×1000 twice, or garbage. */
export const MAX_PLAUSIBLE_EPOCH_MS = 4_102_444_800_000;

/**
 * An epoch-ms time, read exactly as Web+ times are (shared/webplus/epoch-ms.ts, issue 10): a
 * JSON number that is a safe integer, or a string of ASCII digits with no leading zero (EDAS
 * sends `"1583911702158"`), at or after {@link MIN_PLAUSIBLE_EPOCH_MS} and before 2100.
 * @returns the time, or `'unknown'` for anything else: absent, 0, negatives, fractions,
 *   seconds-sized numbers, `"01583911702158"`, `" 1583911702158"`, `"2019-11-13 14:23:46"` (no
 *   time zone given: never guessed), null, booleans
 */
export function epochMs(value: unknown): EpochMsOrUnknown {
  const read = readEpochMs('time', value);
  if (!read.known) return 'unknown';
  return read.ms < MAX_PLAUSIBLE_EPOCH_MS ? read.ms : 'unknown';
}

/**
 * A change-order status code (`Status`, `SubStatus`, `PipelineStatus`): a JSON number that is a
 * whole number from 0 to 999. SAE and EDAS send these as JSON numbers (docs/reference/sae-edas.md
 * §1, §2.4, §3.4: devsapp/sae compares `Status === 2` strictly; the SDKs declare int32). A
 * string (`"1"`), a fraction, a negative, null or an absent status is unreadable: `undefined`,
 * which the status maps read as `unknown` (never aborted).
 */
export function statusCode(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < 1000
    ? value
    : undefined;
}

/**
 * A whole number from a JSON number only (SAE `TotalSize`, `BatchCount`; EDAS `ClusterType`,
 * `BatchCount`). Decision (issue 12): a digit string (`"3"`) is refused, not converted. The
 * reference types every one of these int32 and every example sends a JSON number
 * (docs/reference/sae-edas.md §2.4: ListApplications and ListChangeOrders `TotalSize` (int32),
 * DescribeChangeOrder `BatchCount` (int32), the §2.9 examples `"TotalSize": 1`,
 * `"BatchCount": 1`; §3.4: EDAS `ClusterType` (int32), the §3.7 examples `"BatchCount": 1`);
 * nothing there shows them as strings (epoch-ms times are the strings, read by
 * {@link epochMs}). An unexpected string is unknown, never a count: `TotalSize` unknown is
 * never "no items" (sae/client.ts `listOf`).
 * @returns the integer (a safe integer, sign allowed), or undefined for anything else: digit
 *   strings, fractions, `"1.0"`, `""`, null, true, NaN
 */
export function integer(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : undefined;
}

/** A non-blank string, or undefined (numbers are not ids; only whitespace is blank, rt12 L1). */
export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/**
 * A JSON boolean; undefined for anything else (`"false"`, `0`, null, absent): a flag that is
 * not a boolean is not read as either value (issue 10: booleans read strictly).
 */
export function bool(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

/** A plain JSON object, or undefined. */
export function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/**
 * A list that may come as an array, a single object (an XML-to-JSON artifact the SAE docs show
 * for `Pipelines`), or wrapped one level (`{"PipelineInfo":[...]}`, EDAS style).
 * @param inner the wrapper's key, when the platform wraps
 * @returns the items, or undefined when the value is none of these shapes (absent included)
 */
export function list(value: unknown, inner?: string): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  const obj = record(value);
  if (!obj) return undefined;
  if (inner !== undefined && inner in obj) {
    const wrapped = obj[inner];
    if (Array.isArray(wrapped)) return wrapped;
    return record(wrapped) ? [wrapped] : undefined;
  }
  return inner === undefined ? [obj] : undefined;
}

/**
 * The latest and earliest of a list of batch times; `'unknown'` when the list is empty or ANY
 * entry is unreadable (an unreadable batch might be the latest one: guessing from the others
 * would make the change look idler than it is).
 */
export function timeSpan(times: readonly EpochMsOrUnknown[]): {
  earliest: EpochMsOrUnknown;
  latest: EpochMsOrUnknown;
} {
  if (times.length === 0 || times.some((t) => t === 'unknown'))
    return { earliest: 'unknown', latest: 'unknown' };
  const known = times as number[];
  return { earliest: Math.min(...known), latest: Math.max(...known) };
}

/** An envelope `Code` as text, from a string or a number (SAE sends both); else undefined. */
export function codeText(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/**
 * The start (earliest `StartTime`) and last progress (latest `UpdateTime`) of a change from its
 * batches. Batches with status 0 (not started) are left out: what an unstarted batch shows for
 * its times is UNVERIFIED (docs/reference/sae-edas.md §8), and leaving it out can only make the
 * change look busier. Any other batch with an unreadable time makes that end `'unknown'`, and
 * so does a change with no started batch.
 */
export function batchSpan(
  batches: readonly {
    status?: number;
    startTime: EpochMsOrUnknown;
    updateTime: EpochMsOrUnknown;
  }[],
): { startedAtMs: EpochMsOrUnknown; lastProgressAtMs: EpochMsOrUnknown } {
  const started = batches.filter((b) => b.status !== 0);
  return {
    startedAtMs: timeSpan(started.map((b) => b.startTime)).earliest,
    lastProgressAtMs: timeSpan(started.map((b) => b.updateTime)).latest,
  };
}
