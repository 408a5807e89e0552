/**
 * Red-team 12 F2: an environment reading `ApplyingChange: true` with `LatestChangeId` X while
 * DescribeChange says X finished was recorded `already_finished`. The two reads contradict each
 * other: the environment says a change is applying, the change it names says it is done, so
 * which change is applying is unknown. Now: no abort, `skipped`, the record naming the
 * contradiction (not `already_finished`). Through the real handler and the strict sandbox, the
 * environment's flag served as a wire override (the change itself is finished).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import {
  calls,
  change,
  changeId,
  envId,
  eventBridgeEvent,
  httpEvent,
  scenario,
  summaryOf,
  timerEvent,
} from '../helpers/world.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** One environment applying (by its flag) change 1, which DescribeChange shows finished. */
function world(changeExtra: Record<string, unknown> = { finished: true, succeed: true }) {
  const w = scenario([1], [change({ n: 1, env: 0, idleMin: 90, ageMin: 95, extra: changeExtra })]);
  const envs = (w.envs as Record<string, unknown>[]).map((e) => ({
    ...e,
    wire: { ApplyingChange: true, LatestChangeId: changeId(1) },
  }));
  return { ...w, envs };
}

const CONTRADICTION = `reads ApplyingChange true with LatestChangeId ${changeId(1)}, but DescribeChange says that change finished`;

describe('F2: ApplyingChange true beside a finished LatestChangeId is a contradiction, not already_finished', () => {
  it('sweep: skipped naming both reads, no AbortChange', async () => {
    // Arrange
    h = await startHarness(world());

    // Act
    const s = summaryOf(await h.handler(timerEvent(), fakeContext()));

    // Assert
    const result = s.results.find((r) => r.changeId === changeId(1));
    expect(result?.outcome).toBe('skipped');
    expect(result?.detail).toContain(CONTRADICTION);
    expect(result?.detail).toContain('which change is being applied is unknown');
    expect(calls(h.sandbox.journal(), 'AbortChange')).toHaveLength(0);
  });

  it('alarm naming the environment: skipped naming the contradiction, no AbortChange', async () => {
    // Arrange
    h = await startHarness(world());

    // Act
    const s = summaryOf(
      await h.handler(eventBridgeEvent('evt-f2', `{envId=${envId(0)}}`), fakeContext()),
    );

    // Assert
    const result = s.results.find((r) => r.changeId === changeId(1));
    expect(result?.outcome).toBe('skipped');
    expect(result?.detail).toContain(CONTRADICTION);
    expect(calls(h.sandbox.journal(), 'AbortChange')).toHaveLength(0);
  });

  it('manual abort by EnvId: skipped naming the contradiction, no AbortChange', async () => {
    // Arrange
    h = await startHarness(world());

    // Act
    const s = summaryOf(
      await h.handler(
        httpEvent({ path: '/abort', body: JSON.stringify({ envIds: [envId(0)] }) }),
        fakeContext(),
      ),
    );

    // Assert
    const result = s.results.find((r) => r.changeId === changeId(1));
    expect(result?.outcome).toBe('skipped');
    expect(result?.detail).toContain(CONTRADICTION);
    expect(calls(h.sandbox.journal(), 'AbortChange')).toHaveLength(0);
  });
});
