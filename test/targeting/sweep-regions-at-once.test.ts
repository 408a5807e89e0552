/**
 * Each region's sweep is sized for the whole budget (sweep-plan.ts), so the regions are swept
 * at the same time, each with its own pacer: one after the other, the second region's listing
 * would start after the first region's reads and its part would never be examined.
 * Web+ answers in 1 s; function.timeout 6 s; one attempt of 1.5 s: a region's listing (2 calls,
 * one after the other) and one read take 3 s, and reads may start until 2.4 s into the run.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { change, changeId, scenario, summaryOf, timerEvent } from '../helpers/world.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('a sweep over two regions', () => {
  it('both regions examine their change within one 6 s run', async () => {
    // Arrange: app 0 (env 0) in cn-hangzhou, app 1 (env 1) in cn-shanghai, a change in each
    const world = scenario(
      [1, 1],
      [0, 1].map((i) => change({ n: i, env: i, idleMin: 90, ageMin: 95 })),
      { latencyMs: 1000 },
    );
    (world.apps as Record<string, unknown>[])[1]!.RegionId = 'cn-shanghai';
    h = await startHarness(world, {
      env: {
        WEBPLUS_REGIONS: 'cn-hangzhou,cn-shanghai',
        ABORT_DRY_RUN: 'true',
        ATTEMPT_TIMEOUT_MS: '1500',
        RETRY_MAX_ATTEMPTS: '1',
        DEADLINE_MARGIN_MS: '500',
      },
      policy: { sweep: { maxAbortsPerRun: 1 } },
    });
    const context = fakeContext({
      function: { name: 'f', handler: 'index.handler', memory: 256, timeout: 6 },
    });

    // Act
    const started = Date.now();
    const s = summaryOf(await h.handler(timerEvent(), context));
    const tookMs = Date.now() - started;

    // Assert
    const examined = h
      .records()
      .filter((r) => r.changeId)
      .map((r) => [r.changeId, r.regionId, r.outcome])
      .sort();
    expect(examined).toEqual([
      [changeId(0), 'cn-hangzhou', 'would_abort'],
      [changeId(1), 'cn-shanghai', 'would_abort'],
    ]);
    expect(s.sweep).toMatchObject({ inFlight: 2, examined: 2, left: 0 });
    expect(tookMs).toBeLessThanOrEqual(6000 - 500);
  }, 30_000);
});
