/**
 * The sweep's rotation plan and its sizing arithmetic (issue 11, red-team F2): parts sized for
 * the worst case (every call taking its whole attempt timeout, with the gateway's retries), a
 * run at slot s starting at part (s × G) mod P. Coverage itself is checked against an
 * independent model in sweep-coverage-model.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  budgetForGuarantee,
  callCostMs,
  coarseCount,
  listingWorstMs,
  planSweep,
  primeAtLeast,
  readStartsMs,
  SWEEP_SLOT_MS,
  sizeSweep,
  sweepReserveMs,
} from '#shared/targeting/sweep-plan.js';
import type { AppEnv } from '#shared/webplus/types.js';

const env = (n: number, aborting = false): AppEnv => ({
  envId: `we-${n.toString(16).padStart(24, '0')}`,
  appId: 'wa-000000000000000000000001',
  envName: `e${n}`,
  envStatusRead: { kind: 'live' },
  applyingChange: true,
  abortingChange: aborting,
  latestChangeId: `wc-${n.toString(16).padStart(24, '0')}`,
});

/** The production defaults (docs/reference/configuration.md). */
const DEFAULTS = {
  qps: 10,
  concurrency: 4,
  attemptMs: 3000,
  maxAttempts: 4,
  retryBaseMs: 200,
  retryMaxDelayMs: 5000,
};

describe('sweep plan', () => {
  it('every environment is examined within `parts` slots of any spacing k < parts, each run doing only its first part', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 0, maxLength: 300 }),
        fc.integer({ min: 1, max: 120 }),
        fc.integer({ min: 0, max: 2000 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 1, max: 3 }),
        (ids, guaranteed, extra, firstSlot, stride) => {
          const envs = ids.map((n) => env(n, n % 7 === 0));
          const sizing = { guaranteed, nominal: guaranteed + extra };
          const plan = planSweep(envs, firstSlot * SWEEP_SLOT_MS, sizing);
          // a permutation
          expect(new Set(plan.order.map((e) => e.envId)).size).toBe(envs.length);
          expect(plan.order).toHaveLength(envs.length);
          expect(plan.firstPartSize).toBeLessThanOrEqual(guaranteed);
          const seen = new Set<string>();
          for (let run = 0; run < plan.parts; run++) {
            const slot = firstSlot + run * stride;
            const p = planSweep(envs, slot * SWEEP_SLOT_MS + 1234, sizing);
            expect(p.parts).toBe(plan.parts);
            for (const e of p.order.slice(0, p.firstPartSize)) seen.add(e.envId);
          }
          // stride < parts or parts = 1 keeps the guarantee (parts is prime)
          if (plan.parts === 1 || stride < plan.parts) expect(seen.size).toBe(envs.length);
          expect(plan.worstCaseRuns).toBe(plan.parts);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('parts: a prime of at most the guaranteed each, G = floor(nominal / u) below P, first part (slot × G) mod P', () => {
    const envs = Array.from({ length: 1000 }, (_, i) => env(i));
    expect(planSweep(envs, 0, { guaranteed: 1000, nominal: 5000 }).parts).toBe(1);
    const p = planSweep(envs, 7 * SWEEP_SLOT_MS, { guaranteed: 45, nominal: 140 });
    expect(p.parts).toBe(23);
    expect(p.partSize).toBe(45);
    expect(p.partsPerRun).toBe(3);
    expect(p.firstPart).toBe((7 * 3) % 23);
    expect(p.worstCaseRuns).toBe(23);
    expect(p.nominalRuns).toBe(8);
    // G is capped below P; everything in one run at the pacer's rate: nominal bound 1
    const all = planSweep(envs, 0, { guaranteed: 100, nominal: 1000 });
    expect(all.parts).toBe(11);
    expect(all.partsPerRun).toBe(10);
    expect(all.nominalRuns).toBe(1);
    // sure of none: one environment a part, no worst-case bound, G from the rate
    const none = planSweep(envs, 3 * SWEEP_SLOT_MS, { guaranteed: 0, nominal: 100 });
    expect(none.parts).toBe(1031); // prime ≥ 1024 (1000 to 4 significant bits)
    expect(none.partSize).toBe(1);
    expect(none.partsPerRun).toBe(100);
    expect(none.firstPart).toBe(300);
    // a few changes ending do not move the rotation
    const fewer = planSweep(envs.slice(0, 980), 3 * SWEEP_SLOT_MS, { guaranteed: 0, nominal: 100 });
    expect(fewer.parts).toBe(1031);
    expect(fewer.firstPart).toBe(300);
    expect([coarseCount(40), coarseCount(980), coarseCount(1000), coarseCount(1025)]).toEqual([
      40, 1024, 1024, 1152,
    ]);
    expect(none.worstCaseRuns).toBeUndefined();
    expect(none.nominalRuns).toBe(11);
    expect(primeAtLeast(24)).toBe(29);
  });

  it('within a part, environments already aborting come last', () => {
    const envs = Array.from({ length: 20 }, (_, i) => env(i, i < 10));
    const { order } = planSweep(envs, 0, { guaranteed: 100, nominal: 100 });
    expect(order.slice(0, 10).every((e) => !e.abortingChange)).toBe(true);
    expect(order.slice(10).every((e) => e.abortingChange)).toBe(true);
  });
});

describe('sweep sizing (the TSDoc arithmetic)', () => {
  it('one call at the defaults costs 4 × 3000 ms + 200 + 400 + 800 ms of backoff', () => {
    expect(callCostMs(DEFAULTS)).toBe(13_400);
    expect(callCostMs({ ...DEFAULTS, maxAttempts: 1 })).toBe(3000);
    // the backoff cap holds: RETRY_MAX_DELAY_MS 500 → 200 + 400 + 500
    expect(callCostMs({ ...DEFAULTS, retryMaxDelayMs: 500 })).toBe(12_000 + 1100);
  });

  it('the n-th read starts within token waits + busy rounds; the listing within tokens + slots + chain', () => {
    expect(readStartsMs(0, DEFAULTS)).toBe(0);
    expect(readStartsMs(1, DEFAULTS)).toBe(100);
    expect(readStartsMs(12, DEFAULTS)).toBe(4500 + 36_850);
    expect(listingWorstMs({ calls: 51, chain: 2 }, DEFAULTS)).toBe(20_400 + 153_000 + 26_800);
    expect(listingWorstMs({ calls: 0, chain: 0 }, DEFAULTS)).toBe(0);
  });

  it('the red-team world (function.timeout 10 s, defaults, 25 applications): no run is sure of any environment', () => {
    const budgetMs = 8000;
    const reserveMs = sweepReserveMs(budgetMs, 20, DEFAULTS);
    expect(reserveMs).toBe(2000); // budget − 2 attempts
    const s = sizeSweep(budgetMs, reserveMs, { calls: 26, chain: 2 }, DEFAULTS);
    expect(s.guaranteed).toBe(0);
    expect(s.listingWorstMs).toBe(10_400 + 78_000 + 26_800);
    // floor(10 × (8000 − 2000 − 3000 − 250) / 1000) − 26 calls of the listing
    expect(s.nominal).toBe(1);
    // the function.timeout that makes one environment per run sure: 136 s of budget + margin
    expect(budgetForGuarantee(1, { calls: 26, chain: 2 }, DEFAULTS, 20)).toBe(136_000);
  });

  it('a tuned 10 s function (one attempt of 2.5 s, one application, one abort): two environments sure per run', () => {
    const limits = { ...DEFAULTS, attemptMs: 2500, maxAttempts: 1 };
    const reserveMs = sweepReserveMs(9500, 1, limits);
    expect(reserveMs).toBe(100 + 2500);
    const s = sizeSweep(9500, reserveMs, { calls: 1, chain: 1 }, limits);
    // window 9500 − 2600 − 2500 − 250 − (100 + 625 + 2500) = 925 ms; read 2 starts by 200 + 625
    expect(s.guaranteeWindowMs).toBe(925);
    expect(s.guaranteed).toBe(2);
    expect(s.nominal).toBe(41 - 1);
  });

  it('the guarantee only grows with the budget, and budgetForGuarantee is the least budget that gives it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 1, max: 16 }),
        fc.integer({ min: 100, max: 5000 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 0, max: 30 }),
        (envs, calls, chain, qps, concurrency, attemptMs, maxAttempts, maxAborts) => {
          const limits = { ...DEFAULTS, qps, concurrency, attemptMs, maxAttempts };
          const shape = { calls, chain: Math.min(chain, Math.max(1, calls)) };
          const need = budgetForGuarantee(envs, shape, limits, maxAborts);
          if (need === undefined) return;
          const at = (b: number) =>
            sizeSweep(b, sweepReserveMs(b, maxAborts, limits), shape, limits, envs).guaranteed;
          expect(at(need)).toBeGreaterThanOrEqual(envs);
          if (need >= 1000) expect(at(need - 1000)).toBeLessThan(envs);
        },
      ),
      { numRuns: 200 },
    );
  });
});
