/**
 * The facts a decision needs, checked before any verdict: when one is missing, unreadable or
 * ambiguous the change is never aborted, and the record's `detail` names the fact
 * (docs/policy.md, "Fail closed").
 */
import type { Candidate } from '../model/candidate.js';
import { FUTURE_SLACK_MS } from '../webplus/epoch-ms.js';
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
    return `${candidate.envUnread ?? "its environment's AbortingChange was not read in this invocation"}: whether an abort is already in progress is unknown`;
  }
  return undefined;
}

/**
 * Slack allowed for a change's times against the judging clock, ms (60 s: the same slack as for
 * alarm times, shared/policy/alarm-age.ts). A time further in the future is not a time Web+
 * could have recorded yet.
 */
export const CHANGE_TIME_SLACK_MS = FUTURE_SLACK_MS;

/**
 * Whether the change's times can be believed: both readable (epoch-ms.ts: `CreateTime` and
 * `UpdateTime`), `CreateTime` not after `UpdateTime` (a change cannot progress before it was
 * created: times that contradict each other are unknown times), and neither more than
 * {@link CHANGE_TIME_SLACK_MS} after `nowMs` (a time from the future would make the idle and
 * running ages meaningless). Source of the fields: docs/reference/webplus-api.md, DescribeChange.
 * @param nowMs the judging clock, epoch ms (Web+'s when the skew is over a minute)
 * @returns why the times are unknown, naming the fields and values read, or undefined
 */
export function unknownTimes(change: Change, nowMs: number): string | undefined {
  const u = change.unreadable;
  const why = u.CreateTime ?? u.UpdateTime;
  if (why !== undefined) return `${why}: the change's times are unknown`;
  const { createTime, updateTime } = change;
  if (createTime === undefined || updateTime === undefined) return "the change's times are unknown";
  if (createTime > updateTime) {
    return `CreateTime ${iso(createTime)} is after UpdateTime ${iso(updateTime)}: the times contradict each other, so the change's times are unknown`;
  }
  for (const [field, ms] of [
    ['CreateTime', createTime],
    ['UpdateTime', updateTime],
  ] as const) {
    if (ms > nowMs + CHANGE_TIME_SLACK_MS) {
      return `${field} ${iso(ms)} is ${Math.round((ms - nowMs) / 1000)} s in the future (clock slack ${CHANGE_TIME_SLACK_MS / 1000} s, judged at ${iso(nowMs)}): the change's times are unknown`;
    }
  }
  return undefined;
}

function iso(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? String(ms) : date.toISOString();
}

/** `detail` of a decision that failed closed on an unknown fact. */
export function failClosed(why: string): string {
  return `${why}; not aborted (fail closed)`;
}
