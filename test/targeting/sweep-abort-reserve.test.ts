/**
 * The sweep's abort reserve (issue 11, red-team F1) against an independent oracle: a worst-case
 * schedule simulated call by call (each call spaced 1000/qps ms after the previous start, and
 * waiting for a free slot among `concurrency`, every call taking its whole attempt timeout).
 * Every call `abortsThatFit` admits must start and end inside the reserve in that schedule.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { abortsThatFit } from '#shared/targeting/sweep-plan.js';

/** End time of the n-th call of the worst-case schedule (oracle; shares no code). */
function worstEndMs(n: number, qps: number, concurrency: number, attemptMs: number): number {
  const ends: number[] = [];
  let start = 0;
  for (let k = 0; k < n; k++) {
    if (k > 0) start += 1000 / qps;
    if (k >= concurrency) start = Math.max(start, ends[k - concurrency]!);
    ends.push(start + attemptMs);
  }
  return n === 0 ? 0 : ends[n - 1]!;
}

describe('abortsThatFit', () => {
  it('every admitted abort ends inside the reserve in the worst-case schedule', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 120_000 }),
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 100, max: 30_000 }),
        (reserveMs, max, qps, concurrency, attemptMs) => {
          const n = abortsThatFit(reserveMs, max, { qps, concurrency, attemptMs });
          expect(n).toBeGreaterThanOrEqual(0);
          expect(n).toBeLessThanOrEqual(max);
          expect(worstEndMs(n, qps, concurrency, attemptMs)).toBeLessThanOrEqual(reserveMs);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('the figure of the red-team run: 9 s reserve, QPS 10, 4 in flight, 3 s attempts → 8', () => {
    expect(abortsThatFit(9000, 20, { qps: 10, concurrency: 4, attemptMs: 3000 })).toBe(8);
    expect(worstEndMs(8, 10, 4, 3000)).toBeLessThanOrEqual(9000);
  });
});
