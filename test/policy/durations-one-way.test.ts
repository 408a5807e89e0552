/**
 * Durations in a stuck detail are whole minutes, as in every other detail (issue 15, trial
 * difficulty 9: under `serve` a detail read `no progress for 45 min 5 s`, elsewhere `45 min`).
 * Seconds appear only where whole minutes equal the limit. Generated idle times; the oracle
 * computes the minutes itself.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { judgeStuck } from '#shared/policy/stuck.js';

describe('stuck details: whole minutes', () => {
  it('no progress for N min, N = floor(idle / 60 s); seconds only at the limit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 120 }),
        fc.integer({ min: 1, max: 600 * 60 }),
        (limit, extraS) => {
          const now = 1_800_000_000_000;
          const idleS = limit * 60 + extraS;
          const verdict = judgeStuck(
            { createTime: now - idleS * 1000, updateTime: now - idleS * 1000 },
            { maxIdleMinutes: limit, maxDurationMinutes: 100_000 },
            now,
          );
          const minutes = Math.floor(idleS / 60);
          const seconds = idleS % 60;
          const expected =
            minutes === limit && seconds > 0 ? `${minutes} min ${seconds} s` : `${minutes} min`;
          expect(verdict.detail).toBe(
            `no progress for ${expected} (more than the ${limit} min limit)`,
          );
        },
      ),
      { numRuns: 400 },
    );
  });
});
