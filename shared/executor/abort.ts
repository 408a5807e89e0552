import { NOT_LANDED } from '../core/paced-call.js';
import { CallFailedError, DeadlineReachedError } from '../webplus/call-errors.js';
import { describeKind } from '../webplus/describe.js';
import { FUTURE_SLACK_MS, MIN_EPOCH_MS } from '../webplus/epoch-ms.js';
import { WebplusError } from '../webplus/errors.js';
import type { WebplusGateway } from '../webplus/gateway.js';
import type { AbortChangeResult, Change } from '../webplus/types.js';
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
 * What the decision read of the change before its abort (DescribeChange, in this invocation): a
 * re-read after an ambiguous answer must describe the same change and agree with it in time
 * (red-team 25 G10), and the affirmation's `EnvChange.StartTime` is bounded by its CreateTime
 * (red-team 25 G12).
 */
export interface FirstRead {
  change: Change;
  /** When that reply arrived, epoch ms on the function's clock; undefined: not known. */
  readAtMs?: number;
}

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
 * @param first the decision's own read of the change: a re-read that contradicts it (another
 *   ChangeId, EnvId, CreateTime or ActionName; an UpdateTime before its UpdateTime; a FinishTime
 *   before its UpdateTime or before the moment it showed the change running; an environment
 *   naming another LatestChangeId) proves nothing: `failed` naming the field, never `aborted`,
 *   never re-sent (red-team 25 G10); its CreateTime bounds the affirmation's StartTime
 *   (client.ts, red-team 25 G12). Default: none (only the ids are compared).
 * Never throws.
 */
export async function abortChange(
  gateway: WebplusGateway,
  changeId: string,
  envId: string | undefined,
  gate?: AbortRecordGate,
  first?: FirstRead,
): Promise<AbortResult> {
  const intent: IntentState = {};
  const result = await abortOnce(gateway, changeId, envId, intent, gate, first);
  return intent.recordId === undefined ? result : { ...result, intentId: intent.recordId };
}

async function abortOnce(
  gateway: WebplusGateway,
  changeId: string,
  envId: string | undefined,
  intent: IntentState,
  gate: AbortRecordGate | undefined,
  first: FirstRead | undefined,
): Promise<AbortResult> {
  let attempts = 0;
  /** What the last re-read after an ambiguous answer saw (undefined: none was made). */
  let seen: ChangeStateSeen | undefined;
  /** Why that re-read contradicts the first read (set with `seen` `contradicts`). */
  let contradiction: string | undefined;
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
            const facts =
              first?.change.createTime === undefined ? {} : { createTime: first.change.createTime };
            return gateway.client.abortChange(changeId, opts, envId, facts).catch((e: unknown) => {
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
        const read = envId
          ? await readState(gateway, changeId, envId, first)
          : { state: 'unknown' as const };
        seen = read.state;
        contradiction = read.why;
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
      if (err.error.ambiguous) return fromReread(err.error, err.attempts, seen, contradiction);
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
 * or an unnamed change (LatestChangeId): not proof either way; `contradicts` when a re-read
 * disagrees with the first read (red-team 25 G10: another change, or times that cannot follow
 * it): proof of nothing.
 */
type ChangeStateSeen =
  | 'aborted'
  | 'aborting'
  | 'finished'
  | 'running'
  | 'unclear'
  | 'unknown'
  | 'contradicts';

/** An ambiguous, non-retryable AbortChange answer, decided from the re-read of the change. */
function fromReread(
  e: WebplusError,
  attempts: number,
  seen: ChangeStateSeen | undefined,
  contradiction?: string,
): AbortResult {
  const base = {
    attempts,
    errorCode: e.code,
    errorMessage: e.message,
    webplusRequestId: e.requestId,
    ...(e.rawBody ? { errorMessage: `${e.message} | body: ${e.rawBody}` } : {}),
  };
  if (seen === 'contradicts') {
    // Another change under the same id, or times that cannot follow the first read: what the
    // re-read says of the abort is no evidence either way (red-team 25 G10).
    return {
      ...base,
      outcome: 'failed',
      detail: `${e.message}; the re-read contradicts the first read (${contradiction}): whether the abort landed is unknown: not recorded as aborted, not sent again`,
    };
  }
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
 * (AbortingChange true for no LatestChangeId), `contradicts` (with `why`) when the re-read
 * disagrees with the first read ({@link rereadContradiction}) or the environment names another
 * LatestChangeId, or `unknown` when a read failed, did not fit before the deadline, named
 * another change or environment, or its flags are unreadable.
 */
async function readState(
  gateway: WebplusGateway,
  changeId: string,
  envId: string,
  first: FirstRead | undefined,
): Promise<{ state: ChangeStateSeen; why?: string }> {
  const read = await gateway.tryOnce((o) => gateway.client.describeChange({ changeId, envId }, o));
  if (!read) return { state: 'unknown' };
  const c = read.change;
  if (c.changeId !== changeId || c.envId !== envId) {
    const why =
      c.changeId !== changeId
        ? `DescribeChange answered about ChangeId ${c.changeId.slice(0, 64)}, not ${changeId}`
        : `DescribeChange names EnvId ${JSON.stringify(c.envId.slice(0, 64))}, not ${envId}`;
    return { state: 'contradicts', why };
  }
  if (first) {
    const why = rereadContradiction(first, c, gateway.client.clockSkewMs());
    if (why) return { state: 'contradicts', why };
  }
  const u = c.unreadable;
  if (u.ChangeAborted || u.ChangeFinished) return { state: 'unknown' };
  if (c.aborted) return { state: 'aborted' };
  if (c.finished) return { state: 'finished' };
  // Web+ shows an aborting change only through its environment's AbortingChange flag.
  const env = await gateway.tryOnce((o) => gateway.client.describeAppEnvStatus(envId, o));
  if (!env || env.envId !== envId || env.abortingChange === undefined) return { state: 'unknown' };
  if (env.latestChangeId !== undefined && env.latestChangeId !== changeId)
    // The first read found this change as the environment's latest (only the latest can be in
    // flight): an environment naming another one now says another change is there.
    return {
      state: 'contradicts',
      why: `DescribeAppEnvStatus names LatestChangeId ${env.latestChangeId}, not this change`,
    };
  if (!env.abortingChange) return { state: 'running' };
  return env.latestChangeId === changeId ? { state: 'aborting' } : { state: 'unclear' };
}

/**
 * Why a re-read of the change cannot be the change the first read showed running, or undefined
 * when it can (red-team 25 G10). Compared where both reads have the field: `CreateTime` and
 * `ActionName` must be equal (another value is another change under the same id); the re-read's
 * `UpdateTime` may not be before the first read's (progress does not go back); its
 * `FinishTime`, when it is a time, may not be before the first read's `UpdateTime`, nor more
 * than {@link FUTURE_SLACK_MS} before the moment the first read arrived on Web+'s clock (the
 * function's arrival time plus the skew its `Date` headers show; not judged while that skew is
 * unknown). All of them are Web+'s own times, so only the arrival bound needs the slack.
 * (DescribeChange carries no AppId: the application is not compared.)
 * @param skewMs Web+'s clock minus the function's, ms (server-clock.ts); undefined: unknown
 */
export function rereadContradiction(
  first: FirstRead,
  again: Change,
  skewMs: number | undefined,
): string | undefined {
  const a = first.change;
  if (
    a.createTime !== undefined &&
    again.createTime !== undefined &&
    a.createTime !== again.createTime
  )
    return `CreateTime ${again.createTime} differs from the first read's ${a.createTime}: another change under the same id`;
  if (a.actionName && again.actionName && a.actionName !== again.actionName)
    return `ActionName "${again.actionName}" differs from the first read's "${a.actionName}": another change under the same id`;
  if (
    a.updateTime !== undefined &&
    again.updateTime !== undefined &&
    again.updateTime < a.updateTime
  )
    return `UpdateTime ${again.updateTime} is before the first read's UpdateTime ${a.updateTime}`;
  const finish = again.finishTime;
  if (finish === undefined || !Number.isSafeInteger(finish) || finish < MIN_EPOCH_MS)
    return undefined;
  if (a.updateTime !== undefined && finish < a.updateTime)
    return `FinishTime ${finish} is before the first read's UpdateTime ${a.updateTime}`;
  if (first.readAtMs !== undefined && skewMs !== undefined) {
    const shownRunningAt = first.readAtMs + skewMs;
    if (finish < shownRunningAt - FUTURE_SLACK_MS)
      return `FinishTime ${finish} is ${Math.round((shownRunningAt - finish) / 1000)} s before the first read showed it running (${new Date(shownRunningAt).toISOString()} on Web+'s clock, slack ${FUTURE_SLACK_MS / 1000} s)`;
  }
  return undefined;
}
