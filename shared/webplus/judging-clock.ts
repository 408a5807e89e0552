import { CLOCK_SKEW_LIMIT_MS } from './server-clock.js';

/**
 * The clocks one decision is judged on (red-team 12 H2). Two clocks are known: the function's,
 * and the platform's as its replies' `Date` headers show it (server-clock.ts, trusted only within
 * its 5 min tolerance). Neither is known to be right, so an age that decides an abort (idle,
 * running) is judged on BOTH and the SMALLER age is used: the age on the earlier of the two
 * clocks. A time that would be in the future is judged against the later one (a time beyond it
 * is beyond both clocks), and an alarm must be fresh on both. A skew under
 * {@link CLOCK_RESOLUTION_MS} counts as none.
 */
export interface JudgingClocks {
  /** The earlier of the two clocks, epoch ms: every age that decides an abort is `nowMs − time`. */
  nowMs: number;
  /** The later of the two clocks, epoch ms (future-time checks; an alarm's age must fit both). */
  latestNowMs: number;
  /** `nowMs` is the platform's clock, more than {@link CLOCK_SKEW_LIMIT_MS} behind ours. */
  onServerClock: boolean;
  /**
   * The platform's clock is more than {@link CLOCK_SKEW_LIMIT_MS} ahead of ours: the ages are the
   * function's (the smaller), and the record says so.
   */
  serverAhead: boolean;
  /** The measured skew (platform's clock minus ours, ms), or undefined when unknown. */
  skewMs: number | undefined;
  /** The skew the record carries (`clockSkewMs`): set only when `onServerClock`. */
  recordSkewMs?: number;
}

/**
 * A skew smaller than this is below what a `Date` header can show, ms (1 s): the header has whole
 * seconds, so two level clocks measure anywhere within ±0.5 s plus the transit
 * (server-clock.ts). Such a skew counts as level clocks: the function's clock alone.
 */
export const CLOCK_RESOLUTION_MS = 1000;

/**
 * The judging clocks for one decision.
 * @param functionNowMs the function's clock, epoch ms
 * @param skewMs the platform's clock minus the function's, ms (`clockSkewMs()` of its client:
 *   undefined when unknown, untrusted or contradicted); undefined gives the function's clock alone
 */
export function judgingClocks(functionNowMs: number, skewMs: number | undefined): JudgingClocks {
  const s = skewMs !== undefined && Math.abs(skewMs) >= CLOCK_RESOLUTION_MS ? skewMs : 0;
  const onServerClock = s < -CLOCK_SKEW_LIMIT_MS;
  return {
    nowMs: functionNowMs + Math.min(0, s),
    latestNowMs: functionNowMs + Math.max(0, s),
    onServerClock,
    serverAhead: s > CLOCK_SKEW_LIMIT_MS,
    skewMs,
    ...(onServerClock ? { recordSkewMs: s } : {}),
  };
}
