/**
 * A sweep never aborts on a read older than `sweep.maxReadAgeSeconds` (red-team 24 F10): the
 * sweep reads every change first and sends the AbortChange calls after, so a read can be minutes
 * old when its abort would start. Such a change is read again (DescribeChange) and decided again
 * on the new read; a re-read that fails is `skipped` naming the stale read. Through the real
 * handler, the strict sandbox and real signing; the monotonic clock is the test's (it jumps
 * 120 s once the first read has ended, as a long sweep's would), never a timed wait.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { calls, change, changeId, scenario, summaryOf, timerEvent } from '../helpers/world.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const ENFORCE = { ABORT_DRY_RUN: 'false' };

/**
 * A monotonic clock that reads real time until its `jumpAt`-th reading, then 120 s later
 * (`onJump` runs once, at the jump: what happened meanwhile in the world).
 */
function jumpingClock(onJump: () => void, jumpAt = 2): () => number {
  let readings = 0;
  let offset = 0;
  return () => {
    readings += 1;
    if (readings === jumpAt) {
      offset = 120_000;
      onJump();
    }
    return performance.now() + offset;
  };
}

/** One stuck change (90 min idle) in env 0. */
function stuckWorld(): Record<string, unknown> {
  return scenario([1], [change({ n: 0, env: 0, idleMin: 90, ageMin: 95 })], { strict: true });
}

/** The same world after the change progressed just now (same ChangeId, EnvId, CreateTime). */
function progressed(world: Record<string, unknown>): Record<string, unknown> {
  const changes = (world.changes as Record<string, unknown>[]).map((c) => ({
    ...c,
    UpdateTime: Date.now(),
  }));
  return { ...world, changes };
}

function recordOf<R extends { changeId?: string }>(records: readonly R[]): R {
  const mine = records.filter((r) => r.changeId === changeId(0));
  expect(mine).toHaveLength(1);
  return mine[0]!;
}

describe('a sweep re-reads a change whose read is older than sweep.maxReadAgeSeconds', () => {
  it('the change progressed after its read: not aborted, decided on the re-read', async () => {
    // Arrange
    const world = stuckWorld();
    let sandbox: Harness['sandbox'] | undefined;
    h = await startHarness(world, {
      env: ENFORCE,
      monoNow: jumpingClock(() => sandbox!.reseed(progressed(world))),
    });
    sandbox = h.sandbox;

    // Act
    const s = summaryOf(await h.handler(timerEvent(), fakeContext()));

    // Assert
    expect(h.sandbox.abortCalls(changeId(0))).toBe(0);
    const r = recordOf(s.results);
    expect(r.outcome).not.toBe('aborted');
    expect(r.detail).toMatch(
      /^read again 120 s after the first read \(older than sweep\.maxReadAgeSeconds 60\): /,
    );
    // The journal starts again at the reseed: the one DescribeChange is the re-read.
    expect(calls(h.sandbox.journal(), 'DescribeChange')).toHaveLength(1);
  });

  it('still stuck on the re-read: aborted, the record naming the re-read', async () => {
    // Arrange
    h = await startHarness(stuckWorld(), { env: ENFORCE, monoNow: jumpingClock(() => {}) });

    // Act
    const s = summaryOf(await h.handler(timerEvent(), fakeContext()));

    // Assert
    const r = recordOf(s.results);
    expect(r.outcome).toBe('aborted');
    expect(r.detail).toMatch(/^read again 120 s after the first read/);
    expect(h.sandbox.abortCalls(changeId(0))).toBe(1);
    expect(calls(h.sandbox.journal(), 'DescribeChange')).toHaveLength(2);
  });

  it('the re-read fails: skipped naming the stale read, never aborted', async () => {
    // Arrange
    let sandbox: Harness['sandbox'] | undefined;
    h = await startHarness(stuckWorld(), {
      env: ENFORCE,
      monoNow: jumpingClock(() =>
        sandbox!.update({
          faults: [
            {
              action: 'DescribeChange',
              responses: [{ status: 400, code: 'InvalidParameter', message: 'bad' }],
            },
          ],
        }),
      ),
    });
    sandbox = h.sandbox;

    // Act
    const s = summaryOf(await h.handler(timerEvent(), fakeContext()));

    // Assert
    const r = recordOf(s.results);
    expect(r.outcome).toBe('skipped');
    expect(r.detail).toMatch(
      /^read 120 s before the abort \(sweep\.maxReadAgeSeconds 60\), re-read failed: .*not aborted \(fail closed\)/,
    );
    expect(h.sandbox.abortCalls(changeId(0))).toBe(0);
  });

  it('a fresh read (the default bound, no jump) aborts with one read: no re-read', async () => {
    // Arrange
    h = await startHarness(stuckWorld(), { env: ENFORCE });

    // Act
    const s = summaryOf(await h.handler(timerEvent(), fakeContext()));

    // Assert
    expect(recordOf(s.results).outcome).toBe('aborted');
    expect(calls(h.sandbox.journal(), 'DescribeChange')).toHaveLength(1);
  });

  it('every abort needs a re-read: the re-reads count in the time left, the sweep returns before function.timeout', async () => {
    // Arrange: 8 stuck changes; timeout 4 s, margin 1 s (work deadline 3 s, abort reserve
    // 1.5 s), attempts of 500 ms, QPS 10; the clock jumps 120 s when the reads have ended (8
    // readings), so every abort needs a DescribeChange first: 2 calls each, the abort after its
    // re-read, and only a few fit in the time left (the others skipped, naming the cap).
    const n = 8;
    const world = scenario(
      [n],
      Array.from({ length: n }, (_, i) => change({ n: i, env: i, idleMin: 90, ageMin: 95 })),
      { strict: true, latencyMs: 20 },
    );
    h = await startHarness(world, {
      env: {
        ...ENFORCE,
        DEADLINE_MARGIN_MS: '1000',
        ATTEMPT_TIMEOUT_MS: '500',
        WEBPLUS_QPS: '10',
      },
      monoNow: jumpingClock(() => {}, n + 1),
    });
    const started = Date.now();

    // Act
    const s = summaryOf(
      await h.handler(
        timerEvent(),
        fakeContext({ function: { name: 'f', handler: 'index.handler', memory: 256, timeout: 4 } }),
      ),
    );

    // Assert
    expect(Date.now() - started).toBeLessThan(4_000);
    const mine = s.results.filter((r) => r.changeId?.startsWith('wc-'));
    expect(new Set(mine.map((r) => r.changeId)).size).toBe(n);
    expect(mine).toHaveLength(n);
    const aborted = mine.filter((r) => r.outcome === 'aborted');
    expect(aborted.length).toBeGreaterThan(0);
    for (const r of aborted) expect(r.detail).toMatch(/^read again 12\d s after the first read/);
    for (const r of mine.filter((x) => x.outcome !== 'aborted')) {
      expect(r.outcome).toBe('skipped');
      expect(r.detail).toMatch(/^cap reached: /);
    }
    const journal = h.sandbox.journal();
    for (const r of aborted)
      expect(
        calls(journal, 'DescribeChange').filter((j) => j.changeId === r.changeId),
      ).toHaveLength(2);
    expect(calls(journal, 'AbortChange')).toHaveLength(aborted.length);
  });
});
