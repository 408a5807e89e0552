/**
 * Issue 10, kind 1: stale alarms. An alarm that fired before the change it would target was
 * created never aborts that change (a late alarm about the previous deploy must not abort the
 * fix); an alarm older than `alarmMaxAgeMinutes` (default 15) is `ignored` with its age; one
 * with no readable time, or from the future beyond the 60 s slack, too. Every alarm shape:
 * callback (HTTP form), EventBridge (data.timestamp, or the envelope's `time`), rule push.
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
  eventBridgeEnvelope,
  rulePushFields,
  scenario,
  summaryOf,
} from '../helpers/world.js';

const MIN = 60_000;
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

type Shape = 'callback' | 'eventbridge' | 'eventbridge-envelope-time' | 'rule-push';
const SHAPES: Shape[] = ['callback', 'eventbridge', 'eventbridge-envelope-time', 'rule-push'];

/** An alarm of `shape` naming `dims`, fired at `atMs` (undefined: no time at all). */
function alarm(shape: Shape, dims: Record<string, string>, atMs: number | undefined): Buffer {
  const javaMap = `{${Object.entries(dims)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ')}}`;
  // The time is in `timestamp`, except for the envelope-time shape and an alarm with no time.
  const fields: Record<string, string> = alarmFields(javaMap, atMs ?? 0);
  if (atMs === undefined || shape === 'eventbridge-envelope-time') delete fields.timestamp;
  if (shape === 'callback') return cmsCallback(fields);
  if (shape === 'rule-push') {
    const { time: _time, ...untimedPush } = rulePushFields(dims, 0, { metricData: {} });
    return Buffer.from(
      JSON.stringify(atMs === undefined ? untimedPush : rulePushFields(dims, atMs)),
    );
  }
  return eventBridgeEnvelope(fields, {
    time:
      atMs !== undefined && shape === 'eventbridge-envelope-time'
        ? new Date(atMs).toISOString()
        : undefined,
  });
}

describe('kind 1: stale alarms never abort', () => {
  for (const shape of SHAPES) {
    it(`${shape}: a fresh alarm naming the environment aborts its in-flight change`, async () => {
      // Arrange
      h = await startHarness(scenario([1], [change({ n: 1, env: 0, idleMin: 2, ageMin: 5 })]));

      // Act
      const s = summaryOf(
        await h.handler(alarm(shape, { envId: envId(0) }, Date.now() - 60_000), fakeContext()),
      );

      // Assert
      expect(s.results).toEqual([
        expect.objectContaining({ changeId: changeId(1), outcome: 'aborted' }),
      ]);
      expect(h.sandbox.abortCalls()).toBe(1);
    });

    it(`${shape}: an alarm that fired before the change was created never aborts it`, async () => {
      // Arrange: the fix was deployed 5 min ago; the alarm is about the deploy before it (8 min ago).
      h = await startHarness(scenario([1], [change({ n: 1, env: 0, idleMin: 1, ageMin: 5 })]));

      // Act
      const s = summaryOf(
        await h.handler(alarm(shape, { envId: envId(0) }, Date.now() - 8 * MIN), fakeContext()),
      );

      // Assert
      expect(h.sandbox.abortCalls()).toBe(0);
      expect(s.results).toEqual([
        expect.objectContaining({ changeId: changeId(1), outcome: 'skipped' }),
      ]);
      expect(s.results[0]?.detail).toMatch(/before this change was created.*clock slack 60 s/);
    });

    it(`${shape}: an alarm older than alarmMaxAgeMinutes (15) is ignored with its age`, async () => {
      // Arrange
      h = await startHarness(scenario([1], [change({ n: 1, env: 0, idleMin: 90, ageMin: 95 })]));

      // Act
      const s = summaryOf(
        await h.handler(alarm(shape, { envId: envId(0) }, Date.now() - 16 * MIN), fakeContext()),
      );

      // Assert
      expect(h.sandbox.abortCalls()).toBe(0);
      expect(h.sandbox.journal()).toHaveLength(0);
      expect(s.results).toEqual([expect.objectContaining({ outcome: 'ignored' })]);
      expect(s.results[0]?.detail).toMatch(
        /fired 16 min( \d+ s)? ago.*alarmMaxAgeMinutes \(15 min\)/,
      );
    });

    it(`${shape}: an alarm with no readable time is ignored`, async () => {
      // Arrange
      h = await startHarness(scenario([1], [change({ n: 1, env: 0, idleMin: 90, ageMin: 95 })]));

      // Act
      const s = summaryOf(
        await h.handler(alarm(shape, { changeId: changeId(1) }, undefined), fakeContext()),
      );

      // Assert
      expect(h.sandbox.abortCalls()).toBe(0);
      expect(s.results).toEqual([expect.objectContaining({ outcome: 'ignored' })]);
      expect(s.results[0]?.detail).toContain('its age is unknown');
    });
  }

  it('an alarm from 3 min in the future (beyond the 60 s slack) is ignored', async () => {
    // Arrange
    h = await startHarness(scenario([1], [change({ n: 1, env: 0, idleMin: 90, ageMin: 95 })]));

    // Act
    const s = summaryOf(
      await h.handler(
        alarm('callback', { changeId: changeId(1) }, Date.now() + 3 * MIN),
        fakeContext(),
      ),
    );

    // Assert
    expect(h.sandbox.abortCalls()).toBe(0);
    expect(s.results[0]?.detail).toMatch(/in the future, more than the 60 s clock slack/);
  });

  it('alarmMaxAgeMinutes: 60 lets a 30-minute-old alarm act', async () => {
    // Arrange
    h = await startHarness(scenario([1], [change({ n: 1, env: 0, idleMin: 40, ageMin: 45 })]), {
      policy: { alarmMaxAgeMinutes: 60 },
    });

    // Act
    const s = summaryOf(
      await h.handler(
        alarm('eventbridge', { envId: envId(0) }, Date.now() - 30 * MIN),
        fakeContext(),
      ),
    );

    // Assert
    expect(s.results).toEqual([expect.objectContaining({ outcome: 'aborted' })]);
  });

  it('an alarm mapped by a policy rule is judged the same way (fired before the change)', async () => {
    // Arrange
    h = await startHarness(scenario([1], [change({ n: 1, env: 0, idleMin: 1, ageMin: 3 })]), {
      policy: {
        alarms: [
          { match: { ruleId: 'alarmRule_uuid_00aa11bb22cc33dd44ee55ff' }, envIds: [envId(0)] },
        ],
      },
    });

    // Act
    const s = summaryOf(
      await h.handler(alarm('rule-push', {}, Date.now() - 10 * MIN), fakeContext()),
    );

    // Assert
    expect(h.sandbox.abortCalls()).toBe(0);
    expect(s.results).toEqual([
      expect.objectContaining({ changeId: changeId(1), outcome: 'skipped' }),
    ]);
  });
});
