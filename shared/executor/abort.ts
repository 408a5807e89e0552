import { NOT_LANDED } from '../core/paced-call.js';
import { CallFailedError, DeadlineReachedError } from '../webplus/call-errors.js';
import { describeKind } from '../webplus/describe.js';
import { WebplusError } from '../webplus/errors.js';
import type { WebplusGateway } from '../webplus/gateway.js';
import type { AbortChangeResult } from '../webplus/types.js';
import {
  AbortHeldForRecordsError,
  AbortIntentNotStoredError,
  type AbortRecordGate,
  type IntentState,
  notSentForIntent,
  notSentForRecords,
  sendGated,
} from './records-first.js';

/** How one AbortChange (with its retries) ended. */
export interface AbortResult {
  outcome: 'aborted' | 'already_aborting' | 'already_finished' | 'not_found' | 'failed' | 'timeout';
  detail: string;
  attempts: number;
  errorCode?: string;
  errorMessage?: string;
  webplusRequestId?: string;
  /** The `recordId` of the abort's intent record, once one was handed to the store. */
  intentId?: string;
}

/**
 * Aborts one change: AbortChange, paced, inside the deadline. `ChangeOnAborting` and
 * `ChangeFinished` are normal ends, not failures. Only the exact documented affirmation counts
 * as an abort. Only an answer that proves the request was not acted on may be followed by
 * another AbortChange: a throttling code (`Throttling.User`) or a failure that proves the request
 * never left (connection refused, DNS, TLS handshake: shared/core/never-sent.ts). Every other
 * answer is ambiguous (a 2xx that does not affirm the abort, client.ts `abortChange`; a 5xx
 * with any body; an HTML page; an empty or cut body; a reset or timeout after sending;
 * reply.ts): the change is re-read first (DescribeChange with its EnvId, then
 * DescribeAppEnvStatus) and the re-read decides: aborted or aborting → `aborted`; finished →
 * `already_finished`; unreadable or failed → never sent again, `failed` (`timeout` after no
 * answer in time), the detail naming the fact; still running with no abort under way (both
 * reads readable and about this change and environment) → the abort did not land, and a
 * retryable answer (a 5xx, an HTML page, a reset, a timeout: not a 2xx) is sent again as the
 * next attempt, within `RETRY_MAX_ATTEMPTS`, the equal-jitter backoff and the deadline (never
 * started unless the abort and another re-read fit); attempts spent → `failed` naming the last
 * code. `attempts` counts the AbortChange requests sent. The next sweep re-checks every
 * `failed` or `timeout`.
 * @param envId the change's environment (DescribeChange needs it to re-read); without it the
 *   change cannot be re-read and an ambiguous answer is `failed`.
 * @param gate the invocation's abort-record gate (records-first.ts, red-team 24 F6 and 25
 *   G15): each request waits in the pacer's slot until every other answered abort has its
 *   record written (not in time → not sent, `timeout`), and the first waits until this abort's
 *   intent record is stored (refused → not sent, `failed`; not in time → `timeout`); the result
 *   carries the intent's `intentId`. Default: none (no intent is written).
 * Never throws.
 */
export async function abortChange(
  gateway: WebplusGateway,
  changeId: string,
  envId: string | undefined,
  gate?: AbortRecordGate,
): Promise<AbortResult> {
  const intent: IntentState = {};
  const result = await abortOnce(gateway, changeId, envId, intent, gate);
  return intent.recordId === undefined ? result : { ...result, intentId: intent.recordId };
}

async function abortOnce(
  gateway: WebplusGateway,
  changeId: string,
  envId: string | undefined,
  intent: IntentState,
  gate: AbortRecordGate | undefined,
): Promise<AbortResult> {
  let attempts = 0;
  /** What the last re-read after an ambiguous answer saw (undefined: none was made). */
  let seen: ChangeStateSeen | undefined;
  /** The last answer had a 2xx status (a contradictory or unreadable 2xx is never re-sent). */
  let lastWas2xx = false;
  /** Words for the last ambiguous 2xx (a timeout or reset leaves it unset: the reply was lost). */
  let lastAmbiguity: string | undefined;
  try {
    const { value, attempts: n } = await gateway.call<
      AbortChangeResult | { confirmedByRead: true }
    >(
      'AbortChange',
      (opts) =>
        // No request while an answered abort's record is unwritten, none before this abort's
        // intent record is stored (records-first.ts).
        sendGated(
          gate,
          `webplus:${changeId}`,
          () => {
            attempts += 1;
            return gateway.client.abortChange(changeId, opts, envId).catch((e: unknown) => {
              // The words of an ambiguous answer that came back (a timeout or reset has none).
              lastAmbiguity =
                e instanceof WebplusError && e.ambiguous && e.httpStatus !== 0
                  ? e.message
                  : undefined;
              lastWas2xx = e instanceof WebplusError && is2xx(e.httpStatus);
              throw e;
            });
          },
          intent,
        ),
      async () => {
        seen = envId ? await readState(gateway, changeId, envId) : 'unknown';
        if (seen === 'aborted' || seen === 'aborting') return { confirmedByRead: true };
        // Proven still running, no abort under way: the abort did not land, and a fault that is
        // not a 2xx may be re-sent (a 2xx that contradicts itself is never believed as a
        // throttle: shared/webplus/reply.ts).
        return seen === 'running' && !lastWas2xx ? NOT_LANDED : undefined;
      },
    );
    attempts = n;
    const confirmed = 'confirmedByRead' in value;
    return {
      outcome: 'aborted',
      detail: confirmed
        ? `${lastAmbiguity ?? 'AbortChange reply was lost'}, but DescribeChange shows the abort took effect`
        : 'Web+ accepted AbortChange; the running step finishes, then the change stops',
      attempts,
      webplusRequestId: 'requestId' in value ? value.requestId : undefined,
    };
  } catch (err) {
    if (err instanceof AbortHeldForRecordsError) return notSentForRecords('AbortChange', attempts);
    if (err instanceof AbortIntentNotStoredError) return notSentForIntent('AbortChange', err.why);
    if (err instanceof DeadlineReachedError) {
      const lastSeen =
        err.lastError?.ambiguous && seen === 'running'
          ? '; the last re-read showed it still running, no abort under way'
          : '';
      return {
        outcome: 'timeout',
        detail:
          err.attempts === 0
            ? `AbortChange ${err.why ?? 'not sent: the deadline came first'}; the next sweep re-checks`
            : `deadline reached after ${err.attempts} AbortChange attempt(s)${err.why ? ` (${err.why})` : ''}${lastSeen}; state unknown, the next sweep re-checks`,
        attempts: err.attempts,
        errorCode: err.lastError?.code,
        errorMessage: err.lastError?.message,
        webplusRequestId: err.lastError?.requestId,
      };
    }
    if (err instanceof CallFailedError) {
      // Any answer that may have landed (a 2xx that did not affirm the abort, a 5xx, an HTML
      // page, an empty or cut body, a reset or timeout after sending): decided from the last
      // re-read, never `aborted` on trust; re-sent only after a re-read proved it running.
      if (err.error.ambiguous) return fromReread(err.error, err.attempts, seen);
      return fromWebplusError(err.error, err.attempts);
    }
    return {
      outcome: 'failed',
      detail: `unexpected error: ${String((err as Error)?.message ?? err)}`,
      attempts,
    };
  }
}

/**
 * The state a re-read found: the flags of DescribeChange, and the environment's AbortingChange.
 * `running` only when both reads were readable, about this change and environment, and the
 * environment shows no abort under way; `unclear` when it shows an abort under way of another
 * or an unnamed change (LatestChangeId): not proof either way.
 */
type ChangeStateSeen = 'aborted' | 'aborting' | 'finished' | 'running' | 'unclear' | 'unknown';

/** An ambiguous, non-retryable AbortChange answer, decided from the re-read of the change. */
function fromReread(
  e: WebplusError,
  attempts: number,
  seen: ChangeStateSeen | undefined,
): AbortResult {
  const base = {
    attempts,
    errorCode: e.code,
    errorMessage: e.message,
    webplusRequestId: e.requestId,
    ...(e.rawBody ? { errorMessage: `${e.message} | body: ${e.rawBody}` } : {}),
  };
  if (seen === 'finished') {
    return {
      ...base,
      outcome: 'already_finished',
      detail: `${e.message}; DescribeChange shows the change finished on its own`,
    };
  }
  if (seen === 'running' && e.retryable && !is2xx(e.httpStatus)) {
    // Every re-read proved the abort had not landed; the attempts are spent.
    return {
      ...base,
      outcome: 'failed',
      detail: `retries spent: ${attempts} attempt(s), last ${e.code}; DescribeChange shows it still running, no abort under way: not recorded as aborted`,
    };
  }
  // No answer in time (the request may have landed): not re-sent; the record says `timeout`
  // (state unknown, the next sweep re-checks), as before this rule, with what the re-read saw.
  const noAnswer = e.httpStatus === 0 && e.code === 'RequestTimeout';
  return {
    ...base,
    outcome: noAnswer ? 'timeout' : 'failed',
    detail:
      seen === 'running'
        ? `${e.message}; DescribeChange shows it still running: not recorded as aborted, not sent again (the reply was not a fault)`
        : seen === 'unclear'
          ? `${e.message}; the environment shows an abort under way of another change, so whether this abort landed is unknown: not recorded as aborted`
          : `${e.message}; the change could not be re-read, so whether the abort landed is unknown: not recorded as aborted`,
  };
}

function is2xx(status: number): boolean {
  return status >= 200 && status < 300;
}

function fromWebplusError(e: WebplusError, attempts: number): AbortResult {
  const base = {
    attempts,
    errorCode: e.code,
    errorMessage: e.message,
    webplusRequestId: e.requestId,
  };
  switch (e.kind) {
    case 'already_aborting':
      return {
        ...base,
        outcome: 'already_aborting',
        detail: 'Web+ says an abort of this change is already in progress',
      };
    case 'already_finished':
      return {
        ...base,
        outcome: 'already_finished',
        detail: 'the change finished on its own before the abort',
      };
    case 'not_found':
      // A 403 is permission, not absence (red-team 12 M1): the change was just read running in
      // this invocation, and the documented not-found answer of AbortChange is the 500.
      if (e.httpStatus === 403)
        return {
          ...base,
          outcome: 'failed',
          detail: `AbortChange: Web+ answered 403 ${e.code} right after DescribeChange read the change in flight: permission refused, not proof that the change is absent; check the RAM policy (docs/ram/webplus.json) and the account`,
        };
      return {
        ...base,
        outcome: 'not_found',
        detail: `Web+ does not know this change in this account (${e.code})`,
      };
    default:
      return {
        ...base,
        outcome: 'failed',
        detail:
          e.kind === 'retryable'
            ? `retries spent: ${attempts} attempt(s), last ${e.code}`
            : describeKind(e),
        ...(e.rawBody ? { errorMessage: `${e.message} | body: ${e.rawBody}` } : {}),
      };
  }
}

/**
 * One DescribeChange (with the change's EnvId, which the docs require) after an ambiguous
 * answer: did the abort land? `aborted` (ChangeAborted), `aborting` (its environment's
 * AbortingChange with this change as its LatestChangeId), `finished` (on its own), `running`
 * (proven: not aborted, not finished, and its environment's AbortingChange false), `unclear`
 * (AbortingChange true for another or no LatestChangeId), or `unknown` when a read failed, did
 * not fit before the deadline, named another change or environment, or its flags are unreadable.
 */
async function readState(
  gateway: WebplusGateway,
  changeId: string,
  envId: string,
): Promise<ChangeStateSeen> {
  const read = await gateway.tryOnce((o) => gateway.client.describeChange({ changeId, envId }, o));
  if (!read) return 'unknown';
  const c = read.change;
  if (c.changeId !== changeId || c.envId !== envId) return 'unknown';
  const u = c.unreadable;
  if (u.ChangeAborted || u.ChangeFinished) return 'unknown';
  if (c.aborted) return 'aborted';
  if (c.finished) return 'finished';
  // Web+ shows an aborting change only through its environment's AbortingChange flag.
  const env = await gateway.tryOnce((o) => gateway.client.describeAppEnvStatus(envId, o));
  if (!env || env.envId !== envId || env.abortingChange === undefined) return 'unknown';
  if (!env.abortingChange) return 'running';
  return env.latestChangeId === changeId ? 'aborting' : 'unclear';
}
