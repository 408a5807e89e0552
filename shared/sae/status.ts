import type { ChangeState } from '../platform/platform.js';

/**
 * SAE change-order `Status` codes (DescribeChangeOrder, ListChangeOrders, `Pipelines[].Status`)
 * to the normalized state. Source: docs/reference/sae-edas.md §2.5 (SAE API docs U4/U5 and
 * `sae-20190506/main.tea`):
 * - in flight: 0 preparing, 1 in progress, 9 waiting for the next automatic batch (a timed
 *   pause that ends by itself);
 * - paused (waits for a person or a queue): 8 waiting for manual batch confirmation,
 *   11 pending approval, 12 approved, pending execution;
 * - finished: 2 succeeded, 3 failed, 6 terminated (aborted), 10 failed by a system exception;
 * - anything else, or an unreadable status: `unknown` (never aborted).
 */
export function saeOrderState(status: number | undefined): ChangeState {
  if (status === undefined) return 'unknown';
  return SAE_STATES.get(status) ?? 'unknown';
}

const SAE_STATES: ReadonlyMap<number, ChangeState> = new Map([
  [0, 'in_flight'],
  [1, 'in_flight'],
  [9, 'in_flight'],
  [8, 'paused'],
  [11, 'paused'],
  [12, 'paused'],
  [2, 'finished'],
  [3, 'finished'],
  [6, 'finished'],
  [10, 'finished'],
]);

/** The status a successful abort leaves an order in (6, terminated). */
export const SAE_ABORTED_STATUS = 6;

/**
 * DescribeApplicationStatus `LastChangeOrderStatus` names that mean the order is over
 * (docs/reference/sae-edas.md §2.4). Every other name, an absent one included, may be in flight.
 */
export const SAE_FINISHED_STATUS_NAMES: ReadonlySet<string> = new Set([
  'SUCCESS',
  'FAIL',
  'ABORT',
  'SYSTEM_FAIL',
]);

/**
 * Whether an application's last change order is worth reading: anything but a clear "not
 * running, and finished". `LastChangeOrderRunning` unreadable, an unknown status name, or a
 * `SubStatus` other than `NORMAL` all count as maybe in flight (the read decides).
 */
export function saeAppMayHaveChangeInFlight(status: {
  lastChangeOrderId?: string;
  lastChangeOrderRunning?: boolean;
  lastChangeOrderStatus?: string;
  subStatus?: string;
}): boolean {
  if (!status.lastChangeOrderId) return false;
  if (status.lastChangeOrderRunning !== false) return true;
  if (status.subStatus !== undefined && status.subStatus.toUpperCase() !== 'NORMAL') return true;
  return !SAE_FINISHED_STATUS_NAMES.has(status.lastChangeOrderStatus ?? '');
}

/**
 * DescribeApplicationStatus `LastChangeOrderStatus` names (docs/reference/sae-edas.md §2.4) by
 * the §2.5 status code each names (the names are §2.5's meanings, in the same order; the last
 * two are in S3 only). A name not here is undocumented: the listing's status is unknown.
 */
export const SAE_STATUS_CODE_OF_NAME: ReadonlyMap<string, number> = new Map([
  ['READY', 0],
  ['RUNNING', 1],
  ['SUCCESS', 2],
  ['FAIL', 3],
  ['ABORT', 6],
  ['WAIT_BATCH_CONFIRM', 8],
  ['AUTO_BATCH_WAIT', 9],
  ['SYSTEM_FAIL', 10],
  ['WAIT_APPROVAL', 11],
  ['APPROVED', 12],
]);

/**
 * DescribeApplicationStatus `SubStatus` (a string, §2.4) as DescribeChangeOrder's `SubStatus`
 * code: `NORMAL` 0, `RUNNING_BUT_HAS_ERROR` 1 (casing UNVERIFIED: `runningButHasError` is
 * Terraform's, so the name is compared without case and underscores); undefined for any other.
 */
export function saeSubStatusCodeOf(name: string): number | undefined {
  const n = name.replace(/_/g, '').toUpperCase();
  return n === 'NORMAL' ? 0 : n === 'RUNNINGBUTHASERROR' ? 1 : undefined;
}
