/**
 * The emulated EDAS account: applications and change orders, with each order's status
 * computed from the real clock (sandbox/roa/account.ts; 2 succeeded, 6 terminated). EDAS documents
 * no error codes for these actions (docs/reference/sae-edas.md §3.6), so business refusals
 * carry the numeric `Code` 400 and a message, in HTTP 200 by default (§3.3).
 */
import { RoaAccount } from '../roa/account.js';
import {
  applyListWire,
  applyWire,
  chinaDateTime,
  listedUnder,
  type OrderRecord as RoaOrderRecord,
} from '../roa/times.js';
import type { EdasScenarioApp, EdasScenarioOrder, EdasSection } from './scenario.js';

/** Statuses an abort is accepted in: 0 ready, 1 in progress, 8 manual batch wait, 9 auto batch wait. */
export const EDAS_ABORTABLE = new Set([0, 1, 8, 9]);

/** A business refusal: the `Code` and message EDAS answers. */
export class EdasApiError extends Error {
  override readonly name = 'EdasApiError';
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

type OrderRecord = RoaOrderRecord<EdasScenarioOrder>;

/** The emulated EDAS account the EDAS emulator serves (sandbox/edas/server.ts): one per emulator. */
export class EdasAccount extends RoaAccount<EdasSection> {
  constructor(section: EdasSection, startedAt: number) {
    super(section, startedAt, EDAS_ABORTABLE, { succeeded: 2, aborted: 6 });
  }

  private app(appId: string): EdasScenarioApp {
    const app = this.apps.get(appId);
    if (!app || app.foreign || !this.seen(app))
      throw new EdasApiError(400, `application ${appId} does not exist`);
    return app;
  }

  private order(changeOrderId: string): OrderRecord {
    const rec = this.orders.get(changeOrderId);
    const app = rec ? this.apps.get(rec.source.AppId) : undefined;
    if (!rec || !app || !this.seen(app))
      throw new EdasApiError(400, `change order ${changeOrderId} does not exist`);
    this.app(rec.source.AppId);
    return rec;
  }

  /** ListApplication items, own applications in scenario order. */
  listApplication(): Record<string, unknown>[] {
    return this.section.apps
      .filter((a) => !a.foreign && this.seen(a))
      .map((a) => ({
        AppId: a.AppId,
        Name: a.Name,
        RegionId: a.RegionId ?? this.regionOf(a),
        ClusterType: a.ClusterType,
        State: 'RUNNING',
        Instances: 2,
        RunningInstanceCount: 2,
      }));
  }

  /** ListRecentChangeOrder items of an application, newest first. */
  listRecentChangeOrder(appId: string, now: number): Record<string, unknown>[] {
    const app = this.app(appId);
    return [...this.orders.values()]
      .filter((o) => listedUnder(o.source, app.AppId))
      .sort((a, b) => b.start - a.start)
      .map((rec) => {
        const { status, endedAt } = this.state(rec, now);
        const item: Record<string, unknown> = {
          ChangeOrderId: rec.source.ChangeOrderId,
          AppId: rec.source.AppId,
          Status: status,
          CoType: rec.source.CoType,
          CoTypeCode: rec.source.CoTypeCode,
          ChangeOrderDescription: rec.source.ChangeOrderDescription,
          CreateTime: chinaDateTime(rec.start),
          BatchType: rec.source.BatchType,
          BatchCount: rec.source.BatchCount,
          Source: 'pop',
          UserId: 'sandbox-user',
          CreateUserId: 'sandbox-user',
        };
        if (!EDAS_ABORTABLE.has(status)) item.FinishTime = chinaDateTime(endedAt ?? rec.progress);
        return applyListWire(item, rec.source);
      });
  }

  /** GetChangeOrderInfo `changeOrderInfo`. */
  changeOrderInfo(changeOrderId: string, now: number): Record<string, unknown> {
    const rec = this.order(changeOrderId);
    const o = rec.source;
    const { status, endedAt } = this.state(rec, now);
    const current = status === 2 ? o.BatchCount : (o.currentBatch ?? o.BatchCount);
    const span = rec.progress - rec.start;
    const last = endedAt ?? rec.progress;
    const batches = Array.from({ length: o.BatchCount }, (_, i) => {
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
      Status: status,
      ChangeOrderId: o.ChangeOrderId,
      BatchType: o.BatchType,
      CoType: o.CoType,
      CoTypeCode: o.CoTypeCode,
      CreateTime: chinaDateTime(rec.start),
      ChangeOrderDescription: o.ChangeOrderDescription,
      BatchCount: o.BatchCount,
      CreateUserId: 'sandbox-user',
      SupportRollback: o.SupportRollback,
      Desc: o.ChangeOrderDescription,
      PipelineInfoList: { PipelineInfo: batches },
    };
    applyWire(read, batches, Math.min(current, o.BatchCount) - 1, o);
    return read;
  }

  /**
   * AbortChangeOrder / AbortAndRollbackChangeOrder.
   * @throws EdasApiError when the order no longer runs, or is unknown
   */
  abort(changeOrderId: string, rollback: boolean, now: number): Record<string, unknown> {
    const rec = this.order(changeOrderId);
    const { status } = this.state(rec, now);
    if (!EDAS_ABORTABLE.has(status))
      throw new EdasApiError(
        400,
        `change order ${changeOrderId} is not running (status ${status})`,
      );
    rec.abortAt ??= now;
    rec.rollback ||= rollback;
    return { ChangeOrderId: changeOrderId };
  }
}

function pipeline(id: string, n: number, status: number, start: number, update: number) {
  return {
    PipelineId: id,
    PipelineName: ` Batch: ${n}`,
    PipelineStatus: status,
    StartTime: String(start),
    UpdateTime: String(update),
    StageList: { StageInfoDTO: [] },
  };
}
