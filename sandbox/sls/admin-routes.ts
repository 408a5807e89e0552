/**
 * The stand-in's management and query routes, as `@alicloud/sls20201230` 5.9.0 calls them
 * (dist/client.js, `*WithOptions`; Log Service API reference 2020-12-30:
 * https://www.alibabacloud.com/help/en/sls/developer-reference/api-sls-2020-12-30-dir):
 *
 * | action | route |
 * |---|---|
 * | CreateIndex / GetIndex / UpdateIndex | `POST` / `GET` / `PUT /logstores/<logstore>/index` |
 * | CreateSavedSearch, GetSavedSearch, UpdateSavedSearch | `POST /savedsearches`, `GET` / `PUT /savedsearches/<name>` |
 * | CreateDashboard, GetDashboard, UpdateDashboard | `POST /dashboards`, `GET` / `PUT /dashboards/<name>` |
 * | CreateAlert, GetAlert, UpdateAlert | `POST /alerts`, `GET` / `PUT /alerts/<name>` |
 * | GetLogs | `GET /logstores/<logstore>?type=log&from&to&query&line&offset&reverse` |
 *
 * Errors are JSON `{errorCode, errorMessage}` with the service's codes: `IndexAlreadyExist`,
 * `IndexConfigNotExist`, `SavedSearchAlreadyExist`, `SavedSearchNotExist`,
 * `DashboardAlreadyExist`, `DashboardNotExist`, `JobAlreadyExist`, `JobNotExist` (alerts are
 * jobs), `ParameterInvalid`, `PostBodyInvalid`. GetLogs answers a JSON array of logs
 * (`__time__`, `__topic__`, `__source__`, `__tag__:<k>` and the contents, all strings) with
 * `x-log-progress: Complete` and `x-log-count`.
 */
import { matches, parseSearch, SearchSyntaxError, searchKeys } from './search.js';
import type { StoredLog } from './types.js';

/** What one project holds. Definitions are kept as sent (JSON), plus `lastModifyTime`. */
export interface ProjectResources {
  indexes: Map<string, Record<string, unknown>>;
  savedsearches: Map<string, Record<string, unknown>>;
  dashboards: Map<string, Record<string, unknown>>;
  alerts: Map<string, Record<string, unknown>>;
}

export interface AdminAnswer {
  status: number;
  body: string;
  headers?: Record<string, string>;
  /** The API action served (for the journal). */
  action: string;
}

export interface AdminRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** Raw body text ('' when none). */
  body: string;
  project: string;
}

const NAME = /^[a-z0-9][a-z0-9_-]{1,127}$/;
/** GetLogs returns at most this many logs per call (Log Service: `line` 0..100). */
const MAX_LINES = 100;

const error = (
  action: string,
  status: number,
  errorCode: string,
  errorMessage: string,
): AdminAnswer => ({
  action,
  status,
  body: JSON.stringify({ errorCode, errorMessage }),
});
const ok = (action: string, value?: unknown, headers?: Record<string, string>): AdminAnswer => ({
  action,
  status: 200,
  body: value === undefined ? '' : JSON.stringify(value),
  ...(headers ? { headers } : {}),
});

/** Resource kinds with create/get/update by name. */
const NAMED = {
  savedsearches: {
    nameKey: 'savedsearchName',
    label: 'SavedSearch',
    exists: 'SavedSearchAlreadyExist',
    missing: 'SavedSearchNotExist',
    required: ['savedsearchName', 'searchQuery', 'logstore'],
  },
  dashboards: {
    nameKey: 'dashboardName',
    label: 'Dashboard',
    exists: 'DashboardAlreadyExist',
    missing: 'DashboardNotExist',
    required: ['dashboardName', 'charts'],
  },
  alerts: {
    nameKey: 'name',
    label: 'Alert',
    exists: 'JobAlreadyExist',
    missing: 'JobNotExist',
    required: ['name', 'displayName', 'configuration', 'schedule'],
  },
} as const;

/** True when the path is one of the routes above (PutLogs is served elsewhere). */
export function isAdminPath(path: string): boolean {
  return (
    /^\/logstores\/[^/]+\/index$/.test(path) ||
    /^\/logstores\/[^/]+$/.test(path) ||
    /^\/(savedsearches|dashboards|alerts)(\/[^/]+)?$/.test(path)
  );
}

/** Serves one authenticated request. */
export function routeAdmin(
  req: AdminRequest,
  resources: ProjectResources,
  logs: () => StoredLog[],
  nowMs: number,
): AdminAnswer {
  const index = /^\/logstores\/([^/]+)\/index$/.exec(req.path);
  if (index) return indexRoute(req, resources, decodeURIComponent(index[1]!), nowMs);
  const logstore = /^\/logstores\/([^/]+)$/.exec(req.path);
  if (logstore) {
    if (req.method !== 'GET' || req.query.get('type') !== 'log') {
      return error(
        'Unknown',
        400,
        'ParameterInvalid',
        'only GetLogs (GET ?type=log) is served on a logstore',
      );
    }
    return getLogs(req, resources, decodeURIComponent(logstore[1]!), logs());
  }
  const named = /^\/(savedsearches|dashboards|alerts)(?:\/([^/]+))?$/.exec(req.path)!;
  const kind = named[1] as keyof typeof NAMED;
  const name = named[2] === undefined ? undefined : decodeURIComponent(named[2]);
  return namedRoute(req, resources[kind], NAMED[kind], name, nowMs);
}

function parseBody(action: string, text: string): Record<string, unknown> | AdminAnswer {
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  return error(action, 400, 'PostBodyInvalid', 'the body is not a JSON object');
}

function indexRoute(
  req: AdminRequest,
  resources: ProjectResources,
  logstore: string,
  nowMs: number,
): AdminAnswer {
  const existing = resources.indexes.get(logstore);
  if (req.method === 'GET') {
    if (!existing)
      return error('GetIndex', 404, 'IndexConfigNotExist', `logstore ${logstore} has no index`);
    return ok('GetIndex', existing);
  }
  const action =
    req.method === 'POST' ? 'CreateIndex' : req.method === 'PUT' ? 'UpdateIndex' : 'Unknown';
  if (action === 'Unknown')
    return error(action, 405, 'MethodNotAllowed', `${req.method} is not allowed here`);
  if (action === 'CreateIndex' && existing)
    return error(action, 400, 'IndexAlreadyExist', `logstore ${logstore} already has an index`);
  if (action === 'UpdateIndex' && !existing)
    return error(action, 404, 'IndexConfigNotExist', `logstore ${logstore} has no index`);
  const body = parseBody(action, req.body);
  if ('status' in body && 'action' in body) return body as AdminAnswer;
  const problem = indexProblem(body);
  if (problem) return error(action, 400, 'ParameterInvalid', problem);
  resources.indexes.set(logstore, { ...body, lastModifyTime: Math.floor(nowMs / 1000) });
  return ok(action);
}

function indexProblem(body: Record<string, unknown>): string | undefined {
  const keys = body.keys;
  if (!keys || typeof keys !== 'object' || Array.isArray(keys)) return 'keys must be an object';
  for (const [key, raw] of Object.entries(keys)) {
    const config = raw as Record<string, unknown>;
    if (!['text', 'long', 'double', 'json'].includes(String(config?.type)))
      return `keys.${key}.type must be text, long, double or json`;
    if (config.type === 'text' && !Array.isArray(config.token))
      return `keys.${key}.token is required for a text key`;
  }
  return undefined;
}

function namedRoute(
  req: AdminRequest,
  store: Map<string, Record<string, unknown>>,
  spec: (typeof NAMED)[keyof typeof NAMED],
  name: string | undefined,
  nowMs: number,
): AdminAnswer {
  if (req.method === 'GET' && name !== undefined) {
    const found = store.get(name);
    if (!found)
      return error(`Get${spec.label}`, 404, spec.missing, `${spec.label} ${name} does not exist`);
    return ok(`Get${spec.label}`, found);
  }
  const action =
    req.method === 'POST' && name === undefined
      ? `Create${spec.label}`
      : req.method === 'PUT' && name !== undefined
        ? `Update${spec.label}`
        : 'Unknown';
  if (action === 'Unknown')
    return error(action, 405, 'MethodNotAllowed', `${req.method} ${req.path} is not served`);
  const body = parseBody(action, req.body);
  if ('status' in body && 'action' in body) return body as AdminAnswer;
  const missing = spec.required.filter((k) => body[k] === undefined || body[k] === '');
  // UpdateSavedSearch and UpdateDashboard repeat the name in the body; UpdateAlert does not.
  const required = action.startsWith('Update')
    ? missing.filter((k) => k !== spec.nameKey)
    : missing;
  if (required.length > 0)
    return error(action, 400, 'ParameterInvalid', `missing ${required.join(', ')}`);
  const target = name ?? String(body[spec.nameKey]);
  if (!NAME.test(target))
    return error(
      action,
      400,
      'ParameterInvalid',
      `${spec.nameKey} ${JSON.stringify(target)} is not a valid name`,
    );
  if (name !== undefined && body[spec.nameKey] !== undefined && body[spec.nameKey] !== name) {
    return error(
      action,
      400,
      'ParameterInvalid',
      `${spec.nameKey} in the body differs from the path`,
    );
  }
  if (action.startsWith('Create') && store.has(target))
    return error(action, 400, spec.exists, `${spec.label} ${target} already exists`);
  if (action.startsWith('Update') && !store.has(target))
    return error(action, 404, spec.missing, `${spec.label} ${target} does not exist`);
  store.set(target, { ...body, [spec.nameKey]: target, lastModifyTime: Math.floor(nowMs / 1000) });
  return ok(action);
}

function getLogs(
  req: AdminRequest,
  resources: ProjectResources,
  logstore: string,
  stored: StoredLog[],
): AdminAnswer {
  const action = 'GetLogs';
  const from = Number(req.query.get('from'));
  const to = Number(req.query.get('to'));
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to <= from) {
    return error(
      action,
      400,
      'ParameterInvalid',
      'from and to must be epoch seconds with from < to',
    );
  }
  const line = req.query.has('line') ? Number(req.query.get('line')) : MAX_LINES;
  const offset = req.query.has('offset') ? Number(req.query.get('offset')) : 0;
  if (!Number.isInteger(line) || line < 0 || line > MAX_LINES)
    return error(action, 400, 'ParameterInvalid', `line must be 0..${MAX_LINES}`);
  if (!Number.isInteger(offset) || offset < 0)
    return error(action, 400, 'ParameterInvalid', 'offset must be >= 0');
  const reverse = req.query.get('reverse') === 'true';
  let node: ReturnType<typeof parseSearch>;
  try {
    node = parseSearch(req.query.get('query') ?? '');
  } catch (e) {
    if (e instanceof SearchSyntaxError)
      return error(action, 400, 'ParameterInvalid', `query: ${e.message}`);
    throw e;
  }
  const keys = searchKeys(node);
  const index = resources.indexes.get(logstore);
  if (keys.length > 0 && !index)
    return error(
      action,
      400,
      'IndexConfigNotExist',
      `logstore ${logstore} has no index: run setup-sls`,
    );
  const indexed = (index?.keys ?? {}) as Record<string, { token?: string[] }>;
  for (const key of keys) {
    if (!indexed[key])
      return error(
        action,
        400,
        'ParameterInvalid',
        `key (${key}) is not config as key value config`,
      );
  }
  const lineTokens = ((index?.line as { token?: string[] } | undefined)?.token ?? []) as string[];
  const found = stored
    .filter((log) => log.logstore === logstore && log.time >= from && log.time < to)
    .filter((log) => matches(node, log.contents, lineTokens))
    .map((log, order) => ({ log, order }))
    .sort(
      (a, b) =>
        a.log.time - b.log.time || (a.log.timeNs ?? 0) - (b.log.timeNs ?? 0) || a.order - b.order,
    )
    .map((x) => x.log);
  if (reverse) found.reverse();
  const page = found.slice(offset, offset + line).map((log) => {
    const out: Record<string, string> = {
      __time__: String(log.time),
      __topic__: log.topic ?? '',
      __source__: log.source ?? '',
    };
    for (const [k, v] of Object.entries(log.tags)) out[`__tag__:${k}`] = v;
    return { ...out, ...log.contents };
  });
  return ok(action, page, { 'x-log-progress': 'Complete', 'x-log-count': String(page.length) });
}
