/**
 * Web+'s clock as its replies show it. Every reply of the Alibaba Cloud API gateway carries an
 * HTTP `Date` header (RFC 9110 §6.6.1: an origin server with a clock MUST send it; RFC 1123 format,
 * whole seconds). Comparing it with the function's clock at the moment the reply arrives gives the
 * skew between the two, to within about a second plus the reply's transit time.
 */

/** Skew beyond which stuck ages are judged on Web+'s clock instead of the function's, ms. */
export const CLOCK_SKEW_LIMIT_MS = 60_000;

/**
 * Collects the `Date` headers of one client's replies (one client per request of an invocation).
 * The latest readable header wins: it is the freshest reading of the server's clock.
 */
export class ServerClock {
  private skew: number | undefined;
  private seen = 0;

  /**
   * Notes one reply.
   * @param dateHeader the reply's `Date` header (RFC 1123, e.g. `Tue, 01 Dec 2026 21:40:00 GMT`),
   *   or undefined when it had none; an unreadable one is ignored
   * @param receivedAtMs the function's clock when the reply arrived, epoch ms
   */
  observe(dateHeader: string | undefined, receivedAtMs: number): void {
    this.seen += 1;
    if (dateHeader === undefined) return;
    const serverMs = Date.parse(dateHeader);
    if (!Number.isFinite(serverMs)) return;
    // The header is rounded down to the second: add half a second to centre the estimate.
    this.skew = serverMs + 500 - receivedAtMs;
  }

  /**
   * Web+'s clock minus the function's, ms (positive: Web+ is ahead), or undefined when no reply
   * so far carried a readable `Date` header.
   */
  skewMs(): number | undefined {
    return this.skew;
  }

  /** Replies noted so far (with or without a `Date` header). */
  get replies(): number {
    return this.seen;
  }
}
