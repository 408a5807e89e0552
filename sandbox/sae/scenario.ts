/**
 * The `sae` section of a sandbox scenario: the SAE account the SAE emulator serves
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

/** Names of the SAE actions the emulator serves (SAE API 2019-05-06, ROA). */
export const SAE_SANDBOX_ACTIONS = [
  'ListApplications',
  'DescribeApplicationStatus',
  'ListChangeOrders',
  'DescribeChangeOrder',
  'AbortChangeOrder',
  'AbortAndRollbackChangeOrder',
] as const;

const nonEmpty = z.string().min(1);

const saeAppSchema = z.strictObject({
  AppId: nonEmpty,
  AppName: nonEmpty,
  /** default `<regionId>:default` */
  NamespaceId: nonEmpty.optional(),
  /**
   * The region the application lives in (default the section's `regionId`): a request whose
   * `Host` names another region (`sae.<region>.aliyuncs.com`) does not see it, nor its orders.
   */
  regionId: nonEmpty.optional(),
  /** belongs to another account: every call naming it answers 400 Resouce.no.permission */
  foreign: z.boolean().default(false),
});

const saeOrderSchema = z
  .strictObject({
    ChangeOrderId: nonEmpty,
    AppId: nonEmpty,
    /** status code at start (docs/reference/sae-edas.md §2.5) */
    Status: z.number().int().nonnegative(),
    /** 0 normal, 1 abnormal */
    SubStatus: z.union([z.literal(0), z.literal(1)]).default(0),
    CoTypeCode: nonEmpty.default('CoDeploy'),
    Description: z.string().default('deploy (sandbox)'),
    BatchCount: z.number().int().min(1).max(10).default(1),
    /** the batch running now (1-based); earlier batches succeeded, later ones have not started */
    currentBatch: z.number().int().min(1).optional(),
    BatchType: z.enum(['auto', 'manual']).default('auto'),
    ...roaOrderFields,
  })
  .superRefine(checkOrderTimes);

/** The `sae` section of a scenario (strict; docs/sandbox.md "SAE and EDAS"); every field has its default. */
export const saeSectionSchema = z
  .strictObject({
    ...roaBehaviourFields,
    /**
     * How the envelope's `Code` is written: `docs` as each action's published example (a string
     * for list/status/abort replies, a number for DescribeChangeOrder and AbortAndRollback),
     * or always a `string`, or always a `number`.
     */
    codeStyle: z.enum(['docs', 'string', 'number']).default('docs'),
    /**
     * Error body shape (UNVERIFIED on the real service): `code` puts the error code in `Code`;
     * `errorCode` puts `"400"` in `Code` and the error code in `ErrorCode`.
     */
    errorShape: z.enum(['code', 'errorCode']).default('code'),
    apps: z.array(saeAppSchema).default([]),
    changeOrders: z.array(saeOrderSchema).default([]),
    faults: z.array(roaFaultSchema(SAE_SANDBOX_ACTIONS)).default([]),
  })
  .superRefine(checkSectionIds);

export type SaeSection = z.output<typeof saeSectionSchema>;
export type SaeScenarioApp = SaeSection['apps'][number];
export type SaeScenarioOrder = SaeSection['changeOrders'][number];
