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
 * How far a sweep got (docs/operator-guide.md, "Sweeps larger than one invocation"): of the
 * `inFlight` environments listed, `examined` had their change read and decided, `left` were
 * not reached before the deadline (the next timer runs cover them: every one is examined within
 * `parts` runs; this run started with part `firstPart`, 1-based).
 */
export interface SweepProgress {
  inFlight: number;
  examined: number;
  left: number;
  parts: number;
  firstPart: number;
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
