/**
 * Red-team 12 F8 (high): a proxy adding 3 h to every reply's `Date` header made Web+'s clock
 * look 3 h ahead, so a change running for minutes looked stuck for hours and was aborted. The
 * kind: a `Date` header that agrees with itself but not with the function's clock by more than
 * CLOCK_TRUST_TOLERANCE_MS (5 min) is a claim two clocks contradict; which is wrong cannot be
 * told, so Web+'s clock is unknown: a sweep judges no stuck age (no abort), and the record names
 * the header and the function's clock. Through the real handler, pop-core's signing and the
 * strict sandbox, behind a loopback proxy that restamps every reply's `Date` header (nothing
 * else on the wire changes). SAE and EDAS read their clocks the same way (same proxy).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type EdasSandbox, startEdasSandbox } from '../../sandbox/edas/server.js';
import { type SaeSandbox, startSaeSandbox } from '../../sandbox/sae/server.js';
import { type DateProxy, startDateProxy } from '../helpers/date-proxy.js';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import {
  calls,
  change,
  changeId,
  envId,
  eventBridgeEvent,
  scenario,
  summaryOf,
  timerEvent,
} from '../helpers/world.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

let h: Harness | undefined;
let proxies: DateProxy[] = [];
let sae: SaeSandbox | undefined;
let edas: EdasSandbox | undefined;
afterEach(async () => {
  await h?.close();
  for (const p of proxies) await p.close();
  await sae?.close();
  await edas?.close();
  h = sae = edas = undefined;
  proxies = [];
});

/**
 * One healthy change that only looks old on a skewed clock: idle 25 min, running 30 min on the
 * real clock (limits 30 and 240): 10 min more makes it look idle 35 min, 3 h more 205 min.
 */
async function webplus(offsetMs: number) {
  let sandboxUrl = '';
  const proxy = await startDateProxy(
    () => sandboxUrl,
    () => true,
    offsetMs,
  );
  proxies.push(proxy);
  h = await startHarness(scenario([1], [change({ n: 1, env: 0, idleMin: 25, ageMin: 30 })]), {
    env: { WEBPLUS_ENDPOINT: proxy.url },
  });
  sandboxUrl = h.sandbox.url;
  return h;
}

describe('F8: a Date header far from the function clock makes Web+’s clock unknown', () => {
  for (const [label, offsetMs, words] of [
    ['+3 h', 3 * HOUR, '180 min ahead of'],
    ['-3 h', -3 * HOUR, '180 min behind'],
    ['+10 min', 10 * MIN, '10 min ahead of'],
  ] as const) {
    it(`sweep, Date ${label}: no AbortChange, skipped naming the header and the function's clock`, async () => {
      // Arrange
      const harness = await webplus(offsetMs);

      // Act
      const s = summaryOf(await harness.handler(timerEvent({}), fakeContext()));

      // Assert
      expect(calls(harness.sandbox.journal(), 'AbortChange')).toHaveLength(0);
      const result = s.results.find((r) => r.changeId === changeId(1));
      expect(result?.outcome).toBe('skipped');
      expect(result?.detail).toMatch(
        /^Web\+'s clock is unknown: its Date header says \w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT, the function's clock said \d{4}-\d\d-\d\dT[\d:.]+Z when that reply arrived: /,
      );
      expect(result?.detail).toContain(
        `${words} the function's clock, more than the 5 min tolerance`,
      );
      expect(result?.detail).toContain('not aborted (fail closed)');
      const record = harness.records().find((r) => r.changeId === changeId(1));
      expect(record?.clockSkewMs).toBeUndefined();
      // The ages in the record are the function clock's (idle 25 min), not the header's.
      expect(record?.idleMinutes).toBe(25);
    });
  }

  it('control: Date +4 min (within the tolerance): both clocks judge, the smaller age (the function’s, 25 min) is used', async () => {
    // Arrange
    const harness = await webplus(4 * MIN);

    // Act
    const s = summaryOf(await harness.handler(timerEvent({}), fakeContext()));

    // Assert
    const result = s.results.find((r) => r.changeId === changeId(1));
    expect(result?.detail).toMatch(
      /^not stuck: idle 25 min \(limit 30\).* on the function's clock \(the smaller age: Web\+'s is 4 min/,
    );
    expect(harness.records()[0]?.clockSkewMs).toBeUndefined();
  });

  it('an alarm under Date +3 h is not called stale on the header’s clock: judged on the function clock, naming it', async () => {
    // Arrange
    const harness = await webplus(3 * HOUR);

    // Act: an alarm that fired just now (EventBridge), naming the change and its environment
    const s = summaryOf(
      await harness.handler(
        eventBridgeEvent('evt-f8', `{changeId=${changeId(1)}, envId=${envId(0)}}`),
        fakeContext(),
      ),
    );

    // Assert
    const result = s.results.find((r) => r.changeId === changeId(1));
    expect(result?.outcome).toBe('aborted');
    expect(result?.detail).toContain("Web+'s clock is unknown (its Date header says");
    expect(result?.detail).toContain("judged on the function's clock");
  });
});

const SAE_APP = '7171a6ca-d1cd-4928-8642-7d5cfe69b001';
const SAE_ORDER = 'ba8e6c3c-9b1a-4ad2-9e1f-5f0e5c5eb001';
const EDAS_APP = '6826ccd2-5c57-46c0-a2e5-6caca07cb001';
const EDAS_ORDER = '28ab8de8-22b9-430d-9952-00f67693b001';

describe('F8 on SAE and EDAS: the same tolerance for their Date headers', () => {
  it('Date +3 h on both: no AbortChangeOrder, each skipped naming its clock', async () => {
    // Arrange: one order on each, idle 25 min (limit 30) on the real clock
    const order = { Status: 1, startedMinutesAgo: 30, idleMinutes: 25 };
    const world = {
      apps: [],
      envs: [],
      changes: [],
      sae: {
        apps: [{ AppId: SAE_APP, AppName: 'checkout' }],
        changeOrders: [{ ChangeOrderId: SAE_ORDER, AppId: SAE_APP, ...order }],
      },
      edas: {
        apps: [{ AppId: EDAS_APP, Name: 'orders' }],
        changeOrders: [{ ChangeOrderId: EDAS_ORDER, AppId: EDAS_APP, ...order }],
      },
    };
    sae = await startSaeSandbox(world);
    edas = await startEdasSandbox(world);
    const saeProxy = await startDateProxy(
      () => sae!.url,
      () => true,
      3 * HOUR,
    );
    const edasProxy = await startDateProxy(
      () => edas!.url,
      () => true,
      3 * HOUR,
    );
    proxies.push(saeProxy, edasProxy);
    h = await startHarness(
      { apps: [], envs: [], changes: [] },
      {
        policy: { defaults: { mode: 'enforce' } },
        env: {
          PLATFORMS: 'sae,edas',
          SAE_ENDPOINT: saeProxy.url,
          EDAS_ENDPOINT: edasProxy.url,
          SAE_QPS: '1000',
          EDAS_QPS: '1000',
        },
      },
    );

    // Act
    await h.handler(timerEvent({}), fakeContext());

    // Assert
    const records = h.records();
    for (const box of [sae, edas])
      expect(box.calls('AbortChangeOrder') + box.calls('AbortAndRollbackChangeOrder')).toBe(0);
    for (const [platform, id] of [
      ['sae', SAE_ORDER],
      ['edas', EDAS_ORDER],
    ] as const) {
      const r = records.find((x) => x.changeId === id);
      expect(r?.outcome).toBe('skipped');
      expect(r?.detail).toContain(`${platform}'s clock is unknown: its Date header says`);
      expect(r?.detail).toContain('more than the 5 min tolerance');
    }
  });
});
