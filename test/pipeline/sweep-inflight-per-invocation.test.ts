/**
 * Issue 11: the summary's `sweep.inFlight` (and `examined`, `left`) counts the invocation's
 * in-flight environments (docs/reference/record.md, "Run summary"), not one per region that
 * listed them: two regions answered by one backend (a shared host, the region header ignored)
 * list the same three environments, and the summary says 3, as the records do (one each).
 * Regions kept apart add up: one environment in each of two regions is 2.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { change, scenario, summaryOf, timerEvent } from '../helpers/world.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const context = () =>
  fakeContext({ function: { name: 'f', handler: 'index.handler', memory: 256, timeout: 20 } });

describe('sweep.inFlight counts the invocation’s environments, each once', () => {
  it('two regions, one backend listing the same 3 environments: inFlight 3, examined 3, left 0', async () => {
    // Arrange
    const world = scenario(
      [3],
      [0, 1, 2].map((n) => change({ n, env: n, idleMin: 2, ageMin: 5 })),
      { strict: false },
    );
    h = await startHarness(world, {
      env: { WEBPLUS_REGIONS: 'cn-hangzhou,cn-beijing', RETRY_MAX_ATTEMPTS: '1' },
    });

    // Act
    const s = summaryOf(await h.handler(timerEvent(), context()));

    // Assert
    expect(s.sweep).toMatchObject({ inFlight: 3, examined: 3, left: 0 });
    expect(h.records().filter((r) => r.changeId)).toHaveLength(3);
  }, 30_000);

  it('two regions kept apart, one environment each: inFlight 2', async () => {
    // Arrange
    const world = scenario(
      [1, 1],
      [0, 1].map((n) => change({ n, env: n, idleMin: 2, ageMin: 5 })),
    );
    (world.apps as Record<string, unknown>[])[1]!.RegionId = 'cn-shanghai';
    h = await startHarness(world, {
      env: { WEBPLUS_REGIONS: 'cn-hangzhou,cn-shanghai', RETRY_MAX_ATTEMPTS: '1' },
    });

    // Act
    const s = summaryOf(await h.handler(timerEvent(), context()));

    // Assert
    expect(s.sweep).toMatchObject({ inFlight: 2, examined: 2, left: 0 });
    expect(
      h
        .records()
        .filter((r) => r.changeId)
        .map((r) => r.regionId)
        .sort(),
    ).toEqual(['cn-hangzhou', 'cn-shanghai']);
  }, 30_000);
});
