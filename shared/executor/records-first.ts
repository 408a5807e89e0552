import { WebplusAbortError } from '../core/errors.js';

/**
 * How the write of an abort's intent record ended (red-team 25 G15): `stored` when the
 * configured store has it (the file store: appended; SLS: accepted), else `why` not (the store
 * failed, or the write had not ended when the request had to start). `recordId` is the intent's,
 * in both cases: it was handed to the store, and the decision's record names it (`intentId`).
 */
export type IntentWrite =
  | { recordId: string; stored: true }
  | { recordId: string; stored: false; why: string };

/**
 * The invocation's rules "no abort request is sent while an answered one has no written record"
 * (red-team 24 F6) and "no abort request is sent before its intent record was written"
 * (red-team 25 G15), as the executor sees them; the pipeline keeps the state and writes the
 * records (pipeline/abort-record-gate.ts). Keys are `<platform>:<ChangeId>` (`webplus:wc-…`,
 * `sae:<ChangeOrderId>`, `edas:<ChangeOrderId>`).
 */
export interface AbortRecordGate {
  /**
   * Awaited inside the pacer's slot right before each AbortChange / AbortChangeOrder request:
   * resolves `true` once every other abort whose answer was read has its record written,
   * `false` when that did not happen by the last moment this request could start (then it is
   * not sent). It waits only for store writes, never for a pacer slot, so it cannot deadlock
   * with the re-reads of other aborts. A re-send of `key` ends its own hold first: an abort is
   * re-sent only after its last answer was proven not to have landed (core/paced-call.ts).
   */
  ready(key: string): Promise<boolean>;
  /** This abort's request was accepted (its reply read as success): later requests wait for its record. */
  answered(key: string): void;
  /**
   * Write-ahead (red-team 25 G15): hands this abort's intent record (`kind: "intent"`, outcome
   * `abort_sending`) to the store at once and resolves when its write ended, at the latest at
   * the last moment the request could start (then `stored: false`). Called once per abort, in
   * the pacer's slot, right before its first request; a re-send of the same abort is covered
   * by the same intent. Never rejects.
   */
  intent(key: string): Promise<IntentWrite>;
}

/** An abort's intent, as {@link sendGated} keeps it across the attempts of one abort. */
export interface IntentState {
  /** Set once the intent record was handed to the store (stored or not). */
  recordId?: string;
}

/**
 * Thrown inside an abort's attempt when {@link AbortRecordGate.ready} said `false`: the request
 * was not sent. Caught by the executor (abort.ts, platform-execute.ts), which records
 * {@link notSentForRecords}; never escapes it.
 */
export class AbortHeldForRecordsError extends WebplusAbortError {
  override readonly name = 'AbortHeldForRecordsError';
  constructor() {
    super('not sent: an earlier abort of this invocation has no written record yet');
  }
}

/**
 * Thrown inside an abort's attempt when its intent record was not stored in time (red-team 25
 * G15): the request was not sent. Caught by the executor (abort.ts, platform-execute.ts), which
 * records {@link notSentForIntent}; never escapes it.
 */
export class AbortIntentNotStoredError extends WebplusAbortError {
  override readonly name = 'AbortIntentNotStoredError';
  constructor(
    /** Why the intent was not stored (the store's failure, or no time). */
    readonly why: string,
  ) {
    super(`not sent: the intent record of this abort was not written: ${why}`);
  }
}

/**
 * Sends one abort request through the gate: waits for the records of the earlier accepted
 * aborts, writes this abort's intent record before its first request (and waits for that
 * write), sends, and marks it accepted when its reply was read as success.
 * @param intent this abort's intent across its attempts (its `recordId` is set by the first)
 * @throws AbortHeldForRecordsError when the records were not written in time (nothing sent);
 *   AbortIntentNotStoredError when the intent was not stored in time (nothing sent); whatever
 *   `send` throws
 */
export async function sendGated<T>(
  gate: AbortRecordGate | undefined,
  key: string,
  send: () => Promise<T>,
  intent: IntentState = {},
): Promise<T> {
  if (!gate) return send();
  if (!(await gate.ready(key))) throw new AbortHeldForRecordsError();
  if (intent.recordId === undefined) {
    const written = await gate.intent(key);
    intent.recordId = written.recordId;
    if (!written.stored) throw new AbortIntentNotStoredError(written.why);
  }
  const accepted = await send();
  // Only an accepted abort holds the next requests: its record follows at once, with no further
  // call (a failure that may have landed is re-read through the pacer first, and a request
  // waiting in a slot for it could starve that re-read; its outcome is unknown like a request
  // in flight, and the re-read decides its record).
  gate.answered(key);
  return accepted;
}

/**
 * The outcome of an abort request not sent because the record of an earlier answered abort was
 * still unwritten when it had to start (a store slower than the deadline allows); the next sweep
 * re-checks (red-team 24 F6).
 * @param action `AbortChange`, `AbortChangeOrder`, …
 * @param attempts requests of this abort already sent (their outcome unknown)
 */
export function notSentForRecords(
  action: string,
  attempts: number,
): { outcome: 'timeout'; detail: string; attempts: number } {
  return {
    outcome: 'timeout',
    detail: `${action} not sent${attempts > 0 ? ` again after ${attempts} attempt(s), whose outcome is unknown` : ''}: the record of an earlier abort of this invocation was still being written to the outcome log when this request had to start (no abort is sent while an answered one has no written record); the next sweep re-checks`,
    attempts,
  };
}

/**
 * The outcome of an abort not sent because its intent record was not stored (red-team 25 G15):
 * `failed` when the store refused it (an outcome log that cannot take a record stops the
 * aborts, it does not lose them), `timeout` when its write had not ended when the request had
 * to start.
 * @param action `AbortChange`, `AbortChangeOrder`, …
 * @param why the store's failure, or {@link INTENT_NOT_IN_TIME}
 */
export function notSentForIntent(
  action: string,
  why: string,
): { outcome: 'failed' | 'timeout'; detail: string; attempts: 0 } {
  return {
    outcome: why === INTENT_NOT_IN_TIME ? 'timeout' : 'failed',
    detail: `${action} not sent: its intent record could not be written to the outcome log first (${why}); no abort request is sent before its intent is stored, so that a kill cannot leave an abort without a record; the next sweep re-checks`,
    attempts: 0,
  };
}

/** Why an intent was not stored when its write outlasted the moment the request had to start. */
export const INTENT_NOT_IN_TIME =
  'its write had not ended when the request had to start (the work deadline minus one attempt)';
