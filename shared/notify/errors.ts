import { ConfigError } from '../config/errors.js';

/**
 * A notification target is misconfigured (a variable it names is unset, a URL is not https).
 * Thrown at cold start; the message names the policy key and the variable, never the value.
 */
export class NotifyConfigError extends ConfigError {
  override readonly name = 'NotifyConfigError';
}

/** One delivery attempt failed before a reply was read (socket error, timeout, no time left). */
export class NotifySendError extends Error {
  override readonly name = 'NotifySendError';
  constructor(
    message: string,
    /** `Timeout`, `DeadlineExceeded`, or the socket error code (`ECONNREFUSED`...). */
    readonly code: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
