import type { Mode } from '../model/record.js';
import type { Policy, Rules } from './schema.js';

/** Thresholds a timer payload may set for one run (they replace `defaults`). */
export interface RunOverrides {
  maxIdleMinutes?: number;
  maxDurationMinutes?: number;
}

/**
 * The rules that apply to one environment: `defaults`, then the run's overrides (timer
 * payload), then the environment's own entry, which wins (docs/policy.md).
 */
export function rulesFor(policy: Policy, envId: string | undefined, run: RunOverrides = {}): Rules {
  const base: Rules = { ...policy.defaults };
  if (run.maxIdleMinutes !== undefined) base.maxIdleMinutes = run.maxIdleMinutes;
  if (run.maxDurationMinutes !== undefined) base.maxDurationMinutes = run.maxDurationMinutes;
  const own = envId ? policy.environments[envId] : undefined;
  if (!own) return base;
  return {
    mode: own.mode ?? base.mode,
    maxIdleMinutes: own.maxIdleMinutes ?? base.maxIdleMinutes,
    maxDurationMinutes: own.maxDurationMinutes ?? base.maxDurationMinutes,
    includePaused: own.includePaused ?? base.includePaused,
    actions: own.actions ?? base.actions,
  };
}

/** Why a change may not be touched at all, or undefined. */
export function protectedBecause(
  policy: Policy,
  envId: string | undefined,
  appId: string | undefined,
): string | undefined {
  if (envId && policy.protect.envIds.includes(envId))
    return `protected: ${envId} is in protect.envIds`;
  if (appId && policy.protect.appIds.includes(appId))
    return `protected: ${appId} is in protect.appIds`;
  return undefined;
}

/**
 * The mode that applies to a change under `rules`: `off` stays off; `dry-run` when the rules say
 * so, the kill switch (`ABORT_DRY_RUN=true`) is on, or the request asked for a dry run; else
 * `enforce` (docs/policy.md, "mode").
 */
export function modeFor(
  rules: Pick<Rules, 'mode'>,
  switches: { killSwitch: boolean; requestDryRun?: boolean },
): Mode {
  if (rules.mode === 'off') return 'off';
  return rules.mode === 'dry-run' || switches.killSwitch || switches.requestDryRun === true
    ? 'dry-run'
    : 'enforce';
}
