/**
 * The `edas` section of a sandbox scenario: the EDAS account the EDAS emulator serves
 * (docs/sandbox.md "SAE and EDAS"). Times are minutes before the emulator starts. Unknown keys
 * are refused.
 */
import { z } from 'zod';
import { roaBehaviourFields, roaFaultSchema } from '../roa/section.js';

/** Names of the EDAS actions the emulator serves (EDAS API 2017-08-01, ROA). */
export const EDAS_SANDBOX_ACTIONS = [
  'ListApplication',
  'ListRecentChangeOrder',
  'GetChangeOrderInfo',
  'AbortChangeOrder',
  'AbortAndRollbackChangeOrder',
] as const;

const nonEmpty = z.string().min(1);
const minutes = z.number().nonnegative();

const edasAppSchema = z.strictObject({
  AppId: nonEmpty,
  Name: nonEmpty,
  /** the logical region (namespace), default the application's regionId */
  RegionId: nonEmpty.optional(),
  /**
   * The region the application lives in (default the section's `regionId`): a request whose
   * `Host` names another region (`edas.<region>.aliyuncs.com`) does not see it, nor its orders.
   */
  regionId: nonEmpty.optional(),
  /** 2 ECS, 3 EDAS K8s, 5 ACK */
  ClusterType: z.union([z.literal(2), z.literal(3), z.literal(5)]).default(3),
  /** belongs to another account: calls naming it answer a business error */
  foreign: z.boolean().default(false),
});

const edasOrderSchema = z
  .strictObject({
    ChangeOrderId: nonEmpty,
    AppId: nonEmpty,
    /** status code at start (docs/reference/sae-edas.md §3.5) */
    Status: z.number().int().nonnegative(),
    CoTypeCode: nonEmpty.default('CoDeploy'),
    CoType: nonEmpty.default('Application Deploy'),
    ChangeOrderDescription: z.string().default('deploy (sandbox)'),
    BatchCount: z.number().int().min(1).max(5).default(1),
    /** the batch running now (1-based) */
    currentBatch: z.number().int().min(1).optional(),
    BatchType: z.enum(['Automatic', 'Manual']).default('Automatic'),
    startedMinutesAgo: minutes.optional(),
    idleMinutes: minutes.optional(),
    finishAfterSeconds: z.number().nonnegative().optional(),
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
  })
  .superRefine((o, ctx) => {
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
  });

export const edasSectionSchema = z
  .strictObject({
    ...roaBehaviourFields,
    /**
     * HTTP status of business errors (an abort of an order that no longer runs, an unknown id).
     * EDAS may send them in HTTP 200 with another `Code` (docs/reference/sae-edas.md §3.3): 200
     * does that; 400 sends them as HTTP 400.
     */
    businessErrorStatus: z.union([z.literal(200), z.literal(400)]).default(200),
    apps: z.array(edasAppSchema).default([]),
    changeOrders: z.array(edasOrderSchema).default([]),
    faults: z.array(roaFaultSchema(EDAS_SANDBOX_ACTIONS)).default([]),
  })
  .superRefine((s, ctx) => {
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
    });
  });

export type EdasSection = z.output<typeof edasSectionSchema>;
export type EdasScenarioApp = EdasSection['apps'][number];
export type EdasScenarioOrder = EdasSection['changeOrders'][number];
