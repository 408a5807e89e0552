/**
 * When an HTTP request reached FC: `requestContext.timeEpoch` of the FC 3.0 HTTP trigger struct
 * (epoch ms, sent as a string; docs/reference/fc-triggers.md, "HTTP trigger"), bounded by now.
 *
 * - A `timeEpoch` in the future (clock skew) counts as now: a budget never grows past its length.
 * - A missing, unreadable or implausibly old one (more than `maxAgeMs` before now: FC would
 *   have ended the request by then) counts as now too, and `trusted` is false so the caller can
 *   say so.
 * @param timeEpoch the raw value (string or number of epoch ms)
 * @param nowMs epoch ms
 * @param maxAgeMs oldest plausible arrival, ms before now (the function's timeout)
 * @returns epoch ms of the arrival, never after `nowMs`
 */
export function arrivalMs(
  timeEpoch: unknown,
  nowMs: number,
  maxAgeMs: number,
): { atMs: number; trusted: boolean } {
  const raw =
    typeof timeEpoch === 'number'
      ? timeEpoch
      : typeof timeEpoch === 'string' && /^\d{10,16}$/.test(timeEpoch.trim())
        ? Number(timeEpoch.trim())
        : Number.NaN;
  if (!Number.isFinite(raw) || raw < nowMs - maxAgeMs) return { atMs: nowMs, trusted: false };
  return { atMs: Math.min(raw, nowMs), trusted: true };
}
