import type { Candidate } from '../model/candidate.js';
import type { Decision } from '../model/decision.js';
import type { Mode, Outcome } from '../model/record.js';
import { alarmAgeOnBothClocks, alarmPredatesChange } from './alarm-age.js';
import { failClosed, unknownIdentity, unknownState, unknownTimes } from './facts.js';
import type { RunOverrides } from './rules.js';
import { modeFor, protectedBecause, rulesFor } from './rules.js';
import type { Policy } from './schema.js';
import { judgeStuck } from './stuck.js';

export interface DecideContext {
  policy: Policy;
  /**
   * The instant ages are judged at, epoch ms: the earlier of the function's clock and Web+'s as
   * its replies' `Date` headers show it (within the 5 min trust tolerance), so every age that
   * decides an abort is the smaller of the two (shared/webplus/judging-clock.ts, red-team 12 H2).
   */
  nowMs: number;
  /**
   * The later of the two clocks, epoch ms: a change time beyond it (and the slack) is in the
   * future on both; an alarm must be fresh on it too. @default nowMs
   */
  latestNowMs?: number;
  /** Web+'s clock minus the function's, ms, from the `Date` headers; undefined when unknown. */
  skewMs?: number | undefined;
  /** `nowMs` is Web+'s clock (more than a minute behind the function's). */
  onServerClock?: boolean;
  /** Web+'s clock is more than a minute ahead of the function's: ages are the function's. */
  serverAhead?: boolean;
  /**
   * Why Web+'s clock is unknown although its replies carried `Date` headers (they disagreed, or
   * put it more than 5 min from the function's clock: shared/webplus/server-clock.ts); a sweep
   * then judges no stuck age and says this; an alarm's age is judged on the function's clock and
   * the record says this too.
   */
  clockUnknownWhy?: string;
  /** `ABORT_DRY_RUN=true`: the kill switch. */
  killSwitch: boolean;
  /** The request asked for a dry run. */
  requestDryRun: boolean;
  /** Timer payload thresholds. */
  overrides?: RunOverrides;
  /** Alarms: when the alarm fired (its own time), epoch ms; undefined when it carried none. */
  alarmAtMs?: number;
}

/**
 * Judges one candidate, failing closed on every fact it cannot establish (docs/policy.md, "Fail
 * closed"). Order: settled reads; the change's identity (EnvId readable and consistent; AppId
 * when `protect.appIds` is set); `protect` (nothing may abort, manual included); `mode: off`;
 * whether it is in flight (flags readable); already finished / already aborting; paused (unless
 * `includePaused`, or a manual request); `actions`; its times (both readable, CreateTime not after UpdateTime, neither beyond the
 * clock slack in the future); alarms: the
 * alarm's age on the judging clock (`ignored` when stale) and that it fired after the change was
 * created (60 s slack); sweeps: Web+'s clock known, then the stuck rules; then dry-run (policy
 * mode, kill switch or the request) gives `would_abort`, else abort.
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
  if (!change) return record('failed', 'no change information to decide on');
  const identity = unknownIdentity(candidate, change, policy);
  if (identity) return record('skipped', failClosed(identity));
  const envId = change.envId;
  const rules = rulesFor(policy, envId, candidate.source === 'sweep' ? ctx.overrides : undefined);
  const protectedReason = protectedBecause(policy, envId, candidate.appId);
  if (protectedReason) return record('skipped', protectedReason, rules.mode);
  if (rules.mode === 'off') return record('skipped', 'mode off for this environment', 'off');
  const mode: Mode = modeFor(rules, ctx);
  const state = unknownState(candidate, change);
  if (state) return record('skipped', failClosed(state), mode);
  if (
    (change.finished || (change.aborted && candidate.envAborting !== true)) &&
    candidate.envApplying !== undefined &&
    candidate.envApplying === change.changeId
  ) {
    // The environment says this change is being applied; the change says it is done. Which
    // change is applying is unknown (red-team 12 F2): not `already_finished`, and no abort.
    return record(
      'skipped',
      failClosed(
        `the environment ${change.envId} reads ApplyingChange true with LatestChangeId ${change.changeId}, but DescribeChange says that change ${change.finished ? 'finished' : 'was aborted'}: the two reads contradict each other, so which change is being applied is unknown`,
      ),
      mode,
    );
  }
  if (
    !change.finished &&
    !change.aborted &&
    !change.paused &&
    candidate.envQuiet !== undefined &&
    candidate.envQuiet === change.changeId
  ) {
    // The mirror case (red-team s24 F3): the environment says nothing is being applied; its
    // latest change says it is running. Whether it is in flight is unknown: no abort.
    return record(
      'skipped',
      failClosed(
        `the environment ${change.envId} reads ApplyingChange false with LatestChangeId ${change.changeId}, but DescribeChange says that change is running: the two reads contradict each other`,
      ),
      mode,
    );
  }
  if (!change.finished && !change.aborted && candidate.envApplyingUnread !== undefined) {
    // Red-team 26 H1: the listing's ApplyingChange could not be read; whether the environment
    // is applying this change is unknown (the sweep and the by-EnvId paths already skip it).
    return record(
      'skipped',
      failClosed(
        `${candidate.envApplyingUnread}: whether the environment ${change.envId} is applying change ${change.changeId} is unknown`,
      ),
      mode,
    );
  }
  if (change.finished || change.aborted) {
    return record(
      'already_finished',
      change.aborted
        ? 'change already aborted'
        : `change already finished (${change.succeed === undefined ? 'outcome unknown' : change.succeed ? 'succeeded' : 'failed'})`,
      mode,
    );
  }
  if (candidate.envAborting)
    return record('already_aborting', 'an abort of this change is in progress', mode);
  if (change.paused && !rules.includePaused && candidate.source !== 'manual') {
    return record('skipped', 'change is paused (includePaused is false)', mode);
  }
  if (rules.actions && !rules.actions.includes(change.actionName)) {
    return record(
      'skipped',
      `action ${change.actionName || '(none)'} is not in actions [${rules.actions.join(', ')}]`,
      mode,
    );
  }
  const latestNowMs = ctx.latestNowMs ?? ctx.nowMs;
  const times = unknownTimes(change, latestNowMs);
  if (times || change.createTime === undefined || change.updateTime === undefined) {
    // Judged on the later of the two clocks: with a Date header within the tolerance but over a
    // minute off, a change time beyond both contradicts the header too.
    const contradicted =
      times && (ctx.onServerClock || ctx.serverAhead)
        ? `; judged on the later of the function's clock and Web+'s as its Date headers show it (${skewWords(ctx.skewMs ?? 0)}), which the change's own times contradict: Web+'s clock is unknown`
        : times && ctx.clockUnknownWhy
          ? `; judged on the function's clock, Web+'s being unknown (${ctx.clockUnknownWhy})`
          : '';
    return record(
      'skipped',
      failClosed(`${times ?? "the change's times are unknown"}${contradicted}`),
      mode,
    );
  }
  // Ages: the smaller of the two clocks' (red-team 12 H2); the record says which clock gave it.
  const clockNote = ctx.onServerClock
    ? ` on Web+'s clock (${skewWords(ctx.skewMs ?? 0)}: the smaller age)`
    : ctx.serverAhead
      ? ` on the function's clock (the smaller age: Web+'s is ${skewWords(ctx.skewMs ?? 0)})`
      : '';
  // Web+'s clock contradicted (Date headers disagreeing, or beyond the tolerance): an alarm's
  // age is judged on the function's clock, and the record says so.
  const unknownNote = ctx.clockUnknownWhy
    ? `; Web+'s clock is unknown (${ctx.clockUnknownWhy}): judged on the function's clock`
    : '';
  let reason = candidate.reason ?? 'manual';
  let detail =
    candidate.source === 'manual'
      ? 'requested by an operator'
      : `alarm ${reason.replace(/^alarm:/, '')} is firing`;
  if (candidate.source === 'alarm') {
    // Fresh only when fresh on both clocks (red-team 12 H2).
    const age = alarmAgeOnBothClocks(
      ctx.alarmAtMs,
      ctx.nowMs,
      latestNowMs,
      policy.alarmMaxAgeMinutes,
    );
    if (!age.fresh) {
      const on = 'on' in age ? age.on : undefined;
      const which =
        (on === 'earliest' && ctx.onServerClock) || (on === 'latest' && ctx.serverAhead)
          ? ` on Web+'s clock (${skewWords(ctx.skewMs ?? 0)})`
          : '';
      return record('ignored', `${age.detail}${which}${unknownNote}`, mode);
    }
    const earlier = alarmPredatesChange(ctx.alarmAtMs!, change.createTime);
    if (earlier) return record('skipped', earlier, mode);
    detail += unknownNote;
  }
  if (candidate.source === 'sweep') {
    if (ctx.skewMs === undefined) {
      return record(
        'skipped',
        failClosed(
          `Web+'s clock is unknown: ${ctx.clockUnknownWhy ?? 'none of its replies carried a Date header'}, so no stuck age is judged`,
        ),
        mode,
      );
    }
    const verdict = judgeStuck(
      { createTime: change.createTime, updateTime: change.updateTime },
      rules,
      ctx.nowMs,
    );
    if (!verdict.stuck) return record('skipped', `${verdict.detail}${clockNote}`, mode, undefined);
    reason = verdict.reason;
    detail = `${verdict.detail}${clockNote}`;
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

/** `Web+ is 5 min 3 s ahead of the function's clock`. */
function skewWords(skewMs: number): string {
  const s = Math.round(Math.abs(skewMs) / 1000);
  const m = Math.floor(s / 60);
  const span = m ? `${m} min${s % 60 ? ` ${s % 60} s` : ''}` : `${s} s`;
  return `${span} ${skewMs >= 0 ? 'ahead of' : 'behind'} the function's`;
}

/**
 * The urgency order of the aborts one cap chooses among, the same on Web+, SAE and EDAS:
 * 1. in flight before paused (Web+ `ChangePaused`, SAE/EDAS `state: paused`: a paused change
 *    reaches an abort only with `includePaused`, and waits for a person anyway);
 * 2. the longest running first: the oldest start (Web+ `CreateTime`, SAE/EDAS first batch
 *    `StartTime`); unknown last;
 * 3. the least recent progress first (Web+ `UpdateTime`, SAE/EDAS latest batch `UpdateTime`);
 *    unknown last;
 * 4. a stable id order: platform, then ChangeId / ChangeOrderId (code-unit order).
 * @returns negative when `a` goes before `b`
 */
export function capOrder(a: Candidate, b: Candidate): number {
  return (
    pausedRank(a) - pausedRank(b) ||
    timeOf(a, 'start') - timeOf(b, 'start') ||
    timeOf(a, 'progress') - timeOf(b, 'progress') ||
    codeUnitOrder(a.platform ?? 'webplus', b.platform ?? 'webplus') ||
    codeUnitOrder(
      a.changeId ?? a.platformChange?.changeId ?? '',
      b.changeId ?? b.platformChange?.changeId ?? '',
    )
  );
}

function pausedRank(c: Candidate): number {
  return c.change?.paused === true || c.platformChange?.state === 'paused' ? 1 : 0;
}

/** A candidate's start or last progress, epoch ms; unknown: +Infinity (last). */
function timeOf(c: Candidate, which: 'start' | 'progress'): number {
  const web = which === 'start' ? c.change?.createTime : c.change?.updateTime;
  const platform =
    which === 'start' ? c.platformChange?.startedAtMs : c.platformChange?.lastProgressAtMs;
  const t = web ?? platform;
  return typeof t === 'number' && Number.isFinite(t) ? t : Number.POSITIVE_INFINITY;
}

function codeUnitOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Applies `sweep.maxAbortsPerRun` to the enforce aborts only: the most urgent ones by
 * {@link capOrder} (in flight first, the longest running, the least recent progress, then a
 * stable id order; the same on every platform) keep their abort, the rest become `skipped`
 * with the reason. `would_abort` decisions (dry-run environments, the kill switch, a dry-run
 * request) send nothing and use up none of the cap, so an enforce environment is never crowded
 * out by dry-run ones (issue 10, kind 8).
 * @param why the record detail of an abort cut (default: `sweep.maxAbortsPerRun` reached)
 * @returns the decisions in their original order, and whether the cap was reached
 */
export function applyCap(
  decisions: Decision[],
  maxAbortsPerRun: number,
  why?: string,
): { decisions: Decision[]; capReached: boolean } {
  const acting = decisions
    .map((d, index) => ({ d, index }))
    .filter(({ d }) => d.kind === 'abort')
    .sort((a, b) => capOrder(a.d.candidate, b.d.candidate) || a.index - b.index);
  if (acting.length <= maxAbortsPerRun) return { decisions, capReached: false };
  const out = [...decisions];
  for (const { d, index } of acting.slice(maxAbortsPerRun)) {
    out[index] = {
      kind: 'record',
      candidate: d.candidate,
      mode: d.mode,
      reason: d.reason,
      outcome: 'skipped',
      detail:
        why ??
        `cap reached: sweep.maxAbortsPerRun is ${maxAbortsPerRun}; oldest changes go first, this one waits for the next sweep`,
    };
  }
  return { decisions: out, capReached: true };
}
