/**
 * Red-team 25 G9: a listing item used as proof of an order's application must itself name that
 * application. An EDAS event claims application A and names a change order; GetChangeOrderInfo
 * names no application, so ListRecentChangeOrder(A) listing the order is the proof (red-team 24
 * F15). An item for the order whose own `AppId` is another application B (or absent, where
 * docs/reference/sae-edas.md §3.4 documents one) proves nothing: the order is `skipped` naming
 * `AppId` with both values, never aborted as A's (B protected or not). The same for SAE's
 * DescribeApplicationStatus `Data.AppId` (§2.4), and for every listing a sweep or a request by
 * application reads. Through the real handler, the SAE / EDAS emulators and pop-core's signing.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { OutcomeRecord } from '#shared/model/record.js';
import { type EdasSandbox, startEdasSandbox } from '../../sandbox/edas/server.js';
import { type SaeSandbox, startSaeSandbox } from '../../sandbox/sae/server.js';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { freshAlarm, timerEvent } from '../helpers/world.js';

const EDAS_A = '6826ccd2-5c57-46c0-a2e5-6caca07cc001';
const EDAS_B = '6826ccd2-5c57-46c0-a2e5-6caca07cc0b2';
const EDAS_ORDER_OF_B = '28ab8de8-22b9-430d-9952-00f67693c0b2';
const SAE_A = '7171a6ca-d1cd-4928-8642-7d5cfe69c001';
const SAE_B = '7171a6ca-d1cd-4928-8642-7d5cfe69c0b2';
const SAE_ORDER_OF_B = 'ba8e6c3c-9b1a-4ad2-9e1f-5f0e5c5ec0b2';
const SAE_ORDER_OF_A = 'ba8e6c3c-9b1a-4ad2-9e1f-5f0e5c5ec0a1';

const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
// biome-ignore lint/suspicious/noExplicitAny: a test edits parsed fixture JSON freely
const edited = (name: string, edit: (e: Record<string, any>) => void): Buffer => {
  const event = JSON.parse(freshAlarm(fixture(name)).toString());
  edit(event);
  return Buffer.from(JSON.stringify(event));
};

/** B's order, stuck (a sweep would abort it), with the given listing overrides. */
function world(edasOrder: object = {}, saeOrder: object = {}, saeOfA?: object) {
  return {
    apps: [],
    envs: [],
    changes: [],
    edas: {
      apps: [
        { AppId: EDAS_A, Name: 'ticketcore-service' },
        { AppId: EDAS_B, Name: 'payments' },
      ],
      changeOrders: [
        {
          ChangeOrderId: EDAS_ORDER_OF_B,
          AppId: EDAS_B,
          Status: 1,
          startedMinutesAgo: 100,
          idleMinutes: 95,
          ...edasOrder,
        },
      ],
    },
    sae: {
      apps: [
        { AppId: SAE_A, AppName: 'checkout' },
        { AppId: SAE_B, AppName: 'payments' },
      ],
      changeOrders: [
        {
          ChangeOrderId: SAE_ORDER_OF_B,
          AppId: SAE_B,
          Status: 1,
          startedMinutesAgo: 100,
          idleMinutes: 95,
          ...saeOrder,
        },
        ...(saeOfA
          ? [
              {
                ChangeOrderId: SAE_ORDER_OF_A,
                AppId: SAE_A,
                Status: 1,
                startedMinutesAgo: 90,
                idleMinutes: 85,
                ...saeOfA,
              },
            ]
          : []),
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

async function start(scenario: unknown, platforms: Record<string, unknown> = {}) {
  sae = await startSaeSandbox(scenario);
  edas = await startEdasSandbox(scenario);
  h = await startHarness(
    { apps: [], envs: [], changes: [] },
    {
      policy: { defaults: { mode: 'enforce' }, platforms },
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

const only = (records: OutcomeRecord[]): OutcomeRecord => {
  expect(records).toHaveLength(1);
  return records[0]!;
};

const edasEvent = () =>
  edited('eventbridge-edas-change-order-failed.json', (e) => {
    e.data.event.involvedObject.additionalProperties.changeOrderId = EDAS_ORDER_OF_B;
  });
const saeEvent = () =>
  edited('eventbridge-sae-change-order-fail.json', (e) => {
    e.data.changeOrderId = SAE_ORDER_OF_B;
  });

describe('G9: an EDAS event claiming A for an order ListRecentChangeOrder(A) lists under B', () => {
  it.each([
    ['B protected', { protect: { appIds: [EDAS_B] } }],
    ['B mode off', { apps: { [EDAS_B]: { mode: 'off' } } }],
    ['nothing protected', {}],
  ])(
    "%s: skipped naming AppId with both values, B's order not aborted",
    async (_label, edasPolicy) => {
      const harness = await start(world({ listedUnder: [EDAS_A] }), { edas: edasPolicy });
      await harness.handler(edasEvent(), fakeContext());
      const rec = only(harness.records());
      expect(rec).toMatchObject({
        platform: 'edas',
        changeId: EDAS_ORDER_OF_B,
        appId: EDAS_A,
        outcome: 'skipped',
      });
      expect(rec.detail).toBe(
        `the request names application ${EDAS_A} for change order ${EDAS_ORDER_OF_B}, but ListRecentChangeOrder(${EDAS_A}) lists it with AppId ${EDAS_B} (ChangeOrderList.ChangeOrder[0].AppId), not ${EDAS_A}: the listing contradicts itself: the order's application is unknown; not aborted (fail closed)`,
      );
      expect(edas!.calls('AbortChangeOrder')).toBe(0);
      expect(edas!.statusOf(EDAS_ORDER_OF_B)).toBe(1);
    },
  );

  it('an item for the order with no AppId (documented in §3.4) proves nothing either: skipped', async () => {
    const harness = await start(world({ listedUnder: [EDAS_A], listWireOmit: ['AppId'] }));
    await harness.handler(edasEvent(), fakeContext());
    const rec = only(harness.records());
    expect(rec).toMatchObject({ changeId: EDAS_ORDER_OF_B, outcome: 'skipped' });
    expect(rec.detail).toBe(
      `the request names application ${EDAS_A} for change order ${EDAS_ORDER_OF_B}, but ListRecentChangeOrder(${EDAS_A}) lists it with no AppId (ChangeOrderList.ChangeOrder[0].AppId is absent): the listing contradicts itself: the order's application is unknown; not aborted (fail closed)`,
    );
    expect(edas!.calls('AbortChangeOrder')).toBe(0);
  });
});

describe('G9 on SAE: DescribeApplicationStatus(A) is the proof, its Data.AppId must be A', () => {
  it("an SAE event claiming A for B's order (DescribeChangeOrder without AppId) whose status reply names B: skipped", async () => {
    const harness = await start(
      world({}, { listedUnder: [SAE_A], wireOmit: ['AppId'], appStatusWire: { AppId: SAE_B } }),
      { sae: { protect: { appIds: [SAE_B] } } },
    );
    await harness.handler(saeEvent(), fakeContext());
    const rec = only(harness.records());
    expect(rec).toMatchObject({ platform: 'sae', changeId: SAE_ORDER_OF_B, outcome: 'skipped' });
    expect(rec.detail).toBe(
      `the request names application ${SAE_A} for change order ${SAE_ORDER_OF_B}, but DescribeApplicationStatus(${SAE_A}) lists it with AppId ${SAE_B} (Data.AppId), not ${SAE_A}: the listing contradicts itself: the order's application is unknown; not aborted (fail closed)`,
    );
    expect(sae!.calls('AbortChangeOrder')).toBe(0);
    expect(sae!.statusOf(SAE_ORDER_OF_B)).toBe(1);
  });

  it('a status reply without Data.AppId proves nothing: skipped', async () => {
    const harness = await start(
      world({}, { listedUnder: [SAE_A], wireOmit: ['AppId'], appStatusWireOmit: ['AppId'] }),
    );
    await harness.handler(saeEvent(), fakeContext());
    const rec = only(harness.records());
    expect(rec).toMatchObject({ changeId: SAE_ORDER_OF_B, outcome: 'skipped' });
    expect(rec.detail).toContain(
      `DescribeApplicationStatus(${SAE_A}) lists it with no AppId (Data.AppId is absent)`,
    );
    expect(sae!.calls('AbortChangeOrder')).toBe(0);
  });
});

describe('G9 in sweeps and requests by application: an item naming another app is never judged', () => {
  it("an EDAS sweep scoped to A never aborts B's order that A's listing returns naming B", async () => {
    const harness = await start(world({ listedUnder: [EDAS_A] }), {
      edas: { sweepAppIds: [EDAS_A] },
      sae: { mode: 'off' },
    });
    await harness.handler(timerEvent(), fakeContext());
    const recs = harness.records().filter((r) => r.platform === 'edas');
    const rec = only(recs);
    expect(rec).toMatchObject({ changeId: EDAS_ORDER_OF_B, appId: EDAS_A, outcome: 'skipped' });
    expect(rec.detail).toBe(
      `ListRecentChangeOrder(${EDAS_A}) lists change order ${EDAS_ORDER_OF_B} with AppId ${EDAS_B} (ChangeOrderList.ChangeOrder[0].AppId), not ${EDAS_A}: the listing contradicts itself: the order's application is unknown; not aborted (fail closed)`,
    );
    expect(edas!.calls('AbortChangeOrder')).toBe(0);
  });

  it('an EDAS sweep: an item of its own application without AppId is skipped, never judged as that app', async () => {
    const harness = await start(world({ listWireOmit: ['AppId'] }), { sae: { mode: 'off' } });
    await harness.handler(timerEvent(), fakeContext());
    const rec = only(harness.records().filter((r) => r.platform === 'edas'));
    expect(rec).toMatchObject({ changeId: EDAS_ORDER_OF_B, appId: EDAS_B, outcome: 'skipped' });
    expect(rec.detail).toContain(
      `ListRecentChangeOrder(${EDAS_B}) lists change order ${EDAS_ORDER_OF_B} with no AppId (ChangeOrderList.ChangeOrder[0].AppId is absent)`,
    );
    expect(edas!.calls('AbortChangeOrder')).toBe(0);
  });

  it("an SAE sweep: A's status reply naming B is skipped, A's order not aborted", async () => {
    const harness = await start(world({}, {}, { appStatusWire: { AppId: SAE_B } }), {
      sae: { sweepAppIds: [SAE_A] },
      edas: { mode: 'off' },
    });
    await harness.handler(timerEvent(), fakeContext());
    const rec = only(harness.records().filter((r) => r.platform === 'sae'));
    expect(rec).toMatchObject({ changeId: SAE_ORDER_OF_A, appId: SAE_A, outcome: 'skipped' });
    expect(rec.detail).toBe(
      `DescribeApplicationStatus(${SAE_A}) lists change order ${SAE_ORDER_OF_A} with AppId ${SAE_B} (Data.AppId), not ${SAE_A}: the listing contradicts itself: the order's application is unknown; not aborted (fail closed)`,
    );
    expect(sae!.calls('AbortChangeOrder')).toBe(0);
  });

  it('an EDAS alarm by application (no order named) whose listing item names another app: skipped', async () => {
    const harness = await start(world({ listedUnder: [EDAS_A] }));
    await harness.handler(
      edited('eventbridge-edas-change-order-failed.json', (e) => {
        delete e.data.event.involvedObject.additionalProperties.changeOrderId;
      }),
      fakeContext(),
    );
    const rec = only(harness.records());
    expect(rec).toMatchObject({ changeId: EDAS_ORDER_OF_B, appId: EDAS_A, outcome: 'skipped' });
    expect(rec.detail).toContain(`with AppId ${EDAS_B} (ChangeOrderList.ChangeOrder[0].AppId)`);
    expect(edas!.calls('AbortChangeOrder')).toBe(0);
  });
});
