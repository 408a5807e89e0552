/**
 * Red-team 24 F10 on SAE and EDAS: a sweep reads every change order first and aborts after, so
 * an order's read can be minutes old when its AbortChangeOrder would start. Older than
 * `sweep.maxReadAgeSeconds`, the order is read again (DescribeChangeOrder / GetChangeOrderInfo)
 * and decided again; a re-read that fails is `skipped` naming the stale read, never aborted.
 * Through the real handler and the emulators (real signing); the monotonic clock is the test's
 * (it jumps 120 s once the first read has ended), never a timed wait.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type EdasSandbox, startEdasSandbox } from '../../sandbox/edas/server.js';
import { type SaeSandbox, startSaeSandbox } from '../../sandbox/sae/server.js';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { summaryOf, timerEvent } from '../helpers/world.js';

const SAE_APP = '7171a6ca-d1cd-4928-8642-7d5cfe69c001';
const SAE_ORDER = 'ba8e6c3c-9b1a-4ad2-9e1f-5f0e5c5ec001';
const EDAS_APP = '6826ccd2-5c57-46c0-a2e5-6caca07cc001';
const EDAS_ORDER = '28ab8de8-22b9-430d-9952-00f67693c001';

/** One stuck order on each platform (3 batches, the 2nd running; idle 120 min). */
function world() {
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
      changeOrders: [{ ChangeOrderId: SAE_ORDER, AppId: SAE_APP, ...order }],
    },
    edas: {
      apps: [{ AppId: EDAS_APP, Name: 'ticketcore-service' }],
      changeOrders: [{ ChangeOrderId: EDAS_ORDER, AppId: EDAS_APP, ...order }],
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

/** A clock reading real time until the first order read ended, then 120 s later. */
function jumpAfterReads(readsDone: () => boolean, onJump: () => void): () => number {
  let offset = 0;
  let ended = false;
  return () => {
    // The reading that notes a read's end sees no jump; every later one does.
    if (ended && offset === 0) {
      offset = 120_000;
      onJump();
    }
    if (readsDone()) ended = true;
    return performance.now() + offset;
  };
}

const READ = { sae: 'DescribeChangeOrder', edas: 'GetChangeOrderInfo' } as const;
const ORDER = { sae: SAE_ORDER, edas: EDAS_ORDER } as const;

async function start(platform: 'sae' | 'edas', onJump: () => void) {
  sae = await startSaeSandbox(world());
  edas = await startEdasSandbox(world());
  const emulator = platform === 'sae' ? sae : edas;
  h = await startHarness(
    { apps: [], envs: [], changes: [] },
    {
      policy: {},
      env: {
        ABORT_DRY_RUN: 'false',
        PLATFORMS: platform,
        SAE_ENDPOINT: sae.url,
        EDAS_ENDPOINT: edas.url,
        SAE_QPS: '1000',
        EDAS_QPS: '1000',
      },
      monoNow: jumpAfterReads(() => emulator.calls(READ[platform]) > 0, onJump),
    },
  );
  return { harness: h, emulator };
}

const abortsOf = (e: SaeSandbox | EdasSandbox) =>
  e.calls('AbortChangeOrder') + e.calls('AbortAndRollbackChangeOrder');

describe('an SAE / EDAS sweep re-reads an order whose read is older than sweep.maxReadAgeSeconds', () => {
  for (const platform of ['sae', 'edas'] as const) {
    it(`${platform}: still stuck on the re-read: aborted, the record naming the re-read`, async () => {
      // Arrange
      const { harness, emulator } = await start(platform, () => {});

      // Act
      const s = summaryOf(await harness.handler(timerEvent(), fakeContext()));

      // Assert
      const mine = s.results.filter((r) => r.changeId === ORDER[platform]);
      expect(mine).toHaveLength(1);
      expect(mine[0]!.outcome).toBe('aborted');
      expect(mine[0]!.detail).toMatch(
        /^read again 12\d s after the first read \(older than sweep\.maxReadAgeSeconds 60\): /,
      );
      expect(emulator.calls(READ[platform], ORDER[platform])).toBe(2);
      expect(abortsOf(emulator)).toBe(1);
    });

    it(`${platform}: the re-read fails: skipped naming the stale read, never aborted`, async () => {
      // Arrange
      let emulator: SaeSandbox | EdasSandbox | undefined;
      const started = await start(platform, () =>
        emulator!.setFaults([
          {
            action: READ[platform],
            responses: [{ status: 400, code: 'InvalidParameter', message: 'bad' }],
          },
        ]),
      );
      emulator = started.emulator;

      // Act
      const s = summaryOf(await started.harness.handler(timerEvent(), fakeContext()));

      // Assert
      const mine = s.results.filter((r) => r.changeId === ORDER[platform]);
      expect(mine).toHaveLength(1);
      expect(mine[0]!.outcome).toBe('skipped');
      expect(mine[0]!.detail).toMatch(
        /^read 12\d s before the abort \(sweep\.maxReadAgeSeconds 60\), re-read failed: .*not aborted \(fail closed\)/,
      );
      expect(abortsOf(emulator)).toBe(0);
    });
  }
});
