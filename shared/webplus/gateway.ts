import pRetry, { AbortError } from 'p-retry';
import { equalJitterDelay } from '../core/backoff.js';
import type { Deadline } from '../core/deadline.js';
import {
  type PaceOptions,
  type Pacer,
  PacerAbortedError,
  PacerDeadlineError,
} from '../core/pacer.js';
import { CallFailedError, DeadlineReachedError } from './call-errors.js';
import type { CallOptions, WebplusClient } from './client.js';
import { WebplusError } from './errors.js';

export interface RetryPolicy {
  /** Attempts in all, first included (`RETRY_MAX_ATTEMPTS`). */
  maxAttempts: number;
  /** `RETRY_BASE_MS` */
  baseMs: number;
  /** `RETRY_MAX_DELAY_MS` */
  maxDelayMs: number;
  /** `ATTEMPT_TIMEOUT_MS`: connect + read timeout of one attempt. */
  attemptTimeoutMs: number;
}

/**
 * Remembers that the API is not there (an `unavailable` answer: unknown API, product not
 * activated, host not found) for one region of one invocation: once set, no further request is
 * sent to that region, and the pipeline writes one record about it instead of one per change.
 */
export interface UnavailableLatch {
  /** The first `unavailable` error met; undefined while the API answers. */
  error?: WebplusError;
}

/** A call's value and how many requests it took. */
export interface CallResult<T> {
  value: T;
  attempts: number;
}

/**
 * The only way the function talks to Web+: each attempt paced (concurrency + QPS), retried by
 * error kind only (`retryable`: throttling, 5xx, non-JSON replies, socket errors, timeouts) with
 * equal-jitter backoff, and never started unless its whole timeout fits before the deadline:
 * an attempt waits in the pacer's queue only until `deadline − attemptTimeoutMs`, and is never
 * sent after that. `signal` is the invocation's: once it aborts, nothing queued or sleeping
 * here is sent.
 */
export class WebplusGateway {
  constructor(
    readonly client: WebplusClient,
    private readonly pacer: Pacer,
    readonly retry: RetryPolicy,
    readonly deadline: Deadline,
    private readonly random: () => number = Math.random,
    private readonly signal?: AbortSignal,
    readonly unavailable: UnavailableLatch = {},
  ) {}

  /** The pacer's wait limits for one attempt of `attemptTimeoutMs`; a retry is `urgent`. */
  private pace(retry = false): PaceOptions {
    return {
      startBy: this.deadline.atMs - this.retry.attemptTimeoutMs,
      signal: this.signal,
      urgent: retry,
    };
  }

  /**
   * Runs `attempt` until it succeeds, fails for good, or the deadline stops it.
   * `attempt` may itself throw a non-retryable WebplusError to stop early. `recover`, when given,
   * runs (outside the pacer's slot) after an ambiguous failure: a value it returns ends the call
   * as a success (e.g. a re-read shows a lost AbortChange did land). After an `unavailable`
   * answer (here or in an earlier call of this latch) nothing more is sent: the call fails at
   * once with that error.
   * @throws CallFailedError (permanent error, attempts spent, or the API unavailable),
   *   DeadlineReachedError
   */
  async call<T>(
    action: string,
    attempt: (opts: CallOptions, attemptNumber: number) => Promise<T>,
    recover?: () => Promise<T | undefined>,
  ): Promise<CallResult<T>> {
    const { maxAttempts, baseMs, maxDelayMs, attemptTimeoutMs } = this.retry;
    if (this.unavailable.error) throw new CallFailedError(this.unavailable.error, 0);
    let attempts = 0;
    let lastError: WebplusError | undefined;
    try {
      const value = await pRetry(
        async () => {
          try {
            return await this.pacer(
              async () => {
                if (!this.deadline.fits(attemptTimeoutMs)) {
                  throw new AbortError(new DeadlineReachedError(action, attempts, lastError));
                }
                attempts += 1;
                return attempt({ timeoutMs: attemptTimeoutMs }, attempts);
              },
              this.pace(attempts > 0),
            );
          } catch (err) {
            if (err instanceof PacerDeadlineError || err instanceof PacerAbortedError) {
              throw new AbortError(
                new DeadlineReachedError(action, attempts, lastError, err.message),
              );
            }
            if (err instanceof WebplusError) {
              lastError = err;
              if (err.kind === 'unavailable') this.unavailable.error ??= err;
              if (err.ambiguous && recover) {
                const recovered = await recover();
                if (recovered !== undefined) return recovered;
              }
            }
            throw err;
          }
        },
        {
          retries: maxAttempts - 1,
          minTimeout: 0,
          maxTimeout: 0,
          randomize: false,
          shouldRetry: async ({ error, attemptNumber }) => {
            if (!(error instanceof WebplusError) || !error.retryable) return false;
            if (attemptNumber >= maxAttempts) return false;
            const delayMs = equalJitterDelay(attemptNumber, baseMs, maxDelayMs, this.random);
            if (!this.deadline.fits(delayMs + attemptTimeoutMs)) {
              throw new DeadlineReachedError(action, attempts, error);
            }
            if (!(await sleep(delayMs, this.signal))) {
              throw new DeadlineReachedError(
                action,
                attempts,
                error,
                'not sent: the invocation ended during the backoff',
              );
            }
            return true;
          },
        },
      );
      return { value, attempts };
    } catch (err) {
      if (err instanceof DeadlineReachedError) throw err;
      if (err instanceof WebplusError) throw new CallFailedError(err, attempts);
      throw err;
    }
  }

  /** One attempt, no retry, only if it fits; `undefined` when it fails or does not fit. */
  async tryOnce<T>(attempt: (opts: CallOptions) => Promise<T>): Promise<T | undefined> {
    const timeoutMs = this.retry.attemptTimeoutMs;
    if (this.unavailable.error) return undefined;
    try {
      return await this.pacer(
        async () => (this.deadline.fits(timeoutMs) ? attempt({ timeoutMs }) : undefined),
        this.pace(),
      );
    } catch (err) {
      if (err instanceof WebplusError && err.kind === 'unavailable') this.unavailable.error ??= err;
      return undefined;
    }
  }
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
