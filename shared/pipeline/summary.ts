import type { Mode, Outcome, OutcomeRecord, Trigger } from '../model/record.js';

/** One result line of the run summary (docs/reference/record.md, "Run summary"). */
export interface RunResult {
  changeId?: string;
  envId?: string;
  outcome: Outcome;
  mode: Mode;
  attempts: number;
  errorCode?: string;
  errorMessage?: string;
  detail?: string;
}

/** What the handler returns for timer, EventBridge and CloudMonitor events (an HTTP body too). */
export interface RunSummary {
  invocationId: string;
  trigger: Trigger;
  dryRun: boolean;
  capReached: boolean;
  results: RunResult[];
}

export function toResult(record: OutcomeRecord, fallbackMode: Mode): RunResult {
  const r: RunResult = {
    outcome: record.outcome,
    mode: record.mode ?? fallbackMode,
    attempts: record.attempts,
  };
  if (record.changeId) r.changeId = record.changeId;
  if (record.envId) r.envId = record.envId;
  if (record.errorCode) r.errorCode = record.errorCode;
  if (record.errorMessage) r.errorMessage = record.errorMessage;
  if (record.detail) r.detail = record.detail;
  return r;
}
