import type { Mode } from '../../model/record.js';
import type { PlatformApp } from '../../platform/platform.js';
import { type EffectivePlatformRules, platformRulesFor } from '../../policy/platform-decide.js';
import { modeFor, protectedBecause, rulesFor } from '../../policy/rules.js';
import type { Policy, Rules } from '../../policy/schema.js';
import type { DoctorCheck } from './report.js';

/** Applications listed one row each at most; the rest are counted in one more row. */
export const MAX_APP_ROWS = 20;

/** An application a platform read returned, for its row. */
export interface ReadApplication {
  appId: string;
  appName?: string;
  regionId: string;
}

export interface PolicyRowsInput {
  policy: Policy;
  /** Where the policy came from: the variable that gave it, or `built-in` (none given). */
  source: { variable: 'POLICY_FILE' | 'POLICY' | 'built-in'; words: string };
  /** `ABORT_DRY_RUN=true`: dry-run everywhere (`mode: off` still wins). */
  killSwitch: boolean;
  /** The applications the Web+ reads returned, in order. */
  applications: readonly ReadApplication[];
}

/**
 * The `policy` rows: what the policy means, resolved by the policy stage's own functions
 * (shared/policy/rules.ts `rulesFor`, `protectedBecause`, `modeFor`; never re-implemented):
 * one row for the policy as a whole, one for the defaults every other environment gets, one per
 * environment the policy names (`environments`, `protect.envIds`, `alarms[].envIds`), and one
 * per application the reads returned (protected? swept?), at most {@link MAX_APP_ROWS}.
 */
export function policyRows(input: PolicyRowsInput): DoctorCheck[] {
  const { policy, killSwitch } = input;
  const rows: DoctorCheck[] = [];
  const sweepScope = policy.sweep.appIds
    ? `sweeps ${policy.sweep.appIds.length} application(s) (sweep.appIds)`
    : 'sweeps every application';
  rows.push({
    check: 'policy',
    subject: input.source.variable,
    status: 'ok',
    detail: `${input.source.words}: valid; ${sweepScope}, at most ${policy.sweep.maxAbortsPerRun} abort(s) per run; ${policy.alarms.length} alarm rule(s), alarms older than ${policy.alarmMaxAgeMinutes} min ignored; kill switch ABORT_DRY_RUN ${killSwitch ? 'ON: nothing is aborted anywhere' : 'off'}`,
  });
  const defaults = rulesFor(policy, undefined);
  const defaultMode = modeFor(defaults, { killSwitch });
  rows.push({
    check: 'policy',
    subject: 'defaults',
    status: 'ok',
    mode: defaultMode,
    detail: `every environment not named below: ${rulesWords(defaults, defaultMode, killSwitch)}`,
  });
  for (const envId of namedEnvironments(policy)) {
    const rules = rulesFor(policy, envId);
    const mode = modeFor(rules, { killSwitch });
    const shield = protectedBecause(policy, envId, undefined);
    const alarmRules = policy.alarms
      .map((rule, i) => (rule.envIds.includes(envId) ? i + 1 : 0))
      .filter((n) => n > 0);
    const alarms = alarmRules.length > 0 ? `; named by alarm rule ${alarmRules.join(', ')}` : '';
    rows.push({
      check: 'policy',
      subject: envId,
      status: 'ok',
      mode: shield ? 'off' : mode,
      detail: shield
        ? `${shield}: never aborted, a manual request included${alarms}`
        : `${rulesWords(rules, mode, killSwitch)}${alarms}`,
    });
  }
  for (const app of input.applications.slice(0, MAX_APP_ROWS)) {
    const shield = protectedBecause(policy, undefined, app.appId);
    const swept = !policy.sweep.appIds || policy.sweep.appIds.includes(app.appId);
    const name = app.appName ? ` ${app.appName}` : '';
    rows.push({
      check: 'policy',
      subject: app.appId,
      status: 'ok',
      regionId: app.regionId,
      detail: shield
        ? `application${name} in ${app.regionId}: ${shield}: none of its environments is ever aborted`
        : `application${name} in ${app.regionId}: ${swept ? 'swept' : 'not swept (not in sweep.appIds); alarms and manual requests still apply'}; its environments get the defaults unless named above`,
    });
  }
  const rest = input.applications.length - MAX_APP_ROWS;
  if (rest > 0) {
    rows.push({
      check: 'policy',
      subject: 'applications',
      status: 'ok',
      detail: `${rest} more application(s) the reads returned, not listed one by one; they follow the same rules`,
    });
  }
  return rows;
}

/** The environments the policy names, in the order it names them, each once. */
function namedEnvironments(policy: Policy): string[] {
  const ids = [
    ...Object.keys(policy.environments),
    ...policy.protect.envIds,
    ...policy.alarms.flatMap((a) => a.envIds),
  ];
  return [...new Set(ids)];
}

/** `enforce: aborts a change idle > 30 min or running > 240 min; paused ones left alone; any action`. */
function rulesWords(rules: Rules, mode: Mode, killSwitch: boolean): string {
  if (mode === 'off') return 'off: never touched (mode off)';
  const head =
    mode === 'enforce'
      ? 'enforce: aborts'
      : rules.mode === 'enforce' && killSwitch
        ? 'dry-run (ABORT_DRY_RUN; the policy says enforce): records would_abort for'
        : 'dry-run: records would_abort for';
  const paused = rules.includePaused ? 'paused ones too' : 'paused ones left alone';
  const actions = rules.actions ? `only actions ${rules.actions.join(', ')}` : 'any action';
  return `${head} a change idle > ${rules.maxIdleMinutes} min or running > ${rules.maxDurationMinutes} min; ${paused}; ${actions}`;
}

export interface PlatformPolicyRowsInput {
  policy: Policy;
  platform: 'sae' | 'edas';
  killSwitch: boolean;
  /** The applications the platform's read returned (its first page). */
  applications: readonly PlatformApp[];
}

/**
 * The `policy` rows of SAE or EDAS (docs/policy.md, "platforms"), resolved by the policy stage's
 * own `platformRulesFor` and `modeFor`: one row for the platform (what every application not
 * named gets), one per application the policy names (`platforms.<p>.apps`, `protect.appIds`),
 * and one per application the read returned (protected? swept? its own rules?), at most
 * {@link MAX_APP_ROWS}.
 */
export function platformPolicyRows(input: PlatformPolicyRowsInput): DoctorCheck[] {
  const { policy, platform, killSwitch } = input;
  const p = policy.platforms[platform];
  const label = platform === 'sae' ? 'SAE' : 'EDAS';
  const rows: DoctorCheck[] = [];
  const base = platformRulesFor(policy, platform, undefined);
  const baseMode = modeFor(base, { killSwitch });
  const scope = p.sweepAppIds
    ? `sweeps ${p.sweepAppIds.length} application(s) (platforms.${platform}.sweepAppIds)`
    : 'sweeps every application';
  rows.push({
    check: 'policy',
    subject: platform,
    status: 'ok',
    mode: baseMode,
    detail: `${label} change orders of every application not named below: ${platformRulesWords(base, baseMode, killSwitch)}; ${scope}`,
  });
  const named = [...Object.keys(p.apps), ...p.protect.appIds];
  const seen = new Set<string>();
  const read = input.applications.slice(0, MAX_APP_ROWS);
  for (const appId of [...named, ...read.map((a) => a.appId)]) {
    if (seen.has(appId)) continue;
    seen.add(appId);
    const app = read.find((a) => a.appId === appId);
    const name = app?.appName ? ` ${app.appName}` : '';
    const where = app ? ` (read from ${label})` : ' (named by the policy)';
    if (p.protect.appIds.includes(appId)) {
      rows.push({
        check: 'policy',
        subject: appId,
        status: 'ok',
        mode: 'off',
        detail: `${label} application${name}${where}: protected: ${appId} is in platforms.${platform}.protect.appIds: never aborted, a manual request included`,
      });
      continue;
    }
    const rules = platformRulesFor(policy, platform, appId);
    const mode = modeFor(rules, { killSwitch });
    const swept = !p.sweepAppIds || p.sweepAppIds.includes(appId);
    rows.push({
      check: 'policy',
      subject: appId,
      status: 'ok',
      mode,
      detail: `${label} application${name}${where}: ${p.apps[appId] ? platformRulesWords(rules, mode, killSwitch) : `the ${label} rules above`}; ${swept ? 'swept' : `not swept (not in platforms.${platform}.sweepAppIds)`}`,
    });
  }
  const rest = input.applications.length - MAX_APP_ROWS;
  if (rest > 0) {
    rows.push({
      check: 'policy',
      subject: `${platform} applications`,
      status: 'ok',
      detail: `${rest} more ${label} application(s) the read returned, not listed one by one`,
    });
  }
  return rows;
}

/** `enforce: aborts an order idle > 30 min or running > 240 min; paused ones left alone; any change type; abort only`. */
function platformRulesWords(
  rules: EffectivePlatformRules,
  mode: Mode,
  killSwitch: boolean,
): string {
  if (mode === 'off') return 'off: never touched (mode off)';
  const head =
    mode === 'enforce'
      ? 'enforce: aborts'
      : rules.mode === 'enforce' && killSwitch
        ? 'dry-run (ABORT_DRY_RUN; the policy says enforce): records would_abort for'
        : 'dry-run: records would_abort for';
  const paused = rules.includePaused ? 'paused ones too' : 'paused ones left alone';
  const types = rules.changeTypes ? `only ${rules.changeTypes.join(', ')}` : 'any change type';
  const onAbort = rules.onAbort === 'rollback' ? 'abort and roll back' : 'abort only, no rollback';
  return `${head} an order idle > ${rules.maxIdleMinutes} min or running > ${rules.maxDurationMinutes} min; ${paused}; ${types}; ${onAbort}`;
}
