import {
  type ListingShape,
  type RotationSlot,
  SWEEP_SLACK_MS,
  SWEEP_SLOT_MS,
  type SweepLimits,
  type SweepPlan,
  type SweepSizing,
} from '../targeting/sweep-plan.js';
import type { SweepProgress } from './summary.js';

/** What one sweep run did, for its coverage statement. */
export interface CoverageFacts {
  plan: SweepPlan;
  sizing: SweepSizing;
  limits: SweepLimits;
  listing: ListingShape;
  /** What could not be listed whole, with the reason (shared/targeting/sweep.ts). */
  notListed: readonly { what: string; why: string }[];
  inFlight: number;
  examined: number;
  left: number;
  /** Environments of the run's first part that got a record. */
  firstPartExamined: number;
  /** ms from the invocation start to the end of the listing. */
  listedAfterMs: number;
  /** The function's timeout, s. */
  timeoutS: number;
  /** function.timeout (s) with which one environment per run is sure; undefined: none ≤ a day. */
  neededTimeoutS?: number;
  /** Set when the region answered that the API is not there: nothing more was sent (gateway.ts). */
  unavailable?: string;
  /** Where the run's rotation slot came from (sweep-plan.ts, rotationSlot); default 5-minute slots. */
  rotation?: RotationSlot;
}

/** Listings named in a coverage statement, at most. */
const NOT_LISTED_SHOWN = 5;

const minutes = (runs: number) => {
  const min = (runs * SWEEP_SLOT_MS) / 60_000;
  return min >= 120 ? `${min} min, ${(min / 60).toFixed(1)} h` : `${min} min`;
};

/**
 * The run's progress for the summary and the words of its coverage promise (the `deferred`
 * record and `sweep.coverage` say the same). A bound is stated only where it holds
 * (docs/operator-guide.md, "Sweeps larger than one invocation"):
 * - the listing was not complete: the applications (or EnvIds) not listed are named, with the
 *   reason, and no bound is claimed;
 * - a run is sure of its part (`sizing.guaranteed ≥ 1`) and this run examined every environment
 *   of its first part: the worst-case bound `P` runs and the nominal `ceil(P / G)`;
 * - this run did not examine its part: it says so and why, and states no worst-case bound;
 * - a run is sure of no environment: no worst-case bound, the function.timeout that would give
 *   one, and the nominal bound (at the pacer's rate, Web+ answering at once).
 * The runs are counted as the rotation numbers them (red-team 11 F3): by the timer payload's
 * `schedule`, the bounds are runs of that schedule, whatever its gaps; by 5-minute slots (no
 * `schedule`), the bounds are stated for a timer every 5 minutes, with exactly where they fail
 * (a timer every k × 5 minutes with P dividing k, an irregular one); a `schedule` the run's time
 * is not a firing of gives no bound at all.
 */
export function sweepCoverage(f: CoverageFacts): SweepProgress {
  const { plan, sizing, limits } = f;
  const rotation: RotationSlot = f.rotation ?? { slot: plan.slot, by: 'five-minute' };
  const firstPartDone = f.firstPartExamined >= plan.firstPartSize;
  const complete = f.notListed.length === 0;
  const counted = rotation.by !== 'mismatch';
  const holds = complete && sizing.guaranteed >= 1 && firstPartDone && counted;
  const worstCaseRuns = holds ? plan.worstCaseRuns : undefined;
  const nominalRuns = complete && counted ? plan.nominalRuns : undefined;
  /** How the runs of a bound are counted, and over how long. */
  const runsOf = (runs: number) =>
    rotation.by === 'schedule'
      ? `${runs} runs of the timer's schedule "${rotation.schedule}"`
      : `${runs} runs (${minutes(runs)})`;
  const worstWords = `every call taking its whole ATTEMPT_TIMEOUT_MS ${limits.attemptMs} ms over RETRY_MAX_ATTEMPTS ${limits.maxAttempts} attempt(s), ${sizing.callCostMs} ms a call with the backoffs`;
  const nominalWords =
    nominalRuns === undefined
      ? `not even at the pacer's rate (WEBPLUS_QPS ${limits.qps}, Web+ answering at once) does a read fit in function.timeout ${f.timeoutS} s`
      : nominalRuns === 1
        ? `at the pacer's rate (WEBPLUS_QPS ${limits.qps}, Web+ answering at once) one run examines them all`
        : rotation.by === 'schedule'
          ? `at the pacer's rate (WEBPLUS_QPS ${limits.qps}, Web+ answering at once) a run covers ${plan.partsPerRun} part(s) and consecutive timer runs examine all ${f.inFlight} within ${runsOf(nominalRuns)}`
          : `at the pacer's rate (WEBPLUS_QPS ${limits.qps}, Web+ answering at once) a run covers ${plan.partsPerRun} part(s) and timer runs every 5 minutes examine all ${f.inFlight} within ${runsOf(nominalRuns)}`;

  // A run that read less than a run at the pacer's rate does says so: the nominal bound is
  // not what it met.
  const slower =
    nominalRuns !== undefined && f.left > 0 && f.examined < Math.min(sizing.nominal, f.inFlight)
      ? `; this run examined ${f.examined}, fewer than the ${Math.min(sizing.nominal, f.inFlight)} a run reads at that rate: Web+ was slower, so that bound is not what the runs meet now`
      : '';
  let coverage: string;
  if (rotation.by === 'mismatch') {
    coverage = `no coverage bound: the timer payload's schedule "${rotation.schedule}" does not number this run (${rotation.why}); the rotation fell back to 5-minute slots, which bound nothing for an unknown schedule: set the payload's schedule to the trigger's cronExpression`;
  } else if (!complete) {
    const shown = f.notListed
      .slice(0, NOT_LISTED_SHOWN)
      .map((n) => `${n.what}: ${n.why}`)
      .join('; ');
    const more =
      f.notListed.length > NOT_LISTED_SHOWN
        ? `; and ${f.notListed.length - NOT_LISTED_SHOWN} more`
        : '';
    coverage = `not covered: ${f.notListed.length} listing(s) could not be read whole, so the environments in them are not covered by this run and no coverage bound is claimed while the listing is incomplete (${shown}${more})`;
  } else if (sizing.guaranteed < 1) {
    const need =
      f.neededTimeoutS === undefined
        ? 'not even a function.timeout of a day makes one sure'
        : `a function.timeout of ${f.neededTimeoutS} s makes one environment per run sure`;
    const moves =
      plan.parts > 1
        ? `; while the same ${f.inFlight} stay in flight, each still comes first in one of any ${plan.parts} consecutive runs, so each run that examines one moves the rotation on`
        : '';
    coverage = `no worst-case bound: with ${worstWords}, the listing (${f.listing.calls} call(s)) may take ${sizing.listingWorstMs} ms and no read is sure to start within function.timeout ${f.timeoutS} s (${need})${moves}; ${nominalWords}${slower}`;
  } else if (!firstPartDone) {
    const why = f.unavailable
      ? `Web+ answered that the API is not there (${f.unavailable}), so nothing more was sent`
      : f.listedAfterMs > sizing.listingWorstMs + SWEEP_SLACK_MS
        ? `its listing ended ${f.listedAfterMs} ms after the start, later than the ${sizing.listingWorstMs + SWEEP_SLACK_MS} ms its sizing allows`
        : `its reads were slower than the worst case it is sized for (${worstWords}): another invocation of this instance used the pacer, or the work between calls took more than ${SWEEP_SLACK_MS} ms`;
    coverage = `this run's promise does not hold: it examined ${f.firstPartExamined} of the ${plan.firstPartSize} environment(s) of its part ${plan.firstPart + 1} of ${plan.parts} (${why}), so no worst-case bound is promised from it; ${nominalWords}${slower}`;
  } else {
    const P = plan.parts;
    const worst =
      P === 1
        ? `worst case: every run examines every in-flight environment (at most ${plan.partSize}) whatever Web+'s latency (${worstWords}) while the instance makes no other Web+ calls`
        : rotation.by === 'schedule'
          ? `worst case: while the same ${f.inFlight} environments stay in flight, every one is examined within ${runsOf(P)} (the rotation counts its runs, whatever the gaps between them), each run sure to examine its part of at most ${plan.partSize} whatever Web+'s latency (${worstWords}) while the instance makes no other Web+ calls, and this run did`
          : `worst case: while the same ${f.inFlight} environments stay in flight, every one is examined within ${P} timer runs (${minutes(P)} at the 5-minute timer; this holds only for a timer every 5 minutes, or every k × 5 minutes where ${P} does not divide k: with ${P} dividing k, or an irregular timer, some environments may never be examined; name the trigger's cronExpression as the timer payload's schedule to have the bound hold for any timer), each run sure to examine its part of at most ${plan.partSize} whatever Web+'s latency (${worstWords}) while the instance makes no other Web+ calls, and this run did`;
    coverage = `${worst}; ${nominalWords}${slower}`;
  }
  if (f.left === 0 && complete) {
    coverage = `${f.inFlight === 0 ? 'no environment in flight' : `all ${f.inFlight} in-flight environment(s) examined by this run`}; ${coverage}`;
  }
  return {
    inFlight: f.inFlight,
    examined: f.examined,
    left: f.left,
    parts: plan.parts,
    firstPart: plan.firstPart + 1,
    partSize: plan.partSize,
    guaranteedPerRun: sizing.guaranteed,
    partsPerRun: plan.partsPerRun,
    firstPartExamined: firstPartDone,
    notListed: f.notListed.length,
    ...(worstCaseRuns !== undefined ? { worstCaseRuns } : {}),
    ...(nominalRuns !== undefined ? { nominalRuns } : {}),
    coverage,
  };
}
