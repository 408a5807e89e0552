/**
 * Issue 10, kind 3: whose clock. Stuck ages are judged on Web+'s clock, read from the `Date`
 * header of its replies (shared/webplus/server-clock.ts): with a skew over a minute the verdict
 * uses Web+'s time and the record carries `clockSkewMs`; without any `Date` header a sweep judges
 * no age at all. The sandbox runs a skewed clock (scenario `clockSkewMs`); its change times are
 * on that clock, as Web+'s are on its own.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { changeId, envId, scenario, summaryOf, timerEvent } from '../helpers/world.js';

const MIN = 60_000;
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** One running change idle `idleMin` minutes on the sandbox's (skewed) clock. */
function world(idleMin: number, extra: Record<string, unknown>) {
  return scenario(
    [1],
    [{ ChangeId: changeId(1), EnvId: envId(0), startedMinutesAgo: 200, idleMinutes: idleMin }],
    extra,
  );
}

describe('kind 3: stuck ages on Web+’s clock', () => {
  it('Web+ 4 min ahead: idle 33 min on its clock (29 on ours) → the smaller age: not stuck, skipped (red-team 12 H2)', async () => {
    // Arrange (4 min: within the 5 min trust tolerance, server-clock.ts; beyond it the clock is
    // unknown: test/pipeline/skewed-date-header.test.ts). Both clocks judge; the smaller age wins.
    h = await startHarness(world(33.5, { clockSkewMs: 4 * MIN }));

    // Act
    const s = summaryOf(await h.handler(timerEvent(), fakeContext()));

    // Assert
    expect(h.sandbox.abortCalls()).toBe(0);
    expect(s.results).toEqual([expect.objectContaining({ outcome: 'skipped' })]);
    const [record] = h.records();
    expect(record?.detail).toMatch(
      /^not stuck: idle 29 min \(limit 30\).* on the function's clock \(the smaller age: Web\+'s is 4 min( \d+ s)? ahead of the function's\)$/,
    );
    // Ages are the function clock's, so no skew is recorded with them.
    expect(record?.clockSkewMs).toBeUndefined();
    expect(record?.idleMinutes).toBe(29);
  });

  it('Web+ 4 min ahead, idle 35 min on its clock (31 on ours): both over the limit → aborted on the function clock', async () => {
    // Arrange
    h = await startHarness(world(35.5, { clockSkewMs: 4 * MIN }));

    // Act
    const s = summaryOf(await h.handler(timerEvent(), fakeContext()));

    // Assert
    expect(s.results).toEqual([expect.objectContaining({ outcome: 'aborted' })]);
    const [record] = h.records();
    expect(record?.detail).toMatch(
      /^no progress for 31 min .* on the function's clock \(the smaller age/,
    );
    expect(record?.idleMinutes).toBe(31);
  });

  it('Web+ 4 min behind: idle 27 min on its clock (31 on ours) → not stuck, skipped', async () => {
    // Arrange
    h = await startHarness(world(27.5, { clockSkewMs: -4 * MIN }));

    // Act
    const s = summaryOf(await h.handler(timerEvent(), fakeContext()));

    // Assert
    expect(h.sandbox.abortCalls()).toBe(0);
    expect(s.results).toEqual([expect.objectContaining({ outcome: 'skipped' })]);
    expect(s.results[0]?.detail).toMatch(
      /not stuck: idle 27 min .* on Web\+'s clock \(4 min( \d+ s)? behind the function's: the smaller age\)$/,
    );
    expect(h.records()[0]?.clockSkewMs).toBeLessThan(-3 * MIN);
  });

  it('a skew of 30 s is within a minute: judged on the function clock, no clockSkewMs', async () => {
    // Arrange
    h = await startHarness(world(45, { clockSkewMs: 30_000 }));

    // Act
    await h.handler(timerEvent(), fakeContext());

    // Assert
    const [record] = h.records();
    expect(record?.outcome).toBe('aborted');
    expect(record?.clockSkewMs).toBeUndefined();
  });

  it('Web+ 10 min ahead (beyond the 5 min tolerance): its clock is unknown, no abort, the record names both clocks', async () => {
    // Arrange: idle 90 min on either clock; but which clock to judge on cannot be told
    h = await startHarness(world(90, { clockSkewMs: 10 * MIN }));

    // Act
    const s = summaryOf(await h.handler(timerEvent(), fakeContext()));

    // Assert
    expect(h.sandbox.abortCalls()).toBe(0);
    expect(s.results[0]?.outcome).toBe('skipped');
    expect(s.results[0]?.detail).toContain("Web+'s clock is unknown: its Date header says");
    expect(s.results[0]?.detail).toContain('10 min ahead of the function');
  });

  it('no Date header in any reply: the sweep judges no age, skipped naming the clock', async () => {
    // Arrange
    h = await startHarness(world(90, { dateHeader: false }));

    // Act
    const s = summaryOf(await h.handler(timerEvent(), fakeContext()));

    // Assert
    expect(h.sandbox.abortCalls()).toBe(0);
    expect(s.results).toEqual([expect.objectContaining({ outcome: 'skipped' })]);
    expect(s.results[0]?.detail).toContain("Web+'s clock is unknown");
  });

  it('the sandbox answers with its own clock in the Date header', async () => {
    // Arrange
    h = await startHarness(world(5, { clockSkewMs: 10 * MIN }));

    // Act
    const at = h.sandbox.now();

    // Assert
    expect(at - Date.now()).toBeGreaterThan(9 * MIN);
    expect(h.sandbox.change(changeId(1))?.UpdateTime).toBeGreaterThan(Date.now());
  });
});
