import { WebplusAbortError } from '../core/errors.js';

/**
 * A notification target is misconfigured (a variable it names is unset, a URL is not https).
 * Thrown at cold start, like a ConfigError (the CLI exits 2); the message names the policy key
 * and the variable, never the variable's value.
 */
export class NotifyConfigError extends WebplusAbortError {
  override readonly name = 'NotifyConfigError';
  override readonly exitKind = 'usage';
  constructor(
    message: string,
    /** The environment variable or policy key at fault. */
    readonly variable: string,
  ) {
    super(message);
  }
}

/** One delivery attempt failed before a reply was read (socket error, timeout). */
export class NotifySendError extends WebplusAbortError {
  override readonly name = 'NotifySendError';
  constructor(
    message: string,
    /** `Timeout`, or the socket error code (`ECONNREFUSED`...), or `NetworkError`. */
    readonly code: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
