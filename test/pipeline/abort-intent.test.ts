/**
 * Red-team 25 G15, every trigger: before the first abort request of a decision its intent
 * record (`kind: "intent"`, outcome `abort_sending`) is handed to the store and its write has
 * ended; the decision's own record follows and names it (`intentId`). When the store does not
 * take the intent, or its write cannot end before the request has to start, the abort is not
 * sent and the decision's record says so. Through the real handler, the Web+ sandbox and the
 * SAE emulator (pop-core signing over HTTP); the kill case is in
 * abort-records-survive-kill.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { OutcomeRecord } from '#shared/model/record.js';
import type { OutcomeStore, WriteContext } from '#shared/outcome-log/store.js';
import { type SaeSandbox, startSaeSandbox } from '../../sandbox/sae/server.js';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import {
  alarmFields,
  change,
  changeId,
  cmsCallback,
  envId,
  httpEvent,
  scenario,
  summaryOf,
} from '../helpers/world.js';

let h: Harness | undefined;
let sae: SaeSandbox | undefined;
afterEach(async () => {
  await h?.close();
  await sae?.close();
  h = sae = undefined;
});

const stuck = () => scenario([1], [change({ n: 1, env: 0, idleMin: 90, ageMin: 95 })]);

/**
 * The log of one abort: its intent first, then its decision record naming it; the intent was
 * in the store before the platform received the request (record time ≤ journal arrival time,
 * both on the real clock).
 */
function expectIntentThenDecision(all: OutcomeRecord[], id: string, arrivalIso: string) {
  const mine = all.filter((r) => r.changeId === id);
  expect(mine.map((r) => [r.kind, r.outcome])).toEqual([
    ['intent', 'abort_sending'],
    [undefined, 'aborted'],
  ]);
  const [intent, decision] = mine as [OutcomeRecord, OutcomeRecord];
  expect(intent).toMatchObject({ mode: 'enforce', attempts: 0 });
  expect(intent.webplusRequestId).toBeUndefined();
  expect(intent.detail).toMatch(/is about to be sent/);
  expect(decision.intentId).toBe(intent.recordId);
  expect(Date.parse(intent.time)).toBeLessThanOrEqual(Date.parse(arrivalIso));
  for (const k of ['trigger', 'triggerRef', 'invocationId', 'reason', 'envId', 'appId'] as const)
    expect(intent[k], k).toBe(decision[k]);
  return { intent, decision };
}

describe('an intent record before every abort request (red-team 25 G15)', () => {
  it('HTTP POST /abort by ChangeId: intent, then the decision; the summary has the decision once', async () => {
    // Arrange
    h = await startHarness(stuck());

    // Act
    const s = summaryOf(
      await h.handler(
        httpEvent({
          path: '/abort',
          body: JSON.stringify({ changeIds: [changeId(1)], note: 'hung' }),
        }),
        fakeContext({ requestId: 'inv-intent-http' }),
      ),
    );

    // Assert
    const abort = h.sandbox.journal().find((j) => j.action === 'AbortChange')!;
    const { intent } = expectIntentThenDecision(h.allRecords(), changeId(1), abort.time);
    expect(intent).toMatchObject({ trigger: 'http', reason: 'manual', note: 'hung' });
    expect(s.results.map((r) => r.outcome)).toEqual(['aborted']);
    expect(h.records().map((r) => r.outcome)).toEqual(['aborted']);
  });

  it('CloudMonitor alarm callback naming the environment: intent, then the decision', async () => {
    // Arrange
    h = await startHarness(stuck());

    // Act
    await h.handler(
      cmsCallback(alarmFields(`{envId=${envId(0)}}`, Date.now() - 10_000), {
        arrivalMs: Date.now(),
      }),
      fakeContext({ requestId: 'inv-intent-cms' }),
    );

    // Assert
    const abort = h.sandbox.journal().find((j) => j.action === 'AbortChange')!;
    const { intent } = expectIntentThenDecision(h.allRecords(), changeId(1), abort.time);
    expect(intent.trigger).toBe('cms-callback');
    expect(intent.reason).toMatch(/^alarm:/);
  });

  it('SAE abort by ChangeOrderId: intent naming AbortChangeOrder and the region, then the decision', async () => {
    // Arrange
    const app = '7171a6ca-d1cd-4928-8642-7d5cfe69a001';
    const order = 'ba8e6c3c-9b1a-4ad2-9e1f-5f0e5c5e0001';
    sae = await startSaeSandbox({
      apps: [],
      envs: [],
      changes: [],
      sae: {
        apps: [{ AppId: app, AppName: 'checkout' }],
        changeOrders: [
          { ChangeOrderId: order, AppId: app, Status: 1, startedMinutesAgo: 150, idleMinutes: 120 },
        ],
      },
    });
    h = await startHarness(
      { apps: [], envs: [], changes: [] },
      { env: { PLATFORMS: 'webplus,sae', SAE_ENDPOINT: sae.url, SAE_QPS: '1000' } },
    );

    // Act
    await h.handler(
      httpEvent({
        path: '/abort',
        body: JSON.stringify({ platform: 'sae', changeOrderIds: [order] }),
      }),
      fakeContext(),
    );

    // Assert
    const abort = sae.journal().find((j) => j.action === 'AbortChangeOrder')!;
    expect(abort).toBeDefined();
    const { intent } = expectIntentThenDecision(h.allRecords(), order, abort.time);
    expect(intent).toMatchObject({ platform: 'sae', appId: app });
    expect(intent.regionId).toBeTruthy();
    expect(intent.detail).toMatch(/^AbortChangeOrder of /);
  });

  it('a store that cannot take the intent before the request must start: not sent, timeout naming it', async () => {
    // Arrange: every write hangs until the write deadline, then fails (a hung NFS mount, a
    // stalled SLS); the function has 6 s, one attempt 1 s
    const hanging: OutcomeStore = {
      name: 'file',
      target: 'file (hangs)',
      async write(_records: readonly OutcomeRecord[], ctx: WriteContext) {
        await new Promise((r) => setTimeout(r, Math.max(0, ctx.deadlineMs - Date.now() - 20)));
        throw new Error('the store did not answer');
      },
    };
    h = await startHarness(stuck(), { store: hanging, env: { ATTEMPT_TIMEOUT_MS: '1000' } });

    // Act
    const s = summaryOf(
      await h.handler(
        httpEvent({ path: '/abort', body: JSON.stringify({ changeIds: [changeId(1)] }) }),
        fakeContext({ function: { name: 'f', handler: 'index.handler', memory: 256, timeout: 6 } }),
      ),
    );

    // Assert: no AbortChange left; the decision says why; the intent is on the fallback
    expect(h.sandbox.journal().filter((j) => j.action === 'AbortChange')).toEqual([]);
    expect(s.results).toHaveLength(1);
    expect(s.results[0]).toMatchObject({ changeId: changeId(1), outcome: 'timeout', attempts: 0 });
    expect(s.results[0]!.detail).toMatch(
      /^AbortChange not sent: its intent record could not be written to the outcome log first \(its write had not ended when the request had to start/,
    );
    const fallback = h.stdoutLines.map((l) => JSON.parse(l) as OutcomeRecord);
    const intent = fallback.find((r) => r.kind === 'intent');
    expect(intent).toMatchObject({ changeId: changeId(1), outcome: 'abort_sending' });
    expect(fallback.find((r) => r.kind === undefined)?.intentId).toBe(intent!.recordId);
  }, 20_000);
});
