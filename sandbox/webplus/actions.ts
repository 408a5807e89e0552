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
  /** `asked`: echo the PageSize asked for even when the page was cut (a silent cap) */
  pageSizeEcho?: 'effective' | 'asked';
  /** the region the request is in (`x-acs-region-id`); undefined = every region (lax mode) */
  regionId?: string;
  /** strict mode: an AppId the region does not hold is 400 AppNotExist, as the docs list */
  strict?: boolean;
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
  const { query, now, regionId } = req;
  switch (action) {
    case 'AbortChange': {
      const changeId = required(requestParams(req), 'ChangeId');
      return { EnvChange: account.abort(changeId, now, regionId) };
    }
    case 'DescribeChange': {
      const change = account.describeChange(
        required(query, 'ChangeId'),
        optional(query, 'EnvId'),
        now,
        regionId,
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
        regionId,
      );
      return {
        Changes: { Change: items },
        PageNumber: page.pageNumber,
        PageSize: req.pageSizeEcho === 'asked' ? page.askedPageSize : page.pageSize,
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
        regionId?: string;
      } = { includeTerminated: optional(query, 'IncludeTerminated') === 'true' };
      if (regionId !== undefined) filter.regionId = regionId;
      const appId = optional(query, 'AppId');
      if (req.strict && appId !== undefined && !account.hasApp(appId, regionId))
        throw new WebplusApiError(
          400,
          'AppNotExist',
          'A corresponding application was not found based on the application ID.',
        );
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
        PageSize: req.pageSizeEcho === 'asked' ? page.askedPageSize : page.pageSize,
        TotalCount: ids.length,
      };
    }
    case 'DescribeAppEnvStatus':
      return { EnvStatus: account.envStatus(required(query, 'EnvId'), now, regionId) };
    case 'DescribeApplications': {
      const page = pageRequest(query, req.pageSizeMax);
      const apps = account.listApplications(
        optional(query, 'AppId'),
        optional(query, 'AppName'),
        regionId,
      );
      return {
        Applications: { Application: apps.slice(page.offset, page.offset + page.pageSize) },
        PageNumber: page.pageNumber,
        PageSize: req.pageSizeEcho === 'asked' ? page.askedPageSize : page.pageSize,
        TotalCount: apps.length,
      };
    }
  }
}
