/**
 * `sweep.maxAbortsPerRun` is one cap for the whole sweep, every platform and region
 * (red-team 24: two Web+ regions with cap 2 aborted 4 changes; docs/policy.md, Keys). Through
 * the real handler and the strict sandbox (regions kept apart, as Web+ does).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { calls, change, scenario, summaryOf, timerEvent } from '../helpers/world.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Three stuck changes in app 0 (cn-hangzhou), three in app 1 (cn-shanghai). */
function twoRegions(): Record<string, unknown> {
  const w = scenario(
    [3, 3],
    Array.from({ length: 6 }, (_, i) => change({ n: i, env: i, idleMin: 90, ageMin: 95 })),
    { strict: true },
  );
  (w.apps as Record<string, unknown>[])[1]!.RegionId = 'cn-shanghai';
  return w;
}

describe('sweep.maxAbortsPerRun counts across regions', () => {
  for (const cap of [0, 1, 2, 4, 6]) {
    it(`cap ${cap}, 3 stuck in each of 2 regions: exactly ${Math.min(cap, 6)} AbortChange, the rest skipped naming the cap`, async () => {
      // Arrange
      h = await startHarness(twoRegions(), {
        env: { WEBPLUS_REGIONS: 'cn-hangzhou,cn-shanghai', ABORT_DRY_RUN: 'false' },
        policy: { defaults: { mode: 'enforce' }, sweep: { maxAbortsPerRun: cap } },
      });

      // Act
      const s = summaryOf(await h.handler(timerEvent(), fakeContext()));

      // Assert
      const aborted = s.results.filter((r) => r.outcome === 'aborted');
      const skipped = s.results.filter((r) => r.outcome === 'skipped');
      expect(aborted).toHaveLength(Math.min(cap, 6));
      expect(
        calls(h.sandbox.journal(), 'AbortChange').filter((j) => j.status === 200),
      ).toHaveLength(Math.min(cap, 6));
      expect(skipped).toHaveLength(6 - Math.min(cap, 6));
      for (const r of skipped) expect(r.detail).toMatch(/^cap reached: sweep\.maxAbortsPerRun is/);
      expect(s.capReached).toBe(cap < 6);
    });
  }
});
