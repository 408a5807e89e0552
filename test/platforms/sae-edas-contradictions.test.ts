/**
 * Red-team 24 F7 and F8, through the real handler and the SAE / EDAS emulators: a batch that
 * started after its own last update, and reads whose other fields contradict the order or
 * cannot be read (CreateTime, batch status, SubStatus, BatchCount, CurrentPipelineId, a repeated
 * PipelineId, an EDAS read naming another application). None may lead to an AbortChangeOrder;
 * each record names the field. A batch that started a minute ago is progress.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { OutcomeRecord } from '#shared/model/record.js';
import { type EdasSandbox, startEdasSandbox } from '../../sandbox/edas/server.js';
import { type SaeSandbox, startSaeSandbox } from '../../sandbox/sae/server.js';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { httpEvent, timerEvent } from '../helpers/world.js';

const SAE_APP = '7171a6ca-d1cd-4928-8642-7d5cfe69b001';
const SAE_ORDER = 'ba8e6c3c-9b1a-4ad2-9e1f-5f0e5c5eb001';
const EDAS_APP = '6826ccd2-5c57-46c0-a2e5-6caca07cb001';
const EDAS_ORDER = '28ab8de8-22b9-430d-9952-00f67693b001';
const OTHER_APP = '7171a6ca-d1cd-4928-8642-7d5cfe69bfff';

/** One stuck order on each platform (3 batches, the 2nd running; idle 120 min), with wire overrides. */
function scenario(saeWire: object = {}, edasWire: object = {}) {
  return {
    apps: [],
    envs: [],
    changes: [],
    sae: {
      apps: [{ AppId: SAE_APP, AppName: 'checkout' }],
      changeOrders: [
        {
          ChangeOrderId: SAE_ORDER,
          AppId: SAE_APP,
          Status: 1,
          BatchCount: 3,
          currentBatch: 2,
          startedMinutesAgo: 150,
          idleMinutes: 120,
          ...saeWire,
        },
      ],
    },
    edas: {
      apps: [{ AppId: EDAS_APP, Name: 'orders' }],
      changeOrders: [
        {
          ChangeOrderId: EDAS_ORDER,
          AppId: EDAS_APP,
          Status: 1,
          BatchCount: 3,
          currentBatch: 2,
          startedMinutesAgo: 150,
          idleMinutes: 120,
          ...edasWire,
        },
      ],
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

async function start(world: unknown, policy: unknown = {}) {
  sae = await startSaeSandbox(world);
  edas = await startEdasSandbox(world);
  h = await startHarness(
    { apps: [], envs: [], changes: [] },
    {
      policy,
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

const aborts = () =>
  sae!.calls('AbortChangeOrder') +
  sae!.calls('AbortAndRollbackChangeOrder') +
  edas!.calls('AbortChangeOrder') +
  edas!.calls('AbortAndRollbackChangeOrder');

const byOrder = (records: OutcomeRecord[]) =>
  Object.fromEntries(records.filter((r) => r.changeId).map((r) => [r.changeId, r]));

/** Both orders aborted by hand, then by a sweep: every record of each order. */
async function abortBoth(harness: Harness) {
  for (const [platform, order] of [
    ['sae', SAE_ORDER],
    ['edas', EDAS_ORDER],
  ] as const)
    await harness.handler(
      httpEvent({ path: '/abort', body: JSON.stringify({ platform, changeOrderIds: [order] }) }),
      fakeContext(),
    );
  await harness.handler(timerEvent({}), fakeContext());
  return harness.records().filter((r) => r.changeId === SAE_ORDER || r.changeId === EDAS_ORDER);
}

const MIN = 60_000;
/** `yyyy-MM-dd HH:mm:ss` of an instant, in UTC. */
const wall = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

describe('red-team 24 F7: batch times', () => {
  it('control: the same orders, well formed, are aborted (sweep) with 3 batches, the 2nd running', async () => {
    const harness = await start(scenario());
    await harness.handler(timerEvent({}), fakeContext());
    const r = byOrder(harness.records());
    expect(r[SAE_ORDER]).toMatchObject({ outcome: 'aborted', reason: 'idle>30m' });
    expect(r[EDAS_ORDER]).toMatchObject({ outcome: 'aborted', reason: 'idle>30m' });
    expect(aborts()).toBe(2);
  });

  it('the current batch started 1 min ago, after its own UpdateTime 120 min ago: times unknown, skipped naming batch 2, never aborted', async () => {
    const t = Date.now() - MIN;
    const harness = await start(
      scenario({ batchWire: { StartTime: t } }, { batchWire: { StartTime: String(t) } }),
    );
    const recs = await abortBoth(harness);
    expect(recs).toHaveLength(4);
    for (const rec of recs) {
      expect(rec.outcome).toBe('skipped');
      expect(rec.detail).toContain(
        `the change order's times are unknown (batch 2 started ${new Date(t).toISOString()}, after its last update`,
      );
      expect(rec.detail).toContain('not aborted (fail closed)');
    }
    expect(aborts()).toBe(0);
  });

  it('a batch that started 1 min ago and updated since is progress: not stuck (the latest start or update is the last progress)', async () => {
    // batch 2 running: its start 1 min ago, its update 30 s ago; batch 1 done 120 min ago
    const harness = await start(
      scenario(
        { batchWire: { StartTime: Date.now() - MIN, UpdateTime: Date.now() - 30_000 } },
        {
          batchWire: {
            StartTime: String(Date.now() - MIN),
            UpdateTime: String(Date.now() - 30_000),
          },
        },
      ),
    );
    await harness.handler(timerEvent({}), fakeContext());
    const r = byOrder(harness.records());
    for (const id of [SAE_ORDER, EDAS_ORDER]) {
      expect(r[id]).toMatchObject({ outcome: 'skipped' });
      expect(r[id]?.detail).toMatch(/^not stuck: idle 0 min \(limit 30\), running 150 min/);
    }
    expect(aborts()).toBe(0);
  });
});

describe('red-team 24 F8: fields that contradict the order, or cannot be read', () => {
  it.each([
    [
      'CreateTime more than 14 h in the future',
      () => ({ wire: { CreateTime: wall(Date.now() + 15 * 60 * MIN) } }),
      /CreateTime "[^"]+" is more than 60 s in the future in every time zone/,
    ],
    [
      'CreateTime in 2027',
      () => ({ wire: { CreateTime: '2027-06-01 00:00:00' } }),
      /CreateTime "2027-06-01 00:00:00" is more than 60 s in the future in every time zone/,
    ],
    [
      'CreateTime in ISO-8601 (not the platform format)',
      () => ({ wire: { CreateTime: '2026-12-03T01:00:00Z' } }),
      /CreateTime "2026-12-03T01:00:00Z" is not (SAE|EDAS)'s "yyyy-MM-dd HH:mm:ss"/,
    ],
    [
      'CreateTime a calendar date that does not exist',
      () => ({ wire: { CreateTime: '2026-02-30 10:00:00' } }),
      /CreateTime "2026-02-30 10:00:00" is not (SAE|EDAS)'s "yyyy-MM-dd HH:mm:ss"/,
    ],
    [
      'CreateTime as a number',
      () => ({ wire: { CreateTime: Date.now() - 150 * MIN } }),
      /CreateTime \d+ is not (SAE|EDAS)'s "yyyy-MM-dd HH:mm:ss"/,
    ],
    [
      'CreateTime 14.5 h after the first batch started (after it in every time zone)',
      () => ({ wire: { CreateTime: wall(Date.now() - 150 * MIN + 14.5 * 60 * MIN) } }),
      /CreateTime "[^"]+" is after its first batch started \(\S+\) in every time zone: the times contradict each other/,
    ],
    [
      'the running batch status a string',
      () => ({ batchWire: { Status: '1', PipelineStatus: '1' } }),
      /batch 2 (Status|PipelineStatus) "1" is not a status code/,
    ],
    [
      'BatchCount 7 with 3 batches',
      () => ({ wire: { BatchCount: 7 } }),
      /BatchCount 7 disagrees with the 3 batch\(es\) in (Pipelines|PipelineInfoList)/,
    ],
    [
      'BatchCount a string',
      () => ({ wire: { BatchCount: '3' } }),
      /BatchCount "3" is not a number of batches/,
    ],
  ])(
    '%s: skipped naming the field, never aborted (manual and sweep)',
    async (_what, wire, text) => {
      // The EDAS listing (ListRecentChangeOrder) shows the same CreateTime as the read, so
      // that the read's own fault is what is judged (a listing that disagrees is red-team 25
      // G14, sae-edas-read-consistency.test.ts).
      const w = wire() as { wire?: Record<string, unknown> };
      const edasWire =
        w.wire?.CreateTime === undefined
          ? w
          : { ...w, listWire: { CreateTime: w.wire.CreateTime } };
      const harness = await start(scenario(w, edasWire));
      const recs = await abortBoth(harness);
      expect(recs).toHaveLength(4);
      for (const rec of recs) {
        expect(rec.outcome).toBe('skipped');
        expect(rec.detail).toMatch(text);
        expect(rec.detail).toContain('not aborted (fail closed)');
      }
      expect(aborts()).toBe(0);
    },
  );

  it('two batches with one PipelineId (SAE and EDAS): skipped naming it, never aborted', async () => {
    const harness = await start(
      scenario(
        { batchWire: { PipelineId: `${SAE_ORDER}-batch-1` } },
        { batchWire: { PipelineId: `${EDAS_ORDER}-batch-1` } },
      ),
    );
    const recs = await abortBoth(harness);
    expect(recs).toHaveLength(4);
    for (const rec of recs) {
      expect(rec.outcome).toBe('skipped');
      expect(rec.detail).toMatch(
        /two batches in (Pipelines|PipelineInfoList) share PipelineId "[0-9a-f-]+-batch-1"/,
      );
    }
    expect(aborts()).toBe(0);
  });

  it('SAE SubStatus a string, CurrentPipelineId naming no batch: each skipped, named', async () => {
    for (const [wire, text] of [
      [{ SubStatus: '1' }, 'SubStatus "1" is not a status code (a JSON number)'],
      [
        { CurrentPipelineId: 'nope' },
        'CurrentPipelineId "nope" names none of the 3 batch(es) in Pipelines',
      ],
      [{ CurrentPipelineId: 7 }, 'CurrentPipelineId 7 is not a PipelineId'],
    ] as const) {
      const harness = await start(scenario({ wire }));
      await harness.handler(
        httpEvent({
          path: '/abort',
          body: JSON.stringify({ platform: 'sae', changeOrderIds: [SAE_ORDER] }),
        }),
        fakeContext(),
      );
      const [rec] = harness.records();
      expect(rec).toMatchObject({ outcome: 'skipped', changeId: SAE_ORDER });
      expect(rec?.detail).toBe(
        `sae's read of change order ${SAE_ORDER} is unreadable or contradicts itself (${text}): its facts are unknown; not aborted (fail closed)`,
      );
      expect(aborts()).toBe(0);
      await h?.close();
      await sae?.close();
      await edas?.close();
      h = sae = edas = undefined;
    }
  });

  it('EDAS GetChangeOrderInfo naming another AppId than the one the order was found under: "ambiguous application", like SAE', async () => {
    const harness = await start(
      scenario({ wire: { AppId: OTHER_APP } }, { wire: { AppId: OTHER_APP } }),
    );
    await harness.handler(timerEvent({}), fakeContext());
    const r = byOrder(harness.records());
    expect(r[SAE_ORDER]?.detail).toBe(
      `ambiguous application: change order ${SAE_ORDER} was found under ${SAE_APP}, but its own read names ${OTHER_APP}`,
    );
    expect(r[EDAS_ORDER]).toMatchObject({ outcome: 'skipped' });
    expect(r[EDAS_ORDER]?.detail).toBe(
      `ambiguous application: change order ${EDAS_ORDER} was found under ${EDAS_APP}, but its own read names ${OTHER_APP}`,
    );
    expect(aborts()).toBe(0);
  });

  it("CreateTime a few hours after the first batch, in the emulator's own format: accepted (its zone is unknown, so within 14 h it is no contradiction)", async () => {
    const harness = await start(
      scenario(
        { wire: { CreateTime: wall(Date.now() - 150 * MIN + 8 * 60 * MIN) } },
        { wire: { CreateTime: wall(Date.now() - 150 * MIN + 8 * 60 * MIN) } },
      ),
    );
    await harness.handler(timerEvent({}), fakeContext());
    const r = byOrder(harness.records());
    expect(r[SAE_ORDER]).toMatchObject({ outcome: 'aborted' });
    expect(r[EDAS_ORDER]).toMatchObject({ outcome: 'aborted' });
  });
});
