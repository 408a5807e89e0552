/**
 * Token bucket for the scenario's `qpsLimit`: refills `ratePerSecond` tokens per second up to
 * a burst of `ratePerSecond` (at least 1), one token per request.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly capacity: number;

  /**
   * @param ratePerSecond requests per second (> 0)
   * @param now epoch ms
   */
  constructor(
    private readonly ratePerSecond: number,
    now: number,
  ) {
    this.capacity = Math.max(1, ratePerSecond);
    this.tokens = this.capacity;
    this.last = now;
  }

  /** Take one token at `now` (epoch ms); false when the bucket is empty (throttle). */
  take(now: number): boolean {
    const elapsed = Math.max(0, now - this.last);
    this.last = Math.max(this.last, now);
    this.tokens = Math.min(this.capacity, this.tokens + (elapsed / 1000) * this.ratePerSecond);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
