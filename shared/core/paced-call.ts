import { AbortError } from 'p-retry';
import type { Deadline } from './deadline.js';
import { WebplusAbortError } from './errors.js';
import { type Pacer, PacerAbortedError, PacerDeadlineError } from './pacer.js';
import { RetryStoppedError, retryWithinDeadline } from './retry.js';

/**
 * One paced call to a cloud API: the pacer, the retry loop (shared/core/retry.ts) and the
 * deadline put together once, for every platform's gateway (Web+: shared/webplus/gateway.ts;
 * SAE and EDAS: shared/platform/gateway.ts). The gateway says which errors are its platform's,
 * which of them are worth another attempt or a `recover`, and which error to throw when the call
 * ends without a value; the rules (docs/reference/configuration.md, "Retries and the deadline")
 * are here.
 */

/** Attempts, backoff and the attempt timeout of a call (`RETRY_*`, `ATTEMPT_TIMEOUT_MS`). */
export interface PacedCallRetry {
  /** Attempts in all, first included (`RETRY_MAX_ATTEMPTS`). */
  maxAttempts: number;
  /** Backoff base, ms (`RETRY_BASE_MS`). */
  baseMs: number;
  /** Backoff cap, ms (`RETRY_MAX_DELAY_MS`). */
  maxDelayMs: number;
  /** Connect + read timeout of one attempt, ms (`ATTEMPT_TIMEOUT_MS`). */
  attemptTimeoutMs: number;
}

/** What a gateway tells {@link pacedCall} about its platform. */
export interface PacedCallOptions<E extends Error> {
  /** The instance's pacer of this API (concurrency + QPS). */
  pacer: Pacer;
  retry: PacedCallRetry;
  /** The invocation's work deadline. */
  deadline: Deadline;
  /** Jitter source in [0, 1). */
  random: () => number;
  /** The invocation's signal: once aborted, nothing queued or sleeping is sent. */
  signal?: AbortSignal;
  /**
   * A retry asks the pacer for the front of its queue (it was admitted once already).
   * @default false
   */
  urgentRetries?: boolean;
  /** Whether a thrown value is this platform's error (only those are retried or recovered). */
  isPlatformError: (error: unknown) => error is E;
  /** Whether a platform error is worth another attempt. */
  retryable: (error: E) => boolean;
  /** Whether a platform error left the outcome unknown (then `recover` runs, when given). */
  ambiguous: (error: E) => boolean;
  /**
   * The call changes state (AbortChange, AbortChangeOrder): after an `ambiguous` failure
   * `recover` (the re-read) runs first, and the request is sent again only when the re-read
   * returned {@link NOT_LANDED} (it proves the request did not take effect) and `retryable`
   * says so; any other re-read result (nothing, unreadable, finished) ends the call with
   * `failedError` (the caller decides from what the re-read saw). A failure that is not
   * `ambiguous` (it proves the request was refused or never left: a throttling code, a refused
   * connection) may be re-sent as before. A re-send after a re-read is started only when the
   * attempt and another re-read (`rereadMs`) fit before the deadline.
   * @default false
   */
  changesState?: boolean;
  /**
   * The longest one `recover` (re-read) takes, ms: a call that `changesState` re-sends after
   * a re-read only when `attemptTimeoutMs + rereadMs` still fit before the deadline (so the
   * re-sent request can be re-read in turn).
   * @default attemptTimeoutMs
   */
  rereadMs?: number;
  /** Sees each platform error an attempt throws, before `recover` (Web+ latches `unavailable`). */
  onError?: (error: E) => void;
  /**
   * The error thrown when the deadline or the signal ends the call before it has a value:
   * `attempts` requests were sent, `lastError` is the last platform error, `why` says why no
   * further request was sent when the loop knows (e.g. `not sent: 900 ms left …`).
   */
  deadlineError: (attempts: number, lastError: E | undefined, why?: string) => Error;
  /** The error thrown when a platform error ends the call (not retryable, or attempts spent). */
  failedError: (error: E, attempts: number) => Error;
}

/**
 * What `recover` returns when the re-read proves the ambiguous request did not take effect (the
 * change still runs, no abort under way, every read readable and about this change): a call
 * that `changesState` may then be sent again ({@link PacedCallOptions.changesState}).
 */
export const NOT_LANDED: unique symbol = Symbol('not landed');

/**
 * What `recover` (the re-read after an ambiguous failure) concluded: a value (the request took
 * effect: the call succeeds with it), {@link NOT_LANDED} (it proves the request did not take
 * effect), or `undefined` (anything else: unknown, unreadable, or decided otherwise).
 */
export type Recovery<T> = T | typeof NOT_LANDED | undefined;

/** Inside the loop only: the next attempt was not sent (deadline or signal); never escapes. */
class AttemptNotSentError extends WebplusAbortError {
  override readonly name = 'AttemptNotSentError';
  constructor(readonly why?: string) {
    super(why ?? 'not sent: the attempt does not fit before the deadline');
  }
}

/**
 * Runs `attempt` until it succeeds, fails for good, or the deadline or signal stops it. Each
 * attempt waits for a pacer slot only until `deadline − attemptTimeoutMs` and is never started
 * unless its whole timeout fits before the deadline; failures are retried only when
 * `retryable`, with equal-jitter backoff, and only while the backoff plus an attempt fits.
 * After an `ambiguous` failure `recover` (when given) runs outside the pacer's slot: a value it
 * returns ends the call as a success (e.g. a re-read shows a lost abort did land); the time it
 * takes counts toward the backoff that follows. A call that `changesState` is re-sent after an
 * `ambiguous` failure only when `recover` returned {@link NOT_LANDED} (see the option).
 *
 * @param attempt one request, given its timeout (ms) and its 1-based number
 * @returns the value and the number of requests sent
 * @throws what `deadlineError` returns (deadline or signal), what `failedError` returns (a
 *   platform error ended the call), or a non-platform error an attempt threw
 * @example
 * const { value, attempts } = await pacedCall(
 *   {
 *     pacer, retry: { maxAttempts: 4, baseMs: 200, maxDelayMs: 5000, attemptTimeoutMs: 3000 },
 *     deadline, random: Math.random,
 *     isPlatformError: (e): e is PlatformError => e instanceof PlatformError,
 *     retryable: (e) => e.retryable, ambiguous: (e) => e.ambiguous,
 *     deadlineError: (n, last) => new PlatformDeadlineError('GetChangeOrder', n, last),
 *     failedError: (e, n) => new PlatformCallError(e, n),
 *   },
 *   ({ timeoutMs }) => client.getChangeOrder(id, { timeoutMs }),
 * );
 */
export async function pacedCall<T, E extends Error>(
  options: PacedCallOptions<E>,
  attempt: (opts: { timeoutMs: number }, attemptNumber: number) => Promise<T>,
  recover?: () => Promise<Recovery<T>>,
): Promise<{ value: T; attempts: number }> {
  const { maxAttempts, baseMs, maxDelayMs, attemptTimeoutMs } = options.retry;
  const { deadline, signal, pacer } = options;
  const rereadMs = options.rereadMs ?? attemptTimeoutMs;
  let attempts = 0;
  let lastError: E | undefined;
  /** The last failure's re-read proved the request did not land (a changesState re-send). */
  let provenNotLanded = false;
  /** When the last platform failure came back (epoch ms): its re-read counts toward the backoff. */
  let failedAtMs: number | undefined;
  /** Time the next attempt needs before the deadline: with a re-read after a proven re-send. */
  const needMs = (): number =>
    options.changesState === true && provenNotLanded
      ? attemptTimeoutMs + rereadMs
      : attemptTimeoutMs;
  try {
    const { value } = await retryWithinDeadline(
      async () => {
        try {
          const need = needMs();
          return await pacer(
            async () => {
              if (!deadline.fits(need))
                throw new AbortError(
                  new AttemptNotSentError(
                    need > attemptTimeoutMs
                      ? `not sent again: ${deadline.remainingMs()} ms left before the deadline, a re-send and its re-read need ${need} ms`
                      : undefined,
                  ),
                );
              attempts += 1;
              provenNotLanded = false;
              return attempt({ timeoutMs: attemptTimeoutMs }, attempts);
            },
            {
              startBy: deadline.atMs - need,
              signal,
              urgent: (options.urgentRetries ?? false) && attempts > 0,
            },
          );
        } catch (err) {
          if (err instanceof PacerDeadlineError || err instanceof PacerAbortedError) {
            throw new AbortError(new AttemptNotSentError(err.message));
          }
          if (options.isPlatformError(err)) {
            lastError = err;
            failedAtMs = Date.now();
            options.onError?.(err);
            if (options.ambiguous(err) && recover) {
              const recovered = await recover();
              if (recovered === NOT_LANDED) provenNotLanded = true;
              else if (recovered !== undefined) return recovered;
            }
          }
          throw err;
        }
      },
      {
        maxAttempts,
        baseDelayMs: baseMs,
        maxDelayMs,
        attemptTimeoutMs,
        minAttemptMs: needMs,
        backoffFromMs: () => failedAtMs,
        deadline,
        // A call that changes state: an ambiguous failure only after its re-read proved it did
        // not land (NOT_LANDED); a failure that is not ambiguous by its kind as any call.
        retryable: (error) =>
          options.isPlatformError(error) &&
          options.retryable(error) &&
          !(options.changesState === true && options.ambiguous(error) && !provenNotLanded),
        signal,
        random: options.random,
      },
    );
    return { value, attempts };
  } catch (err) {
    if (!(err instanceof RetryStoppedError)) throw err;
    const last = err.lastError;
    if (last instanceof AttemptNotSentError) {
      throw options.deadlineError(attempts, lastError, last.why);
    }
    if (err.reason === 'aborted') {
      throw options.deadlineError(
        attempts,
        lastError,
        err.message.includes('during the backoff')
          ? 'not sent: the invocation ended during the backoff'
          : 'not sent: the invocation that queued this call has ended',
      );
    }
    if (err.reason === 'deadline') {
      // Before an attempt: "not sent: … ms left …"; after a failure: no time for the backoff
      // (and, after a re-read that proved the request did not land, for its re-send + re-read).
      const why = err.message.startsWith('not sent')
        ? err.message
        : options.changesState === true && provenNotLanded
          ? `not sent again: ${deadline.remainingMs()} ms left before the deadline, the backoff, a re-send and its re-read need more (${needMs()} ms without the backoff)`
          : undefined;
      throw options.deadlineError(attempts, lastError, why);
    }
    if (options.isPlatformError(last)) throw options.failedError(last, attempts);
    throw last ?? err;
  }
}

/**
 * One attempt, no retry, only if its timeout fits before the deadline (it waits for a pacer slot
 * only until `deadline − attemptTimeoutMs`); `undefined` when it fails or does not fit.
 * A platform error it meets is shown to `onError` first.
 * @param attempt one request, given its timeout (ms)
 * @throws never
 */
export async function pacedTryOnce<T, E extends Error>(
  options: Pick<
    PacedCallOptions<E>,
    'pacer' | 'retry' | 'deadline' | 'signal' | 'isPlatformError' | 'onError'
  >,
  attempt: (opts: { timeoutMs: number }) => Promise<T>,
): Promise<T | undefined> {
  const timeoutMs = options.retry.attemptTimeoutMs;
  const { deadline } = options;
  try {
    return await options.pacer(
      async () => (deadline.fits(timeoutMs) ? attempt({ timeoutMs }) : undefined),
      { startBy: deadline.atMs - timeoutMs, signal: options.signal },
    );
  } catch (err) {
    if (options.isPlatformError(err)) options.onError?.(err);
    return undefined;
  }
}
