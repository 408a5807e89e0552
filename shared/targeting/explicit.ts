import type { Candidate, CandidateSource } from '../model/candidate.js';
import type { WebplusGateway } from '../webplus/gateway.js';
import { abortingFacts, candidateForChange, readEnv } from './read.js';
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
   * EnvIds the same alarm names beside its ChangeIds: each change must be in one of them (an
   * alarm naming change A and environment B, A not in B, does not say which it meant).
   */
  changeEnvIds?: readonly string[];
  /** Per ChangeId, the EnvIds its own series named with it: the change must be in one of them. */
  pairedEnvIds?: Readonly<Record<string, readonly string[]>>;
}

/**
 * Candidates for ids named by an operator or an alarm. A ChangeId is read with DescribeChange
 * and its environment with DescribeAppEnvs (whether an abort is already in progress, and the
 * AppId); an EnvId
 * means that environment's in-flight change (`LatestChangeId` while `ApplyingChange`).
 * Environments with nothing in flight give one settled candidate: `ignored` for an alarm,
 * `skipped` for a manual request.
 */
export async function explicitCandidates(
  gateway: WebplusGateway,
  _scope: TargetingScope,
  targets: ExplicitTargets,
): Promise<Candidate[]> {
  const base = { source: targets.source, reason: targets.reason, note: targets.note };
  const byChange = targets.changeIds.map(async (changeId) => {
    const candidate = await candidateForChange(gateway, changeId, base);
    // An EnvId Web+ sent malformed is never sent back to it; the policy names it.
    if (candidate.settled || !candidate.envId || candidate.change?.unreadable.EnvId)
      return candidate;
    const paired = targets.pairedEnvIds?.[candidate.changeId ?? ''];
    const named = paired && paired.length > 0 ? paired : targets.changeEnvIds;
    if (named && named.length > 0 && !named.includes(candidate.envId)) {
      return {
        ...candidate,
        settled: {
          outcome: 'skipped' as const,
          detail: `the alarm names ${named.length === 1 ? `envId ${named[0]}` : `envIds ${named.join(', ')}`}, but DescribeChange says this change is in ${candidate.envId}: which one the alarm meant is ambiguous; not aborted (fail closed)`,
        },
      };
    }
    // DescribeChange shows an aborting change as unfinished: only its environment's
    // AbortingChange says an abort is already in progress (and DescribeAppEnvs carries the AppId).
    try {
      const env = await readEnv(gateway, candidate.envId);
      if (!env) {
        const why = `DescribeAppEnvs found no environment ${candidate.envId}`;
        return { ...candidate, appIdUnknown: `${why}, so its AppId is unknown`, envUnread: why };
      }
      return { ...candidate, appId: env.appId || undefined, ...abortingFacts(env) };
    } catch (err) {
      return { ...candidate, settled: settledFromError(err, 'DescribeAppEnvs') };
    }
  });
  const byEnv = targets.envIds.map(async (envId): Promise<Candidate> => {
    let env: Awaited<ReturnType<typeof readEnv>>;
    try {
      env = await readEnv(gateway, envId);
    } catch (err) {
      return { ...base, envId, settled: settledFromError(err, 'DescribeAppEnvs') };
    }
    if (!env) {
      return {
        ...base,
        envId,
        settled: { outcome: 'not_found', detail: `environment ${envId} not found in this account` },
      };
    }
    if (env.applyingChange === undefined) {
      return {
        ...base,
        envId,
        appId: env.appId || undefined,
        settled: {
          outcome: 'skipped',
          detail: `DescribeAppEnvs: ${UNKNOWN_APPLYING}; not aborted (fail closed)`,
        },
      };
    }
    if (env.applyingChange && !env.latestChangeId) {
      return {
        ...base,
        envId,
        appId: env.appId || undefined,
        settled: {
          outcome: 'skipped',
          detail: `DescribeAppEnvs: ${UNNAMED_CHANGE}; not aborted (fail closed)`,
        },
      };
    }
    if (!env.applyingChange || !env.latestChangeId) {
      return {
        ...base,
        envId,
        appId: env.appId || undefined,
        settled: {
          outcome: targets.source === 'alarm' ? 'ignored' : 'skipped',
          detail: `environment ${envId} has no change in flight`,
        },
      };
    }
    return candidateForChange(gateway, env.latestChangeId, {
      ...base,
      envId,
      appId: env.appId || undefined,
      ...abortingFacts(env),
    });
  });
  return Promise.all([...byChange, ...byEnv]);
}
