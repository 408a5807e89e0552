import type { Credentials } from '../core/credentials.js';
import { cutBody, PlatformReplyError } from '../platform/errors.js';
import { bool, epochMs, integer, list, record, statusCode, text } from '../platform/parse.js';
import type { PageRequest, RequestOptions } from '../platform/platform.js';
import { type JsonBody, readRoaReply } from '../platform/roa-reply.js';
import { type Redact, type RequestObserver, RoaTransport } from '../platform/roa-transport.js';
import { EDAS_ACTIONS, EDAS_API_VERSION, type EdasAction } from './actions.js';
import { EDAS_ENVELOPE } from './reply.js';
import type {
  EdasAbortResult,
  EdasApplication,
  EdasChangeOrder,
  EdasChangeOrderSummary,
  EdasPipeline,
} from './types.js';

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
export class EdasClient {
  private readonly transport: RoaTransport;
  /** The transport's redactor (this invocation's keys): every reply text an error keeps. */
  private readonly redact: Redact;

  /**
   * @param endpoint e.g. `https://edas.cn-hangzhou.aliyuncs.com` (see ./endpoints.ts)
   * @param credentials this invocation's keys
   * @param observe called once per request sent, with its action
   * @param host the `Host` header to send instead of the endpoint's host name: the host of the
   *   region's real endpoint when `endpoint` is an override (a sandbox or proxy serving several
   *   regions tells them apart by it; see shared/pipeline/runtime.ts `resolvePlatformRegion`)
   */
  constructor(
    endpoint: string,
    credentials: Credentials,
    observe?: RequestObserver,
    host?: string,
  ) {
    this.transport = new RoaTransport(
      'edas',
      endpoint,
      EDAS_API_VERSION,
      credentials,
      observe,
      host,
    );
    this.redact = this.transport.redact;
  }

  private async call(
    action: EdasAction,
    query: Record<string, string | number | undefined>,
    opts: RequestOptions,
  ): Promise<JsonBody> {
    const { method, path } = EDAS_ACTIONS[action];
    const reply = await this.transport.send({ action, method, path, query }, opts.timeoutMs);
    return readRoaReply(EDAS_ENVELOPE, action, reply, method === 'PUT', this.redact);
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
      items: items.map((raw) => {
        const a = record(raw) ?? {};
        const appId = text(a.AppId);
        if (!appId)
          throw malformed(this.redact, 'ListApplication', 'an application without AppId', body);
        return {
          appId,
          name: text(a.Name),
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
      items: items.map((raw) => {
        const c = record(raw) ?? {};
        const changeOrderId = text(c.ChangeOrderId);
        if (!changeOrderId)
          throw malformed(
            this.redact,
            'ListRecentChangeOrder',
            'a change order without ChangeOrderId',
            body,
          );
        return {
          changeOrderId,
          appId: text(c.AppId),
          status: statusCode(c.Status),
          coTypeCode: text(c.CoTypeCode),
          createTime: text(c.CreateTime),
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
    const id = text(info.ChangeOrderId);
    if (id !== undefined && id !== changeOrderId)
      throw malformed(this.redact, 'GetChangeOrderInfo', `the reply is about ${id}`, body);
    const rawPipelines =
      info.PipelineInfoList === undefined ? undefined : list(info.PipelineInfoList, 'PipelineInfo');
    return {
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
    const body = await this.call(action, { ChangeOrderId: changeOrderId }, opts);
    const echoed = text(record(body.Data)?.ChangeOrderId);
    if (echoed !== undefined && echoed !== changeOrderId)
      throw malformed(
        this.redact,
        action,
        `the reply names another change order (${echoed})`,
        body,
        true,
      );
    return { changeOrderId, requestId: text(body.RequestId) };
  }

  /** Closes the keep-alive sockets. */
  /** The platform's clock minus ours, ms, from the replies' `Date` headers (roa-transport.ts). */
  clockSkewMs(): number | undefined {
    return this.transport.serverClock.skewMs();
  }

  close(): void {
    this.transport.close();
  }
}

function toPipeline(raw: unknown): EdasPipeline {
  const p = record(raw) ?? {};
  return {
    pipelineId: text(p.PipelineId),
    pipelineName: text(p.PipelineName),
    pipelineStatus: statusCode(p.PipelineStatus),
    startTime: epochMs(p.StartTime),
    updateTime: epochMs(p.UpdateTime),
  };
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
  return new PlatformReplyError(redact(`${action}: ${what}`), {
    platform: 'edas',
    action,
    kind: mutating ? 'ambiguous' : 'retryable',
    code: 'MalformedReply',
    httpStatus: 200,
    requestId: text(body.RequestId),
    rawBody: cutBody(redact(JSON.stringify(body))),
  });
}
