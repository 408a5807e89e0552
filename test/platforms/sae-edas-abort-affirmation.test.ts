/**
 * Red-team findings B3 (EDAS) and B4 (SAE) of issue 12: an AbortChangeOrder answered 2xx with
 * `Code` 200 beside `Success: false`, without `Data`, with `Data.ChangeOrderId` absent, not a
 * string or another order, with `Data.Success: false`, or with an `ErrorCode` / `Message`
 * naming a failure, was recorded `aborted`. The rule (docs/reference/sae-edas.md §2.6, §3.7): an
 * abort is accepted only on the exact documented body; every other 2xx is `unconfirmed`: sent
 * once, never again as a fresh abort, the order re-read, the outcome from the re-read (status 6
 * → `aborted`; still running → `failed`). Through the real handler, pop-core's signing and the
 * SAE / EDAS emulators (raw replies; `applied` when the abort really happened).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type EdasSandbox, startEdasSandbox } from '../../sandbox/edas/server.js';
import { type SaeSandbox, startSaeSandbox } from '../../sandbox/sae/server.js';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { timerEvent } from '../helpers/world.js';

const SAE_APP = '7171a6ca-d1cd-4928-8642-7d5cfe69c001';
const SAE_ORDER = 'ba8e6c3c-9b1a-4ad2-9e1f-5f0e5c5ec001';
const EDAS_APP = '6826ccd2-5c57-46c0-a2e5-6caca07cc001';
const EDAS_ORDER = '28ab8de8-22b9-430d-9952-00f67693c001';
const JSON_CT = 'application/json;charset=utf-8';

let h: Harness | undefined;
let sae: SaeSandbox | undefined;
let edas: EdasSandbox | undefined;
afterEach(async () => {
  await h?.close();
  await sae?.close();
  await edas?.close();
  h = sae = edas = undefined;
});

/** One stuck order on `platform`, its abort answering `body` (HTTP 200) on every attempt. */
async function sweepWith(platform: 'sae' | 'edas', body: string, applied: boolean) {
  const order = platform === 'sae' ? SAE_ORDER : EDAS_ORDER;
  const reply = { status: 200, contentType: JSON_CT, body };
  const section = {
    apps: [
      platform === 'sae'
        ? { AppId: SAE_APP, AppName: 'checkout' }
        : { AppId: EDAS_APP, Name: 'orders' },
    ],
    changeOrders: [
      {
        ChangeOrderId: order,
        AppId: platform === 'sae' ? SAE_APP : EDAS_APP,
        Status: 1,
        startedMinutesAgo: 150,
        idleMinutes: 120,
      },
    ],
    faults: [
      {
        action: 'AbortChangeOrder',
        changeOrderId: order,
        responses: [{ ...reply, ...(applied ? { applied: true } : {}) }, reply, reply, reply],
      },
    ],
  };
  const world = { apps: [], envs: [], changes: [], [platform]: section };
  if (platform === 'sae') sae = await startSaeSandbox(world);
  else edas = await startEdasSandbox(world);
  h = await startHarness(
    { apps: [], envs: [], changes: [] },
    {
      env: {
        PLATFORMS: platform,
        ...(platform === 'sae'
          ? { SAE_ENDPOINT: sae!.url, SAE_QPS: '1000' }
          : { EDAS_ENDPOINT: edas!.url, EDAS_QPS: '1000' }),
        RETRY_BASE_MS: '10',
      },
    },
  );
  await h.handler(timerEvent({}), fakeContext());
  const record = h.records().find((r) => r.changeId === order);
  const sent =
    platform === 'sae' ? sae!.calls('AbortChangeOrder') : edas!.calls('AbortChangeOrder');
  return { record, sent };
}

const SAE_OK = {
  RequestId: '91F93257-7A4A-4BD3-9A7E-2F6EAE6D0001',
  Message: 'success',
  TraceId: '0a98a02315955564772843261e0001',
  Data: { ChangeOrderId: SAE_ORDER },
  ErrorCode: '空',
  Code: '200',
  Success: true,
};
const EDAS_OK = {
  Code: 200,
  Message: 'success',
  RequestId: '57F146F6-3C94-0000-0000-A66EF4B90001',
  TraceId: '0b59000b159470000556886560001',
  ErrorCode: 'success',
  Data: { ChangeOrderId: EDAS_ORDER },
};
const sae_ = (over: Record<string, unknown>) => JSON.stringify({ ...SAE_OK, ...over });
const edas_ = (over: Record<string, unknown>) => JSON.stringify({ ...EDAS_OK, ...over });
const without = (base: Record<string, unknown>, key: string) =>
  JSON.stringify(Object.fromEntries(Object.entries(base).filter(([k]) => k !== key)));

const CASES: ['sae' | 'edas', string, string, string][] = [
  // B4 (SAE, §2.6: accepted = Success true and Data.ChangeOrderId)
  ['sae', 'Data absent', without(SAE_OK, 'Data'), 'carried Data absent'],
  [
    'sae',
    'Data.ChangeOrderId an array',
    sae_({ Data: { ChangeOrderId: [SAE_ORDER] } }),
    'named no change order',
  ],
  [
    'sae',
    'Data.Success false',
    sae_({ Data: { ChangeOrderId: SAE_ORDER, Success: false } }),
    'Data.Success false',
  ],
  ['sae', 'Success false beside Code "200"', sae_({ Success: false }), 'Success'],
  ['sae', 'Success "False" (a string)', sae_({ Success: 'False' }), 'carried Success "False"'],
  [
    'sae',
    'ErrorCode naming a failure',
    sae_({ ErrorCode: 'Abort.Failed' }),
    'carried ErrorCode "Abort.Failed"',
  ],
  ['sae', 'Code "200 " (an unknown code)', sae_({ Code: '200 ' }), 'not a documented one'],
  // rt12 L1: a blank RequestId is no RequestId.
  ['sae', 'RequestId " " (blank)', sae_({ RequestId: ' ' }), 'carried no RequestId'],
  ['edas', 'RequestId " " (blank)', edas_({ RequestId: ' ' }), 'carried no RequestId'],
  // B3 (EDAS, §3.7: Code the number 200, Data.ChangeOrderId equal to the order)
  ['edas', 'Success false beside Code 200', edas_({ Success: false }), 'carried Success false'],
  ['edas', 'Data absent', without(EDAS_OK, 'Data'), 'carried Data absent'],
  ['edas', 'Data.ChangeOrderId absent', edas_({ Data: {} }), 'named no change order'],
  [
    'edas',
    'Data.ChangeOrderId a number',
    edas_({ Data: { ChangeOrderId: 42 } }),
    'named no change order',
  ],
  [
    'edas',
    'Data.ChangeOrderId another order',
    edas_({ Data: { ChangeOrderId: SAE_ORDER } }),
    'named another change order',
  ],
  [
    'edas',
    'ErrorCode naming a failure',
    edas_({ ErrorCode: 'Abort.Failed' }),
    'carried ErrorCode "Abort.Failed"',
  ],
  [
    'edas',
    'Message naming a failure',
    edas_({ Message: 'abort failed' }),
    'carried Message "abort failed"',
  ],
  [
    'edas',
    'Code the string "200"',
    edas_({ Code: '200' }),
    'carried Code "200", not the documented one',
  ],
];

describe('B3, B4: an SAE / EDAS abort reply that is not exactly the affirmation is re-read, never re-sent', () => {
  for (const [platform, label, body, words] of CASES) {
    it(`${platform}: ${label}: aborted only when the re-read shows status 6; one AbortChangeOrder`, async () => {
      // Act
      const landed = await sweepWith(platform, body, true);
      await h?.close();
      await sae?.close();
      await edas?.close();
      h = sae = edas = undefined;
      const lost = await sweepWith(platform, body, false);

      // Assert
      expect(landed.record?.outcome).toBe('aborted');
      expect(landed.record?.detail).toContain(words);
      expect(landed.record?.detail).toContain('a re-read shows the order aborted (status 6)');
      expect(landed.sent).toBe(1);
      expect(lost.record?.outcome).toBe('failed');
      expect(lost.record?.detail).toContain(words);
      expect(lost.record?.detail).toContain('still running');
      expect(lost.sent).toBe(1);
    });
  }

  it.each([
    ['sae', JSON.stringify(SAE_OK)],
    ['sae', sae_({ Code: 200, ErrorCode: '' })],
    ['edas', JSON.stringify(EDAS_OK)],
  ] as const)('%s: the documented body is aborted at once', async (platform, body) => {
    // Act
    const { record, sent } = await sweepWith(platform, body, true);

    // Assert
    expect(record?.outcome).toBe('aborted');
    expect(record?.detail).toContain(`${platform} accepted AbortChangeOrder`);
    expect(sent).toBe(1);
  });
});
