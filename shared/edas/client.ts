import type { Credentials } from '../core/credentials.js';
import { replyField, replyText } from '../core/ids.js';
import type { PlatformReplyError } from '../platform/errors.js';
import type { ListedOrder } from '../platform/listing-facts.js';
import {
  bool,
  epochMsAs,
  integer,
  list,
  noFinishTime,
  orderReplyFaults,
  record,
  shownValue,
  statusCode,
  text,
} from '../platform/parse.js';
import type { PageRequest, RequestOptions } from '../platform/platform.js';
import { malformedReply, RoaClient, type RoaProduct, readFields } from '../platform/roa-client.js';
import type { JsonBody } from '../platform/roa-reply.js';
import type { Redact, RequestObserver } from '../platform/roa-transport.js';
import { EDAS_ACTIONS, EDAS_API_VERSION, type EdasAction } from './actions.js';
import { EDAS_ENVELOPE } from './reply.js';
import { edasOrderState } from './status.js';
import type {
  EdasAbortResult,
  EdasApplication,
  EdasChangeOrder,
  EdasChangeOrderSummary,
  EdasPipeline,
} from './types.js';

/** EDAS's own facts the shared ROA client is built from (./actions.ts, ./reply.ts). */
const EDAS_PRODUCT: RoaProduct<EdasAction> = {
  platform: 'edas',
  apiVersion: EDAS_API_VERSION,
  actions: EDAS_ACTIONS,
  envelope: EDAS_ENVELOPE,
  abortAffirmation: {
    // sae-edas.md §3.7 (U12, U13): `Code` the number 200 (§3.3: int32), no `Success`.
    names: new Set(['Code', 'Message', 'RequestId', 'TraceId', 'ErrorCode', 'Data']),
    code: (v) => v === 200,
    success: 'absent',
    errorCodes: new Set(['success']),
  },
};

/**
 * A typed EDAS (2017-08-01) client over pop-core's ROAClient: one attempt per call, no
 * retries, no pacing. Paths, methods and query parameters are exactly those of
 * docs/reference/sae-edas.md §3.2; every reply's `Code` is checked (business errors come in
 * HTTP 200, ./reply.ts); fields are read strictly (batch times are epoch-ms strings; an
 * unreadable status or time is unknown). Build one per invocation.
 *
 * @example
 * ```ts
 * const edas = new EdasClient('https://edas.cn-hangzhou.aliyuncs.com', credentials);
 * const recent = await edas.listRecentChangeOrder(appId, { timeoutMs: 5000 });
 * edas.close();
 * ```
 */
export class EdasClient extends RoaClient<EdasAction> {
  /**
   * @param endpoint e.g. `https://edas.cn-hangzhou.aliyuncs.com` (see ./endpoints.ts)
   * @param credentials this invocation's keys
   * @param observe called once per request sent, with its action
   * @param host the `Host` header to send instead of the endpoint's host name (an endpoint
   *   override serving several regions: the region's real host)
   */
  constructor(
    endpoint: string,
    credentials: Credentials,
    observe?: RequestObserver,
    host?: string,
  ) {
    super(EDAS_PRODUCT, endpoint, credentials, observe, host);
  }

  /**
   * ListApplication (POST /pop/v5/app/app_list, `CurrentPage`, `PageSize` in the query). The
   * reply has no total: read pages until an empty one (platform/paging.ts).
   * @throws PlatformError
   */
  async listApplication(
    page: PageRequest,
    opts: RequestOptions,
  ): Promise<{ items: EdasApplication[]; requestId?: string }> {
    const body = await this.call(
      'ListApplication',
      { CurrentPage: page.pageNumber, PageSize: page.pageSize },
      opts,
    );
    const items = wrapped(this.redact, 'ListApplication', body, 'ApplicationList', 'Application');
    return {
      items: items.map((raw, i) => {
        const a = record(raw) ?? {};
        const path = `ApplicationList.Application[${i}]`;
        const ids = readFields('edas', this.redact, 'ListApplication', body, () => ({
          appId: replyField('PlatformAppId', a.AppId, `${path}.AppId`),
          name: replyText(a.Name, `${path}.Name`),
        }));
        const appId = ids.appId;
        if (!appId)
          throw malformed(this.redact, 'ListApplication', 'an application without AppId', body);
        return {
          appId,
          name: ids.name,
          regionId: text(a.RegionId),
          clusterType: integer(a.ClusterType),
          state: text(a.State),
        };
      }),
      requestId: text(body.RequestId),
    };
  }

  /**
   * ListRecentChangeOrder (POST /pop/v5/changeorder/change_order_list, `AppId`): the
   * application's recent change orders (no paging, no status filter; how many and in which
   * order is UNVERIFIED, so every item is read).
   * @throws PlatformError
   */
  async listRecentChangeOrder(
    appId: string,
    opts: RequestOptions,
  ): Promise<{ items: EdasChangeOrderSummary[]; requestId?: string }> {
    const body = await this.call('ListRecentChangeOrder', { AppId: appId }, opts);
    const items = wrapped(
      this.redact,
      'ListRecentChangeOrder',
      body,
      'ChangeOrderList',
      'ChangeOrder',
    );
    return {
      items: items.map((raw, i) => {
        const c = record(raw) ?? {};
        const path = `ChangeOrderList.ChangeOrder[${i}]`;
        const ids = readFields('edas', this.redact, 'ListRecentChangeOrder', body, () => ({
          changeOrderId: replyField('ChangeOrderId', c.ChangeOrderId, `${path}.ChangeOrderId`),
          appId: replyField('PlatformAppId', c.AppId, `${path}.AppId`),
        }));
        const changeOrderId = ids.changeOrderId;
        if (!changeOrderId)
          throw malformed(
            this.redact,
            'ListRecentChangeOrder',
            'a change order without ChangeOrderId',
            body,
          );
        return {
          changeOrderId,
          appId: ids.appId,
          status: statusCode(c.Status),
          coTypeCode: text(c.CoTypeCode),
          createTime: text(c.CreateTime),
          listed: recentOrderListing(appId, c),
        };
      }),
      requestId: text(body.RequestId),
    };
  }

  /**
   * GetChangeOrderInfo (POST /pop/v5/changeorder/change_order_info, `ChangeOrderId`). The
   * payload key is lower-case `changeOrderInfo`; a reply without it is malformed.
   * @throws PlatformError
   */
  async getChangeOrderInfo(changeOrderId: string, opts: RequestOptions): Promise<EdasChangeOrder> {
    const body = await this.call('GetChangeOrderInfo', { ChangeOrderId: changeOrderId }, opts);
    const info = record(body.changeOrderInfo);
    if (!info)
      throw malformed(
        this.redact,
        'GetChangeOrderInfo',
        'no changeOrderInfo object in the reply',
        body,
      );
    const id = readFields('edas', this.redact, 'GetChangeOrderInfo', body, () =>
      replyField('ChangeOrderId', info.ChangeOrderId, 'changeOrderInfo.ChangeOrderId'),
    );
    if (id !== undefined && id !== changeOrderId)
      throw malformed(this.redact, 'GetChangeOrderInfo', `the reply is about ${id}`, body);
    const rawPipelines =
      info.PipelineInfoList === undefined ? undefined : list(info.PipelineInfoList, 'PipelineInfo');
    const { faults, createdWallMs } = orderReplyFaults({
      product: 'EDAS',
      createTime: info.CreateTime,
      batchCount: info.BatchCount,
      pipelinesField: 'PipelineInfoList',
      statusField: 'PipelineStatus',
      pipelines: rawPipelines?.map((p) => record(p) ?? {}),
      status: info.Status,
      stateOf: edasOrderState,
      finishTime: info.FinishTime,
      timeForm: 'digits',
      types: {
        coType: info.CoType,
        coTypeCode: info.CoTypeCode,
        batchType: info.BatchType,
        supportRollback: info.SupportRollback,
        batchIntegers: [],
      },
    });
    if (info.AppId !== undefined && text(info.AppId) === undefined)
      faults.push(`AppId ${shownValue(info.AppId)} is not an application id`);
    return {
      faults,
      ...(createdWallMs !== undefined ? { createdWallMs } : {}),
      readFacts: recentOrderFacts(info),
      ...(text(info.AppId) !== undefined ? { appId: text(info.AppId) } : {}),
      changeOrderId,
      status: statusCode(info.Status),
      coType: text(info.CoType),
      coTypeCode: text(info.CoTypeCode),
      description: text(info.ChangeOrderDescription) ?? text(info.Desc),
      createTime: text(info.CreateTime),
      batchType: text(info.BatchType),
      batchCount: integer(info.BatchCount),
      supportRollback: bool(info.SupportRollback),
      pipelines: rawPipelines?.map(toPipeline),
      requestId: text(body.RequestId),
    };
  }

  /**
   * AbortChangeOrder (PUT /pop/v5/changeorder/change_order_abort, `ChangeOrderId`).
   * @throws PlatformError (a business refusal is `permanent`: EDAS documents no codes)
   */
  async abortChangeOrder(changeOrderId: string, opts: RequestOptions): Promise<EdasAbortResult> {
    return this.abort('AbortChangeOrder', changeOrderId, opts);
  }

  /**
   * AbortAndRollbackChangeOrder (PUT /pop/v5/changeorder/change_order_abort_and_rollback;
   * K8s applications).
   * @throws PlatformError
   */
  async abortAndRollbackChangeOrder(
    changeOrderId: string,
    opts: RequestOptions,
  ): Promise<EdasAbortResult> {
    return this.abort('AbortAndRollbackChangeOrder', changeOrderId, opts);
  }

  private async abort(
    action: 'AbortChangeOrder' | 'AbortAndRollbackChangeOrder',
    changeOrderId: string,
    opts: RequestOptions,
  ): Promise<EdasAbortResult> {
    // Accepted only on the documented body (§3.7): `Code` the number 200, `Data` exactly
    // `{ChangeOrderId}` naming this order, no `Success`, `ErrorCode` absent or "success".
    return this.abortCall(action, changeOrderId, opts);
  }
}

function toPipeline(raw: unknown): EdasPipeline {
  const p = record(raw) ?? {};
  return {
    pipelineId: text(p.PipelineId),
    pipelineName: text(p.PipelineName),
    pipelineStatus: statusCode(p.PipelineStatus),
    // Strings of epoch ms (docs/reference/sae-edas.md §3.4): a string only (red-team 25 G5).
    startTime: epochMsAs(p.StartTime, 'digits'),
    updateTime: epochMsAs(p.UpdateTime, 'digits'),
  };
}

/**
 * The fields ListRecentChangeOrder and GetChangeOrderInfo both give (docs/reference/sae-edas.md
 * §3.4), as they came: `AppId`, `Status`, `CoType`, `CoTypeCode`, `CreateTime`, `BatchType`,
 * `BatchCount`, and `FinishTime` when it is set ({@link noFinishTime}). Descriptions are free
 * text and not compared (the §3.7 examples of one order differ in them).
 */
function recentOrderFacts(c: Record<string, unknown>): Record<string, unknown> {
  const facts: Record<string, unknown> = {};
  for (const f of [
    'AppId',
    'Status',
    'CoType',
    'CoTypeCode',
    'CreateTime',
    'BatchType',
    'BatchCount',
  ])
    if (c[f] !== undefined) facts[f] = c[f];
  if (!noFinishTime(c.FinishTime)) facts.FinishTime = c.FinishTime;
  return facts;
}

/**
 * What one ListRecentChangeOrder item says of its order, for GetChangeOrderInfo to agree with
 * (red-team 25 G14, shared/platform/listing-facts.ts). Its own faults: `AppId` not the
 * application asked about; `Status` not a status code; a `FinishTime` beside a status that
 * says the order has not finished (red-team 25 G4).
 * @param asked the application the call asked about
 */
function recentOrderListing(asked: string, c: Record<string, unknown>): ListedOrder {
  const faults: string[] = [];
  if (c.AppId !== undefined && c.AppId !== asked)
    faults.push(`AppId ${shownValue(c.AppId)} is not the application asked about (${asked})`);
  const status = statusCode(c.Status);
  if (c.Status !== undefined && status === undefined)
    faults.push(`Status ${shownValue(c.Status)} is not a status code (a JSON number)`);
  const state = edasOrderState(status);
  if ((state === 'in_flight' || state === 'paused') && !noFinishTime(c.FinishTime))
    faults.push(
      `FinishTime ${shownValue(c.FinishTime)} is set, but Status ${status} says the order has not finished`,
    );
  return { action: 'ListRecentChangeOrder', facts: recentOrderFacts(c), faults };
}

/**
 * An XML-style wrapped list (`{"ApplicationList":{"Application":[...]}}`). An absent wrapper
 * is unknown (malformed), not "none"; an empty wrapper (`{}` or `{"Application":[]}`) is none.
 */
function wrapped(
  redact: Redact,
  action: EdasAction,
  body: JsonBody,
  outer: string,
  inner: string,
): unknown[] {
  const wrapper = body[outer];
  const obj = record(wrapper);
  if (Array.isArray(wrapper)) return wrapper;
  if (!obj) throw malformed(redact, action, `no ${outer} in the reply`, body);
  if (!(inner in obj) || obj[inner] === null) return [];
  const items = list(obj[inner]);
  if (!items) throw malformed(redact, action, `${outer}.${inner} is not a list`, body);
  return items;
}

function malformed(
  redact: Redact,
  action: EdasAction,
  what: string,
  body: JsonBody,
  mutating = false,
): PlatformReplyError {
  return malformedReply('edas', redact, action, what, body, mutating);
}
