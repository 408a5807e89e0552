/**
 * What the emulated SAE and EDAS accounts share: their applications and change orders by id,
 * each order's status computed from the real clock (it succeeds at `finishAfterSeconds`, or,
 * once an abort is accepted, shows the product's aborted status `abortStepSeconds` later,
 * whichever comes first), and the region a request is served as. Each product keeps its own
 * statuses, refusals and reply shapes in sandbox/sae/account.ts and sandbox/edas/account.ts.
 */
import { type OrderRecord, orderRecord } from './times.js';

/** The part of a scenario section an account is built from. */
export interface RoaAccountSection {
  /** the section's region (an application's default) */
  regionId: string;
  apps: { AppId: string; regionId?: string }[];
  changeOrders: {
    ChangeOrderId: string;
    AppId: string;
    Status: number;
    startedMinutesAgo?: number;
    idleMinutes?: number;
    finishAfterSeconds?: number;
    abortStepSeconds: number;
  }[];
}

/** A product's status codes for an order that ended by itself or by an accepted abort. */
export interface EndStatuses {
  succeeded: number;
  aborted: number;
}

/** The base of an emulated SAE or EDAS account (this file's header). */
export abstract class RoaAccount<S extends RoaAccountSection> {
  protected readonly apps = new Map<string, S['apps'][number]>();
  protected readonly orders = new Map<string, OrderRecord<S['changeOrders'][number]>>();
  /**
   * The region the request being served is in (its `Host`), set by `serveRegion` before each
   * action; undefined: every region (a request to the emulator's own address).
   */
  private requestRegion: string | undefined;

  /**
   * @param section the product's scenario section
   * @param startedAt epoch ms the emulator started (scenario times count back from it)
   * @param abortable statuses an abort is accepted in (only those orders finish by themselves)
   * @param ends the product's succeeded and aborted status codes
   */
  constructor(
    protected readonly section: S,
    startedAt: number,
    abortable: ReadonlySet<number>,
    private readonly ends: EndStatuses,
  ) {
    for (const a of section.apps) this.apps.set(a.AppId, a);
    for (const o of section.changeOrders)
      this.orders.set(o.ChangeOrderId, orderRecord(o, startedAt, abortable));
  }

  /** The order's status and the instant it last changed, at `now`. */
  protected state(
    rec: OrderRecord<S['changeOrders'][number]>,
    now: number,
  ): { status: number; endedAt: number | null } {
    const aborted = rec.abortAt === null ? null : rec.abortAt + rec.source.abortStepSeconds * 1000;
    if (
      rec.finishAt !== null &&
      rec.finishAt <= now &&
      (aborted === null || rec.finishAt < aborted)
    )
      return { status: this.ends.succeeded, endedAt: rec.finishAt };
    if (aborted !== null && aborted <= now) return { status: this.ends.aborted, endedAt: aborted };
    return { status: rec.source.Status, endedAt: null };
  }

  /** Status of an order now (for tests), or undefined. */
  statusOf(changeOrderId: string, now: number): number | undefined {
    const rec = this.orders.get(changeOrderId);
    return rec ? this.state(rec, now).status : undefined;
  }

  /** True when an abort with rollback was accepted for the order. */
  rolledBack(changeOrderId: string): boolean {
    return this.orders.get(changeOrderId)?.rollback ?? false;
  }

  /** Serve the next action as the endpoint of `regionId` (undefined: every region). */
  serveRegion(regionId: string | undefined): void {
    this.requestRegion = regionId;
  }

  /** The region an application lives in. */
  protected regionOf(app: S['apps'][number]): string {
    return app.regionId ?? this.section.regionId;
  }

  /** True when the request being served sees the application (same region, or every region). */
  protected seen(app: S['apps'][number]): boolean {
    return this.requestRegion === undefined || this.regionOf(app) === this.requestRegion;
  }
}
