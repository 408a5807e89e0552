import type { Deadline } from '../core/deadline.js';
import {
  type PacedCallOptions,
  pacedCall,
  pacedTryOnce,
  type Recovery,
} from '../core/paced-call.js';
import type { Pacer } from '../core/pacer.js';
import { CallFailedError, DeadlineReachedError } from './call-errors.js';
import type { CallOptions, WebplusClient } from './client.js';
import { WebplusError } from './errors.js';
import { MUTATING_ACTION } from './reply.js';

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
 * The only way the function talks to Web+ (one paced call, `shared/core/paced-call.ts`, shared
 * with SAE and EDAS, retrying through the project's one loop, `shared/core/retry.ts`): each attempt paced (concurrency + QPS), retried by
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

  /** What the paced call needs to know about Web+ (shared/core/paced-call.ts). */
  private paced(action: string): PacedCallOptions<WebplusError> {
    return {
      pacer: this.pacer,
      retry: this.retry,
      deadline: this.deadline,
      random: this.random,
      signal: this.signal,
      urgentRetries: true,
      isPlatformError: (err): err is WebplusError => err instanceof WebplusError,
      retryable: (err) => err.retryable,
      ambiguous: (err) => err.ambiguous,
      // AbortChange: an answer that may have landed is re-read; it is sent again only when the
      // re-read proves it did not land (shared/executor/abort.ts), with room for another re-read
      // (DescribeChange, then DescribeAppEnvStatus: two requests).
      changesState: action === MUTATING_ACTION,
      rereadMs: 2 * this.retry.attemptTimeoutMs,
      onError: (err) => {
        if (err.kind === 'unavailable') this.unavailable.error ??= err;
      },
      deadlineError: (attempts, lastError, why) =>
        new DeadlineReachedError(action, attempts, lastError, why),
      failedError: (err, attempts) => new CallFailedError(err, attempts),
    };
  }

  /**
   * Runs `attempt` until it succeeds, fails for good, or the deadline stops it.
   * `attempt` may itself throw a non-retryable WebplusError to stop early. `recover`, when given,
   * runs (outside the pacer's slot) after an ambiguous failure: a value it returns ends the call
   * as a success (e.g. a re-read shows a lost AbortChange did land); `NOT_LANDED`
   * (shared/core/paced-call.ts) lets AbortChange be sent again as the next attempt, within the
   * attempts, the backoff and the deadline; `undefined` ends AbortChange there. After an `unavailable`
   * answer (here or in an earlier call of this latch) nothing more is sent: the call fails at
   * once with that error.
   * @throws CallFailedError (permanent error, attempts spent, or the API unavailable),
   *   DeadlineReachedError
   */
  async call<T>(
    action: string,
    attempt: (opts: CallOptions, attemptNumber: number) => Promise<T>,
    recover?: () => Promise<Recovery<T>>,
  ): Promise<CallResult<T>> {
    this.callsMade += 1;
    if (this.unavailable.error) throw new CallFailedError(this.unavailable.error, 0);
    return pacedCall(this.paced(action), attempt, recover);
  }

  /** One attempt, no retry, only if it fits; `undefined` when it fails or does not fit. */
  async tryOnce<T>(attempt: (opts: CallOptions) => Promise<T>): Promise<T | undefined> {
    if (this.unavailable.error) return undefined;
    return pacedTryOnce(this.paced('tryOnce'), attempt);
  }
}
