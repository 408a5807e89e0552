import { batchSpan } from '../platform/parse.js';
import type {
  AbortAccepted,
  ChangePlatform,
  ChangeRef,
  PageRequest,
  PlatformApp,
  PlatformChange,
  PlatformPage,
  RequestOptions,
} from '../platform/platform.js';
import { abortOrder, type RoaPlatformOptions } from '../platform/roa-client.js';
import { SaeClient } from './client.js';
import { saeAppMayHaveChangeInFlight, saeOrderState } from './status.js';
import type { SaeChangeOrder } from './types.js';

/** What an SAE platform needs (`endpoint`: `saeEndpoint(regionId)`). */
export type SaePlatformOptions = RoaPlatformOptions;

/**
 * SAE as a {@link ChangePlatform}. Finding in-flight orders follows docs/reference/sae-edas.md
 * §6: ListApplications pages, then one DescribeApplicationStatus per application (its
 * `LastChangeOrderId`: SAE runs one change order per application at a time, U9), then
 * DescribeChangeOrder. Times: the order's start is its first batch's `StartTime` and its last
 * progress the latest batch `UpdateTime` (epoch-ms numbers); the order-level `CreateTime` is a
 * zone-less string and is never parsed. Rollback: AbortAndRollbackChangeOrder.
 * @example
 * ```ts
 * const sae = saePlatform({ endpoint: saeEndpoint('cn-hangzhou'), credentials });
 * const change = await sae.readChange({ platform: 'sae', changeId }, { timeoutMs: 5000 });
 * ```
 */
export function saePlatform(options: SaePlatformOptions): ChangePlatform {
  const client = new SaeClient(
    options.endpoint,
    options.credentials,
    options.observe,
    options.host,
  );
  return {
    name: 'sae',
    capabilities: { rollback: true },

    async listApps(page: PageRequest, opts: RequestOptions): Promise<PlatformPage<PlatformApp>> {
      const got = await client.listApplications(page, opts);
      return {
        items: got.items.map((a) => ({
          platform: 'sae',
          appId: a.appId,
          appName: a.appName,
          namespaceId: a.namespaceId,
        })),
        totalCount: got.totalSize ?? 'unknown',
        requestId: got.requestId,
      };
    },

    async findInFlight(
      app: PlatformApp,
      page: PageRequest,
      opts: RequestOptions,
    ): Promise<PlatformPage<ChangeRef>> {
      if (page.pageNumber > 1) return { items: [], totalCount: 'unknown' };
      const status = await client.describeApplicationStatus(app.appId, opts);
      // The reply must be about the application asked (`Data.AppId`, documented in §2.4): one
      // naming another, or none, is kept with `listedAs` so the order is never judged as the
      // asked application's (red-team 25 G9).
      const items: ChangeRef[] =
        saeAppMayHaveChangeInFlight(status) && status.lastChangeOrderId
          ? [
              {
                platform: 'sae',
                changeId: status.lastChangeOrderId,
                appId: app.appId,
                ...(status.listed ? { listed: status.listed } : {}),
                ...(status.appId === app.appId
                  ? {}
                  : {
                      listedAs: {
                        action: 'DescribeApplicationStatus',
                        field: 'Data.AppId',
                        ...(status.appId === undefined ? {} : { appId: status.appId }),
                      },
                    }),
              },
            ]
          : [];
      return { items, totalCount: items.length, requestId: status.requestId };
    },

    async readChange(ref: ChangeRef, opts: RequestOptions): Promise<PlatformChange> {
      return saeChange(await client.describeChangeOrder(ref.changeId, opts));
    },

    async abortChange(
      ref: ChangeRef,
      how: { rollback: boolean },
      opts: RequestOptions,
    ): Promise<AbortAccepted> {
      return abortOrder(client, ref, how, opts);
    },

    clockSkewMs: () => client.clockSkewMs(),
    clockUnknownWhy: () => client.clockUnknownWhy(),
    close: () => client.close(),
  };
}

/** The normalized view of a DescribeChangeOrder reply. */
export function saeChange(order: SaeChangeOrder): PlatformChange {
  const state = saeOrderState(order.status);
  const span = batchSpan(
    (order.pipelines ?? []).map((p) => ({
      status: p.status,
      startTime: p.startTime,
      updateTime: p.updateTime,
    })),
  );
  const rawStatus =
    order.status === undefined
      ? '(unreadable)'
      : order.subStatus === undefined
        ? String(order.status)
        : `${order.status}/${order.subStatus}`;
  return {
    platform: 'sae',
    changeId: order.changeOrderId,
    // Only what the reply says: the caller compares it with the application it asked about.
    ...(order.appId ? { appId: order.appId } : {}),
    state,
    rawStatus,
    ...(state === 'finished' ? { finishedAs: finishedAs(order.status) } : {}),
    aborting: state === 'finished' ? false : 'unknown',
    startedAtMs: span.startedAtMs,
    lastProgressAtMs: span.lastProgressAtMs,
    ...(span.why ? { timesWhy: span.why } : {}),
    ...(order.faults.length > 0 ? { replyFaults: order.faults } : {}),
    readFacts: order.readFacts,
    ...(order.createdWallMs !== undefined ? { createdWallMs: order.createdWallMs } : {}),
    changeType: order.coTypeCode,
    description: order.description,
    supportsRollback: order.supportRollback ?? 'unknown',
    requestId: order.requestId,
  };
}

/** 6 aborted, 2 succeeded, anything else finished (3, 10) failed. */
function finishedAs(status: number | undefined): 'succeeded' | 'failed' | 'aborted' {
  return status === 6 ? 'aborted' : status === 2 ? 'succeeded' : 'failed';
}
