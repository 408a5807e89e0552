import type { Candidate } from '../model/candidate.js';
import type { Decision } from '../model/decision.js';
import type { Mode, Outcome } from '../model/record.js';
import type { RunOverrides } from './rules.js';
import { protectedBecause, rulesFor } from './rules.js';
import type { Policy } from './schema.js';
import { judgeStuck } from './stuck.js';

export interface DecideContext {
  policy: Policy;
  /** epoch ms (real clock) */
  nowMs: number;
  /** `ABORT_DRY_RUN=true`: the kill switch. */
  killSwitch: boolean;
  /** The request asked for a dry run. */
  requestDryRun: boolean;
  /** Timer payload thresholds. */
  overrides?: RunOverrides;
}

/**
 * Judges one candidate. Order: settled reads; `protect` (nothing may abort, manual included);
 * `mode: off`; already finished / already aborting; paused (unless `includePaused`, or a manual
 * request); `actions`; the stuck rules (sweeps only: an operator's or an alarm's request is the
 * signal); then dry-run (policy mode, kill switch or the request) gives `would_abort`, else abort.
 */
export function decide(candidate: Candidate, ctx: DecideContext): Decision {
  const { policy } = ctx;
  const record = (
    outcome: Outcome,
    detail: string,
    mode?: Mode,
    reason = candidate.reason,
  ): Decision => ({
    kind: 'record',
    candidate,
    mode,
    reason,
    outcome,
    detail,
  });
  if (candidate.settled) {
    return record(candidate.settled.outcome, candidate.settled.detail);
  }
  const change = candidate.change;
  const envId = candidate.envId ?? change?.envId;
  const rules = rulesFor(policy, envId, candidate.source === 'sweep' ? ctx.overrides : undefined);
  const protectedReason = protectedBecause(policy, envId, candidate.appId);
  if (protectedReason) return record('skipped', protectedReason, rules.mode);
  if (rules.mode === 'off') return record('skipped', 'mode off for this environment', 'off');
  const mode: Mode =
    rules.mode === 'dry-run' || ctx.killSwitch || ctx.requestDryRun ? 'dry-run' : 'enforce';
  if (!change) return record('failed', 'no change information to decide on', mode);
  if (change.finished) {
    return record(
      'already_finished',
      change.aborted
        ? 'change already aborted'
        : `change already finished (${change.succeed ? 'succeeded' : 'failed'})`,
      mode,
    );
  }
  if (candidate.envAborting)
    return record('already_aborting', 'an abort of this change is in progress', mode);
  if (change.paused && !rules.includePaused && candidate.source !== 'manual') {
    return record('skipped', 'change is paused (includePaused is false)', mode);
  }
  if (rules.actions.length > 0 && !rules.actions.includes(change.actionName)) {
    return record(
      'skipped',
      `action ${change.actionName || '(none)'} is not in actions [${rules.actions.join(', ')}]`,
      mode,
    );
  }
  let reason = candidate.reason ?? 'manual';
  let detail =
    candidate.source === 'manual'
      ? 'requested by an operator'
      : `alarm ${reason.replace(/^alarm:/, '')} is firing`;
  if (candidate.source === 'sweep') {
    const verdict = judgeStuck(change, rules, ctx.nowMs);
    if (!verdict.stuck) return record('skipped', verdict.detail, mode, undefined);
    reason = verdict.reason;
    detail = verdict.detail;
  }
  if (mode === 'dry-run') {
    const why =
      rules.mode === 'dry-run'
        ? 'policy mode dry-run'
        : ctx.killSwitch
          ? 'ABORT_DRY_RUN kill switch'
          : 'dry run requested';
    return record('would_abort', `${detail}; ${why}: no AbortChange sent`, mode, reason);
  }
  return { kind: 'abort', candidate, mode: 'enforce', reason, detail };
}

/**
 * Applies `sweep.maxAbortsPerRun`: the oldest changes (CreateTime) keep their abort or
 * would_abort, the rest become `skipped` with the reason.
 * @returns the decisions in their original order, and whether the cap was reached
 */
export function applyCap(
  decisions: Decision[],
  maxAbortsPerRun: number,
): { decisions: Decision[]; capReached: boolean } {
  const acting = decisions
    .map((d, index) => ({ d, index }))
    .filter(({ d }) => d.kind === 'abort' || (d.kind === 'record' && d.outcome === 'would_abort'))
    .sort(
      (a, b) => (a.d.candidate.change?.createTime ?? 0) - (b.d.candidate.change?.createTime ?? 0),
    );
  if (acting.length <= maxAbortsPerRun) return { decisions, capReached: false };
  const out = [...decisions];
  for (const { d, index } of acting.slice(maxAbortsPerRun)) {
    out[index] = {
      kind: 'record',
      candidate: d.candidate,
      mode: d.mode,
      reason: d.reason,
      outcome: 'skipped',
      detail: `cap reached: sweep.maxAbortsPerRun is ${maxAbortsPerRun}; oldest changes go first, this one waits for the next sweep`,
    };
  }
  return { decisions: out, capReached: true };
}
