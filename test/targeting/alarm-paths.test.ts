/**
 * Alarm paths through the handler (EventBridge envelopes): an environment with nothing in flight
 * is `ignored`; policy `alarms` rules map an alarm by dimensions (AND of keys) to environments;
 * the per-environment mode still applies to an alarm; an alarm matching nothing is `ignored`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, type HarnessOptions, startHarness } from '../helpers/harness.js';
import {
  change,
  changeId,
  envId,
  eventBridgeEvent,
  httpEvent,
  scenario,
  summaryOf,
} from '../helpers/world.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** envs 0, 1, 2; not-stuck changes running in envs 1 and 2, env 0 quiet. */
async function start(options: HarnessOptions = {}): Promise<Harness> {
  h = await startHarness(
    scenario(
      [3],
      [
        change({ n: 1, env: 1, idleMin: 2, ageMin: 5 }),
        change({ n: 2, env: 2, idleMin: 2, ageMin: 5 }),
      ],
    ),
    options,
  );
  return h;
}

describe('alarm paths', () => {
  it('alarm naming an environment with nothing in flight → ignored, no AbortChange', async () => {
    // Arrange
    const harness = await start();

    // Act
    const s = summaryOf(
      await harness.handler(eventBridgeEvent('evt-a1', `{envId=${envId(0)}}`), fakeContext()),
    );

    // Assert
    expect(s.results).toEqual([expect.objectContaining({ envId: envId(0), outcome: 'ignored' })]);
    expect(harness.sandbox.abortCalls()).toBe(0);
  });

  it('alarm naming an environment → its in-flight change aborted without waiting for idle', async () => {
    // Arrange
    const harness = await start();

    // Act
    const s = summaryOf(
      await harness.handler(eventBridgeEvent('evt-a2', `{envId=${envId(2)}}`), fakeContext()),
    );

    // Assert
    expect(s.results).toEqual([
      expect.objectContaining({ changeId: changeId(2), outcome: 'aborted', attempts: 1 }),
    ]);
  });

  it('policy rule by dimensions (AND): only the rule whose every key matches adds its envs', async () => {
    // Arrange
    const harness = await start({
      policy: {
        alarms: [
          { match: { metricName: 'code5XX', dimensions: { app: 'shop' } }, envIds: [envId(1)] },
          { match: { metricName: 'other', dimensions: { app: 'shop' } }, envIds: [envId(2)] },
        ],
      },
    });

    // Act
    const s = summaryOf(
      await harness.handler(eventBridgeEvent('evt-a3', '{userId=1, app=shop}'), fakeContext()),
    );

    // Assert
    expect(s.results).toEqual([
      expect.objectContaining({ changeId: changeId(1), outcome: 'aborted' }),
    ]);
    expect(harness.sandbox.abortCalls(changeId(2))).toBe(0);
  });

  it('an alarm naming nothing and matching no rule → one ignored record, zero Web+ calls', async () => {
    // Arrange
    const harness = await start();

    // Act
    const s = summaryOf(
      await harness.handler(eventBridgeEvent('evt-a4', '{userId=1, app=shop}'), fakeContext()),
    );

    // Assert
    expect(s.results).toEqual([expect.objectContaining({ outcome: 'ignored' })]);
    expect(harness.sandbox.journal()).toHaveLength(0);
    expect(harness.records()).toHaveLength(1);
  });

  it('per-environment mode dry-run holds for an alarm: would_abort, no AbortChange', async () => {
    // Arrange
    const harness = await start({ policy: { environments: { [envId(1)]: { mode: 'dry-run' } } } });

    // Act
    const s = summaryOf(
      await harness.handler(eventBridgeEvent('evt-a5', `{changeId=${changeId(1)}}`), fakeContext()),
    );

    // Assert
    expect(s.results).toEqual([
      expect.objectContaining({ outcome: 'would_abort', mode: 'dry-run', attempts: 0 }),
    ]);
    expect(harness.sandbox.abortCalls()).toBe(0);
  });

  it('per-environment mode enforce beats a dry-run default', async () => {
    // Arrange
    const harness = await start({
      policy: { defaults: { mode: 'dry-run' }, environments: { [envId(2)]: { mode: 'enforce' } } },
    });

    // Act
    const s = summaryOf(
      await harness.handler(
        httpEvent({
          path: '/abort',
          body: JSON.stringify({ changeIds: [changeId(1), changeId(2)] }),
        }),
        fakeContext(),
      ),
    );

    // Assert
    expect(s.results.map((r) => [r.changeId, r.outcome, r.mode])).toEqual([
      [changeId(1), 'would_abort', 'dry-run'],
      [changeId(2), 'aborted', 'enforce'],
    ]);
    expect(harness.sandbox.abortCalls()).toBe(1);
  });
});
