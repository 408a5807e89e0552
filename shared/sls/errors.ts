import { WebplusAbortError } from '../core/errors.js';

/**
 * A Log Service management or query call failed (`code`: the SLS errorCode, `HTTP<status>`,
 * or a socket error code). The message never holds a secret. Exit 1 from the CLI.
 */
export class SlsApiError extends WebplusAbortError {
  override readonly name = 'SlsApiError';
  constructor(
    message: string,
    readonly code: string,
    /** HTTP status, when an answer came. */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
