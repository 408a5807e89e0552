import { NOT_LANDED } from '../core/paced-call.js';
import type { Decision } from '../model/decision.js';
import type { Execution } from '../model/execution.js';
import type { PlatformError } from '../platform/errors.js';
import {
  PlatformCallError,
  PlatformDeadlineError,
  type PlatformGateway,
} from '../platform/gateway.js';
import type { AbortAccepted, ChangeRef, PlatformChange } from '../platform/platform.js';
import type { InFlightChanges, ReadsStart } from './in-flight.js';
import {
  AbortHeldForRecordsError,
  AbortIntentNotStoredError,
  type AbortRecordGate,
  type IntentState,
  notSentForIntent,
  notSentForRecords,
  sendGated,
} from './records-first.js';

/**
 * Carries out one SAE / EDAS decision: a `record` decision as it is; an `abort` claims
 * `<platform>:<ChangeOrderId>` in the instance's in-flight set, sends AbortChangeOrder (or
 * AbortAndRollbackChangeOrder) through the platform gateway and releases the claim.
 * - Only the exact documented affirmation counts as an abort. Only an answer that proves the
 *   request was not acted on may be followed by another abort: `throttled` (`Throttling.User`)
 *   or a failure that proves it never left (refused, DNS, TLS handshake:
 *   shared/core/never-sent.ts). Any other answer is `ambiguous` or `unconfirmed` (a timeout or a
 *   reset after sending; a 5xx with any body; an HTML page; an empty body; a 2xx that is not the
 *   documented affirmation: unreadable, an unknown code, a failure field beside success, no or
 *   another `Data.ChangeOrderId`): the order is re-read and the outcome comes from the re-read
 *   (aborted → `aborted`; finished otherwise → `already_finished`; still running → `failed`;
 *   unreadable → `failed`), the detail naming what the reply said. The Web+ rule applies
 *   (shared/executor/abort.ts): the abort is sent again only when the re-read proves it did not
 *   land, i.e. the order runs and no abort of it is under way (`aborting: false`). SAE and EDAS
 *   show no "aborting" status (a running order reads `aborting: 'unknown'`), so today no re-read
 *   proves that and an ambiguous answer is never re-sent. A re-read that contradicts the
 *   decision's own read of the order ({@link platformRereadContradiction}: another type, another
 *   start, progress before the first read's) proves nothing: `failed` naming the field, never
 *   `aborted` (red-team 25 G10, the Web+ rule).
 * - `already_finished` (SAE `Application.ChangerOrder.Not.Running`, an EDAS refusal whose
 *   re-read shows the order over), `already_aborting` and `not_found` are normal ends.
 * - The deadline leaves `timeout`; anything else is `failed`, the detail naming the kind.
 * Never throws.
 * @param decidedAtMs epoch ms when the policy decided
 * @param readsStarted when this request started reading the platform (`inFlight.startReads()`): an abort accepted
 *   for the same order by an overlapping invocation after it counts (in-flight.ts); one before it
 *   does not (the order was read fresh since)
 * @param gate as for Web+ (execute.ts, records-first.ts): awaited in the pacer's slot before
 *   each request is sent (the earlier accepted aborts' records, then, before the first, this
 *   abort's intent record); not written leaves it unsent (`timeout`, or `failed` when the store
 *   refused the intent); the execution carries the intent's `intentId`
 */
export async function executePlatform(
  decision: Decision,
  gateway: PlatformGateway,
  inFlight: InFlightChanges,
  decidedAtMs: number,
  readsStarted: ReadsStart,
  gate?: AbortRecordGate,
): Promise<Execution> {
  const intent: IntentState = {};
  const done = (e: Omit<Execution, 'decision' | 'decidedAtMs' | 'doneAtMs'>): Execution => ({
    decision,
    ...e,
    ...(intent.recordId === undefined ? {} : { intentId: intent.recordId }),
    decidedAtMs,
    doneAtMs: Date.now(),
  });
  if (decision.kind === 'record') {
    const settled = decision.candidate.settled;
    return done({
      outcome: decision.outcome,
      detail: decision.detail,
      attempts: 0,
      errorCode: settled?.errorCode,
      errorMessage: settled?.errorMessage,
      webplusRequestId: settled?.webplusRequestId,
    });
  }
  const platform = gateway.platform.name;
  const ref: ChangeRef = {
    platform,
    changeId: decision.candidate.changeId!,
    ...(decision.candidate.appId ? { appId: decision.candidate.appId } : {}),
  };
  const key = `${platform}:${ref.changeId}`;
  const held = inFlight.claim(key, readsStarted);
  if (held) return done({ outcome: held.outcome, detail: held.detail, attempts: 0 });
  const rollback = decision.rollback === true;
  const action = rollback ? 'AbortAndRollbackChangeOrder' : 'AbortChangeOrder';
  let aborted = false;
  let attempts = 0;
  /** What the last re-read after an ambiguous answer saw (null: it failed; undefined: none). */
  let seen: PlatformChange | null | undefined;
  /** The words of the last `unconfirmed` answer (a timeout or reset leaves it unset). */
  let lastUnconfirmed: string | undefined;
  /** Why the last re-read contradicts the decision's read of the order (red-team 25 G10). */
  let contradiction: string | undefined;
  const first = decision.candidate.platformChange;
  try {
    const { value, attempts: n } = await gateway.call<AbortAccepted | { confirmedByRead: true }>(
      action,
      (o) =>
        // No request while an answered abort's record is unwritten, none before this abort's
        // intent record is stored (records-first.ts).
        sendGated(
          gate,
          key,
          () => {
            attempts += 1;
            return gateway.platform.abortChange(ref, { rollback }, o).catch((e: unknown) => {
              // The words of an answer that may have landed (a timeout or reset has none).
              lastUnconfirmed =
                e instanceof Error &&
                (e as PlatformError).ambiguous === true &&
                (e as PlatformError).httpStatus !== 0
                  ? e.message
                  : undefined;
              throw e;
            });
          },
          intent,
        ),
      async () => {
        const read = await gateway.tryOnce((o) => gateway.platform.readChange(ref, o));
        seen = read ?? null;
        if (read?.changeId !== ref.changeId) return undefined;
        // A re-read that contradicts itself, or names another application, proves nothing
        // (red-team 24 F9: no affirmation is taken from a reply that is not believed).
        if ((read.replyFaults?.length ?? 0) > 0) return undefined;
        if (ref.appId !== undefined && read.appId !== undefined && read.appId !== ref.appId)
          return undefined;
        contradiction = first ? platformRereadContradiction(first, read) : undefined;
        if (contradiction !== undefined) return undefined;
        if (read.finishedAs === 'aborted') return { confirmedByRead: true };
        // Proof the abort did not land: running, and the platform says no abort is under way.
        const running = read.state === 'in_flight' || read.state === 'paused';
        return running && read.aborting === false ? NOT_LANDED : undefined;
      },
      { changesState: true },
    );
    aborted = true;
    const confirmed = 'confirmedByRead' in value;
    return done({
      outcome: 'aborted',
      detail: confirmed
        ? `${decision.detail}; ${lastUnconfirmed ?? `the ${action} reply was lost`}, but a re-read shows the order aborted (status 6)`
        : `${decision.detail}; ${platform} accepted ${action}`,
      attempts: n,
      webplusRequestId: 'requestId' in value ? value.requestId : undefined,
    });
  } catch (err) {
    if (err instanceof AbortHeldForRecordsError) {
      return done(notSentForRecords(action, attempts));
    }
    if (err instanceof AbortIntentNotStoredError) return done(notSentForIntent(action, err.why));
    if (err instanceof PlatformDeadlineError)
      return done({
        outcome: 'timeout',
        detail: `deadline reached after ${err.attempts} ${action} attempt(s); state unknown, the next sweep re-checks`,
        attempts: err.attempts,
        errorCode: err.lastError?.code,
        errorMessage: err.lastError?.message,
        webplusRequestId: err.lastError?.requestId,
      });
    if (err instanceof PlatformCallError) {
      // Any answer that may have landed (a 2xx that does not affirm, a 5xx, an HTML page, an
      // empty body, a reset or timeout after sending): decided from the last re-read; re-sent
      // only after a re-read proved it running with no abort under way (never, today).
      if (err.error.ambiguous)
        return fromReread(err.error, err.attempts, seen, ref.changeId, done, contradiction);
      return fromError(err.error, err.attempts, action, done);
    }
    return done({
      outcome: 'failed',
      detail: `unexpected error: ${String((err as Error)?.message ?? err)}`,
      attempts,
    });
  } finally {
    inFlight.release(key, aborted);
  }
}

/** An `unconfirmed` abort answer, decided from the re-read of the order. */
function fromReread(
  e: PlatformError,
  attempts: number,
  seen: PlatformChange | null | undefined,
  changeId: string,
  done: (e: Omit<Execution, 'decision' | 'decidedAtMs' | 'doneAtMs'>) => Execution,
  contradiction?: string,
): Execution {
  const base = {
    attempts,
    errorCode: e.code,
    errorMessage: e.rawBody ? `${e.message} | body: ${e.rawBody}` : e.message,
    webplusRequestId: e.requestId,
  };
  if (contradiction !== undefined)
    return done({
      ...base,
      outcome: 'failed',
      detail: `${e.message}; the re-read contradicts the first read (${contradiction}): whether the abort landed is unknown: not recorded as aborted, not sent again`,
    });
  // A re-read with unreadable or contradictory fields is no re-read (red-team 24 F8/F9).
  const read =
    seen && seen.changeId === changeId && (seen.replyFaults?.length ?? 0) === 0 ? seen : undefined;
  if (read?.state === 'finished')
    return done({
      ...base,
      outcome: 'already_finished',
      detail: `${e.message}; a re-read shows the order finished (status ${read.rawStatus}): not recorded as aborted`,
    });
  return done({
    ...base,
    outcome: 'failed',
    detail:
      read && read.state !== 'unknown'
        ? `${e.message}; a re-read shows the order still running (status ${read.rawStatus}): not recorded as aborted`
        : `${e.message}; the order could not be re-read, so whether the abort landed is unknown: not recorded as aborted`,
  });
}

function fromError(
  e: PlatformError,
  attempts: number,
  action: string,
  done: (e: Omit<Execution, 'decision' | 'decidedAtMs' | 'doneAtMs'>) => Execution,
): Execution {
  const base = {
    attempts,
    errorCode: e.code,
    errorMessage: e.rawBody ? `${e.message} | body: ${e.rawBody}` : e.message,
    webplusRequestId: e.requestId,
  };
  switch (e.kind) {
    case 'already_finished':
      return done({
        ...base,
        outcome: 'already_finished',
        detail: `the change order no longer runs (${e.code})`,
      });
    case 'already_aborting':
      return done({
        ...base,
        outcome: 'already_aborting',
        detail: 'an abort of this change order is already in progress',
      });
    case 'not_found':
      // The order was read in flight in this invocation before the abort was decided: a
      // not-found answer to the abort contradicts that read, so absence is not proven
      // (red-team 12 M1): `failed`, naming both, so operators are notified.
      return done({
        ...base,
        outcome: 'failed',
        detail: `${action}: ${e.platform} answered ${e.code} (not found) right after the change order was read in flight in this invocation: the two contradict each other, so absence is not proven; nothing more is sent`,
      });
    default:
      return done({
        ...base,
        outcome: 'failed',
        detail: e.retryable
          ? `${action}: retries spent: ${attempts} attempt(s), last ${e.kind} ${e.code}`
          : `${action} refused: ${e.kind} (${e.code})`,
      });
  }
}

/**
 * Why a re-read of an SAE / EDAS order cannot be the order the decision read, or undefined when
 * it can (red-team 25 G10, the Web+ rule of abort.ts `rereadContradiction`). Compared where both
 * reads know the field: the type (`CoTypeCode`) must be equal, and so must the first batch's
 * start (`startedAtMs`) and the order's `CreateTime`; the re-read's last progress may not be
 * before the first read's (progress does not go back). All are the platform's own times, read
 * the same way twice.
 */
export function platformRereadContradiction(
  first: PlatformChange,
  again: PlatformChange,
): string | undefined {
  if (first.changeType && again.changeType && first.changeType !== again.changeType)
    return `CoTypeCode "${again.changeType}" differs from the first read's "${first.changeType}": another order under the same id`;
  const known = (t: PlatformChange['startedAtMs']): t is number => typeof t === 'number';
  if (
    known(first.startedAtMs) &&
    known(again.startedAtMs) &&
    first.startedAtMs !== again.startedAtMs
  )
    return `its first batch's StartTime ${again.startedAtMs} differs from the first read's start ${first.startedAtMs}`;
  if (
    first.createdWallMs !== undefined &&
    again.createdWallMs !== undefined &&
    first.createdWallMs !== again.createdWallMs
  )
    return `CreateTime differs from the first read's (${again.createdWallMs} vs ${first.createdWallMs}, as UTC)`;
  if (
    known(first.lastProgressAtMs) &&
    known(again.lastProgressAtMs) &&
    again.lastProgressAtMs < first.lastProgressAtMs
  )
    return `its last progress ${again.lastProgressAtMs} is before the first read's ${first.lastProgressAtMs}`;
  return undefined;
}
