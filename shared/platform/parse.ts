import { MIN_EPOCH_MS, readEpochMs } from '../webplus/epoch-ms.js';
import { type BatchFacts, batchFaults } from './batch-faults.js';
import { type OrderTypeShape, orderTypeFaults } from './order-types.js';
import type { ChangeState, EpochMsOrUnknown } from './platform.js';
import { shownValue } from './shown.js';

/**
 * Strict readers for platform reply fields. A value of the wrong type or out of range is
 * unknown (`undefined` / `'unknown'`), never a default: unknown must never read as 0, "now" or
 * "finished". Sources: docs/reference/sae-edas.md §2.4 and §3.4 (SAE batch times are epoch-ms
 * numbers, EDAS batch times epoch-ms strings, SAE `Code` a string or a number).
 */

/**
 * Earliest accepted epoch ms: the Web+ rule (shared/webplus/epoch-ms.ts `MIN_EPOCH_MS`,
 * 2001-09-09): an earlier one is seconds, a placeholder or a parsing mistake.
 */
export const MIN_PLAUSIBLE_EPOCH_MS = MIN_EPOCH_MS;
/** 2100-01-01T00:00:00Z, ms: a later one is seconds×1000 twice, or garbage. */
export const MAX_PLAUSIBLE_EPOCH_MS = 4_102_444_800_000;

/**
 * An epoch-ms time, read exactly as Web+ times are (shared/webplus/epoch-ms.ts, issue 10): a
 * JSON number that is a safe integer, or a string of ASCII digits with no leading zero (EDAS
 * sends `"1583911702158"`), at or after {@link MIN_PLAUSIBLE_EPOCH_MS} and before 2100.
 * @returns the time, or `'unknown'` for anything else: absent, 0, negatives, fractions,
 *   seconds-sized numbers, `"01583911702158"`, `" 1583911702158"`, `"2019-11-13 14:23:46"` (no
 *   time zone given: never guessed), null, booleans
 */
export function epochMs(value: unknown): EpochMsOrUnknown {
  const read = readEpochMs('time', value);
  if (!read.known) return 'unknown';
  return read.ms < MAX_PLAUSIBLE_EPOCH_MS ? read.ms : 'unknown';
}

/**
 * An epoch-ms batch time in its platform's documented JSON type only (red-team 25 G5): SAE
 * `StartTime` / `UpdateTime` are `long` (a JSON number, docs/reference/sae-edas.md §2.4), EDAS
 * ones strings of digits (§3.4). The other form is unknown, never converted.
 * @param form `number` (SAE) or `digits` (EDAS)
 * @returns as {@link epochMs}, or `'unknown'` for the other form
 */
export function epochMsAs(value: unknown, form: 'number' | 'digits'): EpochMsOrUnknown {
  if (form === 'number' ? typeof value !== 'number' : typeof value !== 'string') return 'unknown';
  return epochMs(value);
}

/**
 * A change-order status code (`Status`, `SubStatus`, `PipelineStatus`): a JSON number that is a
 * whole number from 0 to 999. SAE and EDAS send these as JSON numbers (docs/reference/sae-edas.md
 * §1, §2.4, §3.4: devsapp/sae compares `Status === 2` strictly; the SDKs declare int32). A
 * string (`"1"`), a fraction, a negative, null or an absent status is unreadable: `undefined`,
 * which the status maps read as `unknown` (never aborted).
 */
export function statusCode(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < 1000
    ? value
    : undefined;
}

/**
 * A whole number from a JSON number only (SAE `TotalSize`, `BatchCount`; EDAS `ClusterType`,
 * `BatchCount`). Decision (issue 12): a digit string (`"3"`) is refused, not converted. The
 * reference types every one of these int32 and every example sends a JSON number
 * (docs/reference/sae-edas.md §2.4: ListApplications and ListChangeOrders `TotalSize` (int32),
 * DescribeChangeOrder `BatchCount` (int32), the §2.9 examples `"TotalSize": 1`,
 * `"BatchCount": 1`; §3.4: EDAS `ClusterType` (int32), the §3.7 examples `"BatchCount": 1`);
 * nothing there shows them as strings (epoch-ms times are the strings, read by
 * {@link epochMs}). An unexpected string is unknown, never a count: `TotalSize` unknown is
 * never "no items" (sae/client.ts `listOf`).
 * @returns the integer (a safe integer, sign allowed), or undefined for anything else: digit
 *   strings, fractions, `"1.0"`, `""`, null, true, NaN
 */
export function integer(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : undefined;
}

/** A non-blank string, or undefined (numbers are not ids; only whitespace is blank, rt12 L1). */
export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/**
 * A JSON boolean; undefined for anything else (`"false"`, `0`, null, absent): a flag that is
 * not a boolean is not read as either value (issue 10: booleans read strictly).
 */
export function bool(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

/** A plain JSON object, or undefined. */
export function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/**
 * A list that may come as an array, a single object (an XML-to-JSON artifact the SAE docs show
 * for `Pipelines`), or wrapped one level (`{"PipelineInfo":[...]}`, EDAS style).
 * @param inner the wrapper's key, when the platform wraps
 * @returns the items, or undefined when the value is none of these shapes (absent included)
 */
export function list(value: unknown, inner?: string): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  const obj = record(value);
  if (!obj) return undefined;
  if (inner !== undefined && inner in obj) {
    const wrapped = obj[inner];
    if (Array.isArray(wrapped)) return wrapped;
    return record(wrapped) ? [wrapped] : undefined;
  }
  return inner === undefined ? [obj] : undefined;
}

/**
 * The latest and earliest of a list of batch times; `'unknown'` when the list is empty or ANY
 * entry is unreadable (an unreadable batch might be the latest one: guessing from the others
 * would make the change look idler than it is).
 */
export function timeSpan(times: readonly EpochMsOrUnknown[]): {
  earliest: EpochMsOrUnknown;
  latest: EpochMsOrUnknown;
} {
  if (times.length === 0 || times.some((t) => t === 'unknown'))
    return { earliest: 'unknown', latest: 'unknown' };
  const known = times as number[];
  return { earliest: Math.min(...known), latest: Math.max(...known) };
}

/** An envelope `Code` as text, from a string or a number (SAE sends both); else undefined. */
export function codeText(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/**
 * The start (earliest `StartTime`) and last progress (the latest of every batch `StartTime` and
 * `UpdateTime`: a batch that started is progress, red-team 24 F7) of a change from its batches.
 * Batches with status 0 (not started) are left out: what an unstarted batch shows for its times
 * is UNVERIFIED (docs/reference/sae-edas.md §8), and leaving it out can only make the change look
 * busier. Any other batch with an unreadable time makes that end `'unknown'`, and so does a
 * change with no started batch. A started batch whose `StartTime` is after its own `UpdateTime`
 * contradicts itself: both ends are `'unknown'` and `why` says which batch (docs/policy.md §3).
 * @returns epoch ms or `'unknown'` for each end; `why` only for a contradiction
 */
export function batchSpan(
  batches: readonly {
    status?: number;
    startTime: EpochMsOrUnknown;
    updateTime: EpochMsOrUnknown;
  }[],
): { startedAtMs: EpochMsOrUnknown; lastProgressAtMs: EpochMsOrUnknown; why?: string } {
  const started = batches.map((b, i) => ({ ...b, n: i + 1 })).filter((b) => b.status !== 0);
  const backwards = started.find(
    (b) => b.startTime !== 'unknown' && b.updateTime !== 'unknown' && b.startTime > b.updateTime,
  );
  if (backwards)
    return {
      startedAtMs: 'unknown',
      lastProgressAtMs: 'unknown',
      why: `batch ${backwards.n} started ${isoOf(backwards.startTime as number)}, after its last update ${isoOf(backwards.updateTime as number)}: the batch times contradict each other`,
    };
  const starts = timeSpan(started.map((b) => b.startTime));
  const updates = timeSpan(started.map((b) => b.updateTime));
  return {
    startedAtMs: starts.earliest,
    lastProgressAtMs:
      starts.latest === 'unknown' || updates.latest === 'unknown'
        ? 'unknown'
        : Math.max(starts.latest, updates.latest),
  };
}

/** ISO-8601 of an epoch-ms time, for a record's words. */
function isoOf(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * The widest offsets a zone-less wall time can carry, ms: UTC−12 and UTC+14 (the extremes of
 * the IANA time zones). SAE and EDAS `CreateTime` is `"yyyy-MM-dd HH:mm:ss"` with no zone, and
 * which zone it is in is UNVERIFIED (docs/reference/sae-edas.md §2.4, §3.4): the instant it
 * names lies between its reading as UTC minus 14 h and plus 12 h, and only a judgment true for
 * the whole of that window is made.
 */
export const WALL_TIME_EAST_MS = 14 * 3_600_000;
export const WALL_TIME_WEST_MS = 12 * 3_600_000;

/**
 * A zone-less `"yyyy-MM-dd HH:mm:ss"` time (SAE / EDAS `CreateTime`, docs/reference/sae-edas.md
 * §2.4, §3.4) read as if it were UTC, epoch ms; the real instant is within
 * −{@link WALL_TIME_EAST_MS} / +{@link WALL_TIME_WEST_MS} of it.
 * @returns the ms, or undefined for anything else (another format, `"2026-02-30 00:00:00"`, a
 *   number, ISO-8601 with a zone)
 */
export function wallTimeAsUtcMs(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2}) ([0-9]{2}):([0-9]{2}):([0-9]{2})$/.exec(value);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  if (
    back.getUTCFullYear() !== y ||
    back.getUTCMonth() !== mo - 1 ||
    back.getUTCDate() !== d ||
    h > 23 ||
    mi > 59 ||
    s > 59
  )
    return undefined;
  return ms;
}

export { shownValue };

/** The raw fields of a change-order read that {@link orderReplyFaults} cross-checks. */
export interface OrderShape {
  /** e.g. `DescribeChangeOrder` (for the words) */
  product: 'SAE' | 'EDAS';
  /** `CreateTime` as it came (absent: undefined) */
  createTime: unknown;
  /** `BatchCount` as it came */
  batchCount: unknown;
  /** SAE `SubStatus` as it came (EDAS has none) */
  subStatus?: unknown;
  /** SAE `CurrentPipelineId` as it came */
  currentPipelineId?: unknown;
  /** The batch list's name on the wire: `Pipelines`, `PipelineInfoList` */
  pipelinesField: string;
  /** The batch status's name on the wire: `Status`, `PipelineStatus` */
  statusField: string;
  /** The batches as they came (undefined: the list was absent or unreadable) */
  pipelines: readonly Record<string, unknown>[] | undefined;
  /** The order's `Status` as it came (red-team 25 G4) */
  status: unknown;
  /** The platform's status map (`saeOrderState` / `edasOrderState`), for the order and its batches */
  stateOf: (code: number | undefined) => ChangeState;
  /** `FinishTime` as it came (neither read documents one: absent) */
  finishTime: unknown;
  /** The batch time form ({@link epochMsAs}) */
  timeForm: 'number' | 'digits';
  /** The typed fields (red-team 25 G5, ./order-types.ts), `pipelines` aside */
  types: Omit<OrderTypeShape, 'pipelines'>;
}

/**
 * The fields of an SAE DescribeChangeOrder / EDAS GetChangeOrderInfo read that are unreadable
 * or contradict the rest of the read (red-team 24 F8): each one a phrase naming the field and
 * the value read. A read with any is never acted on (docs/policy.md §3, "contradictions").
 * Checked: `CreateTime` present but not `"yyyy-MM-dd HH:mm:ss"`; SAE `SubStatus` present but
 * not a status code (a JSON number, §2.4: int32); `BatchCount` present but not a JSON whole
 * number, or not the number of batches listed; SAE `CurrentPipelineId` present but not a
 * string naming one of the batches; two batches with one `PipelineId`; a batch whose status is
 * absent or not a status code. Absent `CreateTime`, `BatchCount`, `SubStatus` and
 * `CurrentPipelineId` are accepted (older documented bodies lack some; no decision reads them).
 * Red-team 25 G4: a `FinishTime` ({@link noFinishTime}) on an order whose status says it has not
 * finished, and the batch contradictions of ./batch-faults.ts (a not-started batch with a
 * StartTime, batches out of order, a running order with no batch running). Red-team 25 G5: the
 * typed fields of ./order-types.ts.
 * @returns the faults (empty: none) and `CreateTime` as {@link wallTimeAsUtcMs} reads it
 */
export function orderReplyFaults(o: OrderShape): { faults: string[]; createdWallMs?: number } {
  const faults: string[] = [];
  let createdWallMs: number | undefined;
  if (o.createTime !== undefined) {
    createdWallMs = wallTimeAsUtcMs(o.createTime);
    if (createdWallMs === undefined)
      faults.push(
        `CreateTime ${shownValue(o.createTime)} is not ${o.product}'s "yyyy-MM-dd HH:mm:ss"`,
      );
  }
  if (o.subStatus !== undefined && statusCode(o.subStatus) === undefined)
    faults.push(`SubStatus ${shownValue(o.subStatus)} is not a status code (a JSON number)`);
  const batches = o.pipelines;
  if (o.batchCount !== undefined) {
    const n = o.batchCount;
    if (!(typeof n === 'number' && Number.isInteger(n) && n >= 0))
      faults.push(`BatchCount ${shownValue(n)} is not a number of batches`);
    else if (batches !== undefined && n !== batches.length)
      faults.push(
        `BatchCount ${n} disagrees with the ${batches.length} batch(es) in ${o.pipelinesField}`,
      );
  }
  if (batches !== undefined) {
    const ids = new Set<string>();
    batches.forEach((b, i) => {
      if (statusCode(b[o.statusField]) === undefined)
        faults.push(
          `batch ${i + 1} ${o.statusField} ${b[o.statusField] === undefined ? 'is absent' : `${shownValue(b[o.statusField])} is not a status code (a JSON number)`}`,
        );
      const id = b.PipelineId;
      if (typeof id === 'string' && id !== '') {
        if (ids.has(id))
          faults.push(`two batches in ${o.pipelinesField} share PipelineId ${shownValue(id)}`);
        ids.add(id);
      }
    });
    if (o.currentPipelineId !== undefined) {
      const cur = o.currentPipelineId;
      if (cur === '') {
        // No current batch (a blank id names none): accepted, as absent.
      } else if (typeof cur !== 'string' || cur.trim() === '')
        faults.push(`CurrentPipelineId ${shownValue(cur)} is not a PipelineId`);
      else if (!ids.has(cur))
        faults.push(
          `CurrentPipelineId ${shownValue(cur)} names none of the ${batches.length} batch(es) in ${o.pipelinesField}`,
        );
    }
  }
  // Red-team 25 G4: a status that says running beside a FinishTime, batches out of order or
  // contradicting the order's status.
  const status = statusCode(o.status);
  const state = o.stateOf(status);
  const open = state === 'in_flight' || state === 'paused';
  if (open && !noFinishTime(o.finishTime))
    faults.push(
      `FinishTime ${shownValue(o.finishTime)} is set, but Status ${status} says the order has not finished`,
    );
  if (batches !== undefined) {
    const facts: BatchFacts[] = batches.map((b) => {
      const start = epochMsAs(b.StartTime, o.timeForm);
      const update = epochMsAs(b.UpdateTime, o.timeForm);
      return {
        status: statusCode(b[o.statusField]),
        rawStart: b.StartTime,
        startMs: start === 'unknown' ? undefined : start,
        updateMs: update === 'unknown' ? undefined : update,
        rawName: b.PipelineName,
      };
    });
    faults.push(...batchFaults(facts, status, state, (c) => o.stateOf(c), o.statusField));
  }
  // Red-team 25 G5: every field of a documented type read as that type only.
  faults.push(...orderTypeFaults({ ...o.types, pipelines: batches }));
  return { faults, ...(createdWallMs !== undefined ? { createdWallMs } : {}) };
}

/**
 * "Not finished" on a `FinishTime`: absent, `null` or `""`, the forms docs/reference/sae-edas.md
 * §8 (6) leaves open for an unfinished order. Anything else says the order finished.
 */
export function noFinishTime(raw: unknown): boolean {
  return raw === undefined || raw === null || raw === '';
}
