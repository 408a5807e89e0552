import { wholeMinutes } from '../core/time.js';
import type { Decision } from '../model/decision.js';
import type { Execution } from '../model/execution.js';
import type { Mode, OutcomeRecord, Trigger } from '../model/record.js';
import type { InvalidInput } from '../model/request.js';

export interface RecordBase {
  trigger: Trigger;
  triggerRef?: string;
  invocationId: string;
}

/** The clock a request's decisions were judged on (process-request.ts). */
export interface JudgeClock {
  /** The judging instant, epoch ms: Web+'s clock when `skewMs` is recorded, else the function's. */
  judgedAtMs: number;
  /** Web+'s clock minus the function's, ms; set only when the skew was over a minute. */
  skewMs?: number;
}

/**
 * The outcome record of one executed decision (docs/reference/record.md). Ages are whole
 * minutes on the judging clock; `clockSkewMs` is recorded when that was Web+'s.
 */
export function recordOf(
  e: Execution,
  base: RecordBase,
  fallbackMode: Mode,
  clock: JudgeClock = { judgedAtMs: e.decidedAtMs },
): OutcomeRecord {
  const c = e.decision.candidate;
  const change = c.change;
  const record: OutcomeRecord = {
    time: new Date(e.doneAtMs).toISOString(),
    ...(c.platform ? { platform: c.platform } : {}),
    ...(c.changeId ? { changeId: c.changeId } : {}),
    ...((c.envId ?? change?.envId) ? { envId: c.envId ?? change?.envId } : {}),
    ...(c.appId ? { appId: c.appId } : {}),
    ...(c.regionId ? { regionId: c.regionId } : {}),
    ...(c.envName ? { envName: c.envName } : {}),
    ...(c.appName ? { appName: c.appName } : {}),
    trigger: base.trigger,
    ...(base.triggerRef ? { triggerRef: base.triggerRef } : {}),
    invocationId: base.invocationId,
    ...(e.decision.reason ? { reason: e.decision.reason } : {}),
    ...(c.note ? { note: c.note } : {}),
    mode: e.decision.mode ?? fallbackMode,
    outcome: e.outcome,
    detail: e.detail,
    attempts: e.attempts,
  };
  if (e.errorCode) record.errorCode = e.errorCode;
  if (e.errorMessage) record.errorMessage = e.errorMessage;
  const requestId = e.webplusRequestId ?? c.webplusRequestId;
  if (requestId) record.webplusRequestId = requestId;
  if (change?.createTime !== undefined)
    record.changeAgeMinutes = wholeMinutes(change.createTime, clock.judgedAtMs);
  if (change?.updateTime !== undefined && !change.finished)
    record.idleMinutes = wholeMinutes(change.updateTime, clock.judgedAtMs);
  const pc = c.platformChange;
  if (pc && pc.startedAtMs !== 'unknown')
    record.changeAgeMinutes = wholeMinutes(pc.startedAtMs, clock.judgedAtMs);
  if (pc && pc.lastProgressAtMs !== 'unknown' && pc.state !== 'finished')
    record.idleMinutes = wholeMinutes(pc.lastProgressAtMs, clock.judgedAtMs);
  if (clock.skewMs !== undefined && (change || pc)) record.clockSkewMs = Math.round(clock.skewMs);
  record.latencyMs = Math.max(0, e.doneAtMs - e.decidedAtMs);
  if (e.intentId) record.intentId = e.intentId;
  return record;
}

/**
 * The intent record of one abort decision (red-team 25 G15; docs/reference/record.md, "The
 * intent record"): the same change, environment, application, region, trigger, reason, mode,
 * note and ages as the decision's record will carry, `kind: "intent"`, outcome `abort_sending`,
 * `attempts` 0 and no `webplusRequestId` (nothing was sent yet), `time` = `nowMs`; `latencyMs`
 * from the decision to now.
 * Written before the abort's first request; the decision's record names its `recordId` in
 * `intentId`.
 * @param d an `abort` decision
 * @param action the request about to be sent (`AbortChange`, `AbortChangeOrder`, `AbortAndRollbackChangeOrder`)
 */
export function intentRecordOf(
  d: Decision,
  base: RecordBase,
  fallbackMode: Mode,
  clock: JudgeClock,
  decidedAtMs: number,
  nowMs: number,
): OutcomeRecord {
  const c = d.candidate;
  const action =
    c.platform === undefined || c.platform === 'webplus'
      ? 'AbortChange'
      : d.kind === 'abort' && d.rollback === true
        ? 'AbortAndRollbackChangeOrder'
        : 'AbortChangeOrder';
  const made = recordOf(
    {
      decision: d,
      outcome: 'abort_sending',
      detail: `${action} of ${c.changeId ?? 'the change'} is about to be sent (${d.detail}); the record of this decision follows, naming this intent in intentId. An intent that no later record names means the invocation ended before its decision was recorded (killed): the abort may have been sent, check the change`,
      attempts: 0,
      decidedAtMs,
      doneAtMs: nowMs,
    },
    base,
    fallbackMode,
    clock,
  );
  // No request was sent yet: the read's RequestId would pass for the abort's.
  const { webplusRequestId: _read, ...intent } = made;
  return { kind: 'intent', ...intent };
}

/** One `invalid` record per rejected input, naming the field and why. */
export function invalidRecord(
  input: InvalidInput,
  base: RecordBase,
  mode: Mode,
  nowMs: number,
): OutcomeRecord {
  return {
    time: new Date(nowMs).toISOString(),
    ...(input.changeId ? { changeId: input.changeId } : {}),
    ...(input.envId ? { envId: input.envId } : {}),
    trigger: base.trigger,
    ...(base.triggerRef ? { triggerRef: base.triggerRef } : {}),
    invocationId: base.invocationId,
    mode,
    outcome: 'invalid',
    detail: `${input.field}: ${input.message}${input.value !== undefined ? ` (got ${JSON.stringify(input.value)})` : ''}`,
    attempts: 0,
    latencyMs: 0,
  };
}

/**
 * The detail of an ignored request's one record: its `detail`, then each input it refused
 * (`data.appId: not exactly an application id (got "X")`), so that nothing refused is lost
 * and the event still has one record (red-team 25 G13).
 */
export function ignoredDetail(request: {
  detail: string;
  invalid: readonly InvalidInput[];
}): string {
  if (request.invalid.length === 0) return request.detail;
  const named = request.invalid.map(
    (i) =>
      `${i.field}: ${i.message}${i.value !== undefined ? ` (got ${JSON.stringify(i.value)})` : ''}`,
  );
  return `${request.detail} [${named.join('; ')}]`;
}

/**
 * The inputs an alarm or event refused, as one: `field` `alarm`, `message` each
 * `field: message (got …)` joined with `; ` (one event, one record: red-team 25 G13).
 */
export function joinedInvalid(inputs: readonly InvalidInput[]): InvalidInput {
  return {
    field: 'alarm',
    message: inputs
      .map(
        (i) =>
          `${i.field}: ${i.message}${i.value !== undefined ? ` (got ${JSON.stringify(i.value)})` : ''}`,
      )
      .join('; '),
  };
}

/** A record about the request as a whole (ignored event, no credentials): no change, no call. */
export function requestRecord(
  base: RecordBase,
  mode: Mode,
  outcome: OutcomeRecord['outcome'],
  detail: string,
  extra: { reason?: string; errorCode?: string; errorMessage?: string; regionId?: string } = {},
): OutcomeRecord {
  return {
    time: new Date().toISOString(),
    ...(extra.regionId ? { regionId: extra.regionId } : {}),
    trigger: base.trigger,
    ...(base.triggerRef ? { triggerRef: base.triggerRef } : {}),
    invocationId: base.invocationId,
    ...(extra.reason ? { reason: extra.reason } : {}),
    mode,
    outcome,
    detail,
    attempts: 0,
    ...(extra.errorCode ? { errorCode: extra.errorCode } : {}),
    ...(extra.errorMessage ? { errorMessage: extra.errorMessage } : {}),
    latencyMs: 0,
  };
}

/** Ids past `ALARM_MAX_IDS` that get a `deferred` record each; the rest share one summary record. */
export const DEFERRED_RECORDS_PER_ALARM = 1000;
/** Ids a summary `deferred` record names in its detail, at most (the rest are counted). */
export const SUMMARY_IDS_NAMED = 1000;

/**
 * A `deferred` record for one id an alarm named past `ALARM_MAX_IDS`: no Web+ call was made
 * for it; the detail names the cap and how many ids the alarm named.
 */
export function cutIdRecord(
  base: RecordBase,
  mode: Mode,
  id: { changeId?: string; envId?: string },
  named: number,
  maxIds: number,
  reason?: string,
): OutcomeRecord {
  return {
    time: new Date().toISOString(),
    ...(id.changeId ? { changeId: id.changeId } : {}),
    ...(id.envId ? { envId: id.envId } : {}),
    trigger: base.trigger,
    ...(base.triggerRef ? { triggerRef: base.triggerRef } : {}),
    invocationId: base.invocationId,
    ...(reason ? { reason } : {}),
    mode,
    outcome: 'deferred',
    detail: `not acted on: the alarm names ${named} ids, more than ALARM_MAX_IDS (${maxIds}); the first ${maxIds} were acted on, the next sweep re-checks this one`,
    attempts: 0,
    latencyMs: 0,
  };
}

/**
 * One `deferred` record for the ids an alarm named past `ALARM_MAX_IDS` +
 * {@link DEFERRED_RECORDS_PER_ALARM} (those before got a record each): the detail gives their
 * count and names the first {@link SUMMARY_IDS_NAMED} of them, so nothing is cut silently and
 * the record stays far below an SLS log's size limit.
 */
export function cutSummaryRecord(
  base: RecordBase,
  mode: Mode,
  ids: readonly string[],
  kind: 'ChangeIds' | 'EnvIds',
  named: number,
  maxIds: number,
  reason?: string,
): OutcomeRecord {
  const shown = ids.slice(0, SUMMARY_IDS_NAMED).join(', ');
  const more = ids.length - Math.min(ids.length, SUMMARY_IDS_NAMED);
  return requestRecord(
    base,
    mode,
    'deferred',
    `not acted on: ${ids.length} more ${kind} (the alarm names ${named} ids, more than ALARM_MAX_IDS (${maxIds}); the first ${maxIds} were acted on, the next ${DEFERRED_RECORDS_PER_ALARM} have a deferred record each; the next sweep re-checks these): ${shown}${more > 0 ? `, and ${more} more not named here` : ''}`,
    reason ? { reason } : {},
  );
}

/**
 * The one `deferred` record of an alarm whose dimensions held more than the intake reads
 * (`MAX_DIMENSION_ITEMS` series, or values of an id key: shared/intake/alarm/dimensions.ts).
 * No `changeId`: what was not read is not known, only counted. No Web+ call was made for it;
 * the detail gives the counts and the cap, and says the next sweep re-checks.
 */
export function unreadDimensionsRecord(
  base: RecordBase,
  mode: Mode,
  unread: { series: number; values: number; cap: number },
  reason?: string,
): OutcomeRecord {
  const parts = [
    ...(unread.series > 0 ? [`${unread.series} dimension series`] : []),
    ...(unread.values > 0 ? [`${unread.values} id values`] : []),
  ];
  return requestRecord(
    base,
    mode,
    'deferred',
    `not read: ${parts.join(' and ')} past the first ${unread.cap} the function reads of one alarm; the ids they name are not known here and not acted on, the next sweep re-checks them`,
    reason ? { reason } : {},
  );
}
