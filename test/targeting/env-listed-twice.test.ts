/**
 * Red-team 12 H1, L1, M4: in a SWEEP, one EnvId listed twice (in one page, across pages, under
 * two applications, by two regions sharing one host), with the same or different facts, leaves
 * that environment's facts unknown: every change named through it is `skipped` naming the
 * duplicate (applications and pages), and nothing is aborted through it. A second environment
 * (quiet or TERMINATED) naming an applying one's change makes that change ambiguous in a sweep
 * as on the manual path. Through the real handler and the strict sandbox (the duplicate item
 * is another environment served with the same EnvId: a `wire` override; an identical item
 * twice is a raw DescribeAppEnvs reply).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import {
  appId,
  calls,
  change,
  changeId,
  envId,
  httpEvent,
  scenario,
  summaryOf,
  timerEvent,
} from '../helpers/world.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const stuck = (n: number, env: number) => change({ n, env, idleMin: 90, ageMin: 95 });

/** Env `twin` is served with env 0's EnvId; env 0 applies stuck change 0, the twin change 1. */
function twinWorld(
  envsPerApp: number[],
  twin: number,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const w = scenario(envsPerApp, [stuck(0, 0), stuck(1, twin)], extra);
  const envs = (w.envs as Record<string, unknown>[]).map((e, i) =>
    i === twin ? { ...e, wire: { EnvId: envId(0) } } : e,
  );
  return { ...w, envs };
}

function expectNoAbortThroughEnv0(harness: Harness, changes: string[], words: string[]) {
  expect(calls(harness.sandbox.journal(), 'AbortChange')).toHaveLength(0);
  for (const id of changes) {
    const records = harness.records().filter((r) => r.changeId === id);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ outcome: 'skipped', envId: envId(0) });
    expect(records[0]!.detail).toContain(`EnvId ${envId(0)} is listed 2 times`);
    expect(records[0]!.detail).toContain('nothing was aborted through');
    for (const w of words) expect(records[0]!.detail).toContain(w);
  }
  // Neither change was read: its environment's facts are unknown.
  expect(calls(harness.sandbox.journal(), 'DescribeChange')).toHaveLength(0);
}

describe('H1: an EnvId listed twice in a sweep fails closed', () => {
  for (const protectedApp of [0, 1]) {
    it(`under two applications, protect.appIds [app ${protectedApp}]: nothing aborted, both changes skipped`, async () => {
      // Arrange: app 0 lists env 0 (change 0), app 1 lists "env 0" too (change 1)
      h = await startHarness(twinWorld([1, 1], 1), {
        policy: { protect: { appIds: [appId(protectedApp)] } },
      });

      // Act
      await h.handler(timerEvent(), fakeContext());

      // Assert
      expectNoAbortThroughEnv0(
        h,
        [changeId(0), changeId(1)],
        [`under 2 applications (${appId(0)}, ${appId(1)})`, `page 1`],
      );
    });
  }

  it('twice in one page (different LatestChangeId): both changes skipped', async () => {
    // Arrange: one app, env 1 served as env 0
    h = await startHarness(twinWorld([2], 1));

    // Act
    await h.handler(timerEvent(), fakeContext());

    // Assert
    expectNoAbortThroughEnv0(
      h,
      [changeId(0), changeId(1)],
      [`under ${appId(0)} page 1`, `LatestChangeId "${changeId(1)}"`],
    );
  });

  it('across pages (one item per page): both changes skipped, naming both pages', async () => {
    // Arrange
    h = await startHarness(twinWorld([2], 1, { pageSizeMax: 1 }));

    // Act
    await h.handler(timerEvent(), fakeContext());

    // Assert
    expectNoAbortThroughEnv0(h, [changeId(0), changeId(1)], ['page 1', 'page 2']);
  });

  it('by two regions sharing the Web+ host, each naming its own change: neither aborted', async () => {
    // Arrange: app 1 (cn-shanghai, which calls the cn-hangzhou host) lists "env 0" with change 1
    const w = twinWorld([1, 1], 1);
    (w.apps as Record<string, unknown>[])[1]!.RegionId = 'cn-shanghai';
    h = await startHarness(w, {
      env: { WEBPLUS_REGIONS: 'cn-hangzhou,cn-shanghai', ABORT_DRY_RUN: 'false' },
    });

    // Act
    await h.handler(
      timerEvent(),
      fakeContext({ function: { name: 'f', handler: 'index.handler', memory: 256, timeout: 20 } }),
    );

    // Assert
    expect(calls(h.sandbox.journal(), 'AbortChange')).toHaveLength(0);
    const records = h.records().filter((r) => r.changeId === changeId(0));
    expect(records).toHaveLength(1);
    expect(records[0]!.outcome).toBe('skipped');
    expect(records[0]!.detail).toContain('region ambiguous');
    expect(records[0]!.detail).toContain(`environment ${envId(0)}`);
    expect(records[0]!.detail).toContain('cn-hangzhou and cn-shanghai');
    // The twin's change (the sandbox keeps it in its own environment) is never aborted either.
    expect(h.records().filter((r) => r.changeId === changeId(1))).toHaveLength(1);
    expect(h.records().find((r) => r.changeId === changeId(1))?.outcome).not.toBe('aborted');
  }, 30_000);

  it('L1: the same item twice in one reply (TotalCount 1): skipped, not aborted', async () => {
    // Arrange: DescribeAppEnvs answers with env 0's item twice
    const item = {
      AppId: appId(0),
      EnvId: envId(0),
      EnvName: 'env-0',
      EnvStatus: 'RUNNING',
      ApplyingChange: true,
      AbortingChange: false,
      LatestChangeId: changeId(0),
    };
    const body = JSON.stringify({
      Code: 'OK',
      Message: 'success',
      RequestId: 'req-dup-1',
      AppEnvs: { AppEnv: [item, item] },
      TotalCount: 1,
      PageNumber: 1,
      PageSize: 100,
    });
    const w = scenario([1], [stuck(0, 0)], {
      faults: [
        {
          action: 'DescribeAppEnvs',
          responses: [{ status: 200, contentType: 'application/json', body }],
        },
      ],
    });
    h = await startHarness(w);

    // Act
    await h.handler(timerEvent(), fakeContext());

    // Assert
    expectNoAbortThroughEnv0(h, [changeId(0)], [`under ${appId(0)} page 1`]);
  });

  it('manual abort by ChangeId: names the duplicate (both applications), no abort', async () => {
    // Arrange
    h = await startHarness(twinWorld([1, 1], 1));

    // Act
    const s = summaryOf(
      await h.handler(
        httpEvent({ path: '/abort', body: JSON.stringify({ changeIds: [changeId(0)] }) }),
        fakeContext(),
      ),
    );

    // Assert: the manual path also refuses the change the twin does not name
    expect(calls(h.sandbox.journal(), 'AbortChange')).toHaveLength(0);
    expect(s.results).toEqual([expect.objectContaining({ outcome: 'skipped' })]);
    expect(s.results[0]!.detail).toContain(`EnvId ${envId(0)} is listed 2 times`);
    expect(s.results[0]!.detail).toContain(`(${appId(0)}, ${appId(1)})`);
  });

  it('control: the other environments of the sweep are still aborted', async () => {
    // Arrange: env 2 (app 1) applies stuck change 2, alone
    const w = scenario([1, 2], [stuck(0, 0), stuck(1, 1), stuck(2, 2)]);
    const envs = (w.envs as Record<string, unknown>[]).map((e, i) =>
      i === 1 ? { ...e, wire: { EnvId: envId(0) } } : e,
    );
    h = await startHarness({ ...w, envs });

    // Act
    await h.handler(timerEvent(), fakeContext());

    // Assert
    const aborts = calls(h.sandbox.journal(), 'AbortChange');
    expect(aborts).toHaveLength(1);
    expect(h.records().find((r) => r.changeId === changeId(2))?.outcome).toBe('aborted');
  });
});

describe("M4: a second environment naming an applying one's change stops a sweep", () => {
  for (const [label, wire] of [
    ['quiet', { LatestChangeId: changeId(0), ApplyingChange: false }],
    ['TERMINATED', { LatestChangeId: changeId(0), ApplyingChange: false, EnvStatus: 'TERMINATED' }],
  ] as const) {
    it(`${label}: the change is skipped, naming both environments, not aborted`, async () => {
      // Arrange
      const w = scenario([2], [stuck(0, 0)]);
      const envs = (w.envs as Record<string, unknown>[]).map((e, i) =>
        i === 1 ? { ...e, wire } : e,
      );
      h = await startHarness({ ...w, envs });

      // Act
      await h.handler(timerEvent(), fakeContext());

      // Assert
      expect(calls(h.sandbox.journal(), 'AbortChange')).toHaveLength(0);
      const records = h.records().filter((r) => r.changeId === changeId(0));
      expect(records).toHaveLength(1);
      expect(records[0]!.outcome).toBe('skipped');
      expect(records[0]!.detail).toContain(
        `ChangeId ${changeId(0)} is claimed by environments ${envId(0)} and ${envId(1)}`,
      );
    });
  }
});
