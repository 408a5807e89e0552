import type { Deadline } from '../core/deadline.js';
import { WebplusAbortError } from '../core/errors.js';
import {
  type PacedCallOptions,
  pacedCall,
  pacedTryOnce,
  type Recovery,
} from '../core/paced-call.js';
import type { Pacer } from '../core/pacer.js';
import { PlatformError } from './errors.js';
import type { ChangePlatform, RequestOptions } from './platform.js';

/** Retries and timeouts of platform calls (the same variables as Web+'s). */
export interface PlatformRetryPolicy {
  /** Attempts in all, first included (`RETRY_MAX_ATTEMPTS`). */
  maxAttempts: number;
  /** `RETRY_BASE_MS` */
  baseMs: number;
  /** `RETRY_MAX_DELAY_MS` */
  maxDelayMs: number;
  /** connect + read timeout of one attempt, ms */
  attemptTimeoutMs: number;
}

/** The deadline came before the next attempt could fit. */
export class PlatformDeadlineError extends WebplusAbortError {
  override readonly name = 'PlatformDeadlineError';
  constructor(
    readonly action: string,
    readonly attempts: number,
    readonly lastError?: PlatformError,
  ) {
    super(
      `${action}: deadline reached after ${attempts} attempt(s)` +
        (lastError ? `; last error ${lastError.code}` : ''),
    );
  }
}

/** A platform call that failed for good (a non-retryable kind, or every attempt spent). */
export class PlatformCallError extends WebplusAbortError {
  override readonly name = 'PlatformCallError';
  constructor(
    readonly error: PlatformError,
    readonly attempts: number,
  ) {
    super(error.message, { cause: error });
  }
}

/**
 * The one way SAE and EDAS are called: each attempt paced by the platform's own pacer, retried
 * only for `retryable`, `throttled` and `ambiguous` errors (after `recover` for `ambiguous`; a
 * call that changes state is re-sent after an `ambiguous` one only when `recover` returned
 * `NOT_LANDED`)
 * with equal-jitter backoff, and never started unless its whole timeout fits before the
 * deadline. The same paced call as the Web+ gateway's (shared/core/paced-call.ts), over
 * `PlatformError`; both retry through the project's one loop, `shared/core/retry.ts`.
 */
export class PlatformGateway {
  /**
   * @param platform the platform of this invocation
   * @param pacer the instance's pacer for this platform's API (SAE quotes 60 calls a minute)
   * @param retry attempts and timeouts
   * @param deadline the invocation's work deadline
   * @param random jitter source
   * @param signal the invocation's: once aborted, nothing queued or sleeping here is sent
   */
  constructor(
    readonly platform: ChangePlatform,
    private readonly pacer: Pacer,
    readonly retry: PlatformRetryPolicy,
    readonly deadline: Deadline,
    private readonly random: () => number = Math.random,
    private readonly signal?: AbortSignal,
  ) {}

  /** What the paced call needs to know about SAE and EDAS (shared/core/paced-call.ts). */
  private paced(action: string, changesState = false): PacedCallOptions<PlatformError> {
    return {
      pacer: this.pacer,
      retry: this.retry,
      deadline: this.deadline,
      random: this.random,
      signal: this.signal,
      isPlatformError: (err): err is PlatformError => err instanceof PlatformError,
      retryable: (err) => err.retryable,
      ambiguous: (err) => err.ambiguous,
      changesState,
      deadlineError: (attempts, lastError) =>
        new PlatformDeadlineError(action, attempts, lastError),
      failedError: (err, attempts) => new PlatformCallError(err, attempts),
    };
  }

  /**
   * Runs `attempt` until it succeeds, fails for good, or the deadline stops it.
   * @param recover after an ambiguous failure: a value ends the call as a success; `NOT_LANDED`
   *   (shared/core/paced-call.ts) lets a call that changes state be sent again
   * @param options `changesState`: the call changes state (AbortChangeOrder): after an
   *   `ambiguous` failure it is re-read (`recover`, one request) and sent again only when the
   *   re-read proved it did not land (default false)
   * @returns the value and the number of requests sent
   * @throws PlatformCallError, PlatformDeadlineError
   */
  async call<T>(
    action: string,
    attempt: (opts: RequestOptions) => Promise<T>,
    recover?: () => Promise<Recovery<T>>,
    options: { changesState?: boolean } = {},
  ): Promise<{ value: T; attempts: number }> {
    return pacedCall(
      this.paced(action, options.changesState ?? false),
      (opts) => attempt(opts),
      recover,
    );
  }

  /** One attempt, no retry, only if it fits; `undefined` when it fails or does not fit. */
  async tryOnce<T>(attempt: (opts: RequestOptions) => Promise<T>): Promise<T | undefined> {
    return pacedTryOnce(this.paced('tryOnce'), attempt);
  }
}
