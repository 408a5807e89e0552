/**
 * Issue 10's fail-closed reads applied to SAE and EDAS, through the real handler and the SAE /
 * EDAS emulators (pop-core's real signing): a status that is not a JSON number, a batch time
 * that is not strict epoch ms, an application that cannot be learned while `protect.appIds` or
 * `apps` needs it, an order whose own read names another application, unknown body keys, and
 * explicitly empty policy lists. None of them may lead to an AbortChangeOrder; each record
 * names the fact.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { OutcomeRecord } from '#shared/model/record.js';
import { loadPolicy } from '#shared/policy/load.js';
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

/** One stuck order on each platform (idle 120 min), with wire overrides of its read. */
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

describe('fail closed on SAE and EDAS (issue 10 rules)', () => {
  it('control: the same stuck orders with well-formed reads are aborted by the sweep', async () => {
    // Arrange
    const harness = await start(scenario());
    // Act
    await harness.handler(timerEvent({}), fakeContext());
    // Assert
    const r = byOrder(harness.records());
    expect(r[SAE_ORDER]).toMatchObject({ platform: 'sae', outcome: 'aborted', reason: 'idle>30m' });
    expect(r[EDAS_ORDER]).toMatchObject({ platform: 'edas', outcome: 'aborted' });
    expect(aborts()).toBe(2);
  });

  it.each([
    ['a string', '1'],
    ['a fraction', 1.5],
    ['a negative number', -1],
    ['null', null],
    ['an object', { code: 1 }],
  ])(
    'a Status that is %s is unknown: skipped, named, never aborted (manual abort too)',
    async (_what, status) => {
      // Arrange
      const harness = await start(
        scenario({ wire: { Status: status } }, { wire: { Status: status } }),
      );
      // Act
      await harness.handler(
        httpEvent({
          path: '/abort',
          body: JSON.stringify({ platform: 'sae', changeOrderIds: [SAE_ORDER] }),
        }),
        fakeContext(),
      );
      await harness.handler(
        httpEvent({
          path: '/abort',
          body: JSON.stringify({ platform: 'edas', changeOrderIds: [EDAS_ORDER] }),
        }),
        fakeContext(),
      );
      // Assert
      const r = byOrder(harness.records());
      expect(r[SAE_ORDER]).toMatchObject({ outcome: 'skipped' });
      expect(r[SAE_ORDER]?.detail).toContain('status (unreadable) of this change order is unknown');
      expect(r[EDAS_ORDER]).toMatchObject({ outcome: 'skipped' });
      expect(r[EDAS_ORDER]?.detail).toContain(
        'status (unreadable) of this change order is unknown',
      );
      expect(aborts()).toBe(0);
    },
  );

  it.each([
    ['a zero-padded digit string', (ms: number) => `0${ms}`],
    ['a spaced digit string', (ms: number) => ` ${ms}`],
    ['seconds', (ms: number) => Math.floor(ms / 1000)],
    ['an ISO string', (ms: number) => new Date(ms).toISOString()],
    ['a zone-less date string', () => '2026-12-01 10:00:00'],
    ['0', () => 0],
  ])(
    'a batch UpdateTime that is %s is unknown: the order is never judged idle',
    async (_what, make) => {
      // Arrange: the order is not old enough to be stuck by duration (150 < 240 min)
      const old = Date.now() - 120 * 60_000;
      const harness = await start(
        scenario(
          { batchWire: { UpdateTime: make(old) } },
          { batchWire: { UpdateTime: String(make(old)) } },
        ),
      );
      // Act
      await harness.handler(timerEvent({}), fakeContext());
      // Assert
      const r = byOrder(harness.records());
      for (const id of [SAE_ORDER, EDAS_ORDER]) {
        expect(r[id]).toMatchObject({ outcome: 'skipped' });
        expect(r[id]?.detail).toBe(
          "the change order's times are unknown (last progress: a started batch without a readable StartTime or UpdateTime, or none started); not aborted (fail closed)",
        );
      }
      expect(aborts()).toBe(0);
    },
  );

  it.each([
    [
      'last progress 10 minutes in the future',
      () => ({ UpdateTime: Date.now() + 10 * 60_000 }),
      /last progress \S+ is more than 60 s in the future/,
    ],
    [
      'a start after the last progress',
      () => ({ StartTime: Date.now() - 10 * 60_000, UpdateTime: Date.now() - 120 * 60_000 }),
      // Red-team 24 F7: the current batch starts after its own update.
      /batch \d+ started \S+, after its last update \S+: the batch times contradict each other/,
    ],
  ])(
    '%s: times unknown, an operator abort sends no AbortChangeOrder',
    async (_what, wire, text) => {
      // EDAS batch times are strings of digits (docs/reference/sae-edas.md §3.4; red-team 25
      // G5: a number there is unreadable): the same instants, in each platform's own form.
      const asEdas = (w: Record<string, number>) =>
        Object.fromEntries(Object.entries(w).map(([k, v]) => [k, String(v)]));
      const harness = await start(scenario({ batchWire: wire() }, { batchWire: asEdas(wire()) }));
      for (const [platform, order] of [
        ['sae', SAE_ORDER],
        ['edas', EDAS_ORDER],
      ] as const) {
        await harness.handler(
          httpEvent({
            path: '/abort',
            body: JSON.stringify({ platform, changeOrderIds: [order] }),
          }),
          fakeContext(),
        );
      }
      const r = byOrder(harness.records());
      for (const id of [SAE_ORDER, EDAS_ORDER]) {
        expect(r[id]).toMatchObject({ outcome: 'skipped' });
        expect(r[id]?.detail).toMatch(text);
      }
      expect(aborts()).toBe(0);
    },
  );

  it('an absent batch UpdateTime is unknown too', async () => {
    const harness = await start(
      scenario({ batchWireOmit: ['UpdateTime'] }, { batchWireOmit: ['UpdateTime'] }),
    );
    await harness.handler(timerEvent({}), fakeContext());
    const r = byOrder(harness.records());
    expect(r[SAE_ORDER]?.detail).toContain("the change order's times are unknown (last progress");
    expect(r[EDAS_ORDER]?.detail).toContain("the change order's times are unknown (last progress");
    expect(aborts()).toBe(0);
  });

  it('protect.appIds set and the application cannot be learned (EDAS reads name none): skipped', async () => {
    // Arrange: GetChangeOrderInfo carries no AppId; a manual abort by ChangeOrderId alone
    const harness = await start(scenario(), {
      platforms: { edas: { protect: { appIds: [OTHER_APP] } } },
    });
    // Act
    await harness.handler(
      httpEvent({
        path: '/abort',
        body: JSON.stringify({ platform: 'edas', changeOrderIds: [EDAS_ORDER] }),
      }),
      fakeContext(),
    );
    // Assert
    const [rec] = harness.records();
    expect(rec).toMatchObject({ platform: 'edas', changeId: EDAS_ORDER, outcome: 'skipped' });
    expect(rec?.detail).toContain('application unknown');
    expect(rec?.detail).toContain('platforms.edas.protect.appIds');
    expect(aborts()).toBe(0);
  });

  it('per-application rules (apps) set and the SAE read names no AppId: skipped, naming apps', async () => {
    const harness = await start(scenario({ wireOmit: ['AppId'] }), {
      platforms: { sae: { apps: { [OTHER_APP]: { mode: 'dry-run' } } } },
    });
    await harness.handler(
      httpEvent({
        path: '/abort',
        body: JSON.stringify({ platform: 'sae', changeOrderIds: [SAE_ORDER] }),
      }),
      fakeContext(),
    );
    const [rec] = harness.records();
    expect(rec).toMatchObject({ outcome: 'skipped' });
    expect(rec?.detail).toContain('platforms.sae.apps needs it');
    expect(aborts()).toBe(0);
  });

  it('an order found under one application whose own read names another is ambiguous: skipped', async () => {
    const harness = await start(scenario({ wire: { AppId: OTHER_APP } }));
    await harness.handler(timerEvent({}), fakeContext());
    const rec = byOrder(harness.records())[SAE_ORDER];
    expect(rec).toMatchObject({ platform: 'sae', outcome: 'skipped', appId: SAE_APP });
    expect(rec?.detail).toBe(
      `ambiguous application: change order ${SAE_ORDER} was found under ${SAE_APP}, but its own read names ${OTHER_APP}`,
    );
    expect(sae!.calls('AbortChangeOrder')).toBe(0);
  });

  it.each(['DryRun', 'dry_run', 'dryrun', 'force'])(
    'an SAE/EDAS body with the unknown key %s is refused with 400 naming it; nothing is called',
    async (key) => {
      const harness = await start(scenario());
      for (const path of ['/abort', '/sweep']) {
        const body =
          path === '/abort'
            ? { platform: 'sae', changeOrderIds: [SAE_ORDER], [key]: true }
            : { platform: 'edas', [key]: true };
        const result = (await harness.handler(
          httpEvent({ path, body: JSON.stringify(body) }),
          fakeContext(),
        )) as { statusCode: number; body: string };
        expect(result.statusCode).toBe(400);
        expect(JSON.parse(result.body)).toMatchObject({ error: { field: key } });
      }
      expect(sae!.journal()).toHaveLength(0);
      expect(edas!.journal()).toHaveLength(0);
    },
  );

  it('a query key beside a JSON body is refused (only dryRun may be there)', async () => {
    const harness = await start(scenario());
    const result = (await harness.handler(
      httpEvent({
        path: '/abort',
        body: JSON.stringify({ platform: 'sae', changeOrderIds: [SAE_ORDER] }),
        query: { 'dry-run': 'true' },
      }),
      fakeContext(),
    )) as { statusCode: number; body: string };
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body)).toMatchObject({ error: { field: 'dry-run' } });
    expect(aborts()).toBe(0);
  });

  it.each(['changeTypes', 'sweepAppIds'])(
    'an explicitly empty platforms.sae.%s is refused at cold start (it would mean "all")',
    (key) => {
      expect(() =>
        loadPolicy({ inline: JSON.stringify({ platforms: { sae: { [key]: [] } } }) }),
      ).toThrow(new RegExp(`platforms\\.sae\\.${key}.*an empty list would mean`));
    },
  );
  it.each([
    ['[]', []],
    ['""', ''],
    ['null', null],
  ])(
    'oracle counterexample: /sweep with platform and appIds %s is refused, never a sweep of every application',
    async (_shown, appIds) => {
      // Found by test/oracle/platform-fail-closed.property.test.ts (seed 20261202): an explicitly
      // empty appIds swept the whole platform.
      const harness = await start(scenario());
      const result = (await harness.handler(
        httpEvent({ path: '/sweep', body: JSON.stringify({ platform: 'sae', appIds }) }),
        fakeContext(),
      )) as { statusCode: number; body: string };
      expect(result.statusCode).toBe(400);
      expect(JSON.parse(result.body)).toMatchObject({ error: { field: 'appIds' } });
      expect(JSON.parse(result.body).error.message).toContain(
        'an empty list never means every application',
      );
      expect(sae!.journal()).toHaveLength(0);
    },
  );

  it('a manual abort of an order with an unreadable batch time is skipped too (times are needed by every decision)', async () => {
    const harness = await start(scenario({ batchWire: { StartTime: 'soon' } }));
    await harness.handler(
      httpEvent({
        path: '/abort',
        body: JSON.stringify({ platform: 'sae', changeOrderIds: [SAE_ORDER] }),
      }),
      fakeContext(),
    );
    const [rec] = harness.records();
    expect(rec).toMatchObject({ outcome: 'skipped' });
    expect(rec?.detail).toBe(
      "the change order's times are unknown (start: no started batch with a readable StartTime; last progress: a started batch without a readable StartTime or UpdateTime, or none started); not aborted (fail closed)",
    );
    expect(aborts()).toBe(0);
  });

  it('an AppId that is not a lower-case UUID: the read is MalformedReply naming Data.AppId, nothing aborted', async () => {
    const harness = await start(scenario({ wire: { AppId: SAE_APP.toUpperCase() } }));
    await harness.handler(
      httpEvent({
        path: '/abort',
        body: JSON.stringify({ platform: 'sae', changeOrderIds: [SAE_ORDER] }),
      }),
      fakeContext(),
    );
    const [rec] = harness.records();
    expect(rec).toMatchObject({ outcome: 'failed' });
    expect(rec?.detail).toContain(`Data.AppId "${SAE_APP.toUpperCase()}" is not a PlatformAppId`);
    expect(aborts()).toBe(0);
  });

  it('onAbort: rollback on an order whose SupportRollback is false: skipped, never a plain abort instead', async () => {
    const world = scenario({ SupportRollback: false }, { SupportRollback: false });
    const harness = await start(world, {
      defaults: { mode: 'enforce' },
      platforms: { sae: { onAbort: 'rollback' }, edas: { onAbort: 'rollback' } },
    });
    await harness.handler(timerEvent({}), fakeContext());
    const r = byOrder(harness.records());
    for (const id of [SAE_ORDER, EDAS_ORDER]) {
      expect(r[id]).toMatchObject({ outcome: 'skipped' });
      expect(r[id]?.detail).toContain(
        "onAbort is rollback, but the change order's SupportRollback is false",
      );
    }
    expect(aborts()).toBe(0);
  });

  it("a timer payload's thresholds apply to the SAE/EDAS sweeps too (never the policy's smaller ones)", async () => {
    // The orders are idle 120 min: a payload saying 600 min keeps them; the policy's 30 would not.
    const harness = await start(scenario());
    await harness.handler(
      timerEvent({ maxIdleMinutes: 600, maxDurationMinutes: 600 }),
      fakeContext(),
    );
    const r = byOrder(harness.records());
    expect(r[SAE_ORDER]?.detail).toBe(
      'not stuck: idle 120 min (limit 600), running 150 min (limit 600)',
    );
    expect(r[EDAS_ORDER]?.detail).toBe(
      'not stuck: idle 120 min (limit 600), running 150 min (limit 600)',
    );
    expect(aborts()).toBe(0);
  });

  it("ages are judged on the platform's clock when its Date headers are more than a minute off, and the skew is recorded", async () => {
    // The emulators' clocks run 4 min behind (within the 5 min trust tolerance): on them the
    // orders are idle 120 min (their own times), while on the function's clock 124 min.
    // 120.5 min: the Date header's whole seconds cannot move the floor below 120.
    const world = scenario({ idleMinutes: 120.5 }, { idleMinutes: 120.5 });
    const skewed = {
      ...world,
      sae: { ...world.sae, clockSkewMs: -4 * 60_000 },
      edas: { ...world.edas, clockSkewMs: -4 * 60_000 },
    };
    const harness = await start(skewed, { defaults: { mode: 'enforce', maxIdleMinutes: 122 } });
    await harness.handler(timerEvent({}), fakeContext());
    const r = byOrder(harness.records());
    for (const id of [SAE_ORDER, EDAS_ORDER]) {
      expect(r[id]).toMatchObject({ outcome: 'skipped', idleMinutes: 120 });
      expect(r[id]?.clockSkewMs).toBeLessThan(-3 * 60_000);
      expect(r[id]?.clockSkewMs).toBeGreaterThan(-5 * 60_000);
    }
    expect(aborts()).toBe(0);
  });

  it('a platform clock 20 min off (beyond the 5 min tolerance) is unknown: no stuck age judged, the record names it (red-team 12 F8)', async () => {
    const world = scenario();
    const skewed = {
      ...world,
      sae: { ...world.sae, clockSkewMs: -20 * 60_000 },
      edas: { ...world.edas, clockSkewMs: -20 * 60_000 },
    };
    const harness = await start(skewed, { defaults: { mode: 'enforce' } });
    await harness.handler(timerEvent({}), fakeContext());
    const r = byOrder(harness.records());
    for (const [platform, id] of [
      ['sae', SAE_ORDER],
      ['edas', EDAS_ORDER],
    ] as const) {
      expect(r[id]?.outcome).toBe('skipped');
      expect(r[id]?.detail).toContain(`${platform}'s clock is unknown: its Date header says`);
      expect(r[id]?.detail).toContain('20 min behind the function');
      expect(r[id]?.clockSkewMs).toBeUndefined();
    }
    expect(aborts()).toBe(0);
  });
});
