import type { Candidate } from '../model/candidate.js';
import type { Decision } from '../model/decision.js';
import type { Mode, Outcome } from '../model/record.js';
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

/**
 * The rules of an SAE or EDAS application: `defaults` (mode, thresholds, includePaused), then
 * the platform's keys, then the application's entry under `apps`, which wins. `onAbort` is
 * `abort` unless the platform or the application says `rollback`.
 */
export function platformRulesFor(
  policy: Policy,
  platform: 'sae' | 'edas',
  appId: string | undefined,
): EffectivePlatformRules {
  const p = policy.platforms[platform];
  const own = appId ? p.apps[appId] : undefined;
  return {
    mode: own?.mode ?? p.mode ?? policy.defaults.mode,
    maxIdleMinutes: own?.maxIdleMinutes ?? p.maxIdleMinutes ?? policy.defaults.maxIdleMinutes,
    maxDurationMinutes:
      own?.maxDurationMinutes ?? p.maxDurationMinutes ?? policy.defaults.maxDurationMinutes,
    includePaused: own?.includePaused ?? p.includePaused ?? policy.defaults.includePaused,
    onAbort: own?.onAbort ?? p.onAbort,
    changeTypes: p.changeTypes,
  };
}

export interface PlatformDecideContext {
  policy: Policy;
  /** epoch ms */
  nowMs: number;
  /** `ABORT_DRY_RUN=true` */
  killSwitch: boolean;
  requestDryRun: boolean;
}

/**
 * Judges one SAE / EDAS candidate. Order: settled reads; an unknown application while
 * `protect.appIds` or `apps` is set (fail closed: `skipped`, naming the fact); `protect.appIds`; `mode: off`;
 * finished; an `unknown` state (a status this tool does not know, or could not read: never
 * aborted, the record names the raw status); paused (unless `includePaused`, or a manual
 * request); `changeTypes`; the stuck rules for sweeps, where an unknown time never counts as
 * old; then dry-run gives `would_abort`, else abort (with rollback when `onAbort: rollback`).
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
  const rules = platformRulesFor(ctx.policy, platform, appId);
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
  let reason = candidate.reason ?? 'manual';
  let detail =
    candidate.source === 'manual'
      ? 'requested by an operator'
      : `alarm ${reason.replace(/^alarm:/, '')} is firing`;
  if (candidate.source === 'sweep') {
    const idle =
      change.lastProgressAtMs === 'unknown' ? undefined : ctx.nowMs - change.lastProgressAtMs;
    const age = change.startedAtMs === 'unknown' ? undefined : ctx.nowMs - change.startedAtMs;
    if (idle !== undefined && idle > rules.maxIdleMinutes * MINUTE_MS) {
      reason = `idle>${rules.maxIdleMinutes}m`;
      detail = `no batch progress for ${Math.floor(idle / MINUTE_MS)} min (more than the ${rules.maxIdleMinutes} min limit)`;
    } else if (age !== undefined && age > rules.maxDurationMinutes * MINUTE_MS) {
      reason = `duration>${rules.maxDurationMinutes}m`;
      detail = `running for ${Math.floor(age / MINUTE_MS)} min (more than the ${rules.maxDurationMinutes} min limit)`;
    } else {
      const said = (ms: number | undefined, what: string) =>
        ms === undefined
          ? `${what} unknown (never counted as old)`
          : `${what} ${Math.floor(ms / MINUTE_MS)} min`;
      return record(
        'skipped',
        `not stuck: ${said(idle, 'idle')} (limit ${rules.maxIdleMinutes}), ${said(age, 'running')} (limit ${rules.maxDurationMinutes})`,
        mode,
        undefined,
      );
    }
  }
  const rollback = rules.onAbort === 'rollback';
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
