/**
 * Handlers of the Web+ actions: each turns the request parameters into the success body Web+
 * answers (without Code/Message/RequestId, which the server adds) or throws WebplusApiError.
 * Envelopes follow the Web+ API reference: lists are wrapped one level deeper
 * (`{"Changes":{"Change":[...]}, PageNumber, PageSize, TotalCount}`).
 */
import type { WebplusAccount } from './account.js';
import { WebplusApiError } from './errors.js';
import type { WebplusAppEnv } from './model.js';
import { pageRequest } from './paging.js';
import type { ActionName } from './scenario.js';

export interface ActionRequest {
  /** decoded query parameters */
  query: Readonly<Record<string, string>>;
  /** decoded form body parameters (AbortChange) */
  form: Readonly<Record<string, string>>;
  /** epoch ms of arrival */
  now: number;
  pageSizeMax: number;
}

function optional(params: Readonly<Record<string, string>>, name: string): string | undefined {
  const v = params[name];
  return v === undefined || v === '' ? undefined : v;
}

function required(params: Readonly<Record<string, string>>, name: string): string {
  const v = optional(params, name);
  if (v === undefined)
    throw new WebplusApiError(400, 'MissingParameter', `${name} is mandatory for this action.`);
  return v;
}

/** Parameters of a request (form body wins over query), for targeting and fault matching. */
export function requestParams(req: ActionRequest): Record<string, string> {
  return { ...req.query, ...req.form };
}

/**
 * The change and env a request is about: `ChangeId` / `EnvId` parameters, and the env of a named
 * change when the request gives no EnvId.
 */
export function requestTarget(
  req: ActionRequest,
  account: WebplusAccount,
): { changeId?: string; envId?: string } {
  const params = requestParams(req);
  const changeId = optional(params, 'ChangeId');
  const envId = optional(params, 'EnvId') ?? (changeId ? account.envOfChange(changeId) : undefined);
  const out: { changeId?: string; envId?: string } = {};
  if (changeId !== undefined) out.changeId = changeId;
  if (envId !== undefined) out.envId = envId;
  return out;
}

/**
 * Run one action against the account (state changes happen here, at `req.now`).
 * @returns the success body without Code/Message/RequestId
 * @throws WebplusApiError for every Web+ error answer
 */
export function runAction(
  action: ActionName,
  req: ActionRequest,
  account: WebplusAccount,
): Record<string, unknown> {
  const { query, now } = req;
  switch (action) {
    case 'AbortChange': {
      const changeId = required(requestParams(req), 'ChangeId');
      return { EnvChange: account.abort(changeId, now) };
    }
    case 'DescribeChange': {
      const change = account.describeChange(
        required(query, 'ChangeId'),
        optional(query, 'EnvId'),
        now,
      );
      return { Change: change };
    }
    case 'DescribeChanges': {
      const envId = required(query, 'EnvId');
      const page = pageRequest(query, req.pageSizeMax);
      const { items, total } = account.pageChanges(
        envId,
        optional(query, 'ActionName'),
        page.offset,
        page.pageSize,
        now,
      );
      return {
        Changes: { Change: items },
        PageNumber: page.pageNumber,
        PageSize: page.pageSize,
        TotalCount: total,
      };
    }
    case 'DescribeAppEnvs': {
      const page = pageRequest(query, req.pageSizeMax);
      const filter: {
        appId?: string;
        envId?: string;
        envName?: string;
        includeTerminated: boolean;
      } = { includeTerminated: optional(query, 'IncludeTerminated') === 'true' };
      const appId = optional(query, 'AppId');
      const envId = optional(query, 'EnvId');
      const envName = optional(query, 'EnvName');
      if (appId !== undefined) filter.appId = appId;
      if (envId !== undefined) filter.envId = envId;
      if (envName !== undefined) filter.envName = envName;
      const ids = account.listEnvIds(filter);
      const items = ids
        .slice(page.offset, page.offset + page.pageSize)
        .map((id) => account.appEnv(id, now))
        .filter((e): e is WebplusAppEnv => e !== undefined);
      return {
        AppEnvs: { AppEnv: items },
        PageNumber: page.pageNumber,
        PageSize: page.pageSize,
        TotalCount: ids.length,
      };
    }
    case 'DescribeAppEnvStatus':
      return { EnvStatus: account.envStatus(required(query, 'EnvId'), now) };
    case 'DescribeApplications': {
      const page = pageRequest(query, req.pageSizeMax);
      const apps = account.listApplications(optional(query, 'AppId'), optional(query, 'AppName'));
      return {
        Applications: { Application: apps.slice(page.offset, page.offset + page.pageSize) },
        PageNumber: page.pageNumber,
        PageSize: page.pageSize,
        TotalCount: apps.length,
      };
    }
  }
}
