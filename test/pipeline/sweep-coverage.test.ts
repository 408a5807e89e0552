/**
 * The coverage statement of a sweep run (issue 11, red-team F2): a worst-case bound only where
 * it holds, and the reason in words where it does not. The statements a run can only reach on a
 * stalled machine (its part not examined) are built here from their facts.
 */
import { describe, expect, it } from 'vitest';
import { sweepCoverage } from '#shared/pipeline/sweep-coverage.js';
import { planSweep, sizeSweep, sweepReserveMs } from '#shared/targeting/sweep-plan.js';
import type { AppEnv } from '#shared/webplus/types.js';

const env = (n: number): AppEnv => ({
  envId: `we-${n.toString(16).padStart(24, '0')}`,
  appId: 'wa-000000000000000000000001',
  envName: `e${n}`,
  envStatusRead: { kind: 'live' },
  applyingChange: true,
  abortingChange: false,
  latestChangeId: `wc-${n.toString(16).padStart(24, '0')}`,
});

// the 3 s function of sweep-rotation.test.ts: 6 sure per run, 40 in flight → 7 parts, G = 4
const limits = {
  qps: 20,
  concurrency: 4,
  attemptMs: 300,
  maxAttempts: 1,
  retryBaseMs: 20,
  retryMaxDelayMs: 5000,
};
const listing = { calls: 2, chain: 2 };
const sizing = sizeSweep(2500, sweepReserveMs(2500, 2, limits), listing, limits, 40);
const envs = Array.from({ length: 40 }, (_, i) => env(i));
const plan = planSweep(envs, 5_930_000 * 300_000, sizing);
const base = {
  plan,
  sizing,
  limits,
  listing,
  notListed: [],
  inFlight: 40,
  examined: 20,
  left: 20,
  firstPartExamined: plan.firstPartSize,
  listedAfterMs: 30,
  timeoutS: 3,
};

describe('sweep coverage statement', () => {
  it('the part examined: both bounds, with the run time at the 5-minute timer', () => {
    expect(sizing.guaranteed).toBe(6);
    const p = sweepCoverage(base);
    expect(p).toMatchObject({ worstCaseRuns: 7, nominalRuns: 2, firstPartExamined: true });
    expect(p.coverage).toBe(
      "worst case: while the same 40 environments stay in flight, every one is examined within 7 timer runs (35 min at the 5-minute timer; this holds only for a timer every 5 minutes, or every k × 5 minutes where 7 does not divide k: with 7 dividing k, or an irregular timer, some environments may never be examined; name the trigger's cronExpression as the timer payload's schedule to have the bound hold for any timer), each run sure to examine its part of at most 6 whatever Web+'s latency (every call taking its whole ATTEMPT_TIMEOUT_MS 300 ms over RETRY_MAX_ATTEMPTS 1 attempt(s), 300 ms a call with the backoffs) while the instance makes no other Web+ calls, and this run did; at the pacer's rate (WEBPLUS_QPS 20, Web+ answering at once) a run covers 4 part(s) and timer runs every 5 minutes examine all 40 within 2 runs (10 min); this run examined 20, fewer than the 29 a run reads at that rate: Web+ was slower, so that bound is not what the runs meet now",
    );
  });

  it('the part not examined because the listing ended late: the promise does not hold, and why', () => {
    const p = sweepCoverage({
      ...base,
      firstPartExamined: plan.firstPartSize - 3,
      examined: 2,
      left: 38,
      listedAfterMs: 2400,
    });
    expect(p.worstCaseRuns).toBeUndefined();
    expect(p.firstPartExamined).toBe(false);
    expect(p.coverage).toMatch(
      new RegExp(
        `^this run's promise does not hold: it examined ${plan.firstPartSize - 3} of the ${plan.firstPartSize} environment\\(s\\) of its part ${plan.firstPart + 1} of 7 \\(its listing ended 2400 ms after the start, later than the 1100 ms its sizing allows\\), so no worst-case bound is promised from it; `,
      ),
    );
  });

  it('the part not examined with the listing on time: the pacer was shared or the work between calls stalled', () => {
    const p = sweepCoverage({
      ...base,
      firstPartExamined: plan.firstPartSize - 1,
      examined: 5,
      left: 35,
    });
    expect(p.coverage).toContain(
      'its reads were slower than the worst case it is sized for (every call taking its whole ATTEMPT_TIMEOUT_MS 300 ms over RETRY_MAX_ATTEMPTS 1 attempt(s), 300 ms a call with the backoffs): another invocation of this instance used the pacer, or the work between calls took more than 250 ms',
    );
  });

  it('the region answered that the API is not there: said so', () => {
    const p = sweepCoverage({
      ...base,
      firstPartExamined: 0,
      examined: 0,
      left: 40,
      unavailable: 'InvalidApi.NotFound',
    });
    expect(p.coverage).toContain(
      'Web+ answered that the API is not there (InvalidApi.NotFound), so nothing more was sent',
    );
  });

  it('a listing not read whole: named, no bound at all', () => {
    const p = sweepCoverage({
      ...base,
      notListed: [{ what: 'wa-0002', why: 'listing environments of wa-0002: not sent' }],
    });
    expect(p.worstCaseRuns).toBeUndefined();
    expect(p.nominalRuns).toBeUndefined();
    expect(p.notListed).toBe(1);
    expect(p.coverage).toBe(
      'not covered: 1 listing(s) could not be read whole, so the environments in them are not covered by this run and no coverage bound is claimed while the listing is incomplete (wa-0002: listing environments of wa-0002: not sent)',
    );
  });

  it("numbered by the timer payload's schedule: the bounds are runs of that schedule (red-team 11 F3)", () => {
    const p = sweepCoverage({
      ...base,
      rotation: { slot: plan.slot, by: 'schedule', schedule: '0 0 * * * *' },
    });
    expect(p).toMatchObject({ worstCaseRuns: 7, nominalRuns: 2 });
    expect(p.coverage).toContain(
      'every one is examined within 7 runs of the timer\'s schedule "0 0 * * * *" (the rotation counts its runs, whatever the gaps between them)',
    );
    expect(p.coverage).toContain(
      'consecutive timer runs examine all 40 within 2 runs of the timer\'s schedule "0 0 * * * *"',
    );
    expect(p.coverage).not.toMatch(/\d+ min\b/);
  });

  it('a schedule the run is not a firing of: no bound, and why', () => {
    const p = sweepCoverage({
      ...base,
      rotation: {
        slot: plan.slot,
        by: 'mismatch',
        schedule: '0 0 9 * * *',
        why: "the run's time 2026-05-20T02:00:00.000Z is not one of its firings, so it is not this trigger's schedule",
      },
    });
    expect(p.worstCaseRuns).toBeUndefined();
    expect(p.nominalRuns).toBeUndefined();
    expect(p.coverage).toBe(
      "no coverage bound: the timer payload's schedule \"0 0 9 * * *\" does not number this run (the run's time 2026-05-20T02:00:00.000Z is not one of its firings, so it is not this trigger's schedule); the rotation fell back to 5-minute slots, which bound nothing for an unknown schedule: set the payload's schedule to the trigger's cronExpression",
    );
  });
});
