import { readEpochMs } from './epoch-ms.js';
import { stringOrUndefined } from './reply.js';
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

/** Well-formed Web+ ids (`we-` / `wa-` + 24 lower-case hex digits, as the policy writes them). */
export const ENV_ID_PATTERN = /^we-[0-9a-f]{24}$/;
/** See {@link ENV_ID_PATTERN}. */
export const APP_ID_PATTERN = /^wa-[0-9a-f]{24}$/;

/**
 * A change as the function may rely on it. Strict where a decision depends on the field: times
 * through {@link readEpochMs} (unknown stays unknown: never 0, never the other time), the three
 * flags that say whether it is in flight as JSON booleans only (`"false"` is unknown), the EnvId
 * well formed. What cannot be read is listed in `unreadable` (and the field is left at a safe
 * placeholder: `finished`/`aborted` false, `envId` as sent), so the policy can fail closed and
 * name it.
 */
export function toChange(raw: unknown): Change | undefined {
  const c = obj(raw);
  const changeId = stringOrUndefined(c.ChangeId);
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
  const envId = typeof c.EnvId === 'string' ? c.EnvId : '';
  if (!ENV_ID_PATTERN.test(envId)) {
    unreadable.EnvId =
      c.EnvId === undefined ? 'EnvId is absent' : `EnvId ${shown(c.EnvId)} is not an EnvId`;
  }
  const createTime = time('CreateTime');
  const updateTime = time('UpdateTime');
  return {
    changeId,
    envId,
    changeName: stringOrUndefined(c.ChangeName),
    actionName: stringOrUndefined(c.ActionName) ?? '',
    changeDescription: stringOrUndefined(c.ChangeDescription),
    finished: flag('ChangeFinished'),
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

function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/**
 * One DescribeAppEnvs item (docs/reference/webplus-api.md); undefined without an `EnvId`. The
 * two in-flight flags are read only as JSON booleans (anything else is unknown).
 */
export function toAppEnv(raw: unknown): AppEnv | undefined {
  const e = obj(raw);
  const envId = stringOrUndefined(e.EnvId);
  if (!envId) return undefined;
  return {
    envId,
    appId: stringOrUndefined(e.AppId) ?? '',
    envName: stringOrUndefined(e.EnvName) ?? '',
    envStatus: stringOrUndefined(e.EnvStatus),
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
    latestChangeId: stringOrUndefined(e.LatestChangeId),
  };
}

/** One DescribeApplications item (docs/reference/webplus-api.md); undefined without an `AppId`. */
export function toApplication(raw: unknown): Application | undefined {
  const a = obj(raw);
  const appId = stringOrUndefined(a.AppId);
  if (!appId) return undefined;
  return { appId, appName: stringOrUndefined(a.AppName) ?? '' };
}
