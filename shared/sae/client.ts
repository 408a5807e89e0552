import type { Credentials } from '../core/credentials.js';
import { replyField, replyText } from '../core/ids.js';
import type { PlatformReplyError } from '../platform/errors.js';
import type { ListedOrder } from '../platform/listing-facts.js';
import {
  bool,
  epochMsAs,
  integer,
  list,
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
import { SAE_ACTIONS, SAE_API_VERSION, type SaeAction } from './actions.js';
import { SAE_ENVELOPE } from './reply.js';
import {
  SAE_FINISHED_STATUS_NAMES,
  SAE_STATUS_CODE_OF_NAME,
  saeOrderState,
  saeSubStatusCodeOf,
} from './status.js';
import type {
  SaeAbortResult,
  SaeApplication,
  SaeApplicationStatus,
  SaeChangeOrder,
  SaeChangeOrderSummary,
  SaePage,
  SaePipeline,
} from './types.js';

/** SAE's own facts the shared ROA client is built from (./actions.ts, ./reply.ts). */
const SAE_PRODUCT: RoaProduct<SaeAction> = {
  platform: 'sae',
  apiVersion: SAE_API_VERSION,
  actions: SAE_ACTIONS,
  envelope: SAE_ENVELOPE,
  abortAffirmation: {
    // sae-edas.md §2.9: both documented bodies (U1 current, S8 2021); §2.6: accepted means
    // `Success: true` and `Data.ChangeOrderId`.
    names: new Set(['RequestId', 'Message', 'TraceId', 'Data', 'ErrorCode', 'Code', 'Success']),
    code: (v) => v === '200' || v === 200,
    success: 'true',
    errorCodes: new Set(['', '空', 'success']),
  },
};

/**
 * A typed SAE (2019-05-06) client over pop-core's ROAClient: one attempt per call, no retries,
 * no pacing (the caller's gateway adds those). Paths, methods and query parameters are exactly
 * those of docs/reference/sae-edas.md §2.2; replies are read by §2.3 (see ./reply.ts) and their
 * fields strictly (an unreadable status or time is unknown). Build one per invocation.
 *
 * @example
 * ```ts
 * const sae = new SaeClient('https://sae.cn-hangzhou.aliyuncs.com', credentials);
 * const status = await sae.describeApplicationStatus(appId, { timeoutMs: 5000 });
 * if (status.lastChangeOrderId) {
 *   const order = await sae.describeChangeOrder(status.lastChangeOrderId, { timeoutMs: 5000 });
 * }
 * sae.close();
 * ```
 */
export class SaeClient extends RoaClient<SaeAction> {
  /**
   * @param endpoint e.g. `https://sae.cn-hangzhou.aliyuncs.com` (see ./endpoints.ts)
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
    super(SAE_PRODUCT, endpoint, credentials, observe, host);
  }

  /**
   * ListApplications (GET /pop/v1/sam/app/listApplications, `CurrentPage`, `PageSize`).
   * @throws PlatformError
   */
  async listApplications(
    page: PageRequest,
    opts: RequestOptions,
  ): Promise<SaePage<SaeApplication>> {
    const body = await this.call(
      'ListApplications',
      { CurrentPage: page.pageNumber, PageSize: page.pageSize },
      opts,
    );
    const data = dataOf(this.redact, 'ListApplications', body);
    const items = listOf(this.redact, 'ListApplications', body, data, 'Applications');
    return {
      items: items.map((raw, i) => {
        const a = record(raw) ?? {};
        const path = `Data.Applications[${i}]`;
        const appId = readFields('sae', this.redact, 'ListApplications', body, () =>
          replyField('PlatformAppId', a.AppId, `${path}.AppId`),
        );
        if (!appId)
          throw malformed(this.redact, 'ListApplications', 'an application without AppId', body);
        return {
          appId,
          appName: readFields('sae', this.redact, 'ListApplications', body, () =>
            replyText(a.AppName, `${path}.AppName`),
          ),
          namespaceId: text(a.NamespaceId),
          regionId: text(a.RegionId),
        };
      }),
      totalSize: integer(data.TotalSize) ?? integer(body.TotalSize),
      requestId: text(body.RequestId),
    };
  }

  /**
   * DescribeApplicationStatus (GET /pop/v1/sam/app/describeApplicationStatus, `AppId`).
   * @throws PlatformError (`not_found`: `InvalidAppId.NotFound`, `InvalidApplication.NotFound`)
   */
  async describeApplicationStatus(
    appId: string,
    opts: RequestOptions,
  ): Promise<SaeApplicationStatus> {
    const body = await this.call('DescribeApplicationStatus', { AppId: appId }, opts);
    const data = dataOf(this.redact, 'DescribeApplicationStatus', body);
    const ids = readFields('sae', this.redact, 'DescribeApplicationStatus', body, () => ({
      appId: replyField('PlatformAppId', data.AppId, 'Data.AppId'),
      // "Empty if none was run or its information has expired" (docs/reference/sae-edas.md
      // §2.4, DescribeApplicationStatus): `""` is documented as "none", so it reads as absent;
      // anything else must be a ChangeOrderId exactly.
      lastChangeOrderId:
        data.LastChangeOrderId === ''
          ? undefined
          : replyField('ChangeOrderId', data.LastChangeOrderId, 'Data.LastChangeOrderId'),
    }));
    return {
      ...(ids.lastChangeOrderId ? { listed: applicationStatusListing(appId, data) } : {}),
      appId: ids.appId,
      currentStatus: text(data.CurrentStatus),
      lastChangeOrderId: ids.lastChangeOrderId,
      lastChangeOrderRunning: bool(data.LastChangeOrderRunning),
      lastChangeOrderStatus: text(data.LastChangeOrderStatus),
      subStatus: text(data.SubStatus),
      requestId: text(body.RequestId),
    };
  }

  /**
   * ListChangeOrders (GET /pop/v1/sam/changeorder/ListChangeOrders): one page of an
   * application's change orders, optionally of one status (`CoStatus` takes a single code).
   * @throws PlatformError
   */
  async listChangeOrders(
    appId: string,
    page: PageRequest & { coStatus?: number },
    opts: RequestOptions,
  ): Promise<SaePage<SaeChangeOrderSummary>> {
    const body = await this.call(
      'ListChangeOrders',
      {
        AppId: appId,
        CurrentPage: page.pageNumber,
        PageSize: page.pageSize,
        CoStatus: page.coStatus,
      },
      opts,
    );
    const data = dataOf(this.redact, 'ListChangeOrders', body);
    const items = listOf(this.redact, 'ListChangeOrders', body, data, 'ChangeOrderList');
    return {
      items: items.map((raw, i) => {
        const c = record(raw) ?? {};
        const path = `Data.ChangeOrderList[${i}]`;
        const ids = readFields('sae', this.redact, 'ListChangeOrders', body, () => ({
          changeOrderId: replyField('ChangeOrderId', c.ChangeOrderId, `${path}.ChangeOrderId`),
          appId: replyField('PlatformAppId', c.AppId, `${path}.AppId`),
        }));
        const changeOrderId = ids.changeOrderId;
        if (!changeOrderId)
          throw malformed(
            this.redact,
            'ListChangeOrders',
            'a change order without ChangeOrderId',
            body,
          );
        return {
          changeOrderId,
          appId: ids.appId,
          status: statusCode(c.Status),
          coTypeCode: text(c.CoTypeCode),
          createTime: text(c.CreateTime),
          finishTime: text(c.FinishTime),
        };
      }),
      totalSize: integer(data.TotalSize),
      requestId: text(body.RequestId),
    };
  }

  /**
   * DescribeChangeOrder (GET /pop/v1/sam/changeorder/DescribeChangeOrder, `ChangeOrderId`).
   * `Pipelines` is read as an array or a single object (the docs show both).
   * @throws PlatformError (`not_found`: `InvalidChangeOrder.NotFound`)
   */
  async describeChangeOrder(changeOrderId: string, opts: RequestOptions): Promise<SaeChangeOrder> {
    const body = await this.call('DescribeChangeOrder', { ChangeOrderId: changeOrderId }, opts);
    const data = dataOf(this.redact, 'DescribeChangeOrder', body);
    const ids = readFields('sae', this.redact, 'DescribeChangeOrder', body, () => ({
      changeOrderId: replyField('ChangeOrderId', data.ChangeOrderId, 'Data.ChangeOrderId'),
      appId: replyField('PlatformAppId', data.AppId, 'Data.AppId'),
      appName: replyText(data.AppName, 'Data.AppName'),
    }));
    const id = ids.changeOrderId;
    if (id !== undefined && id !== changeOrderId)
      throw malformed(this.redact, 'DescribeChangeOrder', `the reply is about ${id}`, body);
    const rawPipelines = data.Pipelines === undefined ? undefined : list(data.Pipelines);
    const { faults, createdWallMs } = orderReplyFaults({
      product: 'SAE',
      createTime: data.CreateTime,
      batchCount: data.BatchCount,
      subStatus: data.SubStatus,
      currentPipelineId: data.CurrentPipelineId,
      pipelinesField: 'Pipelines',
      statusField: 'Status',
      pipelines: rawPipelines?.map((p) => record(p) ?? {}),
      status: data.Status,
      stateOf: saeOrderState,
      finishTime: data.FinishTime,
      timeForm: 'number',
      types: {
        coType: data.CoType,
        coTypeCode: data.CoTypeCode,
        batchType: data.BatchType,
        auto: data.Auto,
        batchWaitTime: data.BatchWaitTime,
        supportRollback: data.SupportRollback,
        batchIntegers: ['BatchType', 'ParallelCount'],
      },
    });
    if (data.AppId !== undefined && text(data.AppId) === undefined)
      faults.push(`AppId ${shownValue(data.AppId)} is not an application id`);
    return {
      faults,
      ...(createdWallMs !== undefined ? { createdWallMs } : {}),
      // The fields DescribeApplicationStatus also gives (./status.ts maps its names to these).
      readFacts: { AppId: data.AppId, Status: data.Status, SubStatus: data.SubStatus },
      changeOrderId,
      appId: ids.appId,
      appName: ids.appName,
      status: statusCode(data.Status),
      subStatus: statusCode(data.SubStatus),
      coTypeCode: text(data.CoTypeCode),
      description: text(data.Description),
      createTime: text(data.CreateTime),
      batchCount: integer(data.BatchCount),
      batchType: text(data.BatchType),
      currentPipelineId: text(data.CurrentPipelineId),
      pipelines: rawPipelines?.map(toPipeline),
      supportRollback: bool(data.SupportRollback),
      requestId: text(body.RequestId),
    };
  }

  /**
   * AbortChangeOrder (PUT /pop/v1/sam/changeorder/AbortChangeOrder, `ChangeOrderId` in the query;
   * the optional `Rollback` is never sent: rollback goes through abortAndRollbackChangeOrder).
   * @throws PlatformError: `already_finished` (`Application.ChangerOrder.Not.Running`),
   *   `not_found`, `ambiguous` (no answer, or an unreadable one), ...
   */
  async abortChangeOrder(changeOrderId: string, opts: RequestOptions): Promise<SaeAbortResult> {
    return this.abort('AbortChangeOrder', changeOrderId, opts);
  }

  /**
   * AbortAndRollbackChangeOrder (PUT /pop/v1/sam/changeorder/AbortAndRollbackChangeOrder).
   * @throws PlatformError: as abortChangeOrder, plus `api_unavailable` (`System.Upgrading`)
   */
  async abortAndRollbackChangeOrder(
    changeOrderId: string,
    opts: RequestOptions,
  ): Promise<SaeAbortResult> {
    return this.abort('AbortAndRollbackChangeOrder', changeOrderId, opts);
  }

  private async abort(
    action: 'AbortChangeOrder' | 'AbortAndRollbackChangeOrder',
    changeOrderId: string,
    opts: RequestOptions,
  ): Promise<SaeAbortResult> {
    // Accepted only on the documented body (§2.6, §2.9): `Success: true` ("the change order was
    // terminated"), `Code` "200" or 200, `Data` exactly `{ChangeOrderId}` naming this order.
    return this.abortCall(action, changeOrderId, opts);
  }
}

function toPipeline(raw: unknown): SaePipeline {
  const p = record(raw) ?? {};
  return {
    pipelineId: text(p.PipelineId),
    pipelineName: text(p.PipelineName),
    status: statusCode(p.Status),
    // `long` (docs/reference/sae-edas.md §2.4): a JSON number only (red-team 25 G5).
    startTime: epochMsAs(p.StartTime, 'number'),
    updateTime: epochMsAs(p.UpdateTime, 'number'),
  };
}

/**
 * What DescribeApplicationStatus `Data` says of the application's last change order, as the
 * facts DescribeChangeOrder must then show (red-team 25 G14, shared/platform/listing-facts.ts):
 * `AppId`; `LastChangeOrderStatus` as its status code (`SAE_STATUS_CODE_OF_NAME`); `SubStatus`
 * as its code. Its own faults: `AppId` not the application asked about; a status or SubStatus
 * name that is not a documented one (or not a string); `LastChangeOrderRunning` not a JSON
 * boolean, or false beside `RUNNING`, or true beside a finished name.
 * @param asked the application the call asked about
 */
function applicationStatusListing(asked: string, data: Record<string, unknown>): ListedOrder {
  const faults: string[] = [];
  const facts: Record<string, unknown> = {};
  if (data.AppId !== undefined) {
    facts.AppId = data.AppId;
    if (data.AppId !== asked)
      faults.push(`AppId ${shownValue(data.AppId)} is not the application asked about (${asked})`);
  }
  const name = data.LastChangeOrderStatus;
  if (name !== undefined) {
    const code = typeof name === 'string' ? SAE_STATUS_CODE_OF_NAME.get(name) : undefined;
    if (code === undefined)
      faults.push(`LastChangeOrderStatus ${shownValue(name)} is not a documented status name`);
    else facts.Status = code;
  }
  const sub = data.SubStatus;
  if (sub !== undefined) {
    const code = typeof sub === 'string' ? saeSubStatusCodeOf(sub) : undefined;
    if (code === undefined)
      faults.push(`SubStatus ${shownValue(sub)} is not NORMAL or RUNNING_BUT_HAS_ERROR`);
    else facts.SubStatus = code;
  }
  const running = data.LastChangeOrderRunning;
  if (running !== undefined && typeof running !== 'boolean')
    faults.push(`LastChangeOrderRunning ${shownValue(running)} is not a JSON boolean`);
  else if (running === false && name === 'RUNNING')
    faults.push('LastChangeOrderRunning false contradicts LastChangeOrderStatus "RUNNING"');
  else if (running === true && typeof name === 'string' && SAE_FINISHED_STATUS_NAMES.has(name))
    faults.push(`LastChangeOrderRunning true contradicts LastChangeOrderStatus "${name}"`);
  return { action: 'DescribeApplicationStatus', facts, faults };
}

function dataOf(redact: Redact, action: SaeAction, body: JsonBody): Record<string, unknown> {
  const data = record(body.Data);
  if (!data) throw malformed(redact, action, 'no Data object in the reply', body);
  return data;
}

/**
 * A list field. Absent is an empty list only when the reply says `TotalSize: 0`: otherwise an
 * absent list is unknown, never "none".
 */
function listOf(
  redact: Redact,
  action: SaeAction,
  body: JsonBody,
  data: Record<string, unknown>,
  name: string,
): unknown[] {
  const value = data[name];
  if (value === undefined || value === null) {
    if ((integer(data.TotalSize) ?? integer(body.TotalSize)) === 0) return [];
    throw malformed(redact, action, `no ${name} in the reply`, body);
  }
  const items = list(value);
  if (!items) throw malformed(redact, action, `${name} is not a list`, body);
  return items;
}

function malformed(
  redact: Redact,
  action: SaeAction,
  what: string,
  body: JsonBody,
  mutating = false,
): PlatformReplyError {
  return malformedReply('sae', redact, action, what, body, mutating);
}
