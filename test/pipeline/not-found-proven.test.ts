/**
 * Red-team 12 M1 (medium): a stuck change was recorded `not_found` (exit 0, no notification)
 * from answers that do not prove it absent. `not_found` only when absence is proven and nothing
 * read in this invocation contradicts it; otherwise `failed`, naming it. Through the real
 * handler, pop-core signing and the strict sandbox's scripted faults (docs/reference/scenario.md).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type SaeSandbox, startSaeSandbox } from '../../sandbox/sae/server.js';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { calls, change, changeId, scenario, timerEvent } from '../helpers/world.js';

let h: Harness | undefined;
let sae: SaeSandbox | undefined;
afterEach(async () => {
  await h?.close();
  await sae?.close();
  h = sae = undefined;
});

/** One stuck change (idle 45 min, limit 30) its environment lists as applying. */
async function webplus(faults: unknown[]) {
  h = await startHarness(
    scenario([1], [change({ n: 1, env: 0, idleMin: 45, ageMin: 60 })], { faults }),
    {
      policy: { defaults: { mode: 'enforce' } },
    },
  );
  await h.handler(timerEvent({}), fakeContext());
  return h.records().find((r) => r.changeId === changeId(1));
}

describe('M1: Web+ reads and aborts that do not prove absence are failed', () => {
  for (const [label, status, code] of [
    ['DescribeChange 200 ResourceAuthFailed', 200, 'ResourceAuthFailed'],
    ['DescribeChange 200 ChangeNotExists', 200, 'ChangeNotExists'],
    [
      'DescribeChange 500 ResourceAuthFailed (the listing showed it applying)',
      500,
      'ResourceAuthFailed',
    ],
  ] as const) {
    it(`${label}: failed naming the contradiction, no AbortChange`, async () => {
      // Arrange + Act
      const r = await webplus([
        { action: 'DescribeChange', changeId: changeId(1), responses: [{ status, code }] },
      ]);

      // Assert
      expect(calls(h!.sandbox.journal(), 'AbortChange')).toHaveLength(0);
      expect(r?.outcome).toBe('failed');
      expect(r?.errorCode).toBe(code);
      expect(r?.detail).toContain(`a ${status} reply carrying the refusal code ${code}`);
      expect(r?.detail).toContain('absence is not proven');
    });
  }

  it('control: DescribeChange 404 ChangeNotExists stays not_found (absence proven)', async () => {
    // Arrange + Act
    const r = await webplus([
      {
        action: 'DescribeChange',
        changeId: changeId(1),
        responses: [{ status: 404, code: 'ChangeNotExists' }],
      },
    ]);

    // Assert
    expect(r?.outcome).toBe('not_found');
  });

  it('AbortChange 403 ResourceAuthFailed right after DescribeChange read it running: failed, permission', async () => {
    // Arrange + Act
    const r = await webplus([
      {
        action: 'AbortChange',
        changeId: changeId(1),
        responses: [{ status: 403, code: 'ResourceAuthFailed' }],
      },
    ]);

    // Assert
    expect(calls(h!.sandbox.journal(), 'AbortChange')).toHaveLength(1);
    expect(r?.outcome).toBe('failed');
    expect(r?.errorCode).toBe('ResourceAuthFailed');
    expect(r?.detail).toContain('AbortChange: Web+ answered 403 ResourceAuthFailed');
    expect(r?.detail).toContain('permission refused, not proof that the change is absent');
  });
});

const SAE_APP = '7171a6ca-d1cd-4928-8642-7d5cfe69b001';
const SAE_ORDER = 'ba8e6c3c-9b1a-4ad2-9e1f-5f0e5c5eb001';

async function saeSweep(faults: unknown[]) {
  const world = {
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
          startedMinutesAgo: 60,
          idleMinutes: 45,
        },
      ],
      faults,
    },
  };
  sae = await startSaeSandbox(world);
  h = await startHarness(
    { apps: [], envs: [], changes: [] },
    {
      policy: { defaults: { mode: 'enforce' } },
      env: { PLATFORMS: 'sae', SAE_ENDPOINT: sae.url, SAE_QPS: '1000' },
    },
  );
  await h.handler(timerEvent({}), fakeContext());
  return h.records().find((r) => r.changeId === SAE_ORDER);
}

describe('M1 on SAE', () => {
  it('DescribeChangeOrder 200 InvalidChangeOrder.NotFound with Success:false: failed, no AbortChangeOrder', async () => {
    // Arrange + Act
    const r = await saeSweep([
      {
        action: 'DescribeChangeOrder',
        responses: [{ status: 200, code: 'InvalidChangeOrder.NotFound' }],
      },
    ]);

    // Assert
    expect(sae!.calls('AbortChangeOrder')).toBe(0);
    expect(r?.outcome).toBe('failed');
    expect(r?.detail).toContain('absence is not proven');
  });

  for (const code of ['InvalidChangeOrder.NotFound', 'InvalidAppId.NotFound']) {
    it(`AbortChangeOrder 400 ${code} after a running read: failed naming the contradiction`, async () => {
      // Arrange + Act
      const r = await saeSweep([
        { action: 'AbortChangeOrder', responses: [{ status: 400, code }] },
      ]);

      // Assert
      expect(sae!.calls('AbortChangeOrder')).toBe(1);
      expect(r?.outcome).toBe('failed');
      expect(r?.detail).toContain(
        `answered ${code} (not found) right after the change order was read in flight`,
      );
    });
  }
});
