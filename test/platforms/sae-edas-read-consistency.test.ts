/**
 * Red-team 25 G4, G14, G5, through the real handler and the SAE / EDAS emulators (pop-core's
 * real signing), on every trigger that reaches the order: an operator's request by
 * ChangeOrderId and by application, the timer sweep, a CloudMonitor alarm on SAE's
 * `acs_serverless` (its `appId`), an `acs.edas` failed-change-order event (order and
 * application).
 * - G4: an order read that contradicts itself (a FinishTime on a running order, a running order
 *   with no batch running, batches out of order or misnumbered, a not-started batch with a
 *   StartTime, every batch succeeded on an unfinished order);
 * - G14: the listing that found the order (SAE DescribeApplicationStatus, EDAS
 *   ListRecentChangeOrder) and the order's read disagree, or the listing contradicts itself;
 * - G5: nested names and type fields of the wrong JSON type or of an undocumented value.
 * None may lead to an AbortChangeOrder; each record is `skipped` and names the field.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { OutcomeRecord } from '#shared/model/record.js';
import { type EdasSandbox, startEdasSandbox } from '../../sandbox/edas/server.js';
import { type SaeSandbox, startSaeSandbox } from '../../sandbox/sae/server.js';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { freshAlarm, httpEvent, timerEvent } from '../helpers/world.js';

// The ids of the alarm fixtures (test/fixtures/cms-callback-sae-alert.json,
// eventbridge-edas-change-order-failed.json).
const SAE_APP = '7171a6ca-d1cd-4928-8642-7d5cfe69c001';
const SAE_ORDER = 'ba8e6c3c-9b1a-4ad2-9e1f-5f0e5c5ec001';
const EDAS_APP = '6826ccd2-5c57-46c0-a2e5-6caca07cc001';
const EDAS_ORDER = '28ab8de8-22b9-430d-9952-00f67693c001';
const OTHER_APP = '7171a6ca-d1cd-4928-8642-7d5cfe69cfff';

const MIN = 60_000;
/** `yyyy-MM-dd HH:mm:ss` in UTC+8, the emulators' form of SAE / EDAS time strings. */
const china = (ms: number) =>
  new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');

type Overrides = Record<string, unknown>;

/**
 * One stuck order on each platform: 3 batches, the 2nd running (status 1); started 150 min
 * ago, idle 120 (batch 1: -150 → -135 min, batch 2: -135 → -120, batch 3 not started), with the
 * emulator's overrides (`wire`, `batchWire`, `pipelinesWire`, `listWire`, `appStatusWire`).
 */
function scenario(sae: Overrides = {}, edas: Overrides = {}) {
  const order = {
    Status: 1,
    BatchCount: 3,
    currentBatch: 2,
    startedMinutesAgo: 150,
    idleMinutes: 120,
  };
  return {
    apps: [],
    envs: [],
    changes: [],
    sae: {
      apps: [{ AppId: SAE_APP, AppName: 'checkout' }],
      changeOrders: [{ ChangeOrderId: SAE_ORDER, AppId: SAE_APP, ...order, ...sae }],
    },
    edas: {
      apps: [{ AppId: EDAS_APP, Name: 'ticketcore-service' }],
      changeOrders: [{ ChangeOrderId: EDAS_ORDER, AppId: EDAS_APP, ...order, ...edas }],
    },
  };
}

let h: Harness | undefined;
let sae: SaeSandbox | undefined;
let edas: EdasSandbox | undefined;
afterEach(async () => {
  await h?.close();
  await sae?.close();
  await edas?.close();
  h = sae = edas = undefined;
});

async function start(world: unknown) {
  sae = await startSaeSandbox(world);
  edas = await startEdasSandbox(world);
  h = await startHarness(
    { apps: [], envs: [], changes: [] },
    {
      policy: {},
      env: {
        PLATFORMS: 'sae,edas',
        SAE_ENDPOINT: sae.url,
        EDAS_ENDPOINT: edas.url,
        SAE_QPS: '1000',
        EDAS_QPS: '1000',
      },
    },
  );
  return h;
}

/** Abort calls the emulators of `platforms` received. */
const aborts = (platforms: readonly ('sae' | 'edas')[] = ['sae', 'edas']) =>
  platforms.reduce(
    (n, p) =>
      n +
      (p === 'sae' ? sae! : edas!).calls('AbortChangeOrder') +
      (p === 'sae' ? sae! : edas!).calls('AbortAndRollbackChangeOrder'),
    0,
  );

const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

type Trigger = 'by-id' | 'by-app' | 'sweep' | 'alarm';
const ALL: readonly Trigger[] = ['by-id', 'by-app', 'sweep', 'alarm'];
/** A listing takes part only when the order is reached through its application. */
const LISTED: readonly Trigger[] = ['by-app', 'sweep', 'alarm'];

/** The records of `platform`'s order from each trigger, one invocation per trigger. */
async function recordsByTrigger(
  harness: Harness,
  platform: 'sae' | 'edas',
  triggers: readonly Trigger[],
): Promise<Record<string, OutcomeRecord[]>> {
  const order = platform === 'sae' ? SAE_ORDER : EDAS_ORDER;
  const app = platform === 'sae' ? SAE_APP : EDAS_APP;
  const out: Record<string, OutcomeRecord[]> = {};
  for (const t of triggers) {
    const before = harness.records().length;
    const event =
      t === 'by-id'
        ? httpEvent({ path: '/abort', body: JSON.stringify({ platform, changeOrderIds: [order] }) })
        : t === 'by-app'
          ? httpEvent({ path: '/abort', body: JSON.stringify({ platform, appIds: [app] }) })
          : t === 'sweep'
            ? timerEvent({})
            : freshAlarm(
                fixture(
                  platform === 'sae'
                    ? 'cms-callback-sae-alert.json'
                    : 'eventbridge-edas-change-order-failed.json',
                ),
              );
    await harness.handler(event, fakeContext());
    out[t] = harness
      .records()
      .slice(before)
      .filter((r) => r.changeId === order);
  }
  return out;
}

/** Every trigger gave one `skipped` record matching `text`, and nothing was aborted. */
async function expectSkipped(
  world: unknown,
  cases: { platform: 'sae' | 'edas'; triggers: readonly Trigger[]; text: RegExp }[],
) {
  const harness = await start(world);
  for (const c of cases) {
    const got = await recordsByTrigger(harness, c.platform, c.triggers);
    for (const t of c.triggers) {
      expect(got[t], `${c.platform} ${t}`).toHaveLength(1);
      const rec = got[t]![0]!;
      expect(rec.outcome, `${c.platform} ${t}: ${rec.detail}`).toBe('skipped');
      expect(rec.detail, `${c.platform} ${t}`).toMatch(c.text);
      expect(rec.detail).toContain('not aborted (fail closed)');
    }
  }
  // A sweep also reaches the other platform's well-formed order: only these platforms count.
  expect(aborts([...new Set(cases.map((c) => c.platform))])).toBe(0);
}

describe('control', () => {
  it('the same orders, well formed, are aborted on every trigger', async () => {
    for (const t of ALL) {
      for (const p of ['sae', 'edas'] as const) {
        const harness = await start(scenario());
        const got = await recordsByTrigger(harness, p, [t]);
        expect(got[t]?.[0], `${p} ${t}: ${got[t]?.[0]?.detail}`).toMatchObject({
          outcome: 'aborted',
        });
        expect(aborts([p])).toBe(1);
        await h?.close();
        await sae?.close();
        await edas?.close();
        h = sae = edas = undefined;
      }
    }
  });
});

describe('red-team 25 G4: an order read that contradicts itself', () => {
  it('a FinishTime on an order whose Status says running (the read)', async () => {
    const wire = { wire: { FinishTime: china(Date.now() - 60 * MIN) } };
    await expectSkipped(scenario(wire, wire), [
      {
        platform: 'sae',
        triggers: ALL,
        text: /FinishTime "[^"]+" is set, but Status 1 says the order has not finished/,
      },
      {
        platform: 'edas',
        triggers: ALL,
        text: /FinishTime "[^"]+" is set, but Status 1 says the order has not finished/,
      },
    ]);
  });

  it('a FinishTime on an in-flight order in the EDAS listing (ListRecentChangeOrder)', async () => {
    await expectSkipped(scenario({}, { listWire: { FinishTime: china(Date.now() - 60 * MIN) } }), [
      {
        platform: 'edas',
        triggers: LISTED,
        text: /ListRecentChangeOrder: FinishTime "[^"]+" is set, but Status 1 says the order has not finished/,
      },
    ]);
  });

  it('Status 1 while no batch runs: the current batch reads succeeded', async () => {
    await expectSkipped(
      scenario({ batchWire: { Status: 2 } }, { batchWire: { PipelineStatus: 2 } }),
      ['sae', 'edas'].map((platform) => ({
        platform: platform as 'sae' | 'edas',
        triggers: ALL,
        text: /the order's Status 1 says a batch is running, but none is: batch 2, the last started, succeeded/,
      })),
    );
  });

  it('every batch succeeded while the order says it has not finished', async () => {
    const one = { BatchCount: 1, currentBatch: 1 };
    await expectSkipped(
      scenario({ ...one, batchWire: { Status: 2 } }, { ...one, batchWire: { PipelineStatus: 2 } }),
      ['sae', 'edas'].map((platform) => ({
        platform: platform as 'sae' | 'edas',
        triggers: ALL,
        text: /every batch succeeded \((Status|PipelineStatus) 2\), but the order's Status 1 says it has not finished/,
      })),
    );
  });

  it('batch 2 started before batch 1 ended (its last update 10 min after batch 2 started)', async () => {
    const t = Date.now() - 125 * MIN;
    await expectSkipped(
      scenario(
        { pipelinesWire: [{ UpdateTime: t }] },
        { pipelinesWire: [{ UpdateTime: String(t) }] },
      ),
      ['sae', 'edas'].map((platform) => ({
        platform: platform as 'sae' | 'edas',
        triggers: ALL,
        text: /batch 2 started \S+, before batch 1 ended \(its last update \S+\)/,
      })),
    );
  });

  it('batch 2 started while batch 1 still runs', async () => {
    await expectSkipped(
      scenario({ pipelinesWire: [{ Status: 1 }] }, { pipelinesWire: [{ PipelineStatus: 1 }] }),
      ['sae', 'edas'].map((platform) => ({
        platform: platform as 'sae' | 'edas',
        triggers: ALL,
        text: /batch 2 started \((Status|PipelineStatus) 1\) while batch 1 had not ended \((Status|PipelineStatus) 1\)/,
      })),
    );
  });

  it('batches numbered out of order (batch 1 named "Batch 2")', async () => {
    await expectSkipped(
      scenario(
        { pipelinesWire: [{ PipelineName: 'Batch 2 Change' }, { PipelineName: 'Batch 1 Change' }] },
        { pipelinesWire: [{ PipelineName: ' Batch: 2' }, { PipelineName: ' Batch: 1' }] },
      ),
      ['sae', 'edas'].map((platform) => ({
        platform: platform as 'sae' | 'edas',
        triggers: ALL,
        text: /batch 1 is named "[^"]+": its number is not its place \(1\)/,
      })),
    );
  });

  it.each([
    ['in the future', 30 * MIN],
    ['in the past', -10 * MIN],
  ])('a batch not started (status 0) with a StartTime %s', async (_what, offset) => {
    const t = Date.now() + offset;
    await expectSkipped(
      scenario(
        { pipelinesWire: [{}, {}, { StartTime: t }] },
        { pipelinesWire: [{}, {}, { StartTime: String(t) }] },
      ),
      ['sae', 'edas'].map((platform) => ({
        platform: platform as 'sae' | 'edas',
        triggers: ALL,
        text: /batch 3 has not started \((Status|PipelineStatus) 0\) but has StartTime "?\d+"?/,
      })),
    );
  });
});

describe('red-team 25 G14: the listing and the read disagree', () => {
  it.each([
    [
      'LastChangeOrderStatus WAIT_BATCH_CONFIRM beside a read of Status 1',
      { LastChangeOrderStatus: 'WAIT_BATCH_CONFIRM' },
      /DescribeApplicationStatus gives Status 8, DescribeChangeOrder gives 1/,
    ],
    [
      'SubStatus RUNNING_BUT_HAS_ERROR beside a read of SubStatus 0',
      { SubStatus: 'RUNNING_BUT_HAS_ERROR' },
      /DescribeApplicationStatus gives SubStatus 1, DescribeChangeOrder gives 0/,
    ],
    [
      'LastChangeOrderRunning false beside RUNNING',
      { LastChangeOrderRunning: false },
      /DescribeApplicationStatus: LastChangeOrderRunning false contradicts LastChangeOrderStatus "RUNNING"/,
    ],
    [
      'LastChangeOrderRunning "true" (a string)',
      { LastChangeOrderRunning: 'true' },
      /DescribeApplicationStatus: LastChangeOrderRunning "true" is not a JSON boolean/,
    ],
    [
      'an undocumented status name',
      { LastChangeOrderStatus: 'Running' },
      /DescribeApplicationStatus: LastChangeOrderStatus "Running" is not a documented status name/,
    ],
    [
      'Data.AppId another application',
      { AppId: OTHER_APP },
      // The listing entry naming another application is not judged at all (red-team 25 G9).
      new RegExp(
        `DescribeApplicationStatus\\(${SAE_APP}\\) lists (change order \\S+|it) with AppId ${OTHER_APP} \\(Data.AppId\\), not ${SAE_APP}`,
      ),
    ],
  ])('SAE DescribeApplicationStatus: %s', async (_what, appStatusWire, text) => {
    await expectSkipped(scenario({ appStatusWire }), [{ platform: 'sae', triggers: LISTED, text }]);
  });

  it.each([
    [
      'CreateTime one second later than the read',
      () => ({ CreateTime: china(Date.now() - 150 * MIN + 1000) }),
      /ListRecentChangeOrder gives CreateTime "[^"]+", GetChangeOrderInfo gives "[^"]+"/,
    ],
    [
      'Status 9 beside a read of 1',
      () => ({ Status: 9 }),
      /ListRecentChangeOrder gives Status 9, GetChangeOrderInfo gives 1/,
    ],
    [
      'Status "1" (a string)',
      () => ({ Status: '1' }),
      /ListRecentChangeOrder: Status "1" is not a status code/,
    ],
    [
      'CoTypeCode CoRollback beside CoDeploy',
      () => ({ CoTypeCode: 'CoRollback' }),
      /ListRecentChangeOrder gives CoTypeCode "CoRollback", GetChangeOrderInfo gives "CoDeploy"/,
    ],
    [
      'BatchCount 2 beside 3',
      () => ({ BatchCount: 2 }),
      /ListRecentChangeOrder gives BatchCount 2, GetChangeOrderInfo gives 3/,
    ],
    [
      'AppId another application',
      () => ({ AppId: '6826ccd2-5c57-46c0-a2e5-6caca07ccfff' }),
      // The listing entry naming another application is not judged at all (red-team 25 G9).
      /ListRecentChangeOrder\(\S+\) lists (change order \S+|it) with AppId 6826ccd2-5c57-46c0-a2e5-6caca07ccfff \(ChangeOrderList.ChangeOrder\[\d+\].AppId\)/,
    ],
  ])('EDAS ListRecentChangeOrder: %s', async (_what, listWire, text) => {
    await expectSkipped(scenario({}, { listWire: listWire() }), [
      { platform: 'edas', triggers: LISTED, text },
    ]);
  });

  it('by ChangeOrderId no listing is read: the well-formed read decides (aborted)', async () => {
    const harness = await start(
      scenario(
        { appStatusWire: { SubStatus: 'RUNNING_BUT_HAS_ERROR' } },
        { listWire: { Status: 9 } },
      ),
    );
    for (const p of ['sae', 'edas'] as const) {
      const got = await recordsByTrigger(harness, p, ['by-id']);
      expect(got['by-id']?.[0]).toMatchObject({ outcome: 'aborted' });
    }
  });
});

describe('red-team 25 G5: fields of the wrong JSON type or an undocumented value', () => {
  it.each([
    [
      'PipelineName a number',
      { pipelinesWire: [{ PipelineName: 7 }] },
      /batch 1 PipelineName 7 is not a string/,
    ],
    [
      'PipelineName an array',
      { pipelinesWire: [{ PipelineName: ['Batch 1'] }] },
      /batch 1 PipelineName \["Batch 1"\] is not a string/,
    ],
    [
      'PipelineId a number',
      { batchWire: { PipelineId: 2 } },
      /batch 2 PipelineId 2 is not a PipelineId/,
    ],
    [
      'CoTypeCode an array',
      { wire: { CoTypeCode: ['CoDeploy'] } },
      /CoTypeCode \["CoDeploy"\] is not a string/,
    ],
    ['CoType a number', { wire: { CoType: 3 } }, /CoType 3 is not a string/],
    [
      'BatchType 7',
      { wire: { BatchType: 7 } },
      /BatchType 7 is not one of the documented "auto", "manual", "Automatic", "Manual"/,
    ],
    [
      'BatchType "batch" (undocumented)',
      { wire: { BatchType: 'batch' } },
      /BatchType "batch" is not one of the documented/,
    ],
    [
      'SupportRollback "true"',
      { wire: { SupportRollback: 'true' } },
      /SupportRollback "true" is not a JSON boolean/,
    ],
  ])('%s (SAE and EDAS)', async (_what, wire, text) => {
    await expectSkipped(
      scenario(wire, JSON.parse(JSON.stringify(wire).replaceAll('"Status"', '"PipelineStatus"'))),
      [
        { platform: 'sae', triggers: ALL, text },
        { platform: 'edas', triggers: ALL, text },
      ],
    );
  });

  it.each([
    ['Auto "yes"', { wire: { Auto: 'yes' } }, /Auto "yes" is not a JSON boolean/],
    [
      'Auto false beside BatchType auto',
      { wire: { Auto: false } },
      /Auto false disagrees with BatchType "auto"/,
    ],
    [
      'BatchType 7 with Auto "yes"',
      { wire: { BatchType: 7, Auto: 'yes' } },
      /BatchType 7 is not one of the documented.*; Auto "yes" is not a JSON boolean/,
    ],
    [
      'BatchWaitTime "0"',
      { wire: { BatchWaitTime: '0' } },
      /BatchWaitTime "0" is not a number of minutes/,
    ],
    [
      'a batch BatchType "0"',
      { batchWire: { BatchType: '0' } },
      /batch 2 BatchType "0" is not a whole number/,
    ],
    [
      'a batch ParallelCount -1',
      { batchWire: { ParallelCount: -1 } },
      /batch 2 ParallelCount -1 is not a whole number/,
    ],
  ])('SAE: %s', async (_what, wire, text) => {
    await expectSkipped(scenario(wire), [{ platform: 'sae', triggers: ALL, text }]);
  });

  it("batch times in the other platform's form (SAE a digit string, EDAS a number): times unknown", async () => {
    const t = Date.now() - 120 * MIN;
    await expectSkipped(
      scenario({ batchWire: { UpdateTime: String(t) } }, { batchWire: { UpdateTime: t } }),
      ['sae', 'edas'].map((platform) => ({
        platform: platform as 'sae' | 'edas',
        triggers: ALL,
        text: /the change order's times are unknown \(last progress: a started batch without a readable StartTime or UpdateTime/,
      })),
    );
  });
});
