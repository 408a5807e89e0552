import { replyField, replyText } from '../core/ids.js';
import { readEnvStatus } from './env-status.js';
import { readEpochMs } from './epoch-ms.js';
import type { AppEnv, Application, Change } from './types.js';

/**
 * Turns Web+ JSON objects into our plain typed objects. Web+ types some fields loosely
 * (`StartTime` is documented String, sent as a number). Every boolean flag a decision reads
 * (`ChangeFinished`, `ChangeAborted`, `ChangePaused`, `ChangeSucceed`, `ChangeTimedout`,
 * `ApplyingChange`, `AbortingChange`) must be a JSON boolean: `"false"`, `0`, `null` or absent is
 * unknown, never false (docs/policy.md, "Fail closed"). Source: Web+ API reference,
 * DescribeChange / DescribeAppEnvs (docs/reference/webplus-api.md: Boolean fields).
 */

export function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value.trim())) return Number(value.trim());
  if (value && typeof value === 'object' && 'toNumber' in value) {
    const n = (value as { toNumber(): number }).toNumber();
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** A JSON boolean, or `undefined` when the field is absent or anything else (unknown, fail closed). */
function strictBool(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

function obj(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** Unwraps Web+'s list envelope `{"Changes":{"Change":[...]}}` (a single object is a one-item list). */
export function unwrapList(body: Record<string, unknown>, outer: string, inner: string): unknown[] {
  const wrapper = body[outer];
  const list = Array.isArray(wrapper) ? wrapper : obj(wrapper)[inner];
  if (Array.isArray(list)) return list;
  return list && typeof list === 'object' ? [list] : [];
}

/**
 * Well-formed Web+ ids (`we-` / `wa-` + 24 lower-case hex digits, as the policy writes them).
 * Reply fields are checked by shared/core/ids.ts `readReplyField`; these two serve callers that
 * test an id already read (shared/policy/facts.ts).
 */
export const ENV_ID_PATTERN = /^we-[0-9a-f]{24}$/;
/** See {@link ENV_ID_PATTERN}. */
export const APP_ID_PATTERN = /^wa-[0-9a-f]{24}$/;

/**
 * A change as the function may rely on it. Strict where a decision depends on the field: times
 * through {@link readEpochMs} (unknown stays unknown: never 0, never the other time), the three
 * flags that say whether it is in flight as JSON booleans only (`"false"` is unknown). What
 * cannot be read is listed in `unreadable` (and the field is left at a safe placeholder:
 * `finished`/`aborted` false, `envId` empty), so the policy can fail closed and name it:
 * - `EnvId` absent → `unreadable.EnvId`;
 * - `FinishTime` set (anything but absent, null, `0`, `"0"`, `""`) beside `ChangeFinished:
 *   false` → `unreadable.ChangeFinished` naming both: the two facts contradict each other, so
 *   whether the change is in flight is unknown (never aborted; as the other contradictions,
 *   shared/policy/facts.ts). Source: docs/reference/webplus-api.md, "The change object"
 *   (FinishTime is set once finished);
 * - `ChangeSucceed` present but not a JSON boolean, or `true` beside `ChangeFinished: false`,
 *   and `ChangeTimedout` present but not a JSON boolean (`null` included), or `true` beside
 *   `ChangeFinished: false` (undocumented: red-team 25 G2) → `unreadable.ChangeFinished` naming
 *   the field (red-team 24 F1). Absent, the two are accepted (no decision reads them).
 *
 * The id and name fields are read exactly (shared/core/ids.ts `readReplyField`): `ChangeId`
 * (required: absent → undefined, the caller's MalformedReply), `EnvId` and `ActionName` when
 * present; `ChangeName` and `ChangeDescription` must be strings when present. A field of the
 * wrong type or form (`["Apply"]`, `"WC-…"`, `" we-… "`, `""`, null, a number) throws
 * ReplyFieldError naming `path.Field`, which the client turns into `MalformedReply`.
 * @param path where the object stood in the reply, for messages (`Change`, `Changes.Change[3]`)
 * @throws ReplyFieldError
 */
export function toChange(raw: unknown, path = 'Change'): Change | undefined {
  const c = obj(raw);
  const changeId = replyField('ChangeId', c.ChangeId, `${path}.ChangeId`);
  if (!changeId) return undefined;
  const unreadable: Change['unreadable'] = {};
  const time = (field: 'CreateTime' | 'UpdateTime'): number | undefined => {
    const read = readEpochMs(field, c[field]);
    if (read.known) return read.ms;
    unreadable[field] = read.why;
    return undefined;
  };
  const flag = (field: 'ChangeFinished' | 'ChangeAborted' | 'ChangePaused'): boolean => {
    const value = c[field];
    if (typeof value === 'boolean') return value;
    unreadable[field] =
      value === undefined ? `${field} is absent` : `${field} ${shown(value)} is not a boolean`;
    return false;
  };
  const envId = replyField('EnvId', c.EnvId, `${path}.EnvId`);
  if (envId === undefined) unreadable.EnvId = 'EnvId is absent';
  const actionName = replyField('ActionName', c.ActionName, `${path}.ActionName`);
  const changeName = replyText(c.ChangeName, `${path}.ChangeName`);
  const changeDescription = replyText(c.ChangeDescription, `${path}.ChangeDescription`);
  const createTime = time('CreateTime');
  const updateTime = time('UpdateTime');
  const finished = flag('ChangeFinished');
  // Fields no decision reads but that contradict the flags, or are malformed: whether the
  // change is in flight is then unknown (red-team 24 F1; docs/policy.md, "What is a
  // contradiction"). Each is named; several are joined.
  const contradiction = (why: string) => {
    unreadable.ChangeFinished =
      unreadable.ChangeFinished === undefined ? why : `${unreadable.ChangeFinished}; ${why}`;
  };
  if (c.ChangeFinished === false && finishTimeSet(c.FinishTime)) {
    contradiction(
      `FinishTime ${shown(c.FinishTime)} is set while ChangeFinished is false: the two contradict each other`,
    );
  }
  if (c.ChangeSucceed !== undefined && typeof c.ChangeSucceed !== 'boolean')
    contradiction(`ChangeSucceed ${shown(c.ChangeSucceed)} is not a boolean`);
  else if (c.ChangeSucceed === true && c.ChangeFinished === false)
    contradiction(
      'ChangeSucceed true on an unfinished change (ChangeFinished false): the two contradict each other',
    );
  if (c.ChangeTimedout !== undefined && typeof c.ChangeTimedout !== 'boolean')
    contradiction(`ChangeTimedout ${shown(c.ChangeTimedout)} is not a boolean`);
  else if (c.ChangeTimedout === true && c.ChangeFinished === false)
    // The reference documents ChangeTimedout as a display flag only; what a change that timed
    // out but has not finished is doing (still running? stopping?) is not documented, so it is
    // not "stuck and running" as the policy judges it (red-team 25 G2).
    contradiction(
      'ChangeTimedout true on an unfinished change (ChangeFinished false): what a timed-out change that has not finished is doing is undocumented',
    );
  return {
    changeId,
    envId: envId ?? '',
    changeName,
    actionName: actionName ?? '',
    changeDescription,
    finished,
    succeed: strictBool(c.ChangeSucceed),
    aborted: flag('ChangeAborted'),
    paused: flag('ChangePaused'),
    timedOut: strictBool(c.ChangeTimedout),
    ...(createTime === undefined ? {} : { createTime }),
    ...(updateTime === undefined ? {} : { updateTime }),
    finishTime: toNumber(c.FinishTime) || undefined,
    unreadable,
  };
}

/**
 * Whether a `FinishTime` says the change finished: anything but absent, null, `0`, `"0"` or a
 * blank string (what an unfinished change's FinishTime holds is undocumented; those are read as
 * "not set", anything else, readable or not, as set).
 */
function finishTimeSet(value: unknown): boolean {
  if (value === undefined || value === null || value === 0) return false;
  return !(typeof value === 'string' && (value.trim() === '' || value.trim() === '0'));
}

function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/**
 * One DescribeAppEnvs item, or DescribeAppEnvStatus's `EnvStatus` (docs/reference/webplus-api.md);
 * undefined without an `EnvId`. The two in-flight flags are read only as JSON booleans
 * (anything else is unknown). `EnvId`, `AppId` and `LatestChangeId` are read exactly when present
 * (shared/core/ids.ts `readReplyField`: an upper-case or array `LatestChangeId` is refused, never
 * a change to read; `LatestChangeId` null or "" is absent); `EnvName` must be a string when
 * present. `EnvStatus` is read against the documented values (`envStatusRead`, env-status.ts),
 * never thrown on: an unknown one is the environment's own fact (red-team 25 G1).
 * @param path where the object stood in the reply, for messages (`AppEnvs.AppEnv[0]`, `EnvStatus`)
 * @throws ReplyFieldError naming `path.Field` (the client's MalformedReply)
 */
export function toAppEnv(raw: unknown, path = 'EnvStatus'): AppEnv | undefined {
  const e = obj(raw);
  const envId = replyField('EnvId', e.EnvId, `${path}.EnvId`);
  if (!envId) return undefined;
  return {
    envId,
    appId: replyField('AppId', e.AppId, `${path}.AppId`) ?? '',
    envName: replyText(e.EnvName, `${path}.EnvName`) ?? '',
    // Read, never thrown on: an EnvStatus that is absent, not a string, blank or undocumented
    // makes this environment's change unjudgeable (skipped naming it), not the whole page
    // unreadable (red-team 25 G1).
    ...(typeof e.EnvStatus === 'string' && e.EnvStatus.trim() !== ''
      ? { envStatus: e.EnvStatus }
      : {}),
    envStatusRead: readEnvStatus(e.EnvStatus),
    // Unknown unless a real boolean: an environment whose ApplyingChange is unknown is recorded
    // (skipped, naming it), never taken as quiet or as in flight.
    applyingChange: strictBool(e.ApplyingChange),
    // Unknown unless a real boolean: the policy never aborts while it is unknown (docs/policy.md).
    abortingChange: strictBool(e.AbortingChange),
    ...(typeof e.AbortingChange === 'boolean'
      ? {}
      : {
          abortingUnread:
            e.AbortingChange === undefined
              ? 'AbortingChange is absent'
              : `AbortingChange is not a JSON boolean (got ${shown(e.AbortingChange)})`,
        }),
    // null or "" reads as absent (an environment with no change yet; a Java backend's empty
    // field), so one such item does not make the whole listing page unreadable; absent with
    // ApplyingChange true is skipped naming it (targeting). Any other form is refused.
    latestChangeId:
      e.LatestChangeId === null || e.LatestChangeId === ''
        ? undefined
        : replyField('ChangeId', e.LatestChangeId, `${path}.LatestChangeId`),
  };
}

/**
 * One DescribeApplications item (docs/reference/webplus-api.md); undefined without an `AppId`.
 * `AppId` is read exactly, `AppName` must be a string when present.
 * @param path where the item stood in the reply (`Applications.Application[0]`)
 * @throws ReplyFieldError naming `path.Field` (the client's MalformedReply)
 */
export function toApplication(raw: unknown, path = 'Application'): Application | undefined {
  const a = obj(raw);
  const appId = replyField('AppId', a.AppId, `${path}.AppId`);
  if (!appId) return undefined;
  return { appId, appName: replyText(a.AppName, `${path}.AppName`) ?? '' };
}
