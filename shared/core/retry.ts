import pRetry, { AbortError } from 'p-retry';
import { equalJitterDelay } from './backoff.js';
import type { Deadline } from './deadline.js';
import { WebplusAbortError } from './errors.js';

/**
 * The one retry loop of the project: every call to a cloud API retries through
 * {@link retryWithinDeadline}: Web+ (shared/webplus/gateway.ts), SAE and EDAS
 * (shared/platform/gateway.ts) by way of their one paced call, shared/core/paced-call.ts, and
 * SLS PutLogs from shared/outcome-log/sls-store.ts.
 * p-retry 7 runs the loop; this module adds what p-retry
 * does not know: the deadline, the invocation's AbortSignal and the project's backoff formula
 * (`equalJitterDelay`, shared/core/backoff.ts; docs/reference/configuration.md, "Retries and the
 * deadline").
 */

/** Why {@link retryWithinDeadline} gave up. */
export type RetryStopReason =
  /** The last failure was not retryable. */
  | 'permanent'
  /** `maxAttempts` attempts failed. */
  | 'exhausted'
  /** Not enough time was left for another attempt (or for the backoff plus an attempt). */
  | 'deadline'
  /** The invocation's signal aborted before the next attempt. */
  | 'aborted';

/**
 * Thrown by {@link retryWithinDeadline} when it gives up. `lastError` is the last attempt's
 * failure (also `cause`), `undefined` when no attempt ran; `attempts` counts the attempts started.
 */
export class RetryStoppedError extends WebplusAbortError {
  override readonly name = 'RetryStoppedError';
  constructor(
    readonly reason: RetryStopReason,
    readonly attempts: number,
    readonly lastError: unknown,
    message: string,
  ) {
    super(message, lastError === undefined ? undefined : { cause: lastError });
  }
}

export interface RetryWithinDeadlineOptions {
  /** Attempts in all, first included (≥ 1). */
  maxAttempts: number;
  /** Backoff base, ms (the cap of the delay after attempt n is `min(maxDelayMs, baseDelayMs·2^(n−1))`). */
  baseDelayMs: number;
  /** Backoff cap, ms. */
  maxDelayMs: number;
  /** Longest single attempt, ms: each attempt gets `min(attemptTimeoutMs, time left)`. */
  attemptTimeoutMs: number;
  /**
   * An attempt is started only when at least this much time is left before the deadline, ms;
   * a function is asked before each attempt and each backoff (shared/core/paced-call.ts: a
   * re-send of a call that changes state needs room for its re-read too).
   * @default attemptTimeoutMs (the whole attempt must fit)
   */
  minAttemptMs?: number | (() => number);
  /**
   * When the backoff after the last failure starts, epoch ms (undefined: now): time already
   * spent since (a re-read after an ambiguous answer) counts toward the delay, so the gap
   * between two attempts stays the drawn delay when the re-read is shorter.
   * @default now
   */
  backoffFromMs?: () => number | undefined;
  /** When the work must stop (shared/core/deadline.ts). */
  deadline: Deadline;
  /** Whether a failure is worth another attempt; a `false` ends the loop as `permanent`. */
  retryable: (error: Error) => boolean;
  /** The invocation's signal: once aborted, no further attempt starts and a backoff ends at once. */
  signal?: AbortSignal;
  /** Random source of the jitter, in [0, 1). @default Math.random */
  random?: () => number;
}

/** What one attempt is given. */
export interface AttemptContext {
  /** 1-based. */
  attemptNumber: number;
  /** The attempt's time limit, ms: `min(attemptTimeoutMs, time left before the deadline)`. */
  timeoutMs: number;
}

/**
 * Runs `attempt` until it resolves, fails for good, or the deadline or signal stops it.
 * No attempt starts with less than `minAttemptMs` left; no backoff is slept unless the delay plus
 * `minAttemptMs` still fits. `attempt` may throw `new AbortError(error)` (p-retry) to stop at once:
 * the loop then ends as `permanent` with that error.
 *
 * @returns the attempt's value and the number of attempts started
 * @throws RetryStoppedError with `reason` and `lastError` (never anything else)
 * @example
 * const { value } = await retryWithinDeadline(({ timeoutMs }) => fetchOnce(timeoutMs), {
 *   maxAttempts: 4, baseDelayMs: 200, maxDelayMs: 5000, attemptTimeoutMs: 3000,
 *   deadline: new Deadline(Date.now() + 10_000), retryable: (e) => e.name === 'TimeoutError',
 * });
 */
export async function retryWithinDeadline<T>(
  attempt: (context: AttemptContext) => Promise<T>,
  options: RetryWithinDeadlineOptions,
): Promise<{ value: T; attempts: number }> {
  const maxAttempts = Math.max(1, Math.floor(options.maxAttempts));
  const minAttemptOption = options.minAttemptMs ?? options.attemptTimeoutMs;
  const minAttempt = (): number =>
    typeof minAttemptOption === 'function' ? minAttemptOption() : minAttemptOption;
  const { deadline, signal } = options;
  let attempts = 0;
  let lastError: Error | undefined;
  const stop = (reason: RetryStopReason, message: string): RetryStoppedError =>
    new RetryStoppedError(reason, attempts, lastError, message);
  try {
    const value = await pRetry(
      async () => {
        if (signal?.aborted) {
          throw new AbortError(stop('aborted', 'not sent: the invocation ended'));
        }
        const minAttemptMs = minAttempt();
        if (!deadline.fits(minAttemptMs)) {
          throw new AbortError(
            stop(
              'deadline',
              `not sent: ${deadline.remainingMs()} ms left before the deadline, an attempt needs ${minAttemptMs} ms`,
            ),
          );
        }
        attempts += 1;
        try {
          return await attempt({
            attemptNumber: attempts,
            timeoutMs: Math.min(options.attemptTimeoutMs, deadline.remainingMs()),
          });
        } catch (thrown) {
          if (thrown instanceof AbortError) {
            lastError = asError((thrown as AbortError & { originalError?: unknown }).originalError);
            throw new AbortError(stop('permanent', lastError.message));
          }
          lastError = asError(thrown);
          throw lastError;
        }
      },
      {
        retries: maxAttempts - 1,
        minTimeout: 0,
        maxTimeout: 0,
        randomize: false,
        shouldRetry: async ({ error, attemptNumber }) => {
          if (!options.retryable(error)) return false;
          const drawnMs = equalJitterDelay(
            attemptNumber,
            options.baseDelayMs,
            options.maxDelayMs,
            options.random,
          );
          const from = options.backoffFromMs?.();
          const delayMs = Math.max(0, drawnMs - (from === undefined ? 0 : Date.now() - from));
          if (!deadline.fits(delayMs + minAttempt())) {
            throw stop(
              'deadline',
              `${error.message}; no time for another attempt before the deadline`,
            );
          }
          if (!(await sleep(delayMs, signal))) {
            throw stop('aborted', `${error.message}; the invocation ended during the backoff`);
          }
          return true;
        },
      },
    );
    return { value, attempts };
  } catch (thrown) {
    if (thrown instanceof RetryStoppedError) throw thrown;
    const error = lastError ?? asError(thrown);
    const exhausted = attempts >= maxAttempts && options.retryable(error);
    throw stop(exhausted ? 'exhausted' : 'permanent', error.message);
  }
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

/** Sleeps `ms`; resolves false at once when `signal` aborts (true after a full sleep). */
function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
