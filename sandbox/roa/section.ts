/**
 * What the SAE and EDAS scenario sections share: run-time behaviour (latency, throttling, page
 * size cap), scripted faults per action (matched by `changeOrderId` / `appId` when given), a
 * change order's timing and wire overrides, and the checks across a section (ids unique, every
 * order's application known). Each product keeps its own fields (status codes, batch types,
 * envelope styles) in sandbox/sae/scenario.ts and sandbox/edas/scenario.ts.
 */
import { type RefinementCtx, z } from 'zod';
import { faultResponseSchema } from '../webplus/fault-response.js';

const nonEmpty = z.string().min(1);

/** A fault entry of an SAE/EDAS section; `action` is one of the product's action names. */
export function roaFaultSchema<A extends readonly [string, ...string[]]>(actions: A) {
  return z.strictObject({
    action: z.enum(actions),
    changeOrderId: nonEmpty.optional(),
    appId: nonEmpty.optional(),
    /** matches only requests to that region's host */
    regionId: nonEmpty.optional(),
    responses: z.array(faultResponseSchema).min(1),
  });
}

/** The run-time fields of a section, with their defaults. */
export const roaBehaviourFields = {
  /** region the emulated account lives in (namespaces and endpoints say it) */
  regionId: nonEmpty.default('cn-hangzhou'),
  /** delay added to every answer, ms */
  latencyMs: z.number().int().nonnegative().default(0),
  /** requests per second over all actions (token bucket); null = unlimited */
  qpsLimit: z.number().positive().nullable().default(null),
  /** list pages are silently cut to this many items (the real caps are UNVERIFIED) */
  pageSizeMax: z.number().int().positive().default(100),
  /**
   * The emulated platform's clock minus the real one, ms: order times count back from it and
   * every reply's `Date` header shows it (signatures are still checked on the real clock).
   */
  clockSkewMs: z.number().int().default(0),
};

export type RoaFault = {
  action: string;
  changeOrderId?: string;
  appId?: string;
  regionId?: string;
  responses: z.output<typeof faultResponseSchema>[];
};

const minutes = z.number().nonnegative();

/** The fields every emulated change order has, after the product's own (times in minutes before the emulator starts). */
export const roaOrderFields = {
  /** minutes before start that the order started */
  startedMinutesAgo: minutes.optional(),
  /** minutes before start of its last progress (the current batch's UpdateTime) */
  idleMinutes: minutes.optional(),
  /** the order succeeds by itself this many seconds after the emulator starts */
  finishAfterSeconds: z.number().nonnegative().optional(),
  /** seconds from an accepted abort to its aborted status; during them the status is unchanged */
  abortStepSeconds: z.number().nonnegative().default(0),
  SupportRollback: z.boolean().default(true),
  /**
   * Fields of the order's read (DescribeChangeOrder `Data` / GetChangeOrderInfo
   * `changeOrderInfo`) sent as given instead (a string `Status`, an odd `AppId`): how the function
   * copes with malformed replies is tested with these. The emulator's own state is unchanged.
   */
  wire: z.record(z.string(), z.unknown()).optional(),
  /** Fields of the order's read left out. */
  wireOmit: z.array(nonEmpty).optional(),
  /** Like `wire`, for the current batch (the last started one) of the read. */
  batchWire: z.record(z.string(), z.unknown()).optional(),
  /** Fields of the current batch left out. */
  batchWireOmit: z.array(nonEmpty).optional(),
  /** Like `wire`, per batch of the read (index 0 = batch 1), applied before `batchWire`. */
  pipelinesWire: z.array(z.record(z.string(), z.unknown())).optional(),
  /**
   * Fields of the order's listing item (SAE ListChangeOrders, EDAS ListRecentChangeOrder) sent
   * as given instead: a listing that disagrees with the read (an `AppId` naming another
   * application). The emulator's own state is unchanged.
   */
  listWire: z.record(z.string(), z.unknown()).optional(),
  /** Fields of the order's listing item left out (as `listWire`). */
  listWireOmit: z.array(nonEmpty).optional(),
  /** SAE: fields of DescribeApplicationStatus `Data` sent as given while this is the application's last order. */
  appStatusWire: z.record(z.string(), z.unknown()).optional(),
  /** SAE: fields of DescribeApplicationStatus `Data` left out while this is the application's last order. */
  appStatusWireOmit: z.array(nonEmpty).optional(),
  /**
   * Other applications whose listings list this order too (ListRecentChangeOrder, SAE
   * DescribeApplicationStatus / ListChangeOrders), its entry still naming its own `AppId`
   * unless `listWire` / `appStatusWire` say otherwise: a platform (or proxy) placing an order
   * under the wrong application. Reads and aborts of the order are unchanged.
   */
  listedUnder: z.array(nonEmpty).optional(),
};

/** An order's times and batches agree: idle no longer than started, the current batch one of its batches. */
export function checkOrderTimes(
  o: {
    startedMinutesAgo?: number;
    idleMinutes?: number;
    currentBatch?: number;
    BatchCount: number;
  },
  ctx: RefinementCtx,
): void {
  if (
    o.startedMinutesAgo !== undefined &&
    o.idleMinutes !== undefined &&
    o.idleMinutes > o.startedMinutesAgo
  )
    ctx.addIssue({
      code: 'custom',
      path: ['idleMinutes'],
      message: 'idleMinutes cannot exceed startedMinutesAgo',
    });
  if (o.currentBatch !== undefined && o.currentBatch > o.BatchCount)
    ctx.addIssue({
      code: 'custom',
      path: ['currentBatch'],
      message: 'currentBatch cannot exceed BatchCount',
    });
}

/** A section's ids are unique and every change order names one of its applications. */
export function checkSectionIds(
  s: {
    apps: { AppId: string }[];
    changeOrders: { ChangeOrderId: string; AppId: string; listedUnder?: string[] }[];
  },
  ctx: RefinementCtx,
): void {
  const apps = new Set<string>();
  s.apps.forEach((a, i) => {
    if (apps.has(a.AppId))
      ctx.addIssue({
        code: 'custom',
        path: ['apps', i, 'AppId'],
        message: `duplicate ${a.AppId}`,
      });
    apps.add(a.AppId);
  });
  const orders = new Set<string>();
  s.changeOrders.forEach((o, i) => {
    if (orders.has(o.ChangeOrderId))
      ctx.addIssue({
        code: 'custom',
        path: ['changeOrders', i, 'ChangeOrderId'],
        message: `duplicate ${o.ChangeOrderId}`,
      });
    orders.add(o.ChangeOrderId);
    if (!apps.has(o.AppId))
      ctx.addIssue({
        code: 'custom',
        path: ['changeOrders', i, 'AppId'],
        message: `unknown AppId ${o.AppId}`,
      });
    (o.listedUnder ?? []).forEach((a, j) => {
      if (!apps.has(a))
        ctx.addIssue({
          code: 'custom',
          path: ['changeOrders', i, 'listedUnder', j],
          message: `unknown AppId ${a}`,
        });
    });
  });
}
