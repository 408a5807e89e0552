/**
 * The `edas` section of a sandbox scenario: the EDAS account the EDAS emulator serves
 * (docs/sandbox.md "SAE and EDAS"). Times are minutes before the emulator starts. Unknown keys
 * are refused.
 */
import { z } from 'zod';
import {
  checkOrderTimes,
  checkSectionIds,
  roaBehaviourFields,
  roaFaultSchema,
  roaOrderFields,
} from '../roa/section.js';

/** Names of the EDAS actions the emulator serves (EDAS API 2017-08-01, ROA). */
export const EDAS_SANDBOX_ACTIONS = [
  'ListApplication',
  'ListRecentChangeOrder',
  'GetChangeOrderInfo',
  'AbortChangeOrder',
  'AbortAndRollbackChangeOrder',
] as const;

const nonEmpty = z.string().min(1);

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
    ...roaOrderFields,
  })
  .superRefine(checkOrderTimes);

/** The `edas` section of a scenario (strict; docs/sandbox.md "SAE and EDAS"); every field has its default. */
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
  .superRefine(checkSectionIds);

export type EdasSection = z.output<typeof edasSectionSchema>;
export type EdasScenarioApp = EdasSection['apps'][number];
export type EdasScenarioOrder = EdasSection['changeOrders'][number];
