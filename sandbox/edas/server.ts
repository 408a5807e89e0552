/**
 * The EDAS emulator: a loopback server for the EDAS 2017-08-01 change-order actions this
 * project calls, at the exact paths and methods of docs/reference/sae-edas.md §3.2, with EDAS's
 * envelope (numeric `Code`, `Message`, `RequestId`; `TraceId`/`ErrorCode`/`Data` on aborts;
 * XML-style wrapped lists; lower-case `changeOrderInfo`; batch times as epoch-ms strings) and
 * business errors in HTTP 200 (§3.3), the Web+ sandbox's ROA signature checks with
 * `x-acs-version: 2017-08-01`, scripted faults per action and a journal. ListApplication gives
 * no total. State comes from the scenario's `edas` section.
 *
 * @example
 * ```ts
 * const edas = await startEdasSandbox({ apps: [], envs: [], changes: [], edas: {
 *   apps: [{ AppId: 'ea-1', Name: 'orders' }],
 *   changeOrders: [{ ChangeOrderId: 'eo-1', AppId: 'ea-1', Status: 1, idleMinutes: 90 }],
 * } });
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
import { EdasAccount, EdasApiError } from './account.js';
import { type EdasSection, edasSectionSchema } from './scenario.js';

/** `x-acs-version` served. */
export const EDAS_SANDBOX_API_VERSION = '2017-08-01';

/** `METHOD path` → action (docs/reference/sae-edas.md §3.2). */
export const EDAS_ROUTES: Readonly<Record<string, string>> = {
  'POST /pop/v5/app/app_list': 'ListApplication',
  'POST /pop/v5/changeorder/change_order_list': 'ListRecentChangeOrder',
  'POST /pop/v5/changeorder/change_order_info': 'GetChangeOrderInfo',
  'PUT /pop/v5/changeorder/change_order_abort': 'AbortChangeOrder',
  'PUT /pop/v5/changeorder/change_order_abort_and_rollback': 'AbortAndRollbackChangeOrder',
};

/** A running EDAS emulator. */
export interface EdasSandbox extends RoaEmulator {
  statusOf(changeOrderId: string): number | undefined;
  rolledBack(changeOrderId: string): boolean;
}

/**
 * Start the EDAS emulator.
 * @param scenario a whole sandbox scenario (validated with parseScenario); its `edas` section
 *   (absent: an empty account) and its `credentials` are used
 * @param opts `port` (default 0, ephemeral), `host` (default 127.0.0.1)
 * @throws ScenarioError for an invalid scenario
 */
export async function startEdasSandbox(
  scenario: unknown,
  opts: { port?: number; host?: string } = {},
): Promise<EdasSandbox> {
  const parsed = parseScenario(scenario);
  const section: EdasSection = parsed.edas ?? edasSectionSchema.parse({});
  const account = new EdasAccount(section, Date.now() + section.clockSkewMs);
  const errorBody = (_status: number, code: string, message: string, requestId: string) => ({
    Code: /^\d+$/.test(code) ? Number(code) : code,
    Message: message,
    RequestId: requestId,
  });
  const ok = (requestId: string, payload: Record<string, unknown>): ProductAnswer => ({
    status: 200,
    body: { Code: 200, Message: 'success', RequestId: requestId, ...payload },
  });
  const aborted = (requestId: string, data: Record<string, unknown>): ProductAnswer => ({
    status: 200,
    body: {
      Code: 200,
      Message: 'success',
      RequestId: requestId,
      TraceId: requestId.slice(0, 24).toLowerCase(),
      ErrorCode: 'success',
      Data: data,
    },
  });

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
      if (v === undefined || v === '') throw new EdasApiError(400, `${name} is required`);
      return v;
    };
    try {
      switch (action) {
        case 'ListApplication': {
          const current = pageParam(q.CurrentPage, 1);
          const size = pageParam(q.PageSize, 10);
          if (current === undefined || size === undefined)
            throw new EdasApiError(400, 'CurrentPage and PageSize must be positive integers');
          const cut = Math.min(size, section.pageSizeMax);
          const all = account.listApplication();
          return ok(requestId, {
            ApplicationList: { Application: all.slice((current - 1) * cut, current * cut) },
          });
        }
        case 'ListRecentChangeOrder':
          return ok(requestId, {
            ChangeOrderList: { ChangeOrder: account.listRecentChangeOrder(need('AppId'), now) },
          });
        case 'GetChangeOrderInfo':
          return ok(requestId, {
            changeOrderInfo: account.changeOrderInfo(need('ChangeOrderId'), now),
          });
        case 'AbortChangeOrder':
          return aborted(requestId, account.abort(need('ChangeOrderId'), false, now));
        case 'AbortAndRollbackChangeOrder':
          return aborted(requestId, account.abort(need('ChangeOrderId'), true, now));
        default:
          throw new EdasApiError(404, `unknown action ${action}`);
      }
    } catch (err) {
      if (!(err instanceof EdasApiError)) throw err;
      return {
        status: section.businessErrorStatus,
        body: { Code: err.code, Message: err.message, RequestId: requestId },
      };
    }
  };

  const emulator = await startRoaServer(
    {
      name: 'edas',
      apiVersion: EDAS_SANDBOX_API_VERSION,
      hostId: 'edas-sandbox.local',
      routes: EDAS_ROUTES,
      regionOfHost: (host) => /^edas\.([a-z0-9-]+)\.aliyuncs\.com$/.exec(host)?.[1],
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
