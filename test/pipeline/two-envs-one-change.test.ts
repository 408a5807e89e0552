/**
 * Red-team 12 F1: two environments naming one ChangeId (both `ApplyingChange: true` with the
 * same `LatestChangeId`) made `dedupe()` keep the first and drop the other with no record, and
 * the change was aborted as the first environment's. A ChangeId two environments claim is
 * ambiguous: no abort for either, one `skipped` record per environment naming the conflict,
 * and never a candidate dropped without a record. Through the real handler and the strict
 * sandbox; the second environment's LatestChangeId is served as a wire override.
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

/** Env 0 applies stuck change 1; env 1 says it applies change 1 too. */
function world() {
  const w = scenario([2], [change({ n: 1, env: 0, idleMin: 90, ageMin: 95 })]);
  const envs = (w.envs as Record<string, unknown>[]).map((e, i) =>
    i === 1
      ? { ...e, wire: { ApplyingChange: true, AbortingChange: false, LatestChangeId: changeId(1) } }
      : e,
  );
  return { ...w, envs };
}

const conflict = `ChangeId ${changeId(1)} is claimed by environments`;

function expectConflictPerEnv(harness: Harness) {
  const records = harness.records().filter((r) => r.changeId === changeId(1));
  // One record per environment: each names the one it was reached through first.
  expect(records).toHaveLength(2);
  expect(new Set(records.map((r) => r.detail)).size).toBe(2);
  for (const r of records) {
    expect(r.detail).toContain(envId(0));
    expect(r.detail).toContain(envId(1));
    expect(r.outcome).toBe('skipped');
    expect(r.detail).toContain(conflict);
    expect(r.detail).toContain('not aborted for any of them (fail closed)');
  }
  expect(calls(harness.sandbox.journal(), 'AbortChange')).toHaveLength(0);
}

describe('F1: a ChangeId two environments claim is ambiguous: a record for each, no abort', () => {
  it('sweep: both environments recorded skipped, naming each other', async () => {
    // Arrange
    h = await startHarness(world());

    // Act
    await h.handler(timerEvent(), fakeContext());

    // Assert
    expectConflictPerEnv(h);
  });

  it('alarm naming both environments (two series): a record for each, no abort', async () => {
    // Arrange
    h = await startHarness(world());

    // Act
    await h.handler(
      eventBridgeEvent('evt-f1', `[{"envId":"${envId(0)}"},{"envId":"${envId(1)}"}]`),
      fakeContext(),
    );

    // Assert
    expectConflictPerEnv(h);
  });

  it('manual abort by both EnvIds: a record for each, no abort', async () => {
    // Arrange
    h = await startHarness(world());

    // Act
    await h.handler(
      httpEvent({ path: '/abort', body: JSON.stringify({ envIds: [envId(0), envId(1)] }) }),
      fakeContext(),
    );

    // Assert
    expectConflictPerEnv(h);
  });

  it('control: one change named by id and by its own EnvId is aborted once, and both items get a record', async () => {
    // Arrange: only env 0 applies change 1
    h = await startHarness(scenario([1], [change({ n: 1, env: 0, idleMin: 90, ageMin: 95 })]));

    // Act
    const s = summaryOf(
      await h.handler(
        httpEvent({
          path: '/abort',
          body: JSON.stringify({ changeIds: [changeId(1)], envIds: [envId(0)] }),
        }),
        fakeContext(),
      ),
    );

    // Assert
    expect(calls(h.sandbox.journal(), 'AbortChange')).toHaveLength(1);
    const records = h.records().filter((r) => r.changeId === changeId(1));
    expect(records).toHaveLength(2);
    expect(records[0]?.outcome).toBe('aborted');
    expect(records[1]?.repeatOf).toBe(records[0]?.recordId);
    expect(s.results.filter((r) => r.changeId === changeId(1)).length).toBeGreaterThanOrEqual(1);
  });
});
