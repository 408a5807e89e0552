/**
 * What the SAE and EDAS scenario sections share: run-time behaviour (latency, throttling, page
 * size cap) and scripted faults per action, matched by `changeOrderId` / `appId` when given.
 */
import { z } from 'zod';
import { faultResponseSchema } from '../webplus/fault-response.js';

const nonEmpty = z.string().min(1);

/** A fault entry of an SAE/EDAS section; `action` is one of the product's action names. */
export function roaFaultSchema<A extends readonly [string, ...string[]]>(actions: A) {
  return z.strictObject({
    action: z.enum(actions),
    changeOrderId: nonEmpty.optional(),
    appId: nonEmpty.optional(),
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
  responses: z.output<typeof faultResponseSchema>[];
};
