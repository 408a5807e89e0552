/**
 * C03 (end to end): one middleware chain for every trigger must not assume HTTP. The handler is
 * called with Buffers of the timer, EventBridge, a JSON array of two envelopes and a CloudMonitor
 * rule push; each runs through pop-core signing to the sandbox.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import {
  calls,
  change,
  changeId,
  envId,
  freshAlarm,
  scenario,
  summaryOf,
} from '../helpers/world.js';

/** A fixture event; alarm fixtures freshened to fire now (stale alarms are ignored). */
function fixture(name: string): Buffer {
  return freshAlarm(readFileSync(new URL(`../fixtures/${name}`, import.meta.url)));
}

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** envs 0..3; changes 1, 2, 3 running in envs 1, 2, 3 (change 1 is stuck, 2 and 3 are not). */
function world() {
  return scenario(
    [4],
    [
      change({ n: 1, env: 1, idleMin: 90, ageMin: 95 }),
      change({ n: 2, env: 2, idleMin: 2, ageMin: 5 }),
      change({ n: 3, env: 3, idleMin: 2, ageMin: 5 }),
    ],
  );
}

describe('C03: every trigger runs through the real handler', () => {
  it('timer Buffer → a sweep: only the stuck change is aborted', async () => {
    // Arrange
    h = await startHarness(world());

    // Act
    const s = summaryOf(await h.handler(fixture('timer-sweep.json'), fakeContext()));

    // Assert
    expect(s.trigger).toBe('timer');
    expect(s.results).toHaveLength(3);
    expect(calls(h.sandbox.journal(), 'AbortChange').map((j) => j.changeId)).toEqual([changeId(1)]);
    expect(h.records().every((r) => r.triggerRef === 'sweep-stuck-changes')).toBe(true);
  });

  it('EventBridge Buffer → the change in data.dimensions is aborted (no idle wait)', async () => {
    // Arrange
    h = await startHarness(world());

    // Act
    const s = summaryOf(await h.handler(fixture('eventbridge-cms-alert.json'), fakeContext()));

    // Assert
    expect(s).toMatchObject({
      trigger: 'eventbridge',
      results: [{ changeId: changeId(2), outcome: 'aborted', attempts: 1 }],
    });
    expect(h.sandbox.abortCalls()).toBe(1);
    expect(h.records()[0]).toMatchObject({
      reason: 'alarm:alarmRule_uuid_00aa11bb22cc33dd44ee55ff',
      triggerRef: '45ef4dee-dd11-4c35-947a-bd93fab00001',
    });
  });

  it('a JSON array of two EventBridge envelopes → both changes aborted', async () => {
    // Arrange
    h = await startHarness(world());
    const one = JSON.parse(fixture('eventbridge-cms-alert.json').toString('utf8'));
    const two = {
      ...one,
      id: '45ef4dee-dd11-4c35-947a-bd93fab00002',
      data: { ...one.data, dimensions: `{userId=1, changeId=${changeId(3)}}` },
    };

    // Act
    const s = summaryOf(await h.handler(Buffer.from(JSON.stringify([one, two])), fakeContext()));

    // Assert
    expect(s.results.map((r) => [r.changeId, r.outcome])).toEqual([
      [changeId(2), 'aborted'],
      [changeId(3), 'aborted'],
    ]);
    expect(h.sandbox.abortCalls()).toBe(2);
  });

  it('a redelivered EventBridge event writes nothing new and calls nothing', async () => {
    // Arrange
    h = await startHarness(world());
    await h.handler(fixture('eventbridge-cms-alert.json'), fakeContext());
    const journalBefore = h.sandbox.journal().length;

    // Act
    const s = summaryOf(await h.handler(fixture('eventbridge-cms-alert.json'), fakeContext()));

    // Assert
    expect(s.results).toEqual([]);
    expect(h.records()).toHaveLength(1);
    expect(h.sandbox.journal()).toHaveLength(journalBefore);
  });

  it('a CloudMonitor rule push → the in-flight change of the environment in resources', async () => {
    // Arrange
    h = await startHarness(world());

    // Act
    const s = summaryOf(await h.handler(fixture('cms-rule-push.json'), fakeContext()));

    // Assert
    expect(s.results).toEqual([
      expect.objectContaining({ changeId: changeId(1), envId: envId(1), outcome: 'aborted' }),
    ]);
    expect(h.sandbox.abortCalls(changeId(1))).toBe(1);
  });

  it('a CloudMonitor callback (form body) → the environment in dimensions, HTTP 200', async () => {
    // Arrange
    h = await startHarness(world());

    // Act
    const result = await h.handler(fixture('cms-callback-alert.json'), fakeContext());

    // Assert
    expect(result).toMatchObject({ statusCode: 200 });
    expect(summaryOf(result).results).toEqual([
      expect.objectContaining({ changeId: changeId(1), outcome: 'aborted' }),
    ]);
    expect(h.warnings.join('\n')).not.toContain('local-dev-token-0001');
  });

  it('a CloudMonitor recovery callback → one ignored record, zero AbortChange', async () => {
    // Arrange
    h = await startHarness(world());

    // Act
    const result = await h.handler(fixture('cms-callback-recovery.json'), fakeContext());

    // Assert
    expect(result).toMatchObject({ statusCode: 200 });
    expect(h.records()).toEqual([expect.objectContaining({ outcome: 'ignored' })]);
    expect(calls(h.sandbox.journal(), 'AbortChange')).toHaveLength(0);
  });
});
