/**
 * Red-team 11 F5: several regions, one backend. cn-beijing and cn-hangzhou call the same Web+
 * host (shared/webplus/endpoints.ts); a backend (or proxy) that ignores `x-acs-region-id` (the
 * sandbox out of strict mode) answers both regions with the same environments. Within one
 * invocation each change is decided once: one record, at most one AbortChange, and an abort of
 * a change whose region is unknown (two regions listed it, Web+ replies carry no RegionId) is
 * `skipped`, naming both regions. Where the backend keeps the regions apart (strict sandbox,
 * as Web+ does), Beijing + Hangzhou are each swept and aborted as before.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { calls, change, changeId, scenario, summaryOf, timerEvent } from '../helpers/world.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const ENV = {
  WEBPLUS_REGIONS: 'cn-hangzhou,cn-beijing',
  ABORT_DRY_RUN: 'false',
  RETRY_MAX_ATTEMPTS: '1',
};
const context = () =>
  fakeContext({ function: { name: 'f', handler: 'index.handler', memory: 256, timeout: 20 } });

describe('two regions against one backend', () => {
  it('a backend ignoring the region: one record per change, the stuck one not aborted (region unknown)', async () => {
    // Arrange: one app, three environments: a stuck change, a quiet-but-running one, a stuck one
    // already aborting; the sandbox answers every region alike (strict off)
    const world = scenario(
      [3],
      [
        change({ n: 0, env: 0, idleMin: 90, ageMin: 95 }),
        change({ n: 1, env: 1, idleMin: 2, ageMin: 5 }),
        change({ n: 2, env: 2, idleMin: 90, ageMin: 95 }),
      ],
      { strict: false },
    );
    h = await startHarness(world, { env: ENV });

    // Act
    const s = summaryOf(await h.handler(timerEvent(), context()));

    // Assert: each change exactly once
    const byChange = new Map<string, string[]>();
    for (const r of h.records().filter((r) => r.changeId)) {
      byChange.set(r.changeId!, [...(byChange.get(r.changeId!) ?? []), r.outcome]);
    }
    expect([...byChange.keys()].sort()).toEqual([changeId(0), changeId(1), changeId(2)]);
    for (const outcomes of byChange.values()) expect(outcomes).toHaveLength(1);
    const stuck = h.records().filter((r) => r.changeId === changeId(0));
    expect(stuck[0]).toMatchObject({ outcome: 'skipped' });
    expect(stuck[0]!.detail).toContain('region ambiguous');
    expect(stuck[0]!.detail).toContain('cn-hangzhou and cn-beijing');
    expect(h.records().find((r) => r.changeId === changeId(1))?.outcome).toBe('skipped');
    // No AbortChange at all: the only stuck change has no known region
    expect(calls(h.sandbox.journal(), 'AbortChange')).toHaveLength(0);
    expect(s.results.filter((r) => r.changeId === changeId(0))).toHaveLength(1);
  }, 30_000);

  it('regions kept apart (as Web+ does): Beijing and Hangzhou are each aborted, nothing blocked', async () => {
    // Arrange: app 0 in cn-hangzhou, app 1 in cn-beijing, a stuck change in each; strict sandbox
    const world = scenario(
      [1, 1],
      [0, 1].map((i) => change({ n: i, env: i, idleMin: 90, ageMin: 95 })),
    );
    (world.apps as Record<string, unknown>[])[1]!.RegionId = 'cn-beijing';
    h = await startHarness(world, { env: ENV });

    // Act
    await h.handler(timerEvent(), context());

    // Assert
    const got = h
      .records()
      .filter((r) => r.changeId)
      .map((r) => [r.changeId, r.regionId, r.outcome])
      .sort();
    expect(got).toEqual([
      [changeId(0), 'cn-hangzhou', 'aborted'],
      [changeId(1), 'cn-beijing', 'aborted'],
    ]);
    expect(calls(h.sandbox.journal(), 'AbortChange')).toHaveLength(2);
  }, 30_000);
});
