/**
 * The outcome record: one per decision the function makes (docs/reference/record.md).
 * Every store (SLS, file, stdout) writes exactly this shape.
 */

/** What fired the invocation. `cli` is a run started from the command line. */
export type Trigger = 'timer' | 'http' | 'cms-callback' | 'eventbridge' | 'cli';

/** The mode that applied to one change: `off` never touches it, `dry-run` only records. */
export type Mode = 'enforce' | 'dry-run' | 'off';

/**
 * How a decision ended.
 * - `aborted`: Web+ accepted the AbortChange.
 * - `already_aborting` / `already_finished`: Web+ (or our own read) says there is nothing to do.
 * - `not_found`: `ResourceAuthFailed` or `ChangeNotExists` (wrong id or another account's).
 * - `would_abort`: dry run; no AbortChange was sent.
 * - `skipped`: not stuck, paused, protected, mode off, action not allowed, cap reached.
 * - `ignored`: the event named nothing actionable (recovery, unmapped alarm, unknown event).
 * - `invalid`: a bad id or a bad timer payload value.
 * - `failed`: permanent error, or retries spent.
 * - `timeout`: the invocation's deadline came first; state unknown, the next sweep re-checks.
 * - `deferred`: not examined in this invocation, on purpose: environments a sweep left for the
 *   next timer runs (its rotation covers them), or ids past the cap of one alarm
 *   (`ALARM_MAX_IDS`). No Web+ call was made for it; `detail` says which and why.
 *
 * Notification records (`kind: "notification"`, one per invocation that sent one) use two more:
 * - `notified`: every target that had something to report accepted the message;
 * - `notify_failed`: at least one target did not (its `detail` says which and why). Never
 *   counts as failed: a notification problem does not fail the invocation.
 *
 * The doctor record (`kind: "doctor"`, written only by `webplus-abort doctor --sls-write`) uses
 * `checked`: a preflight proved the log store accepts a write; nothing was decided.
 *
 * The intent record (`kind: "intent"`, red-team 25 G15) uses `abort_sending`: the abort of its
 * change is about to be sent; written (and its write ended) before the first AbortChange /
 * AbortChangeOrder request of a decision. Not a decision: the decision's own record follows,
 * naming it in `intentId`.
 */
export type Outcome =
  | 'aborted'
  | 'already_aborting'
  | 'already_finished'
  | 'not_found'
  | 'would_abort'
  | 'skipped'
  | 'ignored'
  | 'invalid'
  | 'failed'
  | 'timeout'
  | 'deferred'
  | NotificationOutcome
  | DoctorOutcome
  | IntentOutcome;

/** Outcomes of a notification record (`kind: "notification"`). */
export type NotificationOutcome = 'notified' | 'notify_failed';

/**
 * The outcome of a doctor record (`kind: "doctor"`): `checked`, the one record
 * `webplus-abort doctor --sls-write` writes to prove SLS accepts a write. Not a decision.
 */
export type DoctorOutcome = 'checked';

/**
 * The outcome of an intent record (`kind: "intent"`): `abort_sending`, the write-ahead record
 * of one abort, written before its first request is sent (red-team 25 G15). Not a decision.
 */
export type IntentOutcome = 'abort_sending';

/** The notification outcomes, for readers and filters. */
export const NOTIFICATION_OUTCOMES: readonly NotificationOutcome[] = ['notified', 'notify_failed'];

/** Every decision outcome a record can carry, for readers and filters (docs/reference/record.md). */
export const OUTCOMES: readonly Outcome[] = [
  'aborted',
  'already_aborting',
  'already_finished',
  'not_found',
  'would_abort',
  'skipped',
  'ignored',
  'invalid',
  'failed',
  'timeout',
  'deferred',
  ...NOTIFICATION_OUTCOMES,
  'checked',
  'abort_sending',
];

/** Outcomes that make an invocation (and the CLI's exit status) count as failed. */
export const FAILING_OUTCOMES: ReadonlySet<Outcome> = new Set(['failed', 'timeout']);

/**
 * One decision. Optional fields are omitted (never `null`) when unknown.
 * Times: `time` is ISO 8601 UTC with milliseconds; ages are whole minutes rounded down;
 * `latencyMs` is from the decision to its outcome, in milliseconds.
 */
export interface OutcomeRecord {
  /** The platform of the change: `webplus`, `sae` or `edas` (absent in Web+ records). */
  platform?: 'webplus' | 'sae' | 'edas';
  /**
   * Unique id of this record (a UUID), set by the record stream before the first write and
   * kept on every copy: stores are at-least-once (an SLS write that succeeded slowly is retried),
   * so readers drop repeats by `recordId`. Absent only in records written before it existed.
   */
  recordId?: string;
  /**
   * Absent on decision records. `notification` on the one record of a notification attempt
   * (shared/notify): no change, `outcome` `notified` or `notify_failed`, `attempts` = HTTP sends,
   * `notifyTargets` = the targets that had something to report. `doctor` on the one record
   * `webplus-abort doctor --sls-write` writes (outcome `checked`, no change, `attempts` 0).
   * `intent` on the write-ahead record of one abort (outcome `abort_sending`, `attempts` 0): it
   * was written before the abort's first request was sent; the decision's record follows and
   * names it in {@link intentId}. An intent that no record names was followed by no record: the
   * invocation was killed, and the abort may have been sent (red-team 25 G15).
   */
  kind?: 'notification' | 'doctor' | 'intent';
  time: string;
  changeId?: string;
  envId?: string;
  appId?: string;
  /** The Web+ region the decision was made in (`x-acs-region-id` of its calls). */
  regionId?: string;
  /** The environment's name, when a Web+ read of this invocation gave it (never an extra call). */
  envName?: string;
  /** The application's name, likewise. */
  appName?: string;
  trigger: Trigger;
  /** Timer name, alarm rule id, EventBridge event id, or HTTP request id. */
  triggerRef?: string;
  /** FC request id of the invocation. */
  invocationId: string;
  /** Why the change was a candidate: `alarm:<ruleId|alertName>`, `idle>30m`, `duration>240m`, `manual`. */
  reason?: string;
  /** Free text an operator gave with a manual request. */
  note?: string;
  mode?: Mode;
  outcome: Outcome;
  /** Why this outcome, in words. */
  detail: string;
  /** AbortChange calls made for this decision; 0 when none. */
  attempts: number;
  errorCode?: string;
  errorMessage?: string;
  webplusRequestId?: string;
  changeAgeMinutes?: number;
  idleMinutes?: number;
  /**
   * Web+'s clock minus the function's, ms, from the `Date` headers of Web+'s replies; set when
   * it was over a minute and the ages above were judged on Web+'s clock.
   */
  clockSkewMs?: number;
  latencyMs?: number;
  /**
   * Set when this item named a change its invocation had already decided (another item of the
   * same EventBridge batch, say): the `recordId` of that one decision's record, whose outcome
   * this record repeats; no call was made for this item (`attempts` 0).
   */
  repeatOf?: string;
  /**
   * Set on every record of a CloudMonitor callback whose arrival at FC was not known, saying
   * which fact (`requestContext.timeEpoch` missing, malformed, in the future by N ms, or older
   * than the function's timeout): its 4.5 s were then counted from the earliest moment known
   * instead (docs/reference/record.md).
   */
  arrivalUnknown?: string;
  /** Notification records: the target names that were sent to, comma-separated (`dingtalk,slack`). */
  notifyTargets?: string;
  /**
   * On a decision record whose abort had an intent record written (every abort that sent a
   * request, and one whose intent was handed to the store but not stored in time): the
   * `recordId` of that intent (red-team 25 G15).
   */
  intentId?: string;
}

/** The record of one notification attempt. */
export type NotificationRecord = OutcomeRecord & {
  kind: 'notification';
  outcome: NotificationOutcome;
};
