/**
 * Red-team 12 H2 (high): `maxIdleMinutes: 5` and every reply's `Date` header +4 min 50 s (inside
 * the 5 min trust tolerance, shared/webplus/server-clock.ts) aborted a change that progressed a
 * minute ago, as "no progress for 5 min 49 s ... on Web+'s clock". An age that decides an abort
 * is now judged on both clocks and the smaller is used (shared/webplus/judging-clock.ts): no
 * abort unless both say the limit is exceeded, and the record says which clock gave the age.
 * Through the real handler, pop-core signing and the strict sandbox, behind a loopback proxy that
 * restamps every reply's `Date` header (nothing else changes); SAE and EDAS the same way.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type EdasSandbox, startEdasSandbox } from '../../sandbox/edas/server.js';
import { type SaeSandbox, startSaeSandbox } from '../../sandbox/sae/server.js';
import { type DateProxy, startDateProxy } from '../helpers/date-proxy.js';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { calls, change, changeId, scenario, summaryOf, timerEvent } from '../helpers/world.js';

const MIN = 60_000;
const SKEW = 4 * MIN + 50_000;

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

/** One running change (real clock) behind a proxy adding `offsetMs` to every `Date` header. */
async function webplus(offsetMs: number, idleMin: number, ageMin: number, policy: unknown) {
  let sandboxUrl = '';
  const proxy = await startDateProxy(
    () => sandboxUrl,
    () => true,
    offsetMs,
  );
  proxies.push(proxy);
  h = await startHarness(scenario([1], [change({ n: 1, env: 0, idleMin, ageMin })]), {
    policy,
    env: { WEBPLUS_ENDPOINT: proxy.url },
  });
  sandboxUrl = h.sandbox.url;
  return h;
}

const idle5 = { defaults: { mode: 'enforce', maxIdleMinutes: 5 } };

describe('H2: Web+, a Date header inside the tolerance moves no age upwards', () => {
  it('+4 min 50 s, maxIdleMinutes 5, progress 1 min ago: not stuck on the function clock, no AbortChange', async () => {
    // Arrange
    const harness = await webplus(SKEW, 1, 3, idle5);

    // Act
    const s = summaryOf(await harness.handler(timerEvent({}), fakeContext()));

    // Assert
    expect(calls(harness.sandbox.journal(), 'AbortChange')).toHaveLength(0);
    const r = s.results.find((x) => x.changeId === changeId(1));
    expect(r?.outcome).toBe('skipped');
    expect(r?.detail).toMatch(
      /^not stuck: idle 1 min \(limit 5\), running 3 min \(limit 240\) on the function's clock \(the smaller age: Web\+'s is 4 min 5\d s ahead of the function's\)$/,
    );
    const record = harness.records().find((x) => x.changeId === changeId(1));
    expect(record?.idleMinutes).toBe(1);
    expect(record?.clockSkewMs).toBeUndefined();
  });

  it('−4 min 50 s, maxIdleMinutes 5, progress 1 min ago: not stuck (Web+’s clock even smaller), no AbortChange', async () => {
    // Arrange
    const harness = await webplus(-SKEW, 1, 3, idle5);

    // Act
    const s = summaryOf(await harness.handler(timerEvent({}), fakeContext()));

    // Assert
    expect(calls(harness.sandbox.journal(), 'AbortChange')).toHaveLength(0);
    const r = s.results.find((x) => x.changeId === changeId(1));
    expect(r?.outcome).toBe('skipped');
    expect(r?.detail).toMatch(
      /^not stuck: idle 0 min \(limit 5\).* on Web\+'s clock \(4 min 5\d s behind the function's: the smaller age\)$/,
    );
    expect(harness.records()[0]?.clockSkewMs).toBeLessThan(-4 * MIN);
  });

  it('−4 min 50 s, maxIdleMinutes 5, progress 8 min ago (3 min on Web+’s clock): not stuck, no AbortChange', async () => {
    // Arrange
    const harness = await webplus(-SKEW, 8, 9, idle5);

    // Act
    const s = summaryOf(await harness.handler(timerEvent({}), fakeContext()));

    // Assert
    expect(calls(harness.sandbox.journal(), 'AbortChange')).toHaveLength(0);
    expect(s.results[0]?.detail).toMatch(/^not stuck: idle 3 min \(limit 5\)/);
  });

  it('+4 min 50 s, maxDurationMinutes 6, started 2 min ago: the running age is the smaller too', async () => {
    // Arrange
    const harness = await webplus(SKEW, 0, 2, {
      defaults: { mode: 'enforce', maxDurationMinutes: 6 },
    });

    // Act
    const s = summaryOf(await harness.handler(timerEvent({}), fakeContext()));

    // Assert
    expect(calls(harness.sandbox.journal(), 'AbortChange')).toHaveLength(0);
    expect(s.results[0]?.detail).toMatch(
      /^not stuck: idle 0 min \(limit 30\), running 2 min \(limit 6\)/,
    );
  });

  for (const [label, offsetMs, clock] of [
    ['+4 min 50 s', SKEW, "on the function's clock (the smaller age"],
    ['−4 min 50 s', -SKEW, "on Web+'s clock (4 min 5"],
  ] as const) {
    it(`${label}, idle 11 min: both clocks over the 5 min limit → aborted, the record naming the clock`, async () => {
      // Arrange
      const harness = await webplus(offsetMs, 11, 12, idle5);

      // Act
      const s = summaryOf(await harness.handler(timerEvent({}), fakeContext()));

      // Assert
      expect(calls(harness.sandbox.journal(), 'AbortChange')).toHaveLength(1);
      const r = s.results[0];
      expect(r?.outcome).toBe('aborted');
      expect(r?.detail).toMatch(/^no progress for (11|6) min \(more than the 5 min limit\)/);
      expect(r?.detail).toContain(clock);
    });
  }
});

const SAE_APP = '7171a6ca-d1cd-4928-8642-7d5cfe69b001';
const SAE_ORDER = 'ba8e6c3c-9b1a-4ad2-9e1f-5f0e5c5eb001';
const EDAS_APP = '6826ccd2-5c57-46c0-a2e5-6caca07cb001';
const EDAS_ORDER = '28ab8de8-22b9-430d-9952-00f67693b001';

async function platforms(offsetMs: number, order: Record<string, unknown>, policy: unknown) {
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
    offsetMs,
  );
  const edasProxy = await startDateProxy(
    () => edas!.url,
    () => true,
    offsetMs,
  );
  proxies.push(saeProxy, edasProxy);
  h = await startHarness(
    { apps: [], envs: [], changes: [] },
    {
      policy,
      env: {
        PLATFORMS: 'sae,edas',
        SAE_ENDPOINT: saeProxy.url,
        EDAS_ENDPOINT: edasProxy.url,
        SAE_QPS: '1000',
        EDAS_QPS: '1000',
      },
    },
  );
  await h.handler(timerEvent({}), fakeContext());
  return h.records();
}

describe('H2 on SAE and EDAS: the same smaller age', () => {
  for (const [label, offsetMs] of [
    ['+4 min 50 s', SKEW],
    ['−4 min 50 s', -SKEW],
  ] as const) {
    it(`${label}, maxIdleMinutes 5 and maxDurationMinutes 6, progress 1 min ago, started 2 min ago: no AbortChangeOrder`, async () => {
      // Arrange + Act
      const records = await platforms(
        offsetMs,
        { Status: 1, startedMinutesAgo: 2, idleMinutes: 1 },
        { defaults: { mode: 'enforce', maxIdleMinutes: 5, maxDurationMinutes: 6 } },
      );

      // Assert
      for (const box of [sae!, edas!])
        expect(box.calls('AbortChangeOrder') + box.calls('AbortAndRollbackChangeOrder')).toBe(0);
      for (const [platform, id] of [
        ['sae', SAE_ORDER],
        ['edas', EDAS_ORDER],
      ] as const) {
        const r = records.find((x) => x.changeId === id);
        expect(r?.outcome).toBe('skipped');
        expect(r?.detail).toMatch(
          /^not stuck: idle [01] min \(limit 5\), running [0-2] min \(limit 6\)/,
        );
        expect(r?.detail).toContain(
          offsetMs > 0
            ? `on the function's clock (the smaller age: ${platform}'s is 4 min 5`
            : `on ${platform}'s clock (4 min 5`,
        );
      }
    });
  }

  it('+4 min 50 s, idle 8 min: both clocks over the 5 min limit → aborted on the function clock', async () => {
    // Arrange + Act
    const records = await platforms(
      SKEW,
      { Status: 1, startedMinutesAgo: 9, idleMinutes: 8 },
      { defaults: { mode: 'enforce', maxIdleMinutes: 5 } },
    );

    // Assert
    expect(sae!.calls('AbortChangeOrder')).toBe(1);
    expect(edas!.calls('AbortChangeOrder')).toBe(1);
    const r = records.find((x) => x.changeId === SAE_ORDER);
    expect(r?.outcome).toBe('aborted');
    expect(r?.detail).toMatch(
      /^no batch progress for 8 min \(more than the 5 min limit\) on the function's clock/,
    );
  });
});
