import type { Candidate, CandidateSource, Settled } from '../model/candidate.js';
import type { WebplusGateway } from '../webplus/gateway.js';
import type { AppEnv } from '../webplus/types.js';
import { EnvDirectory, envStatusOutcome, type Lookup } from './directory.js';
import type { RememberedEnv } from './directory-cache.js';
import { abortingFacts, candidateForChange } from './read.js';
import type { TargetingScope } from './scope.js';
import { settledFromError } from './settle.js';
import { UNKNOWN_APPLYING, UNNAMED_CHANGE } from './sweep.js';

export interface ExplicitTargets {
  source: Exclude<CandidateSource, 'sweep'>;
  reason: string;
  note?: string;
  changeIds: string[];
  envIds: string[];
  /**
   * The EnvId the request gives beside its ChangeIds (an alarm's single `envId` dimension): the
   * changes are read in that environment instead of being looked up.
   */
  envHint?: string;
  /**
   * EnvIds the same alarm names beside its ChangeIds: each change must be in one of them (an
   * alarm naming change A and environment B, A not in B, does not say which it meant).
   */
  changeEnvIds?: readonly string[];
  /** Per ChangeId, the EnvIds its own series named with it: the change must be in one of them. */
  pairedEnvIds?: Readonly<Record<string, readonly string[]>>;
  /**
   * The `appId` dimension of a Web+ alarm, split on commas and trimmed: each target's
   * application (as DescribeAppEnvs reports it) must be one of them (an alarm naming change A
   * and another application's AppId says two things).
   */
  alarmAppIds?: readonly string[];
}

/** Why `appId` is not what the alarm names, or undefined when it is (or none is named). */
function appMismatch(named: readonly string[] | undefined, appId: string): string | undefined {
  if (!named || named.length === 0 || (appId !== '' && named.includes(appId))) return undefined;
  const said = named.length === 1 ? `appId ${named[0]}` : `appIds ${named.join(', ')}`;
  return `the alarm names ${said}, but DescribeAppEnvs says this environment is in ${appId ? `application ${appId}` : 'an application it does not name'}: which one the alarm meant is ambiguous; not aborted (fail closed)`;
}

/**
 * Candidates for ids named by an operator or an alarm, in the gateway's region.
 * - A ChangeId is read with DescribeChange, which needs its EnvId: the `envHint` when given
 *   (an unfinished change must then be that environment's `LatestChangeId`, else it is not in
 *   flight), else the environment whose `LatestChangeId` it is: first the one an earlier complete
 *   listing of this instance named (`EnvDirectory.remembered`, at most 5 minutes old, not when
 *   the AppId is needed), used only when DescribeChange confirms that EnvId and the environment's
 *   fresh DescribeAppEnvStatus names the change as its latest; otherwise (or when nothing is
 *   remembered) the one the region's listing names. When the alarm also names
 *   EnvIds (`changeEnvIds`), a change in none of them is `skipped` as ambiguous (issue 10) (`EnvDirectory`: the region's
 *   applications and environments, listed once). A ChangeId that is no environment's latest is
 *   not in flight: `not_found`, saying so; an incomplete listing: `failed`, naming what was not
 *   read. Nothing is aborted without both ids. The environment is always read as well:
 *   DescribeChange shows an aborting change as unfinished, and only the environment's
 *   `AbortingChange` says an abort is already in progress (the policy fails closed without it).
 * - An EnvId means that environment's in-flight change (`LatestChangeId` while
 *   `ApplyingChange`), read with DescribeAppEnvStatus (its only required parameter is EnvId), or
 *   from the directory when a rule needs the AppId (`protect.appIds`). Nothing in flight: one
 *   settled candidate, `ignored` for an alarm, `skipped` for a manual request.
 */
export async function explicitCandidates(
  gateway: WebplusGateway,
  scope: TargetingScope,
  targets: ExplicitTargets,
  directory: EnvDirectory = new EnvDirectory(gateway),
): Promise<Candidate[]> {
  const regionId = gateway.client.regionId;
  const base = { source: targets.source, reason: targets.reason, note: targets.note };
  // The AppId is learned (DescribeAppEnvs) when a rule needs it or the alarm names one.
  const needAppId = scope.needAppId || (targets.alarmAppIds?.length ?? 0) > 0;
  /** The EnvIds the alarm names for this change: its own series' pairs first, else all. */
  const namedFor = (changeId: string): readonly string[] => {
    const paired = targets.pairedEnvIds?.[changeId];
    return paired && paired.length > 0 ? paired : (targets.changeEnvIds ?? []);
  };
  /** The alarm names environments and the change is in none of them: which it meant is unknown. */
  const ambiguous = (changeId: string, where: string): Candidate => {
    const named = namedFor(changeId);
    return {
      ...base,
      regionId,
      changeId,
      settled: {
        outcome: 'skipped',
        detail: `the alarm names ${named.length === 1 ? `envId ${named[0]}` : `envIds ${named.join(', ')}`}, but ${where}: which one the alarm meant is ambiguous; not aborted (fail closed)`,
      },
    };
  };
  /**
   * The change read in the environment a remembered listing names (no AppId rule: see
   * `needAppId`), or undefined when that is not confirmed: DescribeChange finds no such change
   * there or names another (or no readable) EnvId, or the environment's fresh
   * DescribeAppEnvStatus names another latest change. Any other failure of those reads is the
   * candidate's outcome (fail closed), as it would be after a listing.
   */
  const readRemembered = async (
    changeId: string,
    remembered: RememberedEnv,
  ): Promise<Candidate | undefined> => {
    const { envId } = remembered;
    const candidate = await candidateForChange(gateway, { changeId, envId }, base);
    if (candidate.settled) return candidate.settled.outcome === 'not_found' ? undefined : candidate;
    const c = candidate.change;
    if (!c || c.unreadable.EnvId || c.envId !== envId) return undefined;
    const found = await envStatus(gateway, envId);
    if (found.settled) return { ...candidate, settled: found.settled };
    if (found.env.latestChangeId !== changeId) return undefined;
    const named = namedFor(changeId);
    if (named.length > 0 && !named.includes(envId)) {
      return { ...ambiguous(changeId, `DescribeChange says this change is in ${envId}`), envId };
    }
    return {
      ...candidate,
      // DescribeAppEnvStatus carries no AppId; an environment's application never changes, so
      // the one its listing item carried names it in the record (no rule reads it here).
      ...(remembered.appId ? { appId: remembered.appId } : {}),
      ...abortingFacts(found.env),
    };
  };
  const byChange = targets.changeIds.map(async (changeId): Promise<Candidate> => {
    const named = namedFor(changeId);
    const hint = targets.envHint;
    if (hint) {
      const candidate = await candidateForChange(gateway, { changeId, envId: hint }, base);
      const elsewhere =
        candidate.settled?.outcome === 'not_found' ||
        (candidate.change !== undefined &&
          !candidate.change.unreadable.EnvId &&
          candidate.change.envId !== hint);
      if (elsewhere && candidate.change && named.length > 0) {
        return {
          ...ambiguous(changeId, `DescribeChange says this change is in ${candidate.change.envId}`),
          envId: candidate.change.envId,
        };
      }
      // Not in that environment and no EnvId was named for it: found through its own
      // environment below (never the hint environment's other change).
      if (!elsewhere) {
        if (candidate.settled) return candidate;
        const found = needAppId ? await directory.findEnv(hint) : await envStatus(gateway, hint);
        if (found.settled) return { ...candidate, settled: found.settled };
        const c = candidate.change;
        if (c && !c.finished && !c.aborted && found.env.latestChangeId !== changeId) {
          // Only an environment's latest change can be in flight (one change at a time:
          // EnvOnChanging): whatever DescribeChange's flags say, this one is not.
          return {
            ...candidate,
            settled: {
              outcome: targets.source === 'alarm' ? 'ignored' : 'skipped',
              detail: `ChangeId ${changeId} is not the latest change of environment ${hint} (${found.env.latestChangeId ? `its latest is ${found.env.latestChangeId}` : 'it names none'}): only an environment's latest change can be in flight; not aborted`,
            },
          };
        }
        const otherApp = appMismatch(targets.alarmAppIds, found.env.appId);
        if (otherApp) {
          return {
            ...candidate,
            appId: found.env.appId || undefined,
            settled: { outcome: 'skipped', detail: otherApp },
          };
        }
        return {
          ...candidate,
          appId: found.env.appId || undefined,
          ...(found.appIdUnknown ? { appIdUnknown: found.appIdUnknown } : {}),
          ...abortingFacts(found.env),
        };
      }
    }
    // An EnvId remembered from an earlier listing of this instance saves listing the region
    // again; it is used only when DescribeChange confirms it and the environment's fresh flags
    // name this change as its latest, else the region is listed as if nothing were remembered.
    const remembered = needAppId ? undefined : directory.remembered(changeId);
    if (remembered) {
      const read = await readRemembered(changeId, remembered);
      if (read) return read;
      directory.forgetRemembered();
    }
    const found = await directory.envOfChange(changeId);
    if (found.settled) return { ...base, regionId, changeId, settled: found.settled };
    const otherApp = appMismatch(targets.alarmAppIds, found.env.appId);
    if (otherApp) {
      return {
        ...base,
        regionId,
        changeId,
        envId: found.env.envId,
        appId: found.env.appId || undefined,
        settled: { outcome: 'skipped', detail: otherApp },
      };
    }
    const read = await candidateForChange(
      gateway,
      { changeId, envId: found.env.envId },
      {
        ...base,
        appId: found.env.appId || undefined,
        ...(found.appIdUnknown ? { appIdUnknown: found.appIdUnknown } : {}),
        ...abortingFacts(found.env),
      },
    );
    const where =
      read.change && !read.change.unreadable.EnvId ? read.change.envId : found.env.envId;
    if (named.length > 0 && !named.includes(where)) {
      return {
        ...ambiguous(changeId, `DescribeChange says this change is in ${where}`),
        envId: where,
      };
    }
    return read;
  });
  const byEnv = targets.envIds.map(async (envId): Promise<Candidate> => {
    const found = needAppId ? await directory.findEnv(envId) : await envStatus(gateway, envId);
    if (found.settled) return { ...base, regionId, envId, settled: found.settled };
    const env = found.env;
    const appIdUnknown = found.appIdUnknown ? { appIdUnknown: found.appIdUnknown } : {};
    const otherApp = appMismatch(targets.alarmAppIds, env.appId);
    if (otherApp) {
      return {
        ...base,
        regionId,
        envId,
        appId: env.appId || undefined,
        settled: { outcome: 'skipped', detail: otherApp },
      };
    }
    if (env.applyingChange === undefined) {
      return {
        ...base,
        regionId,
        envId,
        appId: env.appId || undefined,
        ...appIdUnknown,
        settled: {
          outcome: 'skipped',
          detail: `${needAppId ? 'DescribeAppEnvs' : 'DescribeAppEnvStatus'}: ${UNKNOWN_APPLYING}; not aborted (fail closed)`,
        },
      };
    }
    if (env.applyingChange && !env.latestChangeId) {
      return {
        ...base,
        regionId,
        envId,
        appId: env.appId || undefined,
        ...appIdUnknown,
        settled: {
          outcome: 'skipped',
          detail: `${needAppId ? 'DescribeAppEnvs' : 'DescribeAppEnvStatus'}: ${UNNAMED_CHANGE}; not aborted (fail closed)`,
        },
      };
    }
    if (!env.applyingChange || !env.latestChangeId) {
      return {
        ...base,
        regionId,
        envId,
        appId: env.appId || undefined,
        ...appIdUnknown,
        settled: {
          outcome: targets.source === 'alarm' ? 'ignored' : 'skipped',
          detail: `environment ${envId} has no change in flight`,
        },
      };
    }
    return candidateForChange(
      gateway,
      { changeId: env.latestChangeId, envId },
      { ...base, appId: env.appId || undefined, ...appIdUnknown, ...abortingFacts(env) },
    );
  });
  return Promise.all([...byChange, ...byEnv]);
}

/**
 * One environment's flags by DescribeAppEnvStatus (EnvId is its only, required, parameter; the
 * reply carries no AppId). Fails closed: a reply about another EnvId is ambiguous (`skipped`,
 * naming both), a `TERMINATED` environment has nothing in flight (`not_found`, as DescribeAppEnvs,
 * which hides terminated environments by default, would say), and one that still reads
 * `ApplyingChange: true` with a `LatestChangeId` is contradictory (`skipped`: `terminatedOutcome`);
 * any other status but a documented live one is `skipped` naming `EnvStatus`
 * (`envStatusOutcome`, red-team 25 G1).
 */
export async function envStatus(gateway: WebplusGateway, envId: string): Promise<Lookup> {
  const regionId = gateway.client.regionId;
  try {
    const { value } = await gateway.call('DescribeAppEnvStatus', (o) =>
      gateway.client.describeAppEnvStatus(envId, o),
    );
    if (value.envId !== envId) {
      return {
        settled: {
          outcome: 'skipped',
          detail: `DescribeAppEnvStatus for ${envId} answered about EnvId ${JSON.stringify(value.envId)}: which environment its flags describe is ambiguous; nothing was aborted for it`,
        },
      };
    }
    const status = envStatusOutcome(value, 'DescribeAppEnvStatus', regionId);
    if (status) return { settled: status };
    const env: AppEnv = value;
    return { env };
  } catch (err) {
    const settled: Settled = settledFromError(err, 'DescribeAppEnvStatus');
    return {
      settled:
        settled.outcome === 'not_found'
          ? {
              ...settled,
              detail: `environment ${envId} not found in this account in region ${gateway.client.regionId} (${settled.errorCode})`,
            }
          : settled,
    };
  }
}
