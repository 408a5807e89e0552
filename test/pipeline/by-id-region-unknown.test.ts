/**
 * Red-team 25 G6: a by-id lookup over several WEBPLUS_REGIONS treated a region whose read failed
 * (a 5xx beyond the retries, throttling, a malformed reply, a timeout) as "did not list it": the
 * change found in one region was aborted while another region's answer was unknown, so the
 * ambiguity (the same id maybe in the failed region: a shared host, a backend ignoring the
 * region header) was hidden. Now: found in one region while another's answer is unknown is
 * `skipped`, naming the regions whose read failed ("which region holds the change is unknown"),
 * never aborted, on every by-id path (POST /abort, an alarm naming a ChangeId or an EnvId);
 * a sweep over several regions likewise skips an abort while another region's listing is
 * incomplete, and records that region's failure. Through the real handler and the sandbox
 * (signed requests; regions kept apart, as Web+ does; the fault scripted for one region).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type SaeSandbox, startSaeSandbox } from '../../sandbox/sae/server.js';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import {
  alarmFields,
  calls,
  change,
  changeId,
  envId,
  eventBridgeEnvelope,
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

const HZ = 'cn-hangzhou';
const SH = 'cn-shanghai';
const ENV = {
  WEBPLUS_REGIONS: `${HZ},${SH}`,
  ABORT_DRY_RUN: 'false',
  RETRY_MAX_ATTEMPTS: '1',
};
const FAILING = Array(6).fill({ status: 503, code: 'ServiceUnavailable' });

/**
 * One stuck change in cn-shanghai (application 0); application 1, with one quiet environment,
 * in cn-hangzhou; every `actions` read fails in cn-hangzhou.
 */
function world(actions: string[]) {
  const w = scenario([1, 1], [change({ n: 0, env: 0, idleMin: 90, ageMin: 95 })], {
    strict: true,
    faults: actions.map((action) => ({ action, regionId: HZ, responses: FAILING })),
  });
  (w.apps as Record<string, unknown>[])[0]!.RegionId = SH;
  return w;
}

const abortBody = (body: Record<string, unknown>) =>
  httpEvent({ path: '/abort', body: JSON.stringify(body) });
const alarm = (dims: string) => eventBridgeEnvelope(alarmFields(dims, Date.now() - 30_000), {});

describe('by id over two regions, one region unreadable', () => {
  for (const [label, event, faults] of [
    [
      'POST /abort by ChangeId, cn-hangzhou listing fails',
      () => abortBody({ changeIds: [changeId(0)] }),
      ['DescribeApplications'],
    ],
    [
      'an alarm naming a ChangeId, cn-hangzhou listing fails',
      () => alarm(`{changeId=${changeId(0)}}`),
      ['DescribeApplications'],
    ],
    [
      'POST /abort by EnvId, cn-hangzhou DescribeAppEnvStatus fails',
      () => abortBody({ envIds: [envId(0)] }),
      ['DescribeAppEnvStatus'],
    ],
    [
      'an alarm naming a ChangeId and its EnvId, cn-hangzhou DescribeChange fails',
      () => alarm(`{changeId=${changeId(0)},envId=${envId(0)}}`),
      ['DescribeChange'],
    ],
  ] as const) {
    it(`${label}: skipped naming the unknown region, no AbortChange`, async () => {
      // Arrange
      h = await startHarness(world([...faults]), { env: ENV });

      // Act
      const s = summaryOf(await h.handler(event(), fakeContext()));

      // Assert
      const mine = h.records().filter((r) => r.changeId === changeId(0));
      expect(mine.map((r) => [r.outcome, r.regionId])).toEqual([['skipped', SH]]);
      expect(mine[0]!.detail).toContain(
        `which region holds change ${changeId(0)} (environment ${envId(0)}) is unknown: found in region ${SH}, but the read of region ${HZ} failed`,
      );
      expect(mine[0]!.detail).toContain('not aborted (fail closed)');
      expect(calls(h.sandbox.journal(), 'AbortChange')).toHaveLength(0);
      expect(s.results.filter((r) => r.changeId === changeId(0))).toHaveLength(1);
    });
  }

  it('the same, both regions readable: aborted in cn-shanghai (the rule needs the unknown region)', async () => {
    // Arrange
    h = await startHarness(world([]), { env: ENV });

    // Act
    await h.handler(abortBody({ changeIds: [changeId(0)] }), fakeContext());

    // Assert
    const mine = h.records().filter((r) => r.changeId === changeId(0));
    expect(mine.map((r) => [r.outcome, r.regionId])).toEqual([['aborted', SH]]);
  });

  it('POST /abort naming regionId cn-shanghai: the other region is not asked, aborted', async () => {
    // Arrange
    h = await startHarness(world(['DescribeApplications']), { env: ENV });

    // Act
    await h.handler(abortBody({ changeIds: [changeId(0)], regionId: SH }), fakeContext());

    // Assert
    const mine = h.records().filter((r) => r.changeId === changeId(0));
    expect(mine.map((r) => [r.outcome, r.regionId])).toEqual([['aborted', SH]]);
    expect(h.sandbox.journal().filter((j) => j.regionId === HZ)).toEqual([]);
  });
});

describe('a sweep over two regions, one region unreadable', () => {
  it('cn-hangzhou cannot be listed: its failure is recorded, the cn-shanghai abort skipped naming it', async () => {
    // Arrange
    h = await startHarness(world(['DescribeApplications']), { env: ENV });

    // Act
    await h.handler(timerEvent(), fakeContext());

    // Assert
    const failed = h.records().filter((r) => r.regionId === HZ && r.outcome === 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.detail).toContain('listing applications failed');
    const mine = h.records().filter((r) => r.changeId === changeId(0));
    expect(mine.map((r) => [r.outcome, r.regionId])).toEqual([['skipped', SH]]);
    expect(mine[0]!.detail).toContain(
      `which region holds change ${changeId(0)} (environment ${envId(0)}) is unknown: listed by region ${SH}, but the listing of region ${HZ} failed`,
    );
    expect(calls(h.sandbox.journal(), 'AbortChange')).toHaveLength(0);
  });

  it('cn-hangzhou listed in part (an application whose environments cannot be read): skipped too', async () => {
    // Arrange
    h = await startHarness(world(['DescribeAppEnvs']), { env: ENV });

    // Act
    await h.handler(timerEvent(), fakeContext());

    // Assert
    const mine = h.records().filter((r) => r.changeId === changeId(0));
    expect(mine.map((r) => r.outcome)).toEqual(['skipped']);
    expect(mine[0]!.detail).toContain(`the listing of region ${HZ} failed`);
    expect(calls(h.sandbox.journal(), 'AbortChange')).toHaveLength(0);
  });

  it('both regions listed: aborted in cn-shanghai', async () => {
    // Arrange
    h = await startHarness(world([]), { env: ENV });

    // Act
    await h.handler(timerEvent(), fakeContext());

    // Assert
    const mine = h.records().filter((r) => r.changeId === changeId(0));
    expect(mine.map((r) => [r.outcome, r.regionId])).toEqual([['aborted', SH]]);
  });
});

describe('an SAE sweep over two regions, one region unreadable', () => {
  const HZ_APP = '7171a6ca-d1cd-4928-8642-7d5cfe69e001';
  const SH_APP = '7171a6ca-d1cd-4928-8642-7d5cfe69e002';
  const SH_ORDER = 'ba8e6c3c-9b1a-4ad2-9e1f-5f0e5c5ee002';
  const saeWorld = (faults: Record<string, unknown>[]) => ({
    apps: [],
    envs: [],
    changes: [],
    sae: {
      regionId: HZ,
      apps: [
        { AppId: HZ_APP, AppName: 'checkout' },
        { AppId: SH_APP, AppName: 'search', regionId: SH },
      ],
      changeOrders: [
        {
          ChangeOrderId: SH_ORDER,
          AppId: SH_APP,
          Status: 1,
          startedMinutesAgo: 90,
          idleMinutes: 80,
        },
      ],
      faults,
    },
  });
  let sae: SaeSandbox | undefined;
  afterEach(async () => {
    await sae?.close();
    sae = undefined;
  });
  const sweep = async (faults: Record<string, unknown>[]) => {
    sae = await startSaeSandbox(saeWorld(faults));
    h = await startHarness(
      { apps: [], envs: [], changes: [] },
      {
        env: {
          PLATFORMS: 'sae',
          SAE_ENDPOINT: sae.url,
          SAE_REGIONS: `${HZ},${SH}`,
          SAE_QPS: '1000',
          ABORT_DRY_RUN: 'false',
          RETRY_MAX_ATTEMPTS: '1',
        },
      },
    );
    await h.handler(timerEvent(), fakeContext());
    return h.records().filter((r) => r.changeId === SH_ORDER);
  };

  for (const [label, action] of [
    ['the application list', 'ListApplications'],
    ["an application's orders", 'DescribeApplicationStatus'],
  ] as const) {
    it(`cn-hangzhou cannot list ${label}: the cn-shanghai order skipped naming it, not aborted`, async () => {
      // Arrange / Act
      const mine = await sweep([{ action, regionId: HZ, responses: FAILING }]);

      // Assert
      expect(mine.map((r) => [r.outcome, r.regionId])).toEqual([['skipped', SH]]);
      expect(mine[0]!.detail).toContain(
        `which region holds change order ${SH_ORDER} is unknown: returned by region ${SH}, but the listing of region ${HZ} failed or is incomplete`,
      );
      expect(h!.records().some((r) => r.regionId === HZ && r.outcome === 'failed')).toBe(true);
      expect(sae!.journal().filter((j) => j.action === 'AbortChangeOrder')).toEqual([]);
    });
  }

  it('both regions listed: the cn-shanghai order aborted', async () => {
    // Arrange / Act
    const mine = await sweep([]);

    // Assert
    expect(mine.map((r) => [r.outcome, r.regionId])).toEqual([['aborted', SH]]);
  });
});
