import { AbortError } from 'p-retry';
import type { Deadline } from '../core/deadline.js';
import {
  type PaceOptions,
  type Pacer,
  PacerAbortedError,
  PacerDeadlineError,
} from '../core/pacer.js';
import { RetryStoppedError, retryWithinDeadline } from '../core/retry.js';
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
 * The only way the function talks to Web+ (retries through the project's one loop,
 * `shared/core/retry.ts`): each attempt paced (concurrency + QPS), retried by
 * error kind only (`retryable`: throttling, 5xx, non-JSON replies, socket errors, timeouts) with
 * equal-jitter backoff, and never started unless its whole timeout fits before the deadline:
 * an attempt waits in the pacer's queue only until `deadline − attemptTimeoutMs`, and is never
 * sent after that. `signal` is the invocation's: once it aborts, nothing queued or sleeping
 * here is sent.
 */
export class WebplusGateway {
  /**
   * Calls made through {@link call} so far (each with its retries counted once): a sweep sizes
   * its parts from the calls its listing took (shared/targeting/sweep-plan.ts).
   */
  callsMade = 0;

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
    this.callsMade += 1;
    if (this.unavailable.error) throw new CallFailedError(this.unavailable.error, 0);
    let attempts = 0;
    let lastError: WebplusError | undefined;
    try {
      const { value } = await retryWithinDeadline(
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
          maxAttempts,
          baseDelayMs: baseMs,
          maxDelayMs,
          attemptTimeoutMs,
          deadline: this.deadline,
          retryable: (error) => error instanceof WebplusError && error.retryable,
          signal: this.signal,
          random: this.random,
        },
      );
      return { value, attempts };
    } catch (err) {
      if (!(err instanceof RetryStoppedError)) throw err;
      const last = err.lastError;
      if (last instanceof DeadlineReachedError) throw last;
      if (err.reason === 'aborted') {
        throw new DeadlineReachedError(
          action,
          attempts,
          lastError,
          err.message.includes('during the backoff')
            ? 'not sent: the invocation ended during the backoff'
            : 'not sent: the invocation that queued this call has ended',
        );
      }
      if (err.reason === 'deadline') {
        // Before an attempt: "not sent: … ms left …"; after a failure: no time for the backoff.
        const why = err.message.startsWith('not sent') ? err.message : undefined;
        throw new DeadlineReachedError(action, attempts, lastError, why);
      }
      if (last instanceof WebplusError) throw new CallFailedError(last, attempts);
      throw last ?? err;
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
