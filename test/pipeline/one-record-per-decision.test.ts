/**
 * A sweep writes exactly one decision record per in-flight change it examined (stuck or not) and
 * none for quiet environments; record fields as docs/reference/record.md defines them. An abort
 * also has one intent record (`kind: "intent"`, red-team 25 G15), written before its request:
 * not a decision, so never counted as one (run summary, notification) and named by its
 * decision's `intentId`. `h.records()` are the decision records, `h.intents()` the intents.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type NotifyReceiver, startNotifyReceiver } from '../../sandbox/notify/server.js';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import {
  appId,
  change,
  changeId,
  envId,
  httpEvent,
  scenario,
  summaryOf,
  timerEvent,
} from '../helpers/world.js';

const MINUTE_MS = 60_000;
const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

let h: Harness | undefined;
let receiver: NotifyReceiver | undefined;
afterEach(async () => {
  await h?.close();
  await receiver?.close();
  h = receiver = undefined;
});

describe('one record per decision', () => {
  it('sweep: one record per in-flight change, none for quiet envs', async () => {
    // Arrange: 6 envs; 2 stuck, 1 running fine, 1 paused; 2 quiet (one finished, one never deployed)
    h = await startHarness(
      scenario(
        [3, 3],
        [
          change({ n: 0, env: 0, idleMin: 90, ageMin: 95 }),
          change({ n: 1, env: 1, idleMin: 45, ageMin: 50 }),
          change({ n: 2, env: 2, idleMin: 2, ageMin: 10 }),
          change({ n: 3, env: 3, idleMin: 90, ageMin: 95, extra: { paused: true } }),
          change({
            n: 4,
            env: 4,
            idleMin: 90,
            ageMin: 95,
            extra: { finished: true, succeed: true },
          }),
        ],
      ),
    );

    // Act
    const s = summaryOf(await h.handler(timerEvent(), fakeContext({ requestId: 'inv-0001' })));

    // Assert
    const records = h.records();
    expect(records.map((r) => r.changeId).sort()).toEqual([0, 1, 2, 3].map(changeId));
    expect(records.map((r) => r.envId)).not.toContain(envId(4));
    expect(records.map((r) => r.envId)).not.toContain(envId(5));
    expect(s.results).toHaveLength(4);
    const byId = new Map(records.map((r) => [r.changeId, r]));
    expect(byId.get(changeId(0))?.outcome).toBe('aborted');
    expect(byId.get(changeId(1))?.outcome).toBe('aborted');
    expect(byId.get(changeId(2))?.outcome).toBe('skipped');
    expect(byId.get(changeId(3))?.outcome).toBe('skipped');
    // The two aborts' intents, each before its decision and named by it; nothing else
    const all = h.allRecords();
    expect(all).toHaveLength(6);
    const intents = h.intents();
    expect(intents.map((r) => r.changeId).sort()).toEqual([0, 1].map(changeId));
    for (const intent of intents) {
      const decision = byId.get(intent.changeId)!;
      expect(intent).toMatchObject({ kind: 'intent', outcome: 'abort_sending', attempts: 0 });
      expect(decision.intentId).toBe(intent.recordId);
      expect(all.indexOf(intent)).toBeLessThan(
        all.findIndex((r) => r.recordId === decision.recordId),
      );
    }
    for (const id of [2, 3].map(changeId)) expect(byId.get(id)?.intentId).toBeUndefined();
  });

  it('intents are not decisions: the summary and the notification count each decision once', async () => {
    // Arrange: 2 stuck, 1 fine; a DingTalk target (the loopback receiver checks its signature)
    const secret = 'SEC-one-record-per-decision-01';
    receiver = await startNotifyReceiver({ kind: 'dingtalk', secret });
    h = await startHarness(
      scenario(
        [3],
        [
          change({ n: 0, env: 0, idleMin: 90, ageMin: 95 }),
          change({ n: 1, env: 1, idleMin: 45, ageMin: 50 }),
          change({ n: 2, env: 2, idleMin: 2, ageMin: 10 }),
        ],
      ),
      {
        policy: {
          notify: {
            targets: [
              {
                kind: 'dingtalk',
                urlEnv: 'NOTIFY_DINGTALK_URL',
                secretEnv: 'NOTIFY_DINGTALK_SECRET',
              },
            ],
          },
        },
        env: { NOTIFY_DINGTALK_URL: receiver.url, NOTIFY_DINGTALK_SECRET: secret },
      },
    );

    // Act
    const s = summaryOf(await h.handler(timerEvent(), fakeContext({ requestId: 'inv-0002' })));

    // Assert: 3 decisions, 2 intents, 1 notification record
    expect(s.results.map((r) => r.outcome).sort()).toEqual(['aborted', 'aborted', 'skipped']);
    expect(h.intents()).toHaveLength(2);
    expect(
      h
        .records()
        .map((r) => r.kind ?? r.outcome)
        .sort(),
    ).toEqual(['aborted', 'aborted', 'notification', 'skipped']);
    const text = receiver.accepted()[0]!.text;
    expect(text).toContain(`aborted ${changeId(0)}`);
    expect(text).toContain(`aborted ${changeId(1)}`);
    expect(text).not.toMatch(/abort_sending|intent/);
  });

  it('record fields: ISO time with ms, whole-minute ages, attempts, reason, triggerRef, invocationId', async () => {
    // Arrange: idle 45.5 min, age 95.9 min → 45 and 95 whole minutes
    const now = Date.now();
    h = await startHarness(
      scenario(
        [1],
        [
          {
            ChangeId: changeId(7),
            EnvId: envId(0),
            ActionName: 'Apply',
            CreateTime: now - 95.9 * MINUTE_MS,
            UpdateTime: now - 45.5 * MINUTE_MS,
          },
        ],
      ),
    );

    // Act
    const before = Date.now();
    await h.handler(timerEvent(), fakeContext({ requestId: 'inv-fields-0001' }));
    const after = Date.now();

    // Assert
    expect(h.records()).toHaveLength(1);
    const record = h.records()[0]!;
    expect(record).toMatchObject({
      changeId: changeId(7),
      envId: envId(0),
      appId: appId(0),
      trigger: 'timer',
      triggerRef: 'sweep-stuck-changes',
      invocationId: 'inv-fields-0001',
      reason: 'idle>30m',
      mode: 'enforce',
      outcome: 'aborted',
      attempts: 1,
      changeAgeMinutes: 95,
      idleMinutes: 45,
    });
    expect(record.time).toMatch(ISO_MS);
    const t = Date.parse(record.time);
    expect(t).toBeGreaterThanOrEqual(before);
    expect(t).toBeLessThanOrEqual(after);
    expect(Number.isInteger(record.latencyMs)).toBe(true);
    expect(record.latencyMs).toBeGreaterThanOrEqual(0);
    expect(record.webplusRequestId).toBeTruthy();
    expect(record.detail).toContain('45 min');
  });

  it('manual: one record per id, reason manual, note kept, triggerRef the HTTP request id', async () => {
    // Arrange
    h = await startHarness(
      scenario(
        [2],
        [
          change({ n: 1, env: 0, idleMin: 3, ageMin: 5 }),
          change({ n: 2, env: 1, idleMin: 3, ageMin: 5 }),
        ],
      ),
    );

    // Act
    await h.handler(
      httpEvent({
        path: '/abort',
        body: JSON.stringify({ changeIds: [changeId(1)], envIds: [envId(1)], note: 'hung batch' }),
        requestId: '1-6650a1b2-00000000000000000000abcd',
      }),
      fakeContext({ requestId: 'inv-manual-0001' }),
    );

    // Assert
    const records = h.records();
    expect(records).toHaveLength(2);
    for (const r of records) {
      expect(r).toMatchObject({
        trigger: 'http',
        triggerRef: '1-6650a1b2-00000000000000000000abcd',
        invocationId: 'inv-manual-0001',
        reason: 'manual',
        note: 'hung batch',
        outcome: 'aborted',
        attempts: 1,
      });
    }
  });
});
