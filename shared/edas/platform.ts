import { PlatformError } from '../platform/errors.js';
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
import { EdasClient } from './client.js';
import { edasOrderState } from './status.js';
import type { EdasChangeOrder } from './types.js';

/** What an EDAS platform needs (`endpoint`: `edasEndpoint(regionId)`). */
export type EdasPlatformOptions = RoaPlatformOptions;

/**
 * EDAS as a {@link ChangePlatform}, following docs/reference/sae-edas.md §6: ListApplication
 * pages (no totals: read until an empty page), ListRecentChangeOrder per application (every
 * order not clearly finished is a candidate), GetChangeOrderInfo, AbortChangeOrder.
 *
 * What aborting does in each status is not documented (§3.5), so a refused abort (`permanent`,
 * any non-200 `Code`) is followed by one GetChangeOrderInfo: an order that shows finished
 * makes the refusal `already_finished`; otherwise the refusal stands. Rollback:
 * AbortAndRollbackChangeOrder (K8s applications).
 * @example
 * ```ts
 * const edas = edasPlatform({ endpoint: edasEndpoint('cn-hangzhou'), credentials });
 * await edas.abortChange({ platform: 'edas', changeId }, { rollback: false }, { timeoutMs: 5000 });
 * ```
 */
export function edasPlatform(options: EdasPlatformOptions): ChangePlatform {
  const client = new EdasClient(
    options.endpoint,
    options.credentials,
    options.observe,
    options.host,
  );
  return {
    name: 'edas',
    capabilities: { rollback: true },

    async listApps(page: PageRequest, opts: RequestOptions): Promise<PlatformPage<PlatformApp>> {
      const got = await client.listApplication(page, opts);
      return {
        items: got.items.map((a) => ({
          platform: 'edas',
          appId: a.appId,
          appName: a.name,
          namespaceId: a.regionId,
        })),
        totalCount: 'unknown',
        requestId: got.requestId,
      };
    },

    async findInFlight(
      app: PlatformApp,
      page: PageRequest,
      opts: RequestOptions,
    ): Promise<PlatformPage<ChangeRef>> {
      if (page.pageNumber > 1) return { items: [], totalCount: 'unknown' };
      const got = await client.listRecentChangeOrder(app.appId, opts);
      // Each item must name the application listed (§3.4 documents `AppId` on every item): one
      // that names another, or none, is kept with `listedAs` so the order is never judged as
      // the listed application's (red-team 25 G9).
      const items: ChangeRef[] = got.items.flatMap((c, i): ChangeRef[] =>
        edasOrderState(c.status) === 'finished'
          ? []
          : [
              {
                platform: 'edas',
                changeId: c.changeOrderId,
                appId: app.appId,
                listed: c.listed,
                ...(c.appId === app.appId
                  ? {}
                  : {
                      listedAs: {
                        action: 'ListRecentChangeOrder',
                        field: `ChangeOrderList.ChangeOrder[${i}].AppId`,
                        ...(c.appId === undefined ? {} : { appId: c.appId }),
                      },
                    }),
              },
            ],
      );
      return { items, totalCount: items.length, requestId: got.requestId };
    },

    async readChange(ref: ChangeRef, opts: RequestOptions): Promise<PlatformChange> {
      return edasChange(await client.getChangeOrderInfo(ref.changeId, opts), ref);
    },

    async abortChange(
      ref: ChangeRef,
      how: { rollback: boolean },
      opts: RequestOptions,
    ): Promise<AbortAccepted> {
      try {
        return await abortOrder(client, ref, how, opts);
      } catch (err) {
        if (!(err instanceof PlatformError) || err.kind !== 'permanent') throw err;
        let order: EdasChangeOrder;
        try {
          order = await client.getChangeOrderInfo(ref.changeId, opts);
        } catch {
          throw err;
        }
        if (edasOrderState(order.status) !== 'finished') throw err;
        throw new PlatformError(
          `${err.message} (GetChangeOrderInfo shows the order finished, status ${order.status})`,
          {
            platform: 'edas',
            action: err.action,
            kind: 'already_finished',
            code: err.code,
            httpStatus: err.httpStatus,
            requestId: err.requestId,
            cause: err,
          },
        );
      }
    },

    clockSkewMs: () => client.clockSkewMs(),
    clockUnknownWhy: () => client.clockUnknownWhy(),
    close: () => client.close(),
  };
}

/** The normalized view of a GetChangeOrderInfo reply. */
export function edasChange(order: EdasChangeOrder, ref: ChangeRef): PlatformChange {
  const state = edasOrderState(order.status);
  const span = batchSpan(
    (order.pipelines ?? []).map((p) => ({
      status: p.pipelineStatus,
      startTime: p.startTime,
      updateTime: p.updateTime,
    })),
  );
  return {
    platform: 'edas',
    changeId: order.changeOrderId,
    // The reply's own AppId when it carries one (the caller compares it with ref.appId:
    // "ambiguous application", red-team 24 F8), else the application it was found under.
    ...((order.appId ?? ref.appId) ? { appId: order.appId ?? ref.appId } : {}),
    state,
    rawStatus: order.status === undefined ? '(unreadable)' : String(order.status),
    ...(state === 'finished' ? { finishedAs: finishedAs(order.status) } : {}),
    aborting: state === 'finished' ? false : 'unknown',
    startedAtMs: span.startedAtMs,
    lastProgressAtMs: span.lastProgressAtMs,
    ...(span.why ? { timesWhy: span.why } : {}),
    ...(order.faults.length > 0 ? { replyFaults: order.faults } : {}),
    readFacts: order.readFacts,
    ...(order.createdWallMs !== undefined ? { createdWallMs: order.createdWallMs } : {}),
    changeType: order.coTypeCode ?? order.coType,
    description: order.description,
    supportsRollback: order.supportRollback ?? 'unknown',
    requestId: order.requestId,
  };
}

/** 6 aborted, 2 succeeded, anything else finished (3, 10) failed. */
function finishedAs(status: number | undefined): 'succeeded' | 'failed' | 'aborted' {
  return status === 6 ? 'aborted' : status === 2 ? 'succeeded' : 'failed';
}
