import type { ChangeState } from './platform.js';
import { shownValue } from './shown.js';

/**
 * The contradictions between an SAE / EDAS change order's status and its batches, and between
 * the batches themselves (red-team 25 G4; docs/policy.md, "What is a contradiction"). Batches
 * are sequential ("batch N", docs/reference/sae-edas.md §2.4, §3.4): batch N+1 starts after
 * batch N ended. Batch statuses use the order's codes (§2.5, §3.5): 0 not started, 2 succeeded,
 * 3 / 6 / 10 ended otherwise, 1 / 8 / 9 / 11 / 12 live (started, not ended).
 */

/** One batch as the read gave it, after its own fields were read strictly. */
export interface BatchFacts {
  /** its status code, undefined when unreadable (already a fault of its own) */
  status: number | undefined;
  /** `StartTime` as it came */
  rawStart: unknown;
  /** epoch ms, or undefined when absent or unreadable */
  startMs: number | undefined;
  /** epoch ms, or undefined when absent or unreadable */
  updateMs: number | undefined;
  /** `PipelineName` as it came */
  rawName: unknown;
}

/**
 * "No StartTime" on a batch that has not started: absent, `null`, `0`, `"0"` or `""` (what an
 * unstarted batch shows is UNVERIFIED, docs/reference/sae-edas.md §8; SAE's `long` defaults to
 * 0, EDAS sends strings). Anything else is a start time, or a claim of one.
 */
export function noStartTime(raw: unknown): boolean {
  return raw === undefined || raw === null || raw === 0 || raw === '0' || raw === '';
}

/**
 * The batch number a `PipelineName` carries: SAE `"Batch 1 Change"`, EDAS `" Batch: 1"`
 * (docs/reference/sae-edas.md §2.9, §3.7). undefined for a name with no such number (a name is
 * free text: only a number it states is checked).
 */
export function batchNumberOf(name: string): number | undefined {
  const m = /(?:^|\s)Batch:?\s*([0-9]{1,4})(?:\s|$)/i.exec(name);
  return m ? Number(m[1]) : undefined;
}

/**
 * What is contradictory in an order's batches, each a phrase naming the batch and the fields:
 * - a batch that has not started (status 0) with a StartTime;
 * - a batch that started while the one before it had not ended (its status 0 or live), or
 *   whose StartTime is before the previous batch's last update (its end);
 * - a `PipelineName` whose batch number is not its place in the list (1..n, in order);
 * - the order's Status 1 (in progress, §2.5 / §3.5) while no batch is live and the last started
 *   batch succeeded (status 2); a failed batch of an in-progress order is SAE's documented
 *   "abnormal" state (SubStatus 1) and no contradiction;
 * - every batch succeeded while the order's status says it has not finished.
 * @param orderStatus the order's status code (undefined: unreadable; those checks are skipped)
 * @param orderState the platform's reading of it (`saeOrderState` / `edasOrderState`)
 * @param batchState the same map for a batch status
 */
export function batchFaults(
  batches: readonly BatchFacts[],
  orderStatus: number | undefined,
  orderState: ChangeState,
  batchState: (code: number) => ChangeState,
  statusField: string,
): string[] {
  const out: string[] = [];
  const live = (b: BatchFacts) =>
    b.status !== undefined &&
    b.status !== 0 &&
    (batchState(b.status) === 'in_flight' || batchState(b.status) === 'paused');
  const ended = (b: BatchFacts) => b.status !== undefined && batchState(b.status) === 'finished';
  batches.forEach((b, i) => {
    const n = i + 1;
    if (b.status === 0 && !noStartTime(b.rawStart))
      out.push(
        `batch ${n} has not started (${statusField} 0) but has StartTime ${shownValue(b.rawStart)}`,
      );
    if (typeof b.rawName === 'string') {
      const k = batchNumberOf(b.rawName);
      if (k !== undefined && k !== n)
        out.push(
          `batch ${n} is named ${shownValue(b.rawName)}: its number is not its place (${n})`,
        );
    }
    const prev = batches[i - 1];
    if (!prev || b.status === undefined || b.status === 0) return;
    if (prev.status !== undefined && !ended(prev))
      out.push(
        `batch ${n} started (${statusField} ${b.status}) while batch ${n - 1} had not ended (${statusField} ${prev.status})`,
      );
    else if (b.startMs !== undefined && prev.updateMs !== undefined && b.startMs < prev.updateMs)
      out.push(
        `batch ${n} started ${iso(b.startMs)}, before batch ${n - 1} ended (its last update ${iso(prev.updateMs)})`,
      );
  });
  const open = orderState === 'in_flight' || orderState === 'paused';
  if (orderStatus === undefined || !open || batches.length === 0) return out;
  if (batches.every((b) => b.status === 2))
    out.push(
      `every batch succeeded (${statusField} 2), but the order's Status ${orderStatus} says it has not finished`,
    );
  else if (
    orderStatus === 1 &&
    batches.every((b) => b.status !== undefined) &&
    !batches.some(live)
  ) {
    let last: number | undefined;
    batches.forEach((b, i) => {
      if (b.status !== undefined && b.status !== 0) last = i;
    });
    if (last !== undefined && batches[last]!.status === 2)
      out.push(
        `the order's Status 1 says a batch is running, but none is: batch ${last + 1}, the last started, succeeded (${statusField} 2)`,
      );
  }
  return out;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
