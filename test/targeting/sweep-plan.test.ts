/**
 * Coverage across sweeps, checked by simulation: runs that each examine only the first
 * `capacity` environments of their plan (the least a run is sized for) still reach every
 * in-flight environment within `parts` consecutive timer slots, for any set of environments.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  perRunCapacity,
  planSweep,
  primeAtLeast,
  SWEEP_SLOT_MS,
} from '#shared/targeting/sweep-plan.js';
import type { AppEnv } from '#shared/webplus/types.js';

const env = (n: number, aborting = false): AppEnv => ({
  envId: `we-${n.toString(16).padStart(24, '0')}`,
  appId: 'wa-000000000000000000000001',
  envName: `e${n}`,
  applyingChange: true,
  abortingChange: aborting,
  latestChangeId: `wc-${n.toString(16).padStart(24, '0')}`,
});

describe('sweep plan', () => {
  it('every environment is examined within `parts` consecutive slots, each run doing only `capacity`', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 0, maxLength: 400 }),
        fc.integer({ min: 1, max: 120 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 1, max: 3 }),
        (ids, capacity, firstSlot, stride) => {
          const envs = ids.map((n) => env(n, n % 7 === 0));
          const plan = planSweep(envs, firstSlot * SWEEP_SLOT_MS, capacity);
          // a permutation
          expect(new Set(plan.order.map((e) => e.envId)).size).toBe(envs.length);
          expect(plan.order).toHaveLength(envs.length);
          const seen = new Set<string>();
          for (let run = 0; run < plan.parts; run++) {
            const slot = firstSlot + run * stride;
            const p = planSweep(envs, slot * SWEEP_SLOT_MS + 1234, capacity);
            expect(p.parts).toBe(plan.parts);
            for (const e of p.order.slice(0, capacity)) seen.add(e.envId);
          }
          // stride < parts or parts = 1 keeps the guarantee (parts is prime)
          if (plan.parts === 1 || stride < plan.parts) expect(seen.size).toBe(envs.length);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('the parts are as few as the capacity allows (a prime), and one when everything fits', () => {
    const envs = Array.from({ length: 1000 }, (_, i) => env(i));
    expect(planSweep(envs, 0, 1000).parts).toBe(1);
    expect(planSweep(envs, 0, 45).parts).toBe(23);
    expect(planSweep(envs, 0, 100).parts).toBe(11);
    expect(primeAtLeast(24)).toBe(29);
    expect(perRunCapacity(18_000, 10, 10)).toBe(47);
  });

  it('within a part, environments already aborting come last', () => {
    const envs = Array.from({ length: 20 }, (_, i) => env(i, i < 10));
    const { order } = planSweep(envs, 0, 100);
    expect(order.slice(0, 10).every((e) => !e.abortingChange)).toBe(true);
    expect(order.slice(10).every((e) => e.abortingChange)).toBe(true);
  });
});
