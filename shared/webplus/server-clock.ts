/**
 * Web+'s clock as its replies show it. Every reply of the Alibaba Cloud API gateway carries an
 * HTTP `Date` header (RFC 9110 §6.6.1: an origin server with a clock MUST send it; RFC 1123 format,
 * whole seconds). Comparing it with the function's clock around the reply gives the skew between
 * the two: the server stamped the header at some moment between the request leaving and the reply
 * arriving, and its clock then read between the header's second and the next one. So one reply
 * bounds the skew to the interval (server − arrival, server + 1 s − departure), as wide as the
 * round trip plus a second. The SAE and EDAS transports use the same class for their platforms.
 *
 * A `Date` header is a claim, not a clock: a proxy or a load balancer can stamp it hours off
 * (red-team 12 F8: +3 h made a change running for minutes look stuck for hours). So the estimate
 * is trusted only while it agrees with the function's own clock within
 * {@link CLOCK_TRUST_TOLERANCE_MS}; beyond that the two clocks contradict each other, which one
 * is wrong cannot be told, and the server's clock is unknown (no age-based abort).
 */

/** Skew beyond which stuck ages are judged on Web+'s clock instead of the function's, ms. */
export const CLOCK_SKEW_LIMIT_MS = 60_000;

/**
 * How far a `Date` header may put the server's clock from the function's before the estimate is
 * not believed, ms (5 min). Within it, a skew over {@link CLOCK_SKEW_LIMIT_MS} is judged on the
 * server's clock; beyond it the clocks contradict each other and the server's clock is unknown.
 * Why 5 min: NTP-synchronised hosts (FC, the API gateway) are within a second of each other; the
 * gateway itself refuses a signature whose date is more than 15 min off
 * (`InvalidTimeStamp.Expired`, docs/reference/webplus-api.md), so a header further off than a
 * few minutes is not a clock the gateway keeps but a stamp someone added; 5 min is also well
 * below the shortest stuck limit that matters (`maxIdleMinutes`, 30 by default), so a skew
 * within it moves an age by less than the limits' own coarseness.
 */
export const CLOCK_TRUST_TOLERANCE_MS = 5 * 60_000;

/**
 * How far apart two replies' skew intervals may lie, beyond their rounding and transit, before
 * the clock evidence of an invocation counts as disagreeing, ms. Gateway hosts behind one load
 * balancer keep NTP time within well under a second; 5 s leaves room for that and for a step of
 * the function's own clock, and is far below what matters to a stuck age (minutes).
 */
export const CLOCK_DISAGREEMENT_TOLERANCE_MS = 5_000;

/**
 * Collects the `Date` headers of one client's replies (one client per region of an invocation).
 * While every reading agrees (their skew intervals overlap within
 * {@link CLOCK_DISAGREEMENT_TOLERANCE_MS}), the latest one is the estimate: it is the freshest.
 * Once two readings disagree (a proxy or a load balancer stamping one reply hours off), the
 * server's clock is unknown for the rest of the invocation: {@link skewMs} is undefined and
 * {@link unknownWhy} says why, so no decision that rests on it is taken.
 */
export class ServerClock {
  private skew: number | undefined;
  private seen = 0;
  /** The intersection of every reading's skew interval so far, ms. */
  private low = Number.NEGATIVE_INFINITY;
  private high = Number.POSITIVE_INFINITY;
  /** Set once two readings disagree: the two skews, ms, for the words. */
  private disagreement: { earlierMs: number; laterMs: number } | undefined;
  /** The latest readable header (as read, epoch ms) and the function's clock when it arrived. */
  private last: { serverMs: number; receivedAtMs: number } | undefined;

  /**
   * Notes one reply.
   * @param dateHeader the reply's `Date` header (RFC 1123, e.g. `Tue, 01 Dec 2026 21:40:00 GMT`),
   *   or undefined when it had none; an unreadable one is ignored
   * @param receivedAtMs the function's clock when the reply arrived, epoch ms
   * @param sentAtMs the function's clock when the request left (before signing), epoch ms.
   *   @default receivedAtMs (a zero-width round trip: the tightest interval)
   */
  observe(dateHeader: string | undefined, receivedAtMs: number, sentAtMs = receivedAtMs): void {
    this.seen += 1;
    if (dateHeader === undefined) return;
    const serverMs = Date.parse(dateHeader);
    if (!Number.isFinite(serverMs)) return;
    // The header is rounded down to the second: add half a second to centre the estimate.
    const estimate = serverMs + 500 - receivedAtMs;
    const low = serverMs - receivedAtMs;
    const high = serverMs + 1000 - Math.min(sentAtMs, receivedAtMs);
    if (
      this.disagreement === undefined &&
      (low > this.high + CLOCK_DISAGREEMENT_TOLERANCE_MS ||
        high < this.low - CLOCK_DISAGREEMENT_TOLERANCE_MS)
    ) {
      this.disagreement = { earlierMs: this.skew ?? estimate, laterMs: estimate };
    }
    this.low = Math.max(this.low, low);
    this.high = Math.min(this.high, high);
    this.skew = estimate;
    this.last = { serverMs, receivedAtMs };
  }

  /**
   * Web+'s clock minus the function's, ms (positive: Web+ is ahead), or undefined when no reply
   * so far carried a readable `Date` header, when two of them disagreed, or when the estimate is
   * more than {@link CLOCK_TRUST_TOLERANCE_MS} from the function's clock ({@link unknownWhy}).
   */
  skewMs(): number | undefined {
    if (this.disagreement) return undefined;
    if (this.skew !== undefined && Math.abs(this.skew) > CLOCK_TRUST_TOLERANCE_MS) return undefined;
    return this.skew;
  }

  /**
   * Why the server's clock is unknown although replies carried `Date` headers, in words for a
   * record; undefined while the readings are trusted or none was read. Two readings disagreed
   * (`its replies' Date headers disagree: one puts it level with the function's clock, another
   * 180 min ahead (more than 5 s apart beyond their transit and rounding)`), or the readings
   * agree with each other but not with the function's clock (`its Date header says Tue, 01 Dec
   * 2026 21:40:00 GMT, the function's clock said 2026-12-01T18:40:00.000Z when that reply
   * arrived: 180 min ahead of the function's clock, more than the 5 min tolerance, and which
   * clock is wrong cannot be told`).
   */
  unknownWhy(): string | undefined {
    const d = this.disagreement;
    if (d) {
      return `its replies' Date headers disagree: one puts it ${words(d.earlierMs)}, another ${words(d.laterMs)} (more than ${CLOCK_DISAGREEMENT_TOLERANCE_MS / 1000} s apart beyond their transit and rounding)`;
    }
    if (this.skew === undefined || Math.abs(this.skew) <= CLOCK_TRUST_TOLERANCE_MS)
      return undefined;
    const last = this.last!;
    return `its Date header says ${new Date(last.serverMs).toUTCString()}, the function's clock said ${new Date(last.receivedAtMs).toISOString()} when that reply arrived: ${words(this.skew)}, more than the ${CLOCK_TRUST_TOLERANCE_MS / 60_000} min tolerance, and which clock is wrong cannot be told`;
  }

  /** Replies noted so far (with or without a `Date` header). */
  get replies(): number {
    return this.seen;
  }
}

function words(skewMs: number): string {
  const s = Math.round(Math.abs(skewMs) / 1000);
  const span = s >= 120 ? `${Math.round(s / 60)} min` : `${s} s`;
  return s === 0
    ? "level with the function's clock"
    : `${span} ${skewMs > 0 ? 'ahead of' : 'behind'} the function's clock`;
}
