import { stringOrUndefined } from './reply.js';
import type { AppEnv, Application, Change } from './types.js';

/**
 * Turns Web+ JSON objects into our plain typed objects. Web+ types some fields loosely
 * (`StartTime` is documented String, sent as a number; booleans sometimes as "true"):
 * accept both. Source: Web+ API reference, DescribeChange / DescribeAppEnvs.
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

function toBool(value: unknown): boolean {
  return value === true || value === 'true' || value === 1;
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

export function toChange(raw: unknown): Change | undefined {
  const c = obj(raw);
  const changeId = stringOrUndefined(c.ChangeId);
  if (!changeId) return undefined;
  const createTime = toNumber(c.CreateTime) ?? 0;
  return {
    changeId,
    envId: stringOrUndefined(c.EnvId) ?? '',
    changeName: stringOrUndefined(c.ChangeName),
    actionName: stringOrUndefined(c.ActionName) ?? '',
    changeDescription: stringOrUndefined(c.ChangeDescription),
    finished: toBool(c.ChangeFinished),
    succeed: toBool(c.ChangeSucceed),
    aborted: toBool(c.ChangeAborted),
    paused: toBool(c.ChangePaused),
    timedOut: toBool(c.ChangeTimedout),
    createTime,
    updateTime: toNumber(c.UpdateTime) ?? createTime,
    finishTime: toNumber(c.FinishTime) || undefined,
  };
}

export function toAppEnv(raw: unknown): AppEnv | undefined {
  const e = obj(raw);
  const envId = stringOrUndefined(e.EnvId);
  if (!envId) return undefined;
  return {
    envId,
    appId: stringOrUndefined(e.AppId) ?? '',
    envName: stringOrUndefined(e.EnvName) ?? '',
    envStatus: stringOrUndefined(e.EnvStatus),
    applyingChange: toBool(e.ApplyingChange),
    abortingChange: toBool(e.AbortingChange),
    latestChangeId: stringOrUndefined(e.LatestChangeId),
  };
}

export function toApplication(raw: unknown): Application | undefined {
  const a = obj(raw);
  const appId = stringOrUndefined(a.AppId);
  if (!appId) return undefined;
  return { appId, appName: stringOrUndefined(a.AppName) ?? '' };
}
