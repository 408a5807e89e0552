import { WebplusAbortError } from '../core/errors.js';
import type { WebplusError } from './errors.js';

/**
 * The deadline came before the next attempt could fit. `lastError` is what the last attempt met;
 * `why`, when set, says why the next attempt was never sent (it waited in the pacer's queue past
 * the last moment it could start, or the invocation ended).
 */
export class DeadlineReachedError extends WebplusAbortError {
  override readonly name = 'DeadlineReachedError';
  constructor(
    readonly action: string,
    readonly attempts: number,
    readonly lastError?: WebplusError,
    readonly why?: string,
  ) {
    super(
      `${action}: deadline reached after ${attempts} attempt(s)` +
        (lastError ? `; last error ${lastError.code}` : '') +
        (why ? `; ${why}` : ''),
      lastError ? { cause: lastError } : undefined,
    );
  }
}

/** A Web+ call that failed for good (permanent error, or every attempt spent). */
export class CallFailedError extends WebplusAbortError {
  override readonly name = 'CallFailedError';
  constructor(
    readonly error: WebplusError,
    readonly attempts: number,
  ) {
    super(error.message, { cause: error });
  }
}
