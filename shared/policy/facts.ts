/**
 * The facts a decision needs, checked before any verdict: when one is missing, unreadable or
 * ambiguous the change is never aborted, and the record's `detail` names the fact
 * (docs/policy.md, "Fail closed").
 */
import type { Candidate } from '../model/candidate.js';
import { APP_ID_PATTERN } from '../webplus/normalize.js';
import type { Change } from '../webplus/types.js';
import type { Policy } from './schema.js';

/**
 * Which environment (and, when `protect.appIds` is set, which application) the change is in:
 * the change's own EnvId must be readable and agree with the environment it was found through;
 * the AppId must be a well-formed AppId learned in this invocation.
 * @returns why the identity is unknown, or undefined when it is known
 */
export function unknownIdentity(
  candidate: Candidate,
  change: Change,
  policy: Policy,
): string | undefined {
  if (change.unreadable.EnvId) {
    return `${change.unreadable.EnvId}: the change's environment (its rules, protect.envIds) is unknown`;
  }
  if (candidate.envId !== undefined && candidate.envId !== change.envId) {
    // Everything learned through that environment (its rules, its AppId) is ambiguous with it.
    const appId = policy.protect.appIds.length > 0 ? ', so is its AppId (protect.appIds)' : '';
    return `DescribeChange says EnvId ${change.envId}, but the change was found as ${candidate.envId}'s: which environment it is in is ambiguous${appId}`;
  }
  if (policy.protect.appIds.length > 0) {
    const appId = candidate.appId;
    if (appId === undefined || !APP_ID_PATTERN.test(appId)) {
      const why =
        candidate.appIdUnknown ??
        (appId
          ? `AppId ${JSON.stringify(appId)} is not an AppId`
          : 'the AppId of its environment is unknown');
      return `${why}: protect.appIds cannot be checked`;
    }
  }
  return undefined;
}

/**
 * Whether the change is in flight: `ChangeFinished`, `ChangeAborted`, `ChangePaused` readable,
 * and its environment's `AbortingChange` read in this invocation (DescribeChange shows an
 * aborting change as unfinished).
 */
export function unknownState(candidate: Candidate, change: Change): string | undefined {
  const u = change.unreadable;
  const why = u.ChangeFinished ?? u.ChangeAborted ?? u.ChangePaused;
  if (why !== undefined) return `${why}: whether the change is in flight is unknown`;
  if (candidate.envAborting === undefined && !change.finished && !change.aborted) {
    return `${candidate.envUnread ?? 'its environment was not read'}: whether an abort is already in progress is unknown`;
  }
  return undefined;
}

/** Both times readable (epoch-ms.ts): `CreateTime` and `UpdateTime`. */
export function unknownTimes(change: Change): string | undefined {
  const u = change.unreadable;
  const why = u.CreateTime ?? u.UpdateTime;
  return why === undefined ? undefined : `${why}: the change's times are unknown`;
}

/** `detail` of a decision that failed closed on an unknown fact. */
export function failClosed(why: string): string {
  return `${why}; not aborted (fail closed)`;
}
