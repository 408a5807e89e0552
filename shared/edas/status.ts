import type { ChangeState } from '../platform/platform.js';

/**
 * EDAS change-order `Status` codes to the normalized state. Source: docs/reference/sae-edas.md
 * §3.5 (`edas-20170801/main.tea`; help.aliyun.com 62072/149393; terraform-provider-alicloud
 * `ChangeOrderStatusMap` and `HasOngoingTasks`):
 * - in flight: 0 ready, 1 in progress, 9 waiting for the next automatic batch;
 * - paused: 8 waiting for manual confirmation of the next batch;
 * - finished: 2 succeeded, 3 failed, 6 terminated, 10 failed by a system exception;
 * - 7 "partially executed" (UNVERIFIED whether it is over), any other code, or an unreadable
 *   one: `unknown` (never aborted).
 */
export function edasOrderState(status: number | undefined): ChangeState {
  if (status === undefined) return 'unknown';
  return EDAS_STATES.get(status) ?? 'unknown';
}

const EDAS_STATES: ReadonlyMap<number, ChangeState> = new Map([
  [0, 'in_flight'],
  [1, 'in_flight'],
  [9, 'in_flight'],
  [8, 'paused'],
  [2, 'finished'],
  [3, 'finished'],
  [6, 'finished'],
  [10, 'finished'],
]);

/** The status a successful abort leaves an order in (6, terminated). */
export const EDAS_ABORTED_STATUS = 6;
