/**
 * The SAE emulator: a loopback server for the SAE 2019-05-06 change-order actions this project
 * calls, at the exact paths and methods of docs/reference/sae-edas.md §2.2, with SAE's envelope
 * (`RequestId`, `Code` "200" or 200, `Success`, `Data`, `ErrorCode`, `TraceId`) and errors
 * (§2.7), the Web+ sandbox's ROA signature checks with `x-acs-version: 2019-05-06`, scripted
 * faults per action and a journal. State comes from the scenario's `sae` section.
 *
 * @example
 * ```ts
 * const sae = await startSaeSandbox({ apps: [], envs: [], changes: [], sae: {
 *   apps: [{ AppId: 'sa-1', AppName: 'shop' }],
 *   changeOrders: [{ ChangeOrderId: 'co-1', AppId: 'sa-1', Status: 8, idleMinutes: 90 }],
 * } });
 * const client = new SaeClient(sae.url, { accessKeyId: 'sandbox-ak', accessKeySecret: 'sandbox-secret' });
 * ```
 */
import {
  changeOrderTarget,
  type ProductAnswer,
  type RoaEmulator,
  sectionServerOptions,
  startRoaServer,
} from '../roa/server.js';
import { pageParam } from '../roa/times.js';
import { parseScenario } from '../webplus/scenario.js';
import { SaeAccount, SaeApiError } from './account.js';
import { type SaeSection, saeSectionSchema } from './scenario.js';

/** `x-acs-version` served. */
export const SAE_SANDBOX_API_VERSION = '2019-05-06';

/** `METHOD path` → action (docs/reference/sae-edas.md §2.2; paths are case-sensitive). */
export const SAE_ROUTES: Readonly<Record<string, string>> = {
  'GET /pop/v1/sam/app/listApplications': 'ListApplications',
  'GET /pop/v1/sam/app/describeApplicationStatus': 'DescribeApplicationStatus',
  'GET /pop/v1/sam/changeorder/ListChangeOrders': 'ListChangeOrders',
  'GET /pop/v1/sam/changeorder/DescribeChangeOrder': 'DescribeChangeOrder',
  'PUT /pop/v1/sam/changeorder/AbortChangeOrder': 'AbortChangeOrder',
  'PUT /pop/v1/sam/changeorder/AbortAndRollbackChangeOrder': 'AbortAndRollbackChangeOrder',
};

/** Actions whose published example writes `Code` as a number (the others write "200"). */
const NUMBER_CODE_ACTIONS = new Set(['DescribeChangeOrder', 'AbortAndRollbackChangeOrder']);

/** A running SAE emulator. */
export interface SaeSandbox extends RoaEmulator {
  /** An order's status now, or undefined. */
  statusOf(changeOrderId: string): number | undefined;
  /** True once an AbortAndRollbackChangeOrder was accepted for the order. */
  rolledBack(changeOrderId: string): boolean;
}

/**
 * Start the SAE emulator.
 * @param scenario a whole sandbox scenario (validated with parseScenario); its `sae` section
 *   (absent: an empty account) and its `credentials` are used
 * @param opts `port` (default 0, ephemeral), `host` (default 127.0.0.1)
 * @throws ScenarioError for an invalid scenario
 */
export async function startSaeSandbox(
  scenario: unknown,
  opts: { port?: number; host?: string } = {},
): Promise<SaeSandbox> {
  const parsed = parseScenario(scenario);
  const section: SaeSection = parsed.sae ?? saeSectionSchema.parse({});
  const startedAt = Date.now() + section.clockSkewMs;
  const account = new SaeAccount(section, startedAt);
  const code = (action: string): string | number =>
    section.codeStyle === 'string'
      ? '200'
      : section.codeStyle === 'number'
        ? 200
        : NUMBER_CODE_ACTIONS.has(action)
          ? 200
          : '200';
  const ok = (action: string, requestId: string, data: Record<string, unknown>, extra = {}) => ({
    status: 200,
    body: {
      RequestId: requestId,
      Message: 'success',
      TraceId: requestId.slice(0, 24).toLowerCase(),
      Data: data,
      ...extra,
      ErrorCode: '',
      Code: code(action),
      Success: true,
    },
  });
  const errorBody = (status: number, errCode: string, message: string, requestId: string) =>
    section.errorShape === 'errorCode'
      ? {
          RequestId: requestId,
          Message: message,
          Code: String(status),
          ErrorCode: errCode,
          Success: false,
        }
      : { RequestId: requestId, Message: message, Code: errCode, Success: false };

  const run = (
    action: string,
    q: Readonly<Record<string, string>>,
    now: number,
    requestId: string,
    regionId: string | undefined,
  ): ProductAnswer => {
    account.serveRegion(regionId);
    const need = (name: string): string => {
      const v = q[name];
      if (v === undefined || v === '')
        throw new SaeApiError(
          400,
          'InvalidParameter.NotEmpty',
          `You must specify the parameter ${name}.`,
        );
      return v;
    };
    const page = (): { current: number; size: number } => {
      const current = pageParam(q.CurrentPage, 1);
      const size = pageParam(q.PageSize, 10);
      if (current === undefined || size === undefined)
        throw new SaeApiError(
          400,
          'InvalidParameter',
          'CurrentPage and PageSize must be positive integers.',
        );
      return { current, size: Math.min(size, section.pageSizeMax) };
    };
    try {
      switch (action) {
        case 'ListApplications': {
          const { current, size } = page();
          const all = account.listApplications();
          const paging = { CurrentPage: current, PageSize: size, TotalSize: all.length };
          const Applications = all.slice((current - 1) * size, current * size);
          return ok(action, requestId, { ...paging, Applications }, paging);
        }
        case 'DescribeApplicationStatus':
          return ok(action, requestId, account.applicationStatus(need('AppId'), now));
        case 'ListChangeOrders': {
          const appId = need('AppId');
          const { current, size } = page();
          const coStatus =
            q.CoStatus === undefined || q.CoStatus === '' ? undefined : Number(q.CoStatus);
          if (coStatus !== undefined && !Number.isInteger(coStatus))
            throw new SaeApiError(400, 'InvalidParameter', 'CoStatus takes one status code.');
          const all = account.listChangeOrders(appId, coStatus, now);
          return ok(action, requestId, {
            CurrentPage: current,
            PageSize: size,
            TotalSize: all.length,
            ChangeOrderList: all.slice((current - 1) * size, current * size),
          });
        }
        case 'DescribeChangeOrder':
          return ok(action, requestId, account.describeChangeOrder(need('ChangeOrderId'), now));
        case 'AbortChangeOrder':
          return ok(
            action,
            requestId,
            account.abort(need('ChangeOrderId'), q.Rollback === 'true', now),
          );
        case 'AbortAndRollbackChangeOrder':
          return ok(action, requestId, account.abort(need('ChangeOrderId'), true, now));
        default:
          throw new SaeApiError(404, 'InvalidAction.NotFound', `unknown action ${action}`);
      }
    } catch (err) {
      if (!(err instanceof SaeApiError)) throw err;
      return { status: err.status, body: errorBody(err.status, err.code, err.message, requestId) };
    }
  };

  const emulator = await startRoaServer(
    {
      name: 'sae',
      apiVersion: SAE_SANDBOX_API_VERSION,
      hostId: 'sae-sandbox.local',
      routes: SAE_ROUTES,
      regionOfHost: (host) => /^sae\.([a-z0-9-]+)\.aliyuncs\.com$/.exec(host)?.[1],
      target: changeOrderTarget,
      run,
      errorBody,
    },
    sectionServerOptions(section, parsed.credentials, opts),
  );
  return {
    ...emulator,
    statusOf: (id) => account.statusOf(id, Date.now() + section.clockSkewMs),
    rolledBack: (id) => account.rolledBack(id),
  };
}
