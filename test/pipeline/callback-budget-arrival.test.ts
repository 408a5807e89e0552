/**
 * The CloudMonitor callback budget counts from the request's arrival at FC
 * (requestContext.timeEpoch), and one alarm acts on at most ALARM_MAX_IDS ids: the rest get a
 * `deferred` record each naming the cap. Through the real handler and the sandbox.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import {
  alarmFields,
  change,
  changeId,
  cmsCallback,
  envId,
  scenario,
  summaryOf,
} from '../helpers/world.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** A form callback naming `ids` (ChangeIds) and `envIds`, that reached FC at `arrivalMs`. */
function callback(ids: string[], arrivalMs: number, envIds: string[] = []): Buffer {
  // Fired just now: an alarm with no time, or an old one, is ignored.
  const dimensions = JSON.stringify([
    ...ids.map((id) => ({ changeId: id })),
    ...envIds.map((id) => ({ envId: id })),
  ]);
  return cmsCallback(alarmFields(dimensions, Date.now(), { ruleId: 'rule-many' }), {
    arrivalMs,
    requestId: '1-cb',
  });
}

const stuck = (n: number) =>
  Array.from({ length: n }, (_, i) => change({ n: i, env: i, idleMin: 90, ageMin: 95 }));

describe('callback budget from arrival, ids per alarm', () => {
  it('a callback that arrived 4 s ago (a slow cold start): nothing is sent, the answer goes at once', async () => {
    // Arrange
    h = await startHarness(scenario([1], stuck(1)));

    // Act
    const started = Date.now();
    const result = await h.handler(callback([changeId(0)], started - 4000), fakeContext());

    // Assert: arrival + 3.5 s is already past: no Web+ call, one timeout record
    const s = summaryOf(result);
    expect(h.sandbox.journal()).toHaveLength(0);
    expect(s.results).toEqual([
      expect.objectContaining({ changeId: changeId(0), outcome: 'timeout', attempts: 0 }),
    ]);
    expect(s.results[0]!.detail).toMatch(/not sent/);
  });

  it('a timeEpoch in the future: acted on, and every record says the arrival was not known and why', async () => {
    h = await startHarness(scenario([1], stuck(1)));
    const result = await h.handler(callback([changeId(0)], Date.now() + 60_000), fakeContext());
    const s = summaryOf(result);
    expect(s.results).toEqual([
      expect.objectContaining({ changeId: changeId(0), outcome: 'aborted' }),
    ]);
    const [record] = h.records();
    expect(record!.arrivalUnknown).toMatch(/^requestContext\.timeEpoch is \d+ ms in the future$/);
    expect(Number(/is (\d+) ms/.exec(record!.arrivalUnknown!)![1])).toBeGreaterThan(59_000);
  });

  it('no timeEpoch on the first invocation after a cold start 4 s ago: the budget counts from the cold start, nothing is sent', async () => {
    h = await startHarness(scenario([1], stuck(1)));
    h.runtime.coldStartAtMs = Date.now() - 4000;
    const event = JSON.parse(callback([changeId(0)], Date.now()).toString());
    delete event.requestContext.timeEpoch;
    const s = summaryOf(await h.handler(Buffer.from(JSON.stringify(event)), fakeContext()));
    expect(h.sandbox.journal()).toHaveLength(0);
    expect(s.results).toEqual([
      expect.objectContaining({ changeId: changeId(0), outcome: 'timeout', attempts: 0 }),
    ]);
    expect(h.records().map((r) => r.arrivalUnknown)).toEqual([
      'requestContext.timeEpoch is missing',
    ]);
    // The second invocation (no cold start now): counted from its own start, acted on.
    await h.handler(Buffer.from(JSON.stringify(event)), fakeContext({ requestId: 'second' }));
    expect(h.sandbox.abortCalls(changeId(0))).toBe(1);
  });

  it('a plausible timeEpoch: no arrivalUnknown on the records', async () => {
    h = await startHarness(scenario([1], stuck(1)));
    await h.handler(callback([changeId(0)], Date.now()), fakeContext());
    expect(h.records().map((r) => r.arrivalUnknown)).toEqual([undefined]);
  });

  it('30 ids in one alarm: the first 10 acted on, 20 deferred naming ALARM_MAX_IDS', async () => {
    // Arrange
    h = await startHarness(scenario([30], stuck(30)));
    const ids = Array.from({ length: 30 }, (_, n) => changeId(n));

    // Act
    const s = summaryOf(await h.handler(callback(ids, Date.now()), fakeContext()));

    // Assert
    expect(s.results.map((r) => r.changeId).sort()).toEqual([...ids].sort());
    const acted = s.results.filter((r) => r.outcome === 'aborted').map((r) => r.changeId);
    expect(acted.sort()).toEqual(ids.slice(0, 10).sort());
    const deferred = s.results.filter((r) => r.outcome === 'deferred');
    expect(deferred.map((r) => r.changeId).sort()).toEqual(ids.slice(10).sort());
    expect(deferred[0]!.detail).toBe(
      'not acted on: the alarm names 30 ids, more than ALARM_MAX_IDS (10); the first 10 were acted on, the next sweep re-checks this one',
    );
    expect(h.sandbox.abortCalls()).toBe(10);
  });

  it('ALARM_MAX_IDS 3, an alarm naming 5 EnvIds: 3 environments acted on, 2 deferred', async () => {
    // Arrange
    h = await startHarness(scenario([5], stuck(5)), { env: { ALARM_MAX_IDS: '3' } });

    // Act
    const s = summaryOf(
      await h.handler(callback([], Date.now(), [0, 1, 2, 3, 4].map(envId)), fakeContext()),
    );

    // Assert: the in-flight changes of environments 0..2 are aborted; 3 and 4 are deferred
    expect(
      s.results
        .filter((r) => r.outcome === 'aborted')
        .map((r) => r.changeId)
        .sort(),
    ).toEqual([0, 1, 2].map(changeId));
    expect(s.results.filter((r) => r.outcome === 'deferred')).toEqual([
      expect.objectContaining({ envId: envId(3), attempts: 0 }),
      expect.objectContaining({ envId: envId(4), attempts: 0 }),
    ]);
  });
});
