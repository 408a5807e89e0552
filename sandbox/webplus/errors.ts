/**
 * Errors of the Web+ sandbox.
 *
 * `ScenarioError` is thrown to callers (a bad scenario file or object). `WebplusApiError` never
 * leaves the sandbox: request handlers throw it and the server turns it into the JSON error body
 * Web+ answers (`{Code, Message, RequestId, HostId}`) with its HTTP status.
 */

/** A scenario that does not match the format of docs/reference/scenario.md. */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
  /** field path of the first problem, e.g. `changes[2].idleMinutes` ('' for the whole document) */
  readonly path: string;

  constructor(message: string, path = '') {
    super(message);
    this.path = path;
  }
}

/** A Web+ API error answer: HTTP `status` plus the Web+ `Code` string (e.g. 400 ChangeOnAborting). */
export class WebplusApiError extends Error {
  override readonly name = 'WebplusApiError';
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}
