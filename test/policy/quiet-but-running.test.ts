/**
 * Red-team s24 F3 (the mirror of red-team 12 F2): an environment reading `ApplyingChange: false`
 * with `LatestChangeId` X while DescribeChange says X is running. The two reads contradict each
 * other on whether X is in flight: by-ChangeId paths (manual, alarm `changeId` dimension) aborted
 * it. Now `skipped` naming both reads, no AbortChange. Through the real handler and the strict
 * sandbox, the environment's flag served as a wire override (the change itself is running).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import {
  calls,
  change,
  changeId,
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

/** One environment reading quiet (its flag) beside its running latest change 1. */
function world(applying: boolean) {
  const w = scenario([1], [change({ n: 1, env: 0, idleMin: 90, ageMin: 95 })]);
  const envs = (w.envs as Record<string, unknown>[]).map((e) => ({
    ...e,
    wire: { ApplyingChange: applying, LatestChangeId: changeId(1) },
  }));
  return { ...w, envs };
}

const CONTRADICTION = `reads ApplyingChange false with LatestChangeId ${changeId(1)}, but DescribeChange says that change is running: the two reads contradict each other; not aborted (fail closed)`;

describe('s24 F3: ApplyingChange false beside a running LatestChangeId is a contradiction', () => {
  it('manual abort by ChangeId: skipped naming both reads, no AbortChange', async () => {
    h = await startHarness(world(false));
    const s = summaryOf(
      await h.handler(
        httpEvent({ path: '/abort', body: JSON.stringify({ changeIds: [changeId(1)] }) }),
        fakeContext(),
      ),
    );
    const result = s.results.find((r) => r.changeId === changeId(1));
    expect(result?.outcome).toBe('skipped');
    expect(result?.detail).toContain(CONTRADICTION);
    expect(calls(h.sandbox.journal(), 'AbortChange')).toHaveLength(0);
  });

  it('alarm naming the change: skipped naming the contradiction, no AbortChange', async () => {
    h = await startHarness(world(false));
    const s = summaryOf(
      await h.handler(eventBridgeEvent('evt-s24f3', `{changeId=${changeId(1)}}`), fakeContext()),
    );
    const result = s.results.find((r) => r.changeId === changeId(1));
    expect(result?.outcome).toBe('skipped');
    expect(result?.detail).toContain(CONTRADICTION);
    expect(calls(h.sandbox.journal(), 'AbortChange')).toHaveLength(0);
  });

  it('the consistent case (ApplyingChange true) is still aborted by ChangeId', async () => {
    h = await startHarness(world(true));
    const s = summaryOf(
      await h.handler(
        httpEvent({ path: '/abort', body: JSON.stringify({ changeIds: [changeId(1)] }) }),
        fakeContext(),
      ),
    );
    expect(s.results.find((r) => r.changeId === changeId(1))?.outcome).toBe('aborted');
    expect(calls(h.sandbox.journal(), 'AbortChange')).toHaveLength(1);
  });
});
