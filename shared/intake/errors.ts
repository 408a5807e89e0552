/**
 * Errors of the intake module (one `errors.ts` per module, every error under `WebplusAbortError`:
 * docs/ARCHITECTURE.md, "Errors").
 *
 * `classifyEvent` never throws: these errors are raised by the parsers inside the module and turned
 * into an HTTP error reply (`HttpRequestError`) or an `ignored` request (`IntakeError`) before they
 * leave it. Messages never contain a token or any other secret.
 */
import { WebplusAbortError } from '../core/errors.js';

/** Base class of every intake error. */
export class IntakeError extends WebplusAbortError {
  override readonly name: string = 'IntakeError';
}

/**
 * An HTTP trigger call refused before it became a request: 400, 401, 404, 405 or 413.
 * Becomes the error body of docs/reference/http-api.md `{error: {code, message, field?}}` and a warning log line;
 * no outcome record is written for it (docs/reference/record.md).
 */
export class HttpRequestError extends IntakeError {
  override readonly name = 'HttpRequestError';

  /**
   * @param statusCode HTTP status, 4xx.
   * @param code Machine-readable error code, e.g. `invalid_body`, `unauthorized`.
   * @param message Readable text; never echoes a token.
   * @param field The input at fault (`body`, `changeIds`, `envIds`, `dryRun`, ...), when one is.
   * @param headers Extra response headers, e.g. `{allow: 'POST'}` on a 405.
   */
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}
