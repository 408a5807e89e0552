import { WebplusAbortError } from '../core/errors.js';

/**
 * The invocation's rule "no abort request is sent while an answered one has no written record"
 * (red-team 24 F6), as the executor sees it; the pipeline keeps the state
 * (pipeline/abort-record-gate.ts). Keys are `<platform>:<ChangeId>` (`webplus:wc-…`,
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
 * Sends one abort request through the gate: waits for the records of the earlier accepted
 * aborts, sends, and marks it accepted when its reply was read as success.
 * @throws AbortHeldForRecordsError when the records were not written in time (nothing sent);
 *   whatever `send` throws
 */
export async function sendGated<T>(
  gate: AbortRecordGate | undefined,
  key: string,
  send: () => Promise<T>,
): Promise<T> {
  if (!gate) return send();
  if (!(await gate.ready(key))) throw new AbortHeldForRecordsError();
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
