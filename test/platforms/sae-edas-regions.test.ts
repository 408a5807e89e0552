/**
 * SAE and EDAS in several regions (`SAE_REGIONS`, `EDAS_REGIONS`), through the real handler and
 * one emulator per platform that serves every region by the `Host` header, as the real service
 * does by host name (docs/reference/sae-edas.md §2.1, §3.1): each region swept, paced and
 * recorded on its own (records carry `regionId`); manual requests and alarms work in the region
 * they name, a region that is not enabled is refused with a record, and a region is never
 * guessed when several are enabled. Every call goes through pop-core's real signing.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '#shared/config/config.js';
import { ConfigError } from '#shared/config/errors.js';
import type { OutcomeRecord } from '#shared/model/record.js';
import { createRuntime } from '#shared/pipeline/runtime.js';
import { parsePolicy } from '#shared/policy/load.js';
import { cliPlatformRequest } from '../../cli/commands/platform.js';
import { type EdasSandbox, startEdasSandbox } from '../../sandbox/edas/server.js';
import { type SaeSandbox, startSaeSandbox } from '../../sandbox/sae/server.js';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { freshAlarm, httpEvent, timerEvent } from '../helpers/world.js';

const HZ = 'cn-hangzhou';
const SH = 'cn-shanghai';
const SZ = 'cn-shenzhen';
const BJ = 'cn-beijing';

const SAE_HZ_APP = '7171a6ca-d1cd-4928-8642-7d5cfe69e001';
const SAE_SH_APP = '7171a6ca-d1cd-4928-8642-7d5cfe69e002';
const SAE_BJ_APP = '7171a6ca-d1cd-4928-8642-7d5cfe69e003';
const SAE_HZ_ORDER = 'ba8e6c3c-9b1a-4ad2-9e1f-5f0e5c5ee001';
const SAE_SH_ORDER = 'ba8e6c3c-9b1a-4ad2-9e1f-5f0e5c5ee002';
const SAE_BJ_ORDER = 'ba8e6c3c-9b1a-4ad2-9e1f-5f0e5c5ee003';
const EDAS_HZ_APP = '6826ccd2-5c57-46c0-a2e5-6caca07ce001';
const EDAS_SZ_APP = '6826ccd2-5c57-46c0-a2e5-6caca07ce002';
const EDAS_HZ_ORDER = '28ab8de8-22b9-430d-9952-00f67693e001';
const EDAS_SZ_ORDER = '28ab8de8-22b9-430d-9952-00f67693e002';

/** One stuck order per application; each application in its own region. */
const world = {
  apps: [],
  envs: [],
  changes: [],
  sae: {
    regionId: HZ,
    apps: [
      { AppId: SAE_HZ_APP, AppName: 'checkout' },
      { AppId: SAE_SH_APP, AppName: 'search', regionId: SH },
      { AppId: SAE_BJ_APP, AppName: 'billing', regionId: BJ },
    ],
    changeOrders: [
      {
        ChangeOrderId: SAE_HZ_ORDER,
        AppId: SAE_HZ_APP,
        Status: 1,
        startedMinutesAgo: 150,
        idleMinutes: 120,
      },
      {
        ChangeOrderId: SAE_SH_ORDER,
        AppId: SAE_SH_APP,
        Status: 1,
        startedMinutesAgo: 90,
        idleMinutes: 80,
      },
      {
        ChangeOrderId: SAE_BJ_ORDER,
        AppId: SAE_BJ_APP,
        Status: 1,
        startedMinutesAgo: 90,
        idleMinutes: 80,
      },
    ],
  },
  edas: {
    regionId: HZ,
    apps: [
      { AppId: EDAS_HZ_APP, Name: 'orders' },
      { AppId: EDAS_SZ_APP, Name: 'payments', regionId: SZ },
    ],
    changeOrders: [
      {
        ChangeOrderId: EDAS_HZ_ORDER,
        AppId: EDAS_HZ_APP,
        Status: 1,
        startedMinutesAgo: 100,
        idleMinutes: 95,
      },
      {
        ChangeOrderId: EDAS_SZ_ORDER,
        AppId: EDAS_SZ_APP,
        Status: 1,
        startedMinutesAgo: 60,
        idleMinutes: 50,
      },
    ],
  },
};

let h: Harness | undefined;
let sae: SaeSandbox | undefined;
let edas: EdasSandbox | undefined;
afterEach(async () => {
  await h?.close();
  await sae?.close();
  await edas?.close();
  h = sae = edas = undefined;
});

async function start(env: Record<string, string> = {}) {
  sae = await startSaeSandbox(world);
  edas = await startEdasSandbox(world);
  h = await startHarness(
    { apps: [], envs: [], changes: [] },
    {
      env: {
        PLATFORMS: 'sae,edas',
        SAE_ENDPOINT: sae.url,
        EDAS_ENDPOINT: edas.url,
        SAE_REGIONS: `${HZ},${SH}`,
        EDAS_REGIONS: `${HZ},${SZ}`,
        SAE_QPS: '1000',
        EDAS_QPS: '1000',
        ...env,
      },
    },
  );
  return h;
}

const byChange = (records: OutcomeRecord[]) =>
  Object.fromEntries(records.filter((r) => r.changeId).map((r) => [r.changeId, r]));

const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
// biome-ignore lint/suspicious/noExplicitAny: a test edits parsed fixture JSON freely
const eventOf = (name: string, edit: (e: Record<string, any>) => void): Buffer => {
  const event = JSON.parse(freshAlarm(fixture(name), 30_000).toString());
  edit(event);
  return Buffer.from(JSON.stringify(event));
};

const abortCall = (body: Record<string, unknown>) =>
  httpEvent({ path: '/abort', body: JSON.stringify(body) });

describe('SAE_REGIONS / EDAS_REGIONS at cold start', () => {
  it('keep order, drop repeats, default to the function region', () => {
    const config = loadConfig({ SAE_REGIONS: `${SH}, ${HZ},${SH}`, FC_REGION: SZ });
    expect(config.saeRegions).toEqual([SH, HZ]);
    expect(config.saeRegionsFrom).toBe('SAE_REGIONS');
    expect(config.edasRegions).toEqual([SZ]);
    expect(config.edasRegionsFrom).toBe('FC_REGION');
    expect(loadConfig({}).edasRegions).toEqual([HZ]);
  });

  it.each([
    ['SAE_REGION', 'SAE_REGIONS'],
    ['EDAS_REGION', 'EDAS_REGIONS'],
  ])('the retired %s is refused, naming %s', (old, now) => {
    const run = () => loadConfig({ [old]: SH });
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(`${old} is no longer read: set ${now} instead`);
  });

  it('a malformed entry or an empty list stops the cold start, naming the variable, never the value', () => {
    expect(() => loadConfig({ SAE_REGIONS: 'cn-hangzhou,Shanghai' })).toThrow(
      'invalid SAE_REGIONS: region 2 of 2 (8 characters) is not a region id such as cn-hangzhou',
    );
    expect(() => loadConfig({ EDAS_REGIONS: ' , ' })).toThrow(
      'invalid EDAS_REGIONS: name at least one region',
    );
  });

  it('a region without a known endpoint stops the runtime, naming the variable; a disabled platform is not resolved', () => {
    const runtime = (env: Record<string, string>) =>
      createRuntime({
        config: loadConfig(env),
        policy: parsePolicy({ defaults: { mode: 'dry-run' } }),
        version: 'test',
      });
    expect(() => runtime({ PLATFORMS: 'sae', SAE_REGIONS: `${HZ},xx-nowhere-1` })).toThrow(
      'invalid SAE_REGIONS: sae: no known endpoint for region "xx-nowhere-1"',
    );
    // An override does not make an unknown region acceptable: its Host would be made up.
    expect(() =>
      runtime({
        PLATFORMS: 'edas',
        EDAS_REGIONS: 'xx-nowhere-1',
        EDAS_ENDPOINT: 'http://127.0.0.1:1',
      }),
    ).toThrow('invalid EDAS_REGIONS');
    expect(
      runtime({ PLATFORMS: 'webplus', SAE_REGIONS: 'xx-nowhere-1' }).platforms.sae.regions,
    ).toEqual([]);
  });

  it('each platform and region has its own endpoint, Host and pacer', () => {
    const rt = createRuntime({
      config: loadConfig({
        PLATFORMS: 'sae,edas',
        SAE_REGIONS: `${HZ},${SH}`,
        EDAS_REGIONS: `${HZ},cn-chengdu`,
        EDAS_ENDPOINT: 'http://127.0.0.1:9',
      }),
      policy: parsePolicy({ defaults: { mode: 'dry-run' } }),
      version: 'test',
    });
    expect(rt.platforms.sae.regions).toEqual([
      {
        platform: 'sae',
        regionId: HZ,
        endpoint: 'https://sae.cn-hangzhou.aliyuncs.com',
        endpointSource: 'table',
      },
      {
        platform: 'sae',
        regionId: SH,
        endpoint: 'https://sae.cn-shanghai.aliyuncs.com',
        endpointSource: 'table',
      },
    ]);
    expect(rt.platforms.edas.regions).toEqual([
      {
        platform: 'edas',
        regionId: HZ,
        endpoint: 'http://127.0.0.1:9',
        host: 'edas.cn-hangzhou.aliyuncs.com',
        endpointSource: 'EDAS_ENDPOINT',
      },
      // routed to the central endpoint by the SDK endpoint maps (docs/reference/sae-edas.md §3.1)
      {
        platform: 'edas',
        regionId: 'cn-chengdu',
        endpoint: 'http://127.0.0.1:9',
        host: 'edas.aliyuncs.com',
        endpointSource: 'EDAS_ENDPOINT',
      },
    ]);
    const pacers = [
      rt.platforms.sae.pacerFor(HZ),
      rt.platforms.sae.pacerFor(SH),
      rt.platforms.edas.pacerFor(HZ),
      rt.pacerFor(HZ),
    ];
    expect(new Set(pacers).size).toBe(4);
    expect(rt.platforms.sae.pacerFor(HZ)).toBe(pacers[0]);
  });
});

describe('a sweep covers every enabled platform and region', () => {
  it('each region is listed at its own host and its stuck orders aborted; records carry regionId; other regions untouched', async () => {
    const harness = await start();
    await harness.handler(timerEvent({}), fakeContext());
    const r = byChange(harness.records());
    expect(r[SAE_HZ_ORDER]).toMatchObject({
      platform: 'sae',
      regionId: HZ,
      outcome: 'aborted',
      appId: SAE_HZ_APP,
    });
    expect(r[SAE_SH_ORDER]).toMatchObject({
      platform: 'sae',
      regionId: SH,
      outcome: 'aborted',
      appId: SAE_SH_APP,
    });
    expect(r[EDAS_HZ_ORDER]).toMatchObject({ platform: 'edas', regionId: HZ, outcome: 'aborted' });
    expect(r[EDAS_SZ_ORDER]).toMatchObject({ platform: 'edas', regionId: SZ, outcome: 'aborted' });
    // cn-beijing is not in SAE_REGIONS: its order is never read, let alone aborted.
    expect(r[SAE_BJ_ORDER]).toBeUndefined();
    expect(sae!.statusOf(SAE_BJ_ORDER)).toBe(1);
    const saeCalls = sae!.journal();
    expect(saeCalls.every((e) => e.signatureValid)).toBe(true);
    expect(saeCalls.filter((e) => e.action === 'ListApplications').map((e) => e.host)).toEqual([
      'sae.cn-hangzhou.aliyuncs.com',
      'sae.cn-shanghai.aliyuncs.com',
    ]);
    // Every call naming an application went to that application's region.
    const regionOfApp: Record<string, string> = { [SAE_HZ_APP]: HZ, [SAE_SH_APP]: SH };
    const regionOfOrder: Record<string, string> = { [SAE_HZ_ORDER]: HZ, [SAE_SH_ORDER]: SH };
    for (const e of saeCalls) {
      if (e.appId) expect(e.regionId).toBe(regionOfApp[e.appId]);
      if (e.changeOrderId) expect(e.regionId).toBe(regionOfOrder[e.changeOrderId]);
    }
    expect(saeCalls.some((e) => e.appId === SAE_BJ_APP || e.changeOrderId === SAE_BJ_ORDER)).toBe(
      false,
    );
    // ListApplication has no totals: each region is paged until an empty page (the regions
    // are listed at the same time: their calls interleave).
    expect(
      edas!
        .journal()
        .filter((e) => e.action === 'ListApplication')
        .map((e) => `${e.regionId} ${e.query.CurrentPage}`)
        .sort(),
    ).toEqual([`${HZ} 1`, `${HZ} 2`, `${SZ} 1`, `${SZ} 2`]);
  });

  it('POST /sweep with regionId sweeps that region only; a region not enabled is refused with a record', async () => {
    const harness = await start();
    await harness.handler(
      httpEvent({ path: '/sweep', body: JSON.stringify({ platform: 'sae', regionId: SH }) }),
      fakeContext(),
    );
    const records = harness.records();
    expect(
      records.filter((x) => x.changeId).map((x) => `${x.changeId} ${x.regionId} ${x.outcome}`),
    ).toEqual([`${SAE_SH_ORDER} ${SH} aborted`]);
    const before = sae!.journal().length;
    await harness.handler(
      httpEvent({ path: '/sweep', body: JSON.stringify({ platform: 'sae', regionId: BJ }) }),
      fakeContext(),
    );
    const refused = harness.records().at(-1)!;
    expect(refused).toMatchObject({
      platform: 'sae',
      outcome: 'failed',
      errorCode: 'RegionNotEnabled',
      regionId: BJ,
      detail: `region ${BJ} is not enabled for sae (SAE_REGIONS lists ${HZ}, ${SH}): nothing was read or aborted`,
    });
    expect(sae!.journal().length).toBe(before);
  });
});

describe('a manual abort works in the region it names', () => {
  it('regionId names the region: the order is aborted there', async () => {
    const harness = await start();
    await harness.handler(
      abortCall({ platform: 'sae', changeOrderIds: [SAE_SH_ORDER], regionId: SH }),
      fakeContext(),
    );
    expect(harness.records()).toMatchObject([
      { platform: 'sae', changeId: SAE_SH_ORDER, regionId: SH, outcome: 'aborted' },
    ]);
    expect(sae!.calls('AbortChangeOrder', SAE_SH_ORDER)).toBe(1);
  });

  it('an order asked for in another region than its own is not found there (the emulator checks the host): nothing aborted', async () => {
    const harness = await start();
    await harness.handler(
      abortCall({ platform: 'sae', changeOrderIds: [SAE_HZ_ORDER], regionId: SH }),
      fakeContext(),
    );
    const [rec] = harness.records();
    expect(rec).toMatchObject({ changeId: SAE_HZ_ORDER, regionId: SH, outcome: 'not_found' });
    expect(sae!.calls('AbortChangeOrder')).toBe(0);
    expect(sae!.statusOf(SAE_HZ_ORDER)).toBe(1);
  });

  it('no regionId with two regions enabled: refused, never guessed; nothing sent', async () => {
    const harness = await start();
    await harness.handler(
      abortCall({ platform: 'edas', changeOrderIds: [EDAS_SZ_ORDER] }),
      fakeContext(),
    );
    expect(harness.records()).toMatchObject([
      {
        platform: 'edas',
        outcome: 'failed',
        errorCode: 'RegionNotNamed',
        detail: `no region named and edas works in 2 regions (${HZ}, ${SZ}, EDAS_REGIONS): name one (regionId, CLI --region); nothing was read or aborted`,
      },
    ]);
    expect(edas!.journal()).toEqual([]);
  });

  it('no regionId with one region enabled: that region', async () => {
    const harness = await start({ EDAS_REGIONS: SZ });
    await harness.handler(
      abortCall({ platform: 'edas', changeOrderIds: [EDAS_SZ_ORDER] }),
      fakeContext(),
    );
    expect(harness.records()).toMatchObject([
      { platform: 'edas', changeId: EDAS_SZ_ORDER, regionId: SZ, outcome: 'aborted' },
    ]);
  });

  it('a regionId that is not enabled: one failed record, nothing sent; a malformed one is a 400', async () => {
    const harness = await start();
    await harness.handler(
      abortCall({ platform: 'sae', changeOrderIds: [SAE_BJ_ORDER], regionId: BJ }),
      fakeContext(),
    );
    expect(harness.records()).toMatchObject([
      { platform: 'sae', outcome: 'failed', errorCode: 'RegionNotEnabled', regionId: BJ },
    ]);
    const reply = (await harness.handler(
      abortCall({ platform: 'sae', changeOrderIds: [SAE_BJ_ORDER], regionId: 'Beijing' }),
      fakeContext(),
    )) as { statusCode: number; body: string };
    expect(reply.statusCode).toBe(400);
    expect(reply.body).toContain('regionId must be a region id such as cn-hangzhou');
    expect(sae!.journal()).toEqual([]);
  });
});

describe('alarms and events name their region', () => {
  it('an SAE event from an enabled region is worked on in that region', async () => {
    const harness = await start();
    await harness.handler(
      eventOf('eventbridge-sae-change-order-fail.json', (e) => {
        e.aliyunregionid = SH;
        e.subject = `acs.sae:${SH}:1234567890123456:${SAE_SH_APP}`;
        e.data.resourceId = SAE_SH_APP;
        e.data.namespaceId = `${SH}:default`;
      }),
      fakeContext(),
    );
    expect(harness.records()).toMatchObject([
      { platform: 'sae', changeId: SAE_SH_ORDER, regionId: SH, outcome: 'aborted' },
    ]);
    expect(sae!.journal().every((e) => e.regionId === SH)).toBe(true);
  });

  it('an event of a region not enabled is ignored with RegionNotEnabled; nothing sent', async () => {
    const harness = await start();
    await harness.handler(
      eventOf('eventbridge-sae-change-order-fail.json', (e) => {
        e.aliyunregionid = BJ;
        e.subject = `acs.sae:${BJ}:1234567890123456:${SAE_BJ_APP}`;
        e.data.resourceId = SAE_BJ_APP;
        e.data.namespaceId = `${BJ}:default`;
      }),
      fakeContext(),
    );
    expect(harness.records()).toMatchObject([
      { platform: 'sae', outcome: 'ignored', errorCode: 'RegionNotEnabled', regionId: BJ },
    ]);
    expect(sae!.journal()).toEqual([]);
  });

  it('an SAE event whose subject names another region than aliyunregionid is ignored; nothing sent', async () => {
    const harness = await start();
    await harness.handler(
      eventOf('eventbridge-sae-change-order-fail.json', (e) => {
        e.aliyunregionid = SH;
        e.subject = `acs.sae:${HZ}:1234567890123456:${SAE_SH_APP}`;
        e.data.resourceId = SAE_SH_APP;
      }),
      fakeContext(),
    );
    expect(harness.records()).toMatchObject([
      {
        outcome: 'ignored',
        detail: `the event names two regions (aliyunregionid ${SH}, subject ${HZ}): which one is meant is ambiguous; nothing is aborted (fail closed)`,
      },
    ]);
    expect(sae!.journal()).toEqual([]);
  });

  it('an event without its region while two are enabled is ignored (RegionNotNamed); nothing sent', async () => {
    const harness = await start();
    await harness.handler(
      eventOf('eventbridge-edas-change-order-failed.json', (e) => {
        delete e.aliyunregionid;
      }),
      fakeContext(),
    );
    const [rec] = harness.records();
    expect(rec).toMatchObject({
      platform: 'edas',
      outcome: 'ignored',
      errorCode: 'RegionNotNamed',
    });
    expect(rec!.detail).toContain('which one is a guess; nothing is aborted (fail closed)');
    expect(edas!.journal()).toEqual([]);
  });

  it("a CloudMonitor SAE alarm is worked on in its callback's regionId", async () => {
    const harness = await start();
    const callback = JSON.parse(fixture('cms-callback-sae-alert.json')) as { body: string };
    const body = new URLSearchParams(callback.body);
    body.set('regionId', SH);
    body.set('dimensions', `{userId=1234567890123456, appId=${SAE_SH_APP}}`);
    body.set('timestamp', String(Date.now() - 30_000));
    await harness.handler(
      Buffer.from(JSON.stringify({ ...callback, body: body.toString() })),
      fakeContext(),
    );
    expect(harness.records()).toMatchObject([
      { platform: 'sae', changeId: SAE_SH_ORDER, regionId: SH, outcome: 'aborted' },
    ]);
    // CloudMonitor's literal `null` region with two regions enabled: ignored, nothing sent.
    body.set('regionId', 'null');
    const before = sae!.journal().length;
    await harness.handler(
      Buffer.from(JSON.stringify({ ...callback, body: body.toString() })),
      fakeContext(),
    );
    expect(harness.records().at(-1)).toMatchObject({
      outcome: 'ignored',
      errorCode: 'RegionNotNamed',
    });
    expect(sae!.journal().length).toBe(before);
  });
});

describe('red-team 25 G7: an SAE CloudMonitor alarm names its region in every spelling', () => {
  const callbackWith = (edit: (body: URLSearchParams) => void): Buffer => {
    const callback = JSON.parse(fixture('cms-callback-sae-alert.json')) as { body: string };
    const body = new URLSearchParams(callback.body);
    body.delete('regionId');
    body.set('dimensions', `{userId=1234567890123456, appId=${SAE_SH_APP}}`);
    body.set('timestamp', String(Date.now() - 30_000));
    edit(body);
    return Buffer.from(JSON.stringify({ ...callback, body: body.toString() }));
  };

  it('a RegionId dimension: worked on in that region', async () => {
    const harness = await start();
    await harness.handler(
      callbackWith((b) =>
        b.set('dimensions', `{userId=1234567890123456, appId=${SAE_SH_APP}, RegionId=${SH}}`),
      ),
      fakeContext(),
    );
    expect(harness.records()).toMatchObject([
      { platform: 'sae', changeId: SAE_SH_ORDER, regionId: SH, outcome: 'aborted' },
    ]);
  });

  it('the regionId field and a region dimension disagree: ignored naming both, nothing sent', async () => {
    const harness = await start();
    await harness.handler(
      callbackWith((b) => {
        b.set('regionId', SH);
        b.set('dimensions', `{userId=1234567890123456, appId=${SAE_SH_APP}, region=${HZ}}`);
      }),
      fakeContext(),
    );
    const [rec] = harness.records();
    expect(harness.records()).toHaveLength(1);
    expect(rec).toMatchObject({ outcome: 'ignored' });
    expect(rec!.detail).toContain(`names two regions (regionId ${SH}, dimension regionId ${HZ})`);
    expect(sae!.journal()).toEqual([]);
  });

  it("through EventBridge: the envelope's aliyunregionid and the dimension disagree: ignored", async () => {
    const harness = await start();
    const callback = JSON.parse(fixture('cms-callback-sae-alert.json')) as { body: string };
    const data = Object.fromEntries(new URLSearchParams(callback.body));
    delete data.regionId;
    await harness.handler(
      Buffer.from(
        JSON.stringify({
          specversion: '1.0',
          id: 'evt-g7-sae',
          source: 'acs.cms',
          type: 'cms:CloudMonitor:AlertWebHook',
          time: new Date(Date.now() - 30_000).toISOString(),
          aliyunregionid: HZ,
          data: {
            ...data,
            timestamp: String(Date.now() - 30_000),
            dimensions: `{userId=1234567890123456, appId=${SAE_SH_APP}, regionId=${SH}}`,
          },
        }),
      ),
      fakeContext(),
    );
    const [rec] = harness.records();
    expect(harness.records()).toHaveLength(1);
    expect(rec).toMatchObject({ outcome: 'ignored' });
    expect(rec!.detail).toContain(
      `names two regions (dimension regionId ${SH}, aliyunregionid ${HZ})`,
    );
    expect(sae!.journal()).toEqual([]);
  });
});

describe('CLI --region names the region of an SAE / EDAS request', () => {
  it('becomes the request regionId; a malformed one is a usage error', () => {
    expect(
      cliPlatformRequest('sae', 'manual', { changeOrderIds: [SAE_SH_ORDER], region: SH }),
    ).toMatchObject({ platform: 'sae', source: 'manual', regionId: SH });
    expect(cliPlatformRequest('edas', 'sweep', {})).not.toHaveProperty('regionId');
    expect(() => cliPlatformRequest('sae', 'sweep', { region: 'Shanghai' })).toThrow(
      'invalid --region "Shanghai": expected a region id such as cn-hangzhou',
    );
  });
});

describe('two SAE regions against one backend that ignores the region (red-team 11 F5)', () => {
  it('each change order is decided once, and none is aborted while its region is unknown', async () => {
    // Arrange: no Host sent, so the emulator answers both regions with every region's apps
    const harness = await start({ PLATFORMS: 'sae' });
    for (const r of harness.runtime.platforms.sae.regions) delete (r as { host?: string }).host;

    // Act
    await harness.handler(timerEvent({}), fakeContext());

    // Assert: one record per order, each skipped naming both regions; no abort sent
    const records = harness.records().filter((r) => r.changeId);
    expect(records.map((r) => r.changeId).sort()).toEqual(
      [SAE_HZ_ORDER, SAE_SH_ORDER, SAE_BJ_ORDER].sort(),
    );
    for (const r of records) {
      expect(r.outcome).toBe('skipped');
      expect(r.detail).toContain(
        `region ambiguous: change order ${r.changeId} was returned by regions`,
      );
      expect(r.detail).toMatch(/cn-hangzhou and cn-shanghai|cn-shanghai and cn-hangzhou/);
    }
    expect(sae!.calls('AbortChangeOrder')).toBe(0);
  });
});
