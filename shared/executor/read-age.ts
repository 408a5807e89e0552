import { WebplusAbortError } from '../core/errors.js';
import type { Decision } from '../model/decision.js';

/**
 * How old the read an abort stands on may be (red-team 24 F10; docs/policy.md,
 * `sweep.maxReadAgeSeconds`), as the executor sees it; the sweep keeps the read times
 * (pipeline/sweep-run.ts).
 */
export interface ReadFreshness {
  /** The bound, ms (`sweep.maxReadAgeSeconds` × 1000). */
  maxAgeMs: number;
  /** ms from the end of the change's last read to now, on the monotonic clock. */
  ageMs(): number;
  /**
   * Reads the change again and decides it again on the new read with the same rules, outside
   * the pacer's slot. Returns the new decision, and the freshness of the new read when the
   * decision is still `abort`; a re-read that failed, did not fit in the time left, showed
   * another change, or was itself already stale, gives a `skipped` decision naming it. Never
   * throws.
   * @param ageMs how old the last read was when the abort would have started, ms
   */
  reread(ageMs: number): Promise<{ decision: Decision; freshness?: ReadFreshness }>;
}

/**
 * Thrown inside an abort's attempt, in the pacer's slot, when the read the abort stands on is
 * older than {@link ReadFreshness.maxAgeMs}: the request was not sent. Caught by the executor
 * (abort.ts), which reads the change again first; never escapes it.
 */
export class ReadTooOldError extends WebplusAbortError {
  override readonly name = 'ReadTooOldError';
  constructor(
    /** ms from the end of the read to the moment the request would have started */
    readonly ageMs: number,
  ) {
    super(`not sent: the change was read ${Math.round(ageMs / 1000)} s before the abort`);
  }
}

/**
 * Throws {@link ReadTooOldError} when `freshness` says the read is older than its bound.
 * @throws ReadTooOldError
 */
export function assertFresh(freshness: ReadFreshness | undefined): void {
  if (!freshness) return;
  const age = freshness.ageMs();
  if (age > freshness.maxAgeMs) throw new ReadTooOldError(age);
}
