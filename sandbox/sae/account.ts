/**
 * The emulated SAE account: applications and change orders, with each order's status computed
 * from the real clock (sandbox/roa/account.ts; docs/sandbox.md "SAE and EDAS"). An order moves
 * on by itself: it succeeds (Status 2) at `finishAfterSeconds`, or, once an abort is accepted,
 * shows Status 6 (terminated) `abortStepSeconds` later, whichever comes first.
 * Status codes and fields: docs/reference/sae-edas.md §2.4–§2.6.
 */
import { RoaAccount } from '../roa/account.js';
import {
  applyListWire,
  applyWire,
  chinaDateTime,
  listedUnder,
  type OrderRecord as RoaOrderRecord,
} from '../roa/times.js';
import type { SaeScenarioApp, SaeScenarioOrder, SaeSection } from './scenario.js';

/** Statuses an abort is accepted in (the real set is UNVERIFIED: every in-flight code here). */
export const SAE_ABORTABLE = new Set([0, 1, 8, 9, 11, 12]);

/** `LastChangeOrderStatus` names of DescribeApplicationStatus, by status code. */
export const SAE_STATUS_NAMES: Readonly<Record<number, string>> = {
  0: 'READY',
  1: 'RUNNING',
  2: 'SUCCESS',
  3: 'FAIL',
  6: 'ABORT',
  8: 'WAIT_BATCH_CONFIRM',
  9: 'AUTO_BATCH_WAIT',
  10: 'SYSTEM_FAIL',
  11: 'WAIT_APPROVAL',
  12: 'APPROVED',
};

/** An SAE error the account answers: HTTP status and SAE code. */
export class SaeApiError extends Error {
  override readonly name = 'SaeApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type OrderRecord = RoaOrderRecord<SaeScenarioOrder>;

/** The emulated SAE account the SAE emulator serves (sandbox/sae/server.ts): one per emulator. */
export class SaeAccount extends RoaAccount<SaeSection> {
  constructor(section: SaeSection, startedAt: number) {
    super(section, startedAt, SAE_ABORTABLE, { succeeded: 2, aborted: 6 });
  }

  private app(appId: string): SaeScenarioApp {
    const app = this.apps.get(appId);
    if (!app || !this.seen(app))
      throw new SaeApiError(404, 'InvalidAppId.NotFound', 'The specified AppId does not exist.');
    if (app.foreign)
      throw new SaeApiError(
        400,
        'Resouce.no.permission',
        'You are not authorized to operate on the specified resources.',
      );
    return app;
  }

  private order(changeOrderId: string): OrderRecord {
    const rec = this.orders.get(changeOrderId);
    const app = rec ? this.apps.get(rec.source.AppId) : undefined;
    if (!rec || !app || !this.seen(app))
      throw new SaeApiError(
        400,
        'InvalidChangeOrder.NotFound',
        'The current change order does not exist.',
      );
    this.app(rec.source.AppId);
    return rec;
  }

  /** ListApplications: own applications in scenario order. */
  listApplications(): Record<string, unknown>[] {
    return this.section.apps
      .filter((a) => !a.foreign && this.seen(a))
      .map((a) => ({
        AppId: a.AppId,
        AppName: a.AppName,
        NamespaceId: a.NamespaceId ?? `${this.regionOf(a)}:default`,
        RegionId: this.regionOf(a),
        AppDeletingStatus: false,
        Instances: 2,
        RunningInstances: 2,
      }));
  }

  /** The application's orders, newest first. */
  private ordersOf(appId: string): OrderRecord[] {
    return [...this.orders.values()]
      .filter((o) => listedUnder(o.source, appId))
      .sort((a, b) => b.start - a.start);
  }

  /** DescribeApplicationStatus `Data`. */
  applicationStatus(appId: string, now: number): Record<string, unknown> {
    const app = this.app(appId);
    const last = this.ordersOf(app.AppId)[0];
    const data: Record<string, unknown> = {
      AppId: app.AppId,
      CurrentStatus: 'RUNNING',
      RunningInstances: 2,
      CreateTime: String(last ? last.start : now),
      ArmsAdvancedEnabled: 'false',
      EnableAgent: false,
    };
    if (last) {
      const { status } = this.state(last, now);
      data.LastChangeOrderId = last.source.ChangeOrderId;
      data.LastChangeOrderRunning = SAE_ABORTABLE.has(status);
      data.LastChangeOrderStatus = SAE_STATUS_NAMES[status] ?? String(status);
      data.SubStatus =
        SAE_ABORTABLE.has(status) && last.source.SubStatus === 1
          ? 'RUNNING_BUT_HAS_ERROR'
          : 'NORMAL';
      Object.assign(data, last.source.appStatusWire ?? {});
      for (const k of last.source.appStatusWireOmit ?? []) delete data[k];
    } else {
      data.LastChangeOrderId = '';
      data.LastChangeOrderRunning = false;
    }
    return data;
  }

  /** ListChangeOrders items of an application (optionally one status), newest first. */
  listChangeOrders(
    appId: string,
    coStatus: number | undefined,
    now: number,
  ): Record<string, unknown>[] {
    const app = this.app(appId);
    return this.ordersOf(app.AppId)
      .map((rec) => ({ rec, ...this.state(rec, now) }))
      .filter((o) => coStatus === undefined || o.status === coStatus)
      .map(({ rec, status, endedAt }) => {
        const item: Record<string, unknown> = {
          ChangeOrderId: rec.source.ChangeOrderId,
          AppId: rec.source.AppId,
          Status: status,
          CoType: rec.source.CoTypeCode,
          CoTypeCode: rec.source.CoTypeCode,
          CreateTime: chinaDateTime(rec.start),
          BatchType: rec.source.BatchType,
          BatchCount: rec.source.BatchCount,
          Source: 'console',
          UserId: 'sandbox-user',
          CreateUserId: 'sandbox-user',
          Description: rec.source.Description,
        };
        if (endedAt !== null || !SAE_ABORTABLE.has(status))
          item.FinishTime = chinaDateTime(endedAt ?? rec.progress);
        return applyListWire(item, rec.source);
      });
  }

  /** DescribeChangeOrder `Data`. */
  describeChangeOrder(changeOrderId: string, now: number): Record<string, unknown> {
    const rec = this.order(changeOrderId);
    const app = this.app(rec.source.AppId);
    const { status, endedAt } = this.state(rec, now);
    const o = rec.source;
    const finished = !SAE_ABORTABLE.has(status);
    const current = finished && status === 2 ? o.BatchCount : (o.currentBatch ?? o.BatchCount);
    const span = rec.progress - rec.start;
    const last = endedAt ?? rec.progress;
    const pipelines = Array.from({ length: o.BatchCount }, (_, i) => {
      const n = i + 1;
      const id = `${o.ChangeOrderId}-batch-${n}`;
      if (n > current) return pipeline(id, n, 0, 0, 0);
      const startTime = Math.round(rec.start + ((n - 1) * span) / current);
      if (n < current)
        return pipeline(id, n, 2, startTime, Math.round(rec.start + (n * span) / current));
      // A batch that has not started (status 0) shows no times.
      if (status === 0) return pipeline(id, n, 0, 0, 0);
      return pipeline(id, n, status, startTime, last);
    });
    const read: Record<string, unknown> = {
      ChangeOrderId: o.ChangeOrderId,
      AppId: app.AppId,
      AppName: app.AppName,
      Status: status,
      SubStatus: finished ? 0 : o.SubStatus,
      CreateTime: chinaDateTime(rec.start),
      CoType: o.CoTypeCode,
      CoTypeCode: o.CoTypeCode,
      Description: o.Description,
      ErrorMessage: '',
      BatchCount: o.BatchCount,
      BatchType: o.BatchType,
      Auto: o.BatchType === 'auto',
      BatchWaitTime: 0,
      CurrentPipelineId: `${o.ChangeOrderId}-batch-${Math.min(current, o.BatchCount)}`,
      Pipelines: pipelines,
      SupportRollback: o.SupportRollback,
      ApprovalId: '',
    };
    applyWire(read, pipelines, Math.min(current, o.BatchCount) - 1, o);
    return read;
  }

  /**
   * AbortChangeOrder / AbortAndRollbackChangeOrder: accepted while the order is in flight.
   * @throws SaeApiError 400 Application.ChangerOrder.Not.Running, 400 InvalidChangeOrder.NotFound,
   *   400 Resouce.no.permission
   */
  abort(changeOrderId: string, rollback: boolean, now: number): Record<string, unknown> {
    const rec = this.order(changeOrderId);
    const { status } = this.state(rec, now);
    if (!SAE_ABORTABLE.has(status))
      throw new SaeApiError(
        400,
        'Application.ChangerOrder.Not.Running',
        'The change order is not running and cannot be terminated.',
      );
    rec.abortAt ??= now;
    rec.rollback ||= rollback;
    return { ChangeOrderId: changeOrderId };
  }
}

function pipeline(id: string, n: number, status: number, start: number, update: number) {
  return {
    PipelineId: id,
    PipelineName: `Batch ${n} Change`,
    Status: status,
    StartTime: start,
    UpdateTime: update,
    ParallelCount: 0,
    BatchType: 0,
  };
}
