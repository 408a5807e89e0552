import type { Candidate } from '../model/candidate.js';
import type { Decision } from '../model/decision.js';
import type { Mode, Outcome } from '../model/record.js';
import { WALL_TIME_EAST_MS } from '../platform/parse.js';
import { alarmAgeOnBothClocks, alarmPredatesChange } from './alarm-age.js';
import { CHANGE_TIME_SLACK_MS } from './facts.js';
import type { Policy } from './schema.js';

const MINUTE_MS = 60_000;

/** The rules that apply to one SAE / EDAS change order after defaults and overrides. */
export interface EffectivePlatformRules {
  mode: Mode;
  maxIdleMinutes: number;
  maxDurationMinutes: number;
  includePaused: boolean;
  onAbort: 'abort' | 'rollback';
  /** absent = every change type */
  changeTypes?: readonly string[];
}

/** A timer payload's thresholds for one sweep, minutes (absent: the policy's). */
export interface SweepThresholds {
  maxIdleMinutes?: number | undefined;
  maxDurationMinutes?: number | undefined;
}

/**
 * The rules of an SAE or EDAS application: `defaults` (mode, thresholds, includePaused), then
 * the platform's keys, then a timer payload's thresholds (`run`, sweeps only), then the
 * application's entry under `apps`, which wins. `onAbort` is `abort` unless the platform or the
 * application says `rollback`.
 */
export function platformRulesFor(
  policy: Policy,
  platform: 'sae' | 'edas',
  appId: string | undefined,
  run: SweepThresholds = {},
): EffectivePlatformRules {
  const p = policy.platforms[platform];
  const own = appId ? p.apps[appId] : undefined;
  return {
    mode: own?.mode ?? p.mode ?? policy.defaults.mode,
    maxIdleMinutes:
      own?.maxIdleMinutes ??
      run.maxIdleMinutes ??
      p.maxIdleMinutes ??
      policy.defaults.maxIdleMinutes,
    maxDurationMinutes:
      own?.maxDurationMinutes ??
      run.maxDurationMinutes ??
      p.maxDurationMinutes ??
      policy.defaults.maxDurationMinutes,
    includePaused: own?.includePaused ?? p.includePaused ?? policy.defaults.includePaused,
    onAbort: own?.onAbort ?? p.onAbort,
    changeTypes: p.changeTypes,
  };
}

export interface PlatformDecideContext {
  policy: Policy;
  /**
   * The instant ages are judged at, epoch ms: the earlier of the function's clock and the
   * platform's (its `Date` headers, within the 5 min tolerance), so every age that decides an
   * abort is the smaller of the two (shared/webplus/judging-clock.ts, red-team 12 H2).
   */
  nowMs: number;
  /** The later of the two clocks, epoch ms (future times; an alarm's age). @default nowMs */
  latestNowMs?: number;
  /** `nowMs` is the platform's clock (more than a minute behind the function's). */
  onServerClock?: boolean;
  /** The platform's clock is more than a minute ahead of the function's: ages are the function's. */
  serverAhead?: boolean;
  /** `ABORT_DRY_RUN=true` */
  killSwitch: boolean;
  requestDryRun: boolean;
  /** A timer payload's thresholds (sweeps only). */
  overrides?: SweepThresholds;
  /**
   * The platform's clock minus ours, ms, from its replies' `Date` headers; undefined when no
   * reply carried one (a sweep then judges no stuck age, as for Web+).
   */
  skewMs?: number | undefined;
  /**
   * Why the platform's clock is unknown although replies carried `Date` headers (they
   * disagreed, or put it more than 5 min from the function's clock:
   * shared/webplus/server-clock.ts); a sweep then judges no stuck age and says this; an alarm is
   * judged on the function's clock and says this too.
   */
  clockUnknownWhy?: string;
  /** Alarms: when the alarm fired, epoch ms (alarm-age.ts judges it on `nowMs`). */
  alarmAtMs?: number;
}

/**
 * Judges one SAE / EDAS candidate. Order: settled reads; an unknown application while
 * `protect.appIds` or `apps` is set (fail closed: `skipped`, naming the fact); `protect.appIds`; `mode: off`;
 * a read whose fields are unreadable or contradict each other (`replyFaults`: `skipped`, naming
 * them, red-team 24 F8); a listing that disagrees with the read (`listingFaults`, red-team 25
 * G14); finished; an `unknown` state (a status this tool does not know, or could not read: never
 * aborted, the record names the raw status); paused (unless `includePaused`, or a manual
 * request); `changeTypes`; unknown times (start or last progress: `skipped`, for every source,
 * as for Web+); `onAbort: rollback` on an order whose `SupportRollback` is not true (`skipped`);
 * the stuck rules for sweeps (the timer payload's thresholds in `ctx.overrides`); then dry-run
 * gives `would_abort`, else abort (with rollback when `onAbort: rollback`).
 */
export function decidePlatform(candidate: Candidate, ctx: PlatformDecideContext): Decision {
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
  if (candidate.settled) return record(candidate.settled.outcome, candidate.settled.detail);
  const platform = candidate.platform;
  if (platform !== 'sae' && platform !== 'edas')
    return record('failed', 'not an SAE or EDAS candidate');
  const change = candidate.platformChange;
  const appId = candidate.appId ?? change?.appId;
  const rules = platformRulesFor(
    ctx.policy,
    platform,
    appId,
    candidate.source === 'sweep' ? ctx.overrides : undefined,
  );
  const own = ctx.policy.platforms[platform];
  if (appId === undefined && (own.protect.appIds.length > 0 || Object.keys(own.apps).length > 0))
    // Protection and per-application rules cannot be checked without the application.
    return record(
      'skipped',
      `application unknown: ${platform} did not say which application change order ${candidate.changeId ?? '(unknown)'} belongs to, and platforms.${platform}.${own.protect.appIds.length > 0 ? 'protect.appIds' : 'apps'} needs it (give the AppId: appIds / --app)`,
      rules.mode === 'off' ? 'off' : undefined,
    );
  if (appId && own.protect.appIds.includes(appId))
    return record(
      'skipped',
      `protected: ${appId} is in platforms.${platform}.protect.appIds`,
      rules.mode,
    );
  if (rules.mode === 'off')
    return record('skipped', `mode off for ${platform} ${appId ?? ''}`.trim(), 'off');
  const mode: Mode =
    rules.mode === 'dry-run' || ctx.killSwitch || ctx.requestDryRun ? 'dry-run' : 'enforce';
  if (!change) return record('failed', 'no change order information to decide on', mode);
  if (change.replyFaults !== undefined && change.replyFaults.length > 0)
    // Red-team 24 F8: a read whose fields are unreadable or contradict each other is not a read
    // of this order's facts, whatever its status says (docs/policy.md §3, "contradictions").
    return record(
      'skipped',
      `${platform}'s read of change order ${change.changeId} is unreadable or contradicts itself (${change.replyFaults.join('; ')}): its facts are unknown; not aborted (fail closed)`,
      mode,
    );
  if (change.listingFaults !== undefined && change.listingFaults.length > 0)
    // Red-team 25 G14: the listing that found the order and its read say different things (or
    // the listing contradicts itself): which is true is unknown.
    return record(
      'skipped',
      `${platform}'s listing and read of change order ${change.changeId} disagree (${change.listingFaults.join('; ')}): which is true is unknown; not aborted (fail closed)`,
      mode,
    );
  if (change.state === 'finished')
    return record(
      'already_finished',
      `change order already finished (${change.finishedAs ?? 'ended'}, status ${change.rawStatus})`,
      mode,
    );
  if (change.state === 'unknown')
    return record(
      'skipped',
      `status ${change.rawStatus} of this change order is unknown to webplus-abort: never aborted`,
      mode,
    );
  if (change.state === 'paused' && !rules.includePaused && candidate.source !== 'manual')
    return record(
      'skipped',
      `change order is paused (status ${change.rawStatus}; includePaused is false)`,
      mode,
    );
  if (rules.changeTypes !== undefined && !rules.changeTypes.includes(change.changeType ?? ''))
    return record(
      'skipped',
      `change type ${change.changeType ?? '(unknown)'} is not in changeTypes [${rules.changeTypes.join(', ')}]`,
      mode,
    );
  if (change.startedAtMs === 'unknown' || change.lastProgressAtMs === 'unknown')
    // Issue 10: a change's times are facts every decision needs (Web+: CreateTime, UpdateTime).
    return record(
      'skipped',
      `the change order's times are unknown (${[
        change.timesWhy ?? '',
        change.timesWhy === undefined && change.startedAtMs === 'unknown'
          ? 'start: no started batch with a readable StartTime'
          : '',
        change.timesWhy === undefined && change.lastProgressAtMs === 'unknown'
          ? 'last progress: a started batch without a readable StartTime or UpdateTime, or none started'
          : '',
      ]
        .filter(Boolean)
        .join('; ')}); not aborted (fail closed)`,
      mode,
    );
  {
    // Times that contradict each other (progress before the start) or lie beyond the clock
    // slack in the future are unknown times, as for Web+ (facts.ts, unknownTimes).
    const { startedAtMs, lastProgressAtMs } = change;
    const latestNowMs = ctx.latestNowMs ?? ctx.nowMs;
    const slackS = CHANGE_TIME_SLACK_MS / 1000;
    const iso = (ms: number) => new Date(ms).toISOString();
    // CreateTime has no zone (UNVERIFIED which): judged only when every zone from UTC−12 to
    // UTC+14 agrees, i.e. on its earliest possible instant (parse.ts WALL_TIME_EAST_MS).
    const createdEarliest =
      change.createdWallMs === undefined ? undefined : change.createdWallMs - WALL_TIME_EAST_MS;
    const wall = (ms: number) => `"${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}"`;
    const contradiction =
      createdEarliest !== undefined && createdEarliest > latestNowMs + CHANGE_TIME_SLACK_MS
        ? `CreateTime ${wall(change.createdWallMs!)} is more than ${slackS} s in the future in every time zone (judged at ${iso(latestNowMs)}, the later of the two clocks)`
        : createdEarliest !== undefined && createdEarliest > startedAtMs + CHANGE_TIME_SLACK_MS
          ? `CreateTime ${wall(change.createdWallMs!)} is after its first batch started (${iso(startedAtMs)}) in every time zone: the times contradict each other`
          : startedAtMs > lastProgressAtMs
            ? `start ${iso(startedAtMs)} is after last progress ${iso(lastProgressAtMs)}: the times contradict each other`
            : lastProgressAtMs > latestNowMs + CHANGE_TIME_SLACK_MS
              ? `last progress ${iso(lastProgressAtMs)} is more than ${slackS} s in the future (judged at ${iso(latestNowMs)}, the later of the two clocks)`
              : undefined;
    if (contradiction)
      return record(
        'skipped',
        `the change order's times are unknown (${contradiction})${ctx.clockUnknownWhy ? `; judged on the function's clock, ${platform}'s being unknown (${ctx.clockUnknownWhy})` : ''}; not aborted (fail closed)`,
        mode,
      );
  }
  const rollbackAsked = rules.onAbort === 'rollback';
  if (rollbackAsked && change.supportsRollback !== true)
    return record(
      'skipped',
      `onAbort is rollback, but the change order's SupportRollback is ${String(change.supportsRollback)}: not aborted without the rollback the policy asks for`,
      mode,
    );
  // The platform's clock contradicted (Date headers disagreeing, or more than the 5 min
  // tolerance from ours: server-clock.ts): an alarm is judged on the function's clock, and says so.
  const unknownNote = ctx.clockUnknownWhy
    ? `; ${platform}'s clock is unknown (${ctx.clockUnknownWhy}): judged on the function's clock`
    : '';
  if (candidate.source === 'alarm') {
    // Fresh only when fresh on both clocks (red-team 12 H2).
    const age = alarmAgeOnBothClocks(
      ctx.alarmAtMs,
      ctx.nowMs,
      ctx.latestNowMs ?? ctx.nowMs,
      ctx.policy.alarmMaxAgeMinutes,
    );
    if (!age.fresh) {
      const on = 'on' in age ? age.on : undefined;
      const which =
        (on === 'earliest' && ctx.onServerClock) || (on === 'latest' && ctx.serverAhead)
          ? ` on ${platform}'s clock (${skewSpan(ctx.skewMs ?? 0)})`
          : '';
      return record('ignored', `${age.detail}${which}${unknownNote}`, mode);
    }
    const earlier = alarmPredatesChange(ctx.alarmAtMs!, change.startedAtMs);
    if (earlier)
      return record(
        'skipped',
        earlier.replace('this change was created', 'this change order started'),
        mode,
      );
  }
  if (candidate.source === 'sweep' && ctx.skewMs === undefined)
    return record(
      'skipped',
      `${platform}'s clock is unknown: ${ctx.clockUnknownWhy ?? 'none of its replies carried a Date header'}, so no stuck age is judged; not aborted (fail closed)`,
      mode,
    );
  let reason = candidate.reason ?? 'manual';
  let detail =
    candidate.source === 'manual'
      ? 'requested by an operator'
      : `alarm ${reason.replace(/^alarm:/, '')} is firing`;
  if (candidate.source === 'alarm') detail += unknownNote;
  if (candidate.source === 'sweep') {
    const idle = ctx.nowMs - change.lastProgressAtMs;
    const age = ctx.nowMs - change.startedAtMs;
    // Ages: the smaller of the two clocks' (red-team 12 H2); the record says which clock gave it.
    const clockNote = ctx.onServerClock
      ? ` on ${platform}'s clock (${skewSpan(ctx.skewMs ?? 0)}: the smaller age)`
      : ctx.serverAhead
        ? ` on the function's clock (the smaller age: ${platform}'s is ${skewSpan(ctx.skewMs ?? 0)})`
        : '';
    if (idle > rules.maxIdleMinutes * MINUTE_MS) {
      reason = `idle>${rules.maxIdleMinutes}m`;
      detail = `no batch progress for ${Math.floor(idle / MINUTE_MS)} min (more than the ${rules.maxIdleMinutes} min limit)${clockNote}`;
    } else if (age > rules.maxDurationMinutes * MINUTE_MS) {
      reason = `duration>${rules.maxDurationMinutes}m`;
      detail = `running for ${Math.floor(age / MINUTE_MS)} min (more than the ${rules.maxDurationMinutes} min limit)${clockNote}`;
    } else {
      // A last progress after the earlier clock's now (within the slack) is idle 0 min.
      const said = (ms: number, what: string) =>
        `${what} ${Math.max(0, Math.floor(ms / MINUTE_MS))} min`;
      return record(
        'skipped',
        `not stuck: ${said(idle, 'idle')} (limit ${rules.maxIdleMinutes}), ${said(age, 'running')} (limit ${rules.maxDurationMinutes})${clockNote}`,
        mode,
        undefined,
      );
    }
  }
  const rollback = rollbackAsked;
  const action = rollback ? 'AbortAndRollbackChangeOrder' : 'AbortChangeOrder';
  if (mode === 'dry-run') {
    const why =
      rules.mode === 'dry-run'
        ? 'policy mode dry-run'
        : ctx.killSwitch
          ? 'ABORT_DRY_RUN kill switch'
          : 'dry run requested';
    return record('would_abort', `${detail}; ${why}: no ${action} sent`, mode, reason);
  }
  return { kind: 'abort', candidate, mode: 'enforce', reason, detail, rollback };
}

/** `4 min 50 s ahead of the function's`. */
function skewSpan(skewMs: number): string {
  const s = Math.round(Math.abs(skewMs) / 1000);
  const m = Math.floor(s / 60);
  const span = m ? `${m} min${s % 60 ? ` ${s % 60} s` : ''}` : `${s} s`;
  return `${span} ${skewMs >= 0 ? 'ahead of' : 'behind'} the function's`;
}
