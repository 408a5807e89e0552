import type { Mode, Outcome, OutcomeRecord, Trigger } from '../model/record.js';

/** One result line of the run summary (docs/reference/record.md, "Run summary"). */
export interface RunResult {
  /** `sae` or `edas` for their change orders (absent for Web+). */
  platform?: 'webplus' | 'sae' | 'edas';
  changeId?: string;
  envId?: string;
  outcome: Outcome;
  mode: Mode;
  attempts: number;
  errorCode?: string;
  errorMessage?: string;
  detail?: string;
}

/**
 * How far a sweep got, and what its rotation promises (docs/operator-guide.md, "Sweeps larger
 * than one invocation"; docs/reference/record.md, "Run summary").
 */
export interface SweepProgress {
  /** In-flight environments listed. */
  inFlight: number;
  /** Of those, the ones whose change was read and decided (each has a record). */
  examined: number;
  /** The ones not reached before the deadline (no record; the next timer runs cover them). */
  left: number;
  /** Rotation parts `P`. */
  parts: number;
  /** The part this run started with, 1-based. */
  firstPart: number;
  /** Environments per part, at most. */
  partSize: number;
  /** Environments a run is sure to examine whatever Web+'s latency (0: not even one). */
  guaranteedPerRun: number;
  /** `G`: parts a run covers at the pacer's rate; the next slot starts `G` parts further. */
  partsPerRun: number;
  /** Whether this run examined every environment of its first part (its share of the promise). */
  firstPartExamined: boolean;
  /** Application lists (or named EnvIds) that could not be read whole: their environments are not covered. */
  notListed: number;
  /**
   * Worst-case bound, timer runs: every environment that stays in flight is examined within
   * this many runs whatever Web+'s latency. Absent when it cannot hold: a run is sure of no
   * environment, the listing was not complete, or this run did not examine its part.
   */
  worstCaseRuns?: number;
  /** Nominal bound, timer runs, when each run reads at the pacer's rate (Web+ answering at once). */
  nominalRuns?: number;
  /** The coverage statement, the same words as in the run's `deferred` record. */
  coverage: string;
}

/**
 * Two sweeps of one invocation (several regions, or a batch of timer payloads) added up. The
 * counts are summed: a caller that knows the environments behind them (process-request.ts, for
 * the regions of one sweep) replaces them with {@link distinctCounts}.
 */
export function addProgress(a: SweepProgress, b: SweepProgress): SweepProgress {
  const both = (x?: number, y?: number) =>
    x === undefined || y === undefined ? undefined : Math.max(x, y);
  const worstCaseRuns = both(a.worstCaseRuns, b.worstCaseRuns);
  const nominalRuns = both(a.nominalRuns, b.nominalRuns);
  return {
    inFlight: a.inFlight + b.inFlight,
    examined: a.examined + b.examined,
    left: a.left + b.left,
    parts: Math.max(a.parts, b.parts),
    firstPart: a.firstPart,
    partSize: Math.max(a.partSize, b.partSize),
    guaranteedPerRun: Math.min(a.guaranteedPerRun, b.guaranteedPerRun),
    partsPerRun: Math.min(a.partsPerRun, b.partsPerRun),
    firstPartExamined: a.firstPartExamined && b.firstPartExamined,
    notListed: a.notListed + b.notListed,
    ...(worstCaseRuns !== undefined ? { worstCaseRuns } : {}),
    ...(nominalRuns !== undefined ? { nominalRuns } : {}),
    coverage: `${a.coverage} | ${b.coverage}`,
  };
}

/**
 * `inFlight`, `examined` and `left` over the invocation's environments: an EnvId listed by
 * several regions (one backend answering them all, a shared host) counts once; it is examined
 * when any region examined it.
 * @param runs each region's EnvIds in flight and left
 */
export function distinctCounts(
  runs: readonly { inFlight: readonly string[]; left: readonly string[] }[],
): Pick<SweepProgress, 'inFlight' | 'examined' | 'left'> {
  const inFlight = new Set(runs.flatMap((r) => r.inFlight));
  const examined = new Set<string>();
  for (const r of runs) {
    const left = new Set(r.left);
    for (const id of r.inFlight) if (!left.has(id)) examined.add(id);
  }
  return { inFlight: inFlight.size, examined: examined.size, left: inFlight.size - examined.size };
}

/** What the handler returns for timer, EventBridge and CloudMonitor events (an HTTP body too). */
export interface RunSummary {
  invocationId: string;
  trigger: Trigger;
  dryRun: boolean;
  capReached: boolean;
  /** Present when the invocation ran a sweep. */
  sweep?: SweepProgress;
  results: RunResult[];
  /**
   * Records of this run written nowhere (the store, stdout and stderr all refused them, or they
   * were still in the process's stdout buffer at the write deadline). Absent when every record
   * was written.
   */
  recordsNotWritten?: number;
}

/**
 * One record as a row of the run summary (the invocation's answer, docs/reference/record.md).
 * @param fallbackMode the mode to show when the record carries none (an `invalid` or `ignored` record)
 */
export function toResult(record: OutcomeRecord, fallbackMode: Mode): RunResult {
  const r: RunResult = {
    outcome: record.outcome,
    mode: record.mode ?? fallbackMode,
    attempts: record.attempts,
  };
  if (record.platform) r.platform = record.platform;
  if (record.changeId) r.changeId = record.changeId;
  if (record.envId) r.envId = record.envId;
  if (record.errorCode) r.errorCode = record.errorCode;
  if (record.errorMessage) r.errorMessage = record.errorMessage;
  if (record.detail) r.detail = record.detail;
  return r;
}
