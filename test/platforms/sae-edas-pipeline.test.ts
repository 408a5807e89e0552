/**
 * SAE and EDAS through the real handler (intake → targeting → policy → executor → records),
 * every call through pop-core's real signing to the SAE and EDAS emulators: HTTP abort, timer
 * sweep of every enabled platform, the policy's per-platform modes and `onAbort: rollback`, one
 * record per decision carrying `platform`, fail-closed on unknown statuses and unknown ids.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { OutcomeRecord } from '#shared/model/record.js';
import { type EdasSandbox, startEdasSandbox } from '../../sandbox/edas/server.js';
import { type SaeSandbox, startSaeSandbox } from '../../sandbox/sae/server.js';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { httpEvent, summaryOf, timerEvent } from '../helpers/world.js';

const SAE_APP = '7171a6ca-d1cd-4928-8642-7d5cfe69a001';
const SAE_APP2 = '7171a6ca-d1cd-4928-8642-7d5cfe69a002';
const SAE_STUCK = 'ba8e6c3c-9b1a-4ad2-9e1f-5f0e5c5e0001';
const SAE_FRESH = 'ba8e6c3c-9b1a-4ad2-9e1f-5f0e5c5e0002';
const EDAS_APP = '6826ccd2-5c57-46c0-a2e5-6caca07c0001';
const EDAS_STUCK = '28ab8de8-22b9-430d-9952-00f676930001';
const EDAS_ODD = '28ab8de8-22b9-430d-9952-00f676930007';

const world = {
  apps: [],
  envs: [],
  changes: [],
  sae: {
    apps: [
      { AppId: SAE_APP, AppName: 'checkout' },
      { AppId: SAE_APP2, AppName: 'search' },
    ],
    changeOrders: [
      {
        ChangeOrderId: SAE_STUCK,
        AppId: SAE_APP,
        Status: 1,
        startedMinutesAgo: 150,
        idleMinutes: 120,
      },
      {
        ChangeOrderId: SAE_FRESH,
        AppId: SAE_APP2,
        Status: 1,
        startedMinutesAgo: 10,
        idleMinutes: 2,
      },
    ],
  },
  edas: {
    apps: [{ AppId: EDAS_APP, Name: 'orders' }],
    changeOrders: [
      {
        ChangeOrderId: EDAS_STUCK,
        AppId: EDAS_APP,
        Status: 8,
        startedMinutesAgo: 100,
        idleMinutes: 95,
      },
      {
        ChangeOrderId: EDAS_ODD,
        AppId: EDAS_APP,
        Status: 7,
        startedMinutesAgo: 300,
        idleMinutes: 290,
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

async function start(
  policy: unknown = {},
  env: Record<string, string> = {},
  scenario: unknown = world,
) {
  sae = await startSaeSandbox(scenario);
  edas = await startEdasSandbox(scenario);
  h = await startHarness(
    { apps: [], envs: [], changes: [] },
    {
      policy,
      env: {
        PLATFORMS: 'webplus,sae,edas',
        SAE_ENDPOINT: sae.url,
        EDAS_ENDPOINT: edas.url,
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

describe('SAE and EDAS through the handler', () => {
  it('a timer sweep covers every enabled platform: stuck orders aborted, others left with a reason', async () => {
    const harness = await start({ platforms: { edas: { includePaused: true } } });
    await harness.handler(timerEvent({}), fakeContext());
    const records = harness.records();
    const r = byChange(records);
    expect(r[SAE_STUCK]).toMatchObject({
      platform: 'sae',
      appId: SAE_APP,
      outcome: 'aborted',
      reason: 'idle>30m',
      mode: 'enforce',
      attempts: 1,
      idleMinutes: 120,
    });
    expect(r[SAE_FRESH]).toMatchObject({ platform: 'sae', outcome: 'skipped' });
    expect(r[SAE_FRESH]?.detail).toMatch(/^not stuck: idle 2 min/);
    expect(r[EDAS_STUCK]).toMatchObject({
      platform: 'edas',
      outcome: 'aborted',
      reason: 'idle>30m',
    });
    expect(r[EDAS_ODD]).toMatchObject({ platform: 'edas', outcome: 'skipped' });
    expect(r[EDAS_ODD]?.detail).toContain('status 7 of this change order is unknown');
    expect(sae!.statusOf(SAE_STUCK)).toBe(6);
    expect(sae!.statusOf(SAE_FRESH)).toBe(1);
    expect(edas!.statusOf(EDAS_STUCK)).toBe(6);
    expect(edas!.statusOf(EDAS_ODD)).toBe(7);
    expect(edas!.calls('AbortChangeOrder', EDAS_ODD)).toBe(0);
    // one record per decision: the four orders, nothing else
    expect(records.map((x) => x.changeId).sort()).toEqual(
      [EDAS_STUCK, EDAS_ODD, SAE_STUCK, SAE_FRESH].sort(),
    );
  });

  it('a paused EDAS order is left alone by the sweep unless includePaused', async () => {
    const harness = await start();
    await harness.handler(timerEvent({}), fakeContext());
    expect(byChange(harness.records())[EDAS_STUCK]).toMatchObject({ outcome: 'skipped' });
    expect(edas!.calls('AbortChangeOrder')).toBe(0);
  });

  it('per-platform mode: SAE dry-run records would_abort and sends nothing', async () => {
    const harness = await start({ platforms: { sae: { mode: 'dry-run' } } });
    await harness.handler(timerEvent({}), fakeContext());
    expect(byChange(harness.records())[SAE_STUCK]).toMatchObject({
      outcome: 'would_abort',
      mode: 'dry-run',
    });
    expect(byChange(harness.records())[SAE_STUCK]?.detail).toContain('no AbortChangeOrder sent');
    expect(sae!.calls('AbortChangeOrder')).toBe(0);
  });

  it('an HTTP abort names SAE change orders and applications; onAbort: rollback rolls back', async () => {
    const harness = await start({ platforms: { sae: { onAbort: 'rollback' } } });
    const result = await harness.handler(
      httpEvent({
        path: '/abort',
        body: JSON.stringify({ platform: 'sae', appIds: [SAE_APP2], note: 'hung' }),
      }),
      fakeContext(),
    );
    const summary = summaryOf(result as never);
    expect(summary.results).toHaveLength(1);
    const [rec] = harness.records();
    expect(rec).toMatchObject({
      platform: 'sae',
      changeId: SAE_FRESH,
      appId: SAE_APP2,
      outcome: 'aborted',
      reason: 'manual',
      note: 'hung',
      trigger: 'http',
    });
    expect(rec?.detail).toContain('accepted AbortAndRollbackChangeOrder');
    expect(sae!.rolledBack(SAE_FRESH)).toBe(true);
  });

  it('an HTTP abort of an unknown order never aborts anything', async () => {
    const harness = await start();
    const unknown = 'ba8e6c3c-9b1a-4ad2-9e1f-5f0e5c5e0999';
    await harness.handler(
      httpEvent({
        path: '/abort',
        body: JSON.stringify({ platform: 'sae', changeOrderIds: [unknown] }),
      }),
      fakeContext(),
    );
    expect(harness.records().find((x) => x.changeId === unknown)).toMatchObject({
      platform: 'sae',
      outcome: 'not_found',
      errorCode: 'InvalidChangeOrder.NotFound',
    });
    expect(sae!.calls('AbortChangeOrder')).toBe(0);
  });

  it('one bad id beside a good one refuses the whole SAE call: invalid, no platform call', async () => {
    const harness = await start();
    const callsBefore = sae!.calls('DescribeChangeOrder');
    await harness.handler(
      httpEvent({
        path: '/abort',
        body: JSON.stringify({
          platform: 'sae',
          changeOrderIds: ['ba8e6c3c-9b1a-4ad2-9e1f-5f0e5c5e0999', 'wc-5d3a963d5802611c4ddc0001'],
        }),
      }),
      fakeContext(),
    );
    const r = harness.records();
    expect(r.map((x) => x.outcome)).toEqual(['invalid']);
    expect(r[0]?.detail).toContain(
      'changeOrderIds[1]: an ChangeId where a ChangeOrderId was expected: the request is refused and nothing is acted on',
    );
    expect(sae!.calls('DescribeChangeOrder')).toBe(callsBefore);
    expect(sae!.calls('AbortChangeOrder')).toBe(0);
  });

  it('Web+ ids with platform sae are refused with 400 naming the field', async () => {
    const harness = await start();
    const result = (await harness.handler(
      httpEvent({
        path: '/abort',
        body: JSON.stringify({ platform: 'sae', changeIds: ['wc-5d3a963d5802611c4ddc0001'] }),
      }),
      fakeContext(),
    )) as { statusCode: number; body: string };
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body)).toMatchObject({ error: { field: 'changeIds' } });
    expect(harness.records()).toEqual([]);
  });

  it('a platform not in PLATFORMS gets one failed record and no call', async () => {
    const harness = await start({}, { PLATFORMS: 'webplus,sae' });
    await harness.handler(
      httpEvent({
        path: '/abort',
        body: JSON.stringify({ platform: 'edas', changeOrderIds: [EDAS_STUCK] }),
      }),
      fakeContext(),
    );
    expect(harness.records()).toEqual([
      expect.objectContaining({
        platform: 'edas',
        outcome: 'failed',
        errorCode: 'PlatformNotEnabled',
      }),
    ]);
    expect(edas!.journal()).toEqual([]);
    await harness.handler(timerEvent({}), fakeContext());
    expect(edas!.journal()).toEqual([]);
  });

  it('with the default PLATFORMS nothing is sent to SAE or EDAS', async () => {
    const harness = await start({}, { PLATFORMS: 'webplus' });
    await harness.handler(timerEvent({}), fakeContext());
    expect(sae!.journal()).toEqual([]);
    expect(edas!.journal()).toEqual([]);
    expect(harness.records().some((r) => r.platform === 'sae' || r.platform === 'edas')).toBe(
      false,
    );
  });

  it('an abort whose reply is lost is re-read: status 6 is recorded as aborted, once', async () => {
    const harness = await start(
      {},
      {},
      {
        ...world,
        sae: {
          ...world.sae,
          faults: [{ action: 'AbortChangeOrder', responses: [{ reset: true, applied: true }] }],
        },
      },
    );
    await harness.handler(
      httpEvent({
        path: '/abort',
        body: JSON.stringify({ platform: 'sae', changeOrderIds: [SAE_STUCK] }),
      }),
      fakeContext(),
    );
    const [rec] = harness.records();
    expect(rec).toMatchObject({ outcome: 'aborted', changeId: SAE_STUCK });
    expect(rec?.detail).toContain('re-read shows the order aborted');
    expect(sae!.calls('AbortChangeOrder', SAE_STUCK)).toBe(1);
  });
});
