/**
 * Red-team 12 H2 (high): with `maxIdleMinutes: 5` and every reply's `Date` header 4 min 50 s
 * ahead (inside the 5 min trust tolerance), a change that progressed a minute ago was aborted as
 * idle for 5 min 49 s. The rule: an age that decides an abort is judged on both clocks (the
 * function's and Web+'s as its `Date` headers show it) and the smaller age is used, so an abort
 * needs both clocks to say the limit is exceeded; an alarm must be fresh on both.
 *
 * The property, over any skew within the tolerance, any change and alarm times and any limits:
 * `decide` / `decidePlatform` on the clocks `judgingClocks` gives abort only when the oracle
 * below (plain arithmetic on the two instants; it shares no code with shared/) says both clocks
 * agree. The converse direction (both say stuck → abort) is checked too, so the property is not
 * met by never aborting.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Candidate } from '#shared/model/candidate.js';
import { decide } from '#shared/policy/decide.js';
import { parsePolicy } from '#shared/policy/load.js';
import { decidePlatform } from '#shared/policy/platform-decide.js';
import { judgingClocks } from '#shared/webplus/judging-clock.js';

const MIN = 60_000;
const NOW = Date.UTC(2026, 11, 2, 18, 0, 0);
/** The trust tolerance, written out here (docs/policy.md §4): 5 min. */
const TOLERANCE_MS = 5 * MIN;
/**
 * Web+'s clock at the function's `atMs`: a skew under 1 s is below the `Date` header's
 * whole-second resolution and counts as level clocks (docs/policy.md §4).
 */
const serverAt = (atMs: number, skewMs: number) => atMs + (Math.abs(skewMs) >= 1000 ? skewMs : 0);

const worldArb = fc.record({
  skewMs: fc.oneof(
    fc.integer({ min: -TOLERANCE_MS, max: TOLERANCE_MS }),
    fc.integer({ min: -2000, max: 2000 }),
  ),
  idleAgoMs: fc.integer({ min: 0, max: 20 * MIN }),
  extraRunMs: fc.integer({ min: 0, max: 30 * MIN }),
  maxIdle: fc.integer({ min: 1, max: 15 }),
  maxDuration: fc.integer({ min: 1, max: 40 }),
  platform: fc.constantFrom('webplus', 'sae', 'edas'),
});

/** Is the change stuck at the instant `atMs` (strictly more than a limit, in ms)? */
function stuckAt(
  atMs: number,
  w: { idleAgoMs: number; extraRunMs: number; maxIdle: number; maxDuration: number },
): boolean {
  const update = NOW - w.idleAgoMs;
  const create = update - w.extraRunMs;
  return atMs - update > w.maxIdle * MIN || atMs - create > w.maxDuration * MIN;
}

function policyOf(maxIdle: number, maxDuration: number) {
  return parsePolicy({
    defaults: { mode: 'enforce', maxIdleMinutes: maxIdle, maxDurationMinutes: maxDuration },
  });
}

function candidateOf(w: WorldT): Candidate {
  const update = NOW - w.idleAgoMs;
  const create = update - w.extraRunMs;
  if (w.platform === 'webplus')
    return {
      source: 'sweep',
      changeId: 'c-1',
      envId: 'e-1',
      envAborting: false,
      change: {
        changeId: 'c-1',
        envId: 'e-1',
        actionName: 'Apply',
        finished: false,
        succeed: undefined,
        aborted: false,
        paused: false,
        timedOut: undefined,
        createTime: create,
        updateTime: update,
        unreadable: {},
      },
    };
  return {
    source: 'sweep',
    platform: w.platform,
    changeId: 'o-1',
    appId: 'a-1',
    platformChange: {
      platform: w.platform,
      changeId: 'o-1',
      appId: 'a-1',
      state: 'in_flight',
      rawStatus: '1',
      aborting: false,
      startedAtMs: create,
      lastProgressAtMs: update,
      supportsRollback: true,
    },
  };
}
type WorldT = {
  skewMs: number;
  idleAgoMs: number;
  extraRunMs: number;
  maxIdle: number;
  maxDuration: number;
  platform: 'webplus' | 'sae' | 'edas';
};

function decisionOf(w: WorldT) {
  const clocks = judgingClocks(NOW, w.skewMs);
  const ctx = {
    policy: policyOf(w.maxIdle, w.maxDuration),
    ...clocks,
    killSwitch: false,
    requestDryRun: false,
  };
  const c = candidateOf(w);
  return w.platform === 'webplus' ? decide(c, ctx) : decidePlatform(c, ctx);
}

describe('H2: an abort needs both clocks to say the limit is exceeded', () => {
  it('any skew within the tolerance, any times and limits: abort ⇔ stuck on the function clock AND on Web+’s', () => {
    let aborts = 0;
    let spared = 0;
    fc.assert(
      fc.property(worldArb, (w) => {
        const d = decisionOf(w);
        const onFunction = stuckAt(NOW, w);
        const onServer = stuckAt(serverAt(NOW, w.skewMs), w);
        if (d.kind === 'abort') aborts += 1;
        if (d.kind !== 'abort' && (onFunction || onServer)) spared += 1;
        expect(d.kind === 'abort').toBe(onFunction && onServer);
      }),
      { numRuns: 5000, seed: 20261202 },
    );
    // Both directions were exercised: aborts, and one clock alone saying stuck (not aborted).
    expect(aborts).toBeGreaterThan(500);
    expect(spared).toBeGreaterThan(100);
  });

  it('the red-team case: +4 min 50 s, maxIdleMinutes 5, progress 1 min ago → not stuck, on the function clock', () => {
    for (const platform of ['webplus', 'sae', 'edas'] as const) {
      const d = decisionOf({
        skewMs: 290_000,
        idleAgoMs: MIN,
        extraRunMs: 2 * MIN,
        maxIdle: 5,
        maxDuration: 240,
        platform,
      });
      expect(d.kind).toBe('record');
      if (d.kind === 'record') {
        expect(d.outcome).toBe('skipped');
        expect(d.detail).toMatch(/^not stuck: idle 1 min \(limit 5\)/);
        expect(d.detail).toContain("on the function's clock (the smaller age: ");
        expect(d.detail).toContain('4 min 50 s ahead of the function');
      }
    }
  });

  it('−4 min 50 s, maxIdleMinutes 5, progress 8 min ago (3 min 10 s on Web+’s clock) → not stuck, on Web+’s clock', () => {
    for (const platform of ['webplus', 'sae', 'edas'] as const) {
      const d = decisionOf({
        skewMs: -290_000,
        idleAgoMs: 8 * MIN,
        extraRunMs: MIN,
        maxIdle: 5,
        maxDuration: 240,
        platform,
      });
      expect(d.kind).toBe('record');
      if (d.kind === 'record') {
        expect(d.outcome).toBe('skipped');
        expect(d.detail).toMatch(/^not stuck: idle 3 min \(limit 5\)/);
        expect(d.detail).toContain('4 min 50 s behind the function');
        expect(d.detail).toContain('the smaller age)');
      }
    }
  });

  it('running age too: +4 min 50 s, maxDurationMinutes 6, started 2 min ago → not stuck', () => {
    const d = decisionOf({
      skewMs: 290_000,
      idleAgoMs: 0,
      extraRunMs: 2 * MIN,
      maxIdle: 30,
      maxDuration: 6,
      platform: 'webplus',
    });
    expect(d.kind === 'record' && d.outcome).toBe('skipped');
  });
});

describe('H2: an alarm must be fresh on both clocks', () => {
  const alarmCandidate = (): Candidate => ({
    ...candidateOf({
      skewMs: 0,
      idleAgoMs: MIN,
      extraRunMs: 30 * MIN,
      maxIdle: 30,
      maxDuration: 240,
      platform: 'webplus',
    }),
    source: 'alarm',
    reason: 'alarm:r1',
  });

  it('any skew within the tolerance and any alarm age: abort ⇔ fresh (0 ≤ age + 60 s, age ≤ 15 min) on both clocks', () => {
    let aborts = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: -TOLERANCE_MS, max: TOLERANCE_MS }),
        fc.integer({ min: -5 * MIN, max: 25 * MIN }),
        (skewMs, alarmAgoMs) => {
          const alarmAtMs = NOW - alarmAgoMs;
          const d = decide(alarmCandidate(), {
            policy: parsePolicy({ defaults: { mode: 'enforce' } }),
            ...judgingClocks(NOW, skewMs),
            alarmAtMs,
            killSwitch: false,
            requestDryRun: false,
          });
          const freshAt = (at: number) => at - alarmAtMs <= 15 * MIN && at - alarmAtMs >= -MIN;
          if (d.kind === 'abort') aborts += 1;
          expect(d.kind === 'abort').toBe(freshAt(NOW) && freshAt(serverAt(NOW, skewMs)));
        },
      ),
      { numRuns: 3000, seed: 20261203 },
    );
    expect(aborts).toBeGreaterThan(500);
  });
});
