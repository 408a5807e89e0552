/**
 * Two invocations overlapping in one runtime (CLI serve, tests, custom runtimes) abort each change
 * once: the in-flight set makes the second see `skipped` or `already_aborting`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { change, changeId, httpEvent, scenario, summaryOf, timerEvent } from '../helpers/world.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('overlapping invocations', () => {
  it('two overlapping sweeps abort each of 5 stuck changes exactly once', async () => {
    // Arrange: latency so both sweeps read before either aborts
    h = await startHarness(
      scenario(
        [5],
        [0, 1, 2, 3, 4].map((i) => change({ n: i, env: i, idleMin: 90, ageMin: 95 })),
        { latencyMs: 30 },
      ),
    );

    // Act
    const [a, b] = await Promise.all([
      h.handler(timerEvent(), fakeContext({ requestId: 'inv-a' })),
      h.handler(timerEvent(), fakeContext({ requestId: 'inv-b' })),
    ]);

    // Assert
    for (let i = 0; i < 5; i++) expect(h.sandbox.abortCalls(changeId(i))).toBe(1);
    const results = [...summaryOf(a).results, ...summaryOf(b).results];
    expect(results).toHaveLength(10);
    for (let i = 0; i < 5; i++) {
      const mine = results.filter((r) => r.changeId === changeId(i));
      expect(mine.filter((r) => r.outcome === 'aborted')).toHaveLength(1);
      expect(['skipped', 'already_aborting']).toContain(
        mine.find((r) => r.outcome !== 'aborted')?.outcome,
      );
      expect(mine.reduce((n, r) => n + r.attempts, 0)).toBe(1);
    }
    expect(h.records()).toHaveLength(10);
  });

  it('a manual abort overlapping a sweep of the same change: one AbortChange', async () => {
    // Arrange
    h = await startHarness(
      scenario([1], [change({ n: 1, env: 0, idleMin: 90, ageMin: 95 })], { latencyMs: 30 }),
    );

    // Act
    const [sweep, manual] = await Promise.all([
      h.handler(timerEvent(), fakeContext()),
      h.handler(
        httpEvent({ path: '/abort', body: JSON.stringify({ changeIds: [changeId(1)] }) }),
        fakeContext(),
      ),
    ]);

    // Assert
    expect(h.sandbox.abortCalls(changeId(1))).toBe(1);
    const outcomes = [summaryOf(sweep), summaryOf(manual)].flatMap((s) =>
      s.results.map((r) => r.outcome),
    );
    expect(outcomes.filter((o) => o === 'aborted')).toHaveLength(1);
  });

  it('a later invocation after an accepted abort records already_aborting with no call', async () => {
    // Arrange
    h = await startHarness(
      scenario(
        [1],
        [change({ n: 1, env: 0, idleMin: 90, ageMin: 95, extra: { abortStepSeconds: null } })],
      ),
    );
    await h.handler(timerEvent(), fakeContext());

    // Act
    const again = summaryOf(
      await h.handler(
        httpEvent({ path: '/abort', body: JSON.stringify({ changeIds: [changeId(1)] }) }),
        fakeContext(),
      ),
    );

    // Assert
    expect(again.results).toEqual([
      expect.objectContaining({ outcome: 'already_aborting', attempts: 0 }),
    ]);
    expect(h.sandbox.abortCalls(changeId(1))).toBe(1);
  });
});
