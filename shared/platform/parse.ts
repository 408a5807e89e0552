import type { EpochMsOrUnknown } from './platform.js';

/**
 * Strict readers for platform reply fields. A value of the wrong type or out of range is
 * unknown (`undefined` / `'unknown'`), never a default: unknown must never read as 0, "now" or
 * "finished". Sources: docs/reference/sae-edas.md §2.4 and §3.4 (SAE batch times are epoch-ms
 * numbers, EDAS batch times epoch-ms strings, SAE `Code` a string or a number).
 */

/** 2000-01-01T00:00:00Z, ms: an earlier "epoch ms" is a unit or parsing mistake. */
export const MIN_PLAUSIBLE_EPOCH_MS = 946_684_800_000;
/** 2100-01-01T00:00:00Z, ms: a later one is seconds×1000 twice, or garbage. */
export const MAX_PLAUSIBLE_EPOCH_MS = 4_102_444_800_000;

/**
 * An epoch-ms time from a JSON number or a string of digits (EDAS sends `"1583911702158"`).
 * @returns the time, or `'unknown'` for anything else: 0, negatives, fractions, seconds-sized
 *   numbers, `"2019-11-13 14:23:46"` (no time zone given: never guessed), null, booleans
 */
export function epochMs(value: unknown): EpochMsOrUnknown {
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && /^[0-9]{1,16}$/.test(value)) n = Number(value);
  else return 'unknown';
  if (!Number.isSafeInteger(n)) return 'unknown';
  return n >= MIN_PLAUSIBLE_EPOCH_MS && n < MAX_PLAUSIBLE_EPOCH_MS ? n : 'unknown';
}

/**
 * A whole number from a JSON number or a string of digits (an optional leading minus).
 * @returns the integer, or undefined for anything else (fractions, `"1.0"`, `""`, null, true)
 */
export function integer(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value === 'string' && /^-?[0-9]{1,15}$/.test(value)) return Number(value);
  return undefined;
}

/** A non-empty string, or undefined (numbers are not ids). */
export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A JSON boolean, or `"true"`/`"false"`; undefined for anything else. */
export function bool(value: unknown): boolean | undefined {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  return undefined;
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
