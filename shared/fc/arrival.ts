import { printable } from '../core/text.js';

/** When a request reached FC, as far as this function can tell. */
export interface Arrival {
  /** Epoch ms the callback budget counts from; never after `nowMs`. */
  atMs: number;
  /** Whether `requestContext.timeEpoch` was read and plausible (then `atMs` is it). */
  trusted: boolean;
  /**
   * Why the arrival is not known (absent when `trusted`): `requestContext.timeEpoch is
   * missing`, `… is not epoch ms (got "…")`, `… is N ms in the future`, or `… is N ms before the
   * handler started, more than the function's timeout (T ms)`. Every record of the invocation
   * carries it (`arrivalUnknown`).
   */
  unknownWhy?: string;
}

/**
 * When an HTTP request reached FC: `requestContext.timeEpoch` of the FC 3.0 HTTP trigger struct
 * (epoch ms, sent as a string; docs/reference/fc-triggers.md, "HTTP trigger").
 *
 * A missing, unreadable, future or implausibly old one (more than `maxAgeMs` before now: FC
 * would have ended the request by then) is not an arrival: the budget then counts from the
 * earliest moment this instance knows the request was already there, `min(nowMs,
 * earliestKnownMs)` (the handler's start; for an instance's first invocation, the instance's
 * cold start, which the request itself caused or waited for), so it is never longer than the
 * facts allow (a future `timeEpoch` never lengthens it), and `unknownWhy` says which fact.
 * @param timeEpoch the raw value (string or number of epoch ms)
 * @param nowMs epoch ms (the handler's start)
 * @param maxAgeMs oldest plausible arrival, ms before now (the function's timeout)
 * @param earliestKnownMs epoch ms the request is known to have arrived by (default `nowMs`)
 */
export function arrivalMs(
  timeEpoch: unknown,
  nowMs: number,
  maxAgeMs: number,
  earliestKnownMs: number = nowMs,
): Arrival {
  const unknown = (why: string): Arrival => ({
    atMs: Math.min(nowMs, earliestKnownMs),
    trusted: false,
    unknownWhy: `requestContext.timeEpoch ${why}`,
  });
  if (timeEpoch === undefined || timeEpoch === null || timeEpoch === '') {
    return unknown('is missing');
  }
  const raw =
    typeof timeEpoch === 'number'
      ? timeEpoch
      : typeof timeEpoch === 'string' && /^\d{10,16}$/.test(timeEpoch.trim())
        ? Number(timeEpoch.trim())
        : Number.NaN;
  if (!Number.isFinite(raw))
    return unknown(`is not epoch ms (got ${JSON.stringify(printable(timeEpoch, 40))})`);
  if (raw > nowMs) return unknown(`is ${raw - nowMs} ms in the future`);
  if (raw < nowMs - maxAgeMs) {
    return unknown(
      `is ${nowMs - raw} ms before the handler started, more than the function's timeout (${maxAgeMs} ms)`,
    );
  }
  return { atMs: raw, trusted: true };
}
