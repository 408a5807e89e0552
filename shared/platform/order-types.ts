import { shownValue } from './shown.js';

/**
 * The documented JSON types (and enums, where the reference closes them) of the SAE
 * DescribeChangeOrder / EDAS GetChangeOrderInfo fields a decision uses or that describe how the
 * order runs (red-team 25 G5; docs/reference/sae-edas.md §2.4, §3.4): a value of another type,
 * or an undocumented enum value, is never coerced; it makes that fact unknown and the read is
 * not acted on (docs/policy.md, "What is a contradiction"). Absent fields are accepted (older
 * documented bodies lack some).
 */

/** Order-level `BatchType` values the reference shows: SAE `auto` / `manual` (S3) and `Automatic` (S8); EDAS `Automatic` / `Manual`. */
export const BATCH_TYPES: ReadonlySet<string> = new Set(['auto', 'manual', 'Automatic', 'Manual']);

/** Whether a `BatchType` value means batches advance by themselves. */
function automatic(batchType: string): boolean {
  return batchType === 'auto' || batchType === 'Automatic';
}

/** The order-level fields checked, as they came (absent: undefined). */
export interface OrderTypeShape {
  coType: unknown;
  coTypeCode: unknown;
  batchType: unknown;
  /** SAE `Auto` (boolean); EDAS has none */
  auto?: unknown;
  /** SAE `BatchWaitTime` (int32, minutes) */
  batchWaitTime?: unknown;
  supportRollback: unknown;
  /** the batches as they came */
  pipelines: readonly Record<string, unknown>[] | undefined;
  /** SAE only: batch-level `BatchType` and `ParallelCount` (int32) */
  batchIntegers: readonly string[];
}

/**
 * The fields of wrong type or undocumented value, each a phrase naming the field and the value:
 * `CoType` / `CoTypeCode` not a string; `BatchType` not one of {@link BATCH_TYPES}; SAE `Auto`
 * not a JSON boolean, or disagreeing with `BatchType`; SAE `BatchWaitTime` not a whole number
 * ≥ 0; `SupportRollback` not a JSON boolean; a batch's `PipelineId` not a non-blank string, its
 * `PipelineName` not a string, SAE's batch `BatchType` / `ParallelCount` not a whole number.
 */
export function orderTypeFaults(o: OrderTypeShape): string[] {
  const out: string[] = [];
  for (const [name, v] of [
    ['CoType', o.coType],
    ['CoTypeCode', o.coTypeCode],
  ] as const)
    if (v !== undefined && typeof v !== 'string')
      out.push(`${name} ${shownValue(v)} is not a string`);
  const bt = o.batchType;
  const btOk = typeof bt === 'string' && BATCH_TYPES.has(bt);
  if (bt !== undefined && !btOk)
    out.push(
      `BatchType ${shownValue(bt)} is not one of the documented ${[...BATCH_TYPES].map((t) => `"${t}"`).join(', ')}`,
    );
  if (o.auto !== undefined) {
    if (typeof o.auto !== 'boolean') out.push(`Auto ${shownValue(o.auto)} is not a JSON boolean`);
    else if (btOk && automatic(bt as string) !== o.auto)
      out.push(`Auto ${o.auto} disagrees with BatchType ${shownValue(bt)}`);
  }
  const wait = o.batchWaitTime;
  if (wait !== undefined && !(typeof wait === 'number' && Number.isInteger(wait) && wait >= 0))
    out.push(`BatchWaitTime ${shownValue(wait)} is not a number of minutes`);
  if (o.supportRollback !== undefined && typeof o.supportRollback !== 'boolean')
    out.push(`SupportRollback ${shownValue(o.supportRollback)} is not a JSON boolean`);
  (o.pipelines ?? []).forEach((b, i) => {
    const n = i + 1;
    const id = b.PipelineId;
    if (id !== undefined && !(typeof id === 'string' && id.trim() !== ''))
      out.push(`batch ${n} PipelineId ${shownValue(id)} is not a PipelineId`);
    if (b.PipelineName !== undefined && typeof b.PipelineName !== 'string')
      out.push(`batch ${n} PipelineName ${shownValue(b.PipelineName)} is not a string`);
    for (const f of o.batchIntegers) {
      const v = b[f];
      if (v !== undefined && !(typeof v === 'number' && Number.isInteger(v) && v >= 0))
        out.push(`batch ${n} ${f} ${shownValue(v)} is not a whole number`);
    }
  });
  return out;
}
