import { AbortError } from 'p-retry';
import type { Deadline } from '../core/deadline.js';
import { WebplusAbortError } from '../core/errors.js';
import { type Pacer, PacerAbortedError, PacerDeadlineError } from '../core/pacer.js';
import { RetryStoppedError, retryWithinDeadline } from '../core/retry.js';
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
 * only for `retryable`, `throttled` and `ambiguous` errors (after `recover` for `ambiguous`)
 * with equal-jitter backoff, and never started unless its whole timeout fits before the
 * deadline. Same rules as the Web+ gateway (shared/webplus/gateway.ts), over `PlatformError`;
 * both retry through the project's one loop, `shared/core/retry.ts`.
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

  /**
   * Runs `attempt` until it succeeds, fails for good, or the deadline stops it.
   * @param recover after an ambiguous failure: a value ends the call as a success
   * @returns the value and the number of requests sent
   * @throws PlatformCallError, PlatformDeadlineError
   */
  async call<T>(
    action: string,
    attempt: (opts: RequestOptions) => Promise<T>,
    recover?: () => Promise<T | undefined>,
  ): Promise<{ value: T; attempts: number }> {
    const { maxAttempts, baseMs, maxDelayMs, attemptTimeoutMs } = this.retry;
    let attempts = 0;
    let lastError: PlatformError | undefined;
    try {
      const { value } = await retryWithinDeadline(
        async () => {
          try {
            return await this.pacer(
              async () => {
                if (!this.deadline.fits(attemptTimeoutMs))
                  throw new AbortError(new PlatformDeadlineError(action, attempts, lastError));
                attempts += 1;
                return attempt({ timeoutMs: attemptTimeoutMs });
              },
              { startBy: this.deadline.atMs - attemptTimeoutMs, signal: this.signal },
            );
          } catch (err) {
            if (err instanceof PacerDeadlineError || err instanceof PacerAbortedError)
              throw new AbortError(new PlatformDeadlineError(action, attempts, lastError));
            if (err instanceof PlatformError) {
              lastError = err;
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
          retryable: (error) => error instanceof PlatformError && error.retryable,
          signal: this.signal,
          random: this.random,
        },
      );
      return { value, attempts };
    } catch (err) {
      if (!(err instanceof RetryStoppedError)) throw err;
      const last = err.lastError;
      if (last instanceof PlatformDeadlineError) throw last;
      if (err.reason === 'deadline' || err.reason === 'aborted')
        throw new PlatformDeadlineError(action, attempts, lastError);
      if (last instanceof PlatformError) throw new PlatformCallError(last, attempts);
      throw last ?? err;
    }
  }

  /** One attempt, no retry, only if it fits; `undefined` when it fails or does not fit. */
  async tryOnce<T>(attempt: (opts: RequestOptions) => Promise<T>): Promise<T | undefined> {
    const timeoutMs = this.retry.attemptTimeoutMs;
    try {
      return await this.pacer(
        async () => (this.deadline.fits(timeoutMs) ? attempt({ timeoutMs }) : undefined),
        { startBy: this.deadline.atMs - timeoutMs, signal: this.signal },
      );
    } catch {
      return undefined;
    }
  }
}
