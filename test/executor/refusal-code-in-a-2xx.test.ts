/**
 * Red-team 12 F3: an AbortChange answered HTTP 200 whose body carries a refusal code (Web+
 * `ChangeFinished`, `ChangeOnAborting`, `Forbidden.RAM`; SAE `Application.ChangerOrder.Not.Running`)
 * was believed as that refusal without a re-read: a change still running was recorded
 * `already_finished`. A success status with an error body contradicts itself, so neither is
 * believed: the answer is ambiguous, the change is re-read (never re-sent:
 * shared/core/never-sent.ts), and the record follows what the re-read shows and names the reply.
 * Through the real handler, pop-core's signing and the strict sandboxes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type EdasSandbox, startEdasSandbox } from '../../sandbox/edas/server.js';
import { type SaeSandbox, startSaeSandbox } from '../../sandbox/sae/server.js';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { calls, change, changeId, scenario, summaryOf, timerEvent } from '../helpers/world.js';

let h: Harness | undefined;
let sae: SaeSandbox | undefined;
let edas: EdasSandbox | undefined;
afterEach(async () => {
  await h?.close();
  await sae?.close();
  await edas?.close();
  h = sae = edas = undefined;
});

/** A sweep over one stuck change whose AbortChange answers `response`. */
async function sweepWith(response: Record<string, unknown>) {
  h = await startHarness(
    scenario([1], [change({ n: 1, env: 0, idleMin: 90, ageMin: 95 })], {
      faults: [{ action: 'AbortChange', changeId: changeId(1), responses: [response] }],
    }),
  );
  const s = summaryOf(await h.handler(timerEvent(), fakeContext()));
  return { result: s.results.find((r) => r.changeId === changeId(1)), h };
}

describe('F3: a 200 AbortChange carrying a refusal code is ambiguous: re-read, never believed', () => {
  for (const code of ['ChangeFinished', 'ChangeOnAborting', 'Forbidden.RAM', 'Throttling.User']) {
    it(`200 ${code}, the change still running: failed (the re-read shows it running), one AbortChange`, async () => {
      // Act
      const { result, h: harness } = await sweepWith({ status: 200, code, message: 'refused' });

      // Assert
      expect(calls(harness.sandbox.journal(), 'AbortChange')).toHaveLength(1);
      expect(calls(harness.sandbox.journal(), 'DescribeChange').length).toBeGreaterThanOrEqual(2);
      expect(result?.outcome).toBe('failed');
      expect(result?.detail).toContain(
        `AbortChange: a 200 reply carrying the refusal code ${code} (refused): a success status with an error body, so neither is believed`,
      );
      expect(result?.detail).toContain('DescribeChange shows it still running');
    });
  }

  it('200 ChangeFinished while the abort did land (applied): aborted, from the re-read', async () => {
    // Act
    const { result, h: harness } = await sweepWith({
      status: 200,
      contentType: 'application/json',
      body: '{"Code":"ChangeFinished","Message":"finished","RequestId":"R-F3"}',
      applied: true,
    });

    // Assert
    expect(calls(harness.sandbox.journal(), 'AbortChange')).toHaveLength(1);
    expect(result?.outcome).toBe('aborted');
    expect(result?.detail).toContain('a 200 reply carrying the refusal code ChangeFinished');
    expect(result?.detail).toContain('DescribeChange shows the abort took effect');
  });

  it('control: 400 ChangeFinished is the documented refusal: already_finished, no re-read needed', async () => {
    // Act
    const { result } = await sweepWith({ status: 400, code: 'ChangeFinished' });

    // Assert
    expect(result?.outcome).toBe('already_finished');
  });
});

const SAE_APP = '7171a6ca-d1cd-4928-8642-7d5cfe69b001';
const SAE_ORDER = 'ba8e6c3c-9b1a-4ad2-9e1f-5f0e5c5eb001';
const EDAS_APP = '6826ccd2-5c57-46c0-a2e5-6caca07cb001';
const EDAS_ORDER = '28ab8de8-22b9-430d-9952-00f67693b001';

describe('F3 on SAE and EDAS: a 200 AbortChangeOrder carrying a refusal code is re-read', () => {
  it('SAE 200 Application.ChangerOrder.Not.Running, EDAS 200 Code 400, both orders running: failed, re-read, not already_finished', async () => {
    // Arrange
    const order = { Status: 1, startedMinutesAgo: 150, idleMinutes: 120 };
    const json = (body: string) => [{ status: 200, contentType: 'application/json', body }];
    const world = {
      apps: [],
      envs: [],
      changes: [],
      sae: {
        apps: [{ AppId: SAE_APP, AppName: 'checkout' }],
        changeOrders: [{ ChangeOrderId: SAE_ORDER, AppId: SAE_APP, ...order }],
        faults: [
          {
            action: 'AbortChangeOrder',
            responses: json(
              '{"Code":"Application.ChangerOrder.Not.Running","Message":"The change order is not running and cannot be terminated.","Success":false,"RequestId":"R-SAE"}',
            ),
          },
        ],
      },
      edas: {
        apps: [{ AppId: EDAS_APP, Name: 'orders' }],
        changeOrders: [{ ChangeOrderId: EDAS_ORDER, AppId: EDAS_APP, ...order }],
        faults: [
          {
            action: 'AbortChangeOrder',
            responses: json('{"Code":400,"Message":"not running","RequestId":"R-EDAS"}'),
          },
        ],
      },
    };
    sae = await startSaeSandbox(world);
    edas = await startEdasSandbox(world);
    h = await startHarness(
      { apps: [], envs: [], changes: [] },
      {
        env: {
          PLATFORMS: 'sae,edas',
          SAE_ENDPOINT: sae.url,
          EDAS_ENDPOINT: edas.url,
          SAE_QPS: '1000',
          EDAS_QPS: '1000',
        },
      },
    );

    // Act
    await h.handler(timerEvent({}), fakeContext());

    // Assert
    const records = h.records();
    const saeRecord = records.find((r) => r.changeId === SAE_ORDER);
    const edasRecord = records.find((r) => r.changeId === EDAS_ORDER);
    expect(saeRecord?.outcome).toBe('failed');
    expect(saeRecord?.detail).toContain(
      'a 200 reply carrying the refusal code Application.ChangerOrder.Not.Running',
    );
    expect(saeRecord?.detail).toContain('a re-read shows the order still running');
    expect(edasRecord?.outcome).toBe('failed');
    expect(edasRecord?.detail).toContain('a re-read shows the order still running');
    expect(sae.calls('AbortChangeOrder')).toBe(1);
    expect(edas.calls('AbortChangeOrder')).toBe(1);
    expect(sae.calls('DescribeChangeOrder')).toBeGreaterThan(1);
  });
});
