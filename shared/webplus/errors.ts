import { WebplusAbortError } from '../core/errors.js';
/**
 * What the executor may do about a failed Web+ call.
 * - `retryable`: throttling, 5xx, non-JSON replies, socket errors, timeouts.
 * - `already_aborting` / `already_finished`: AbortChange refused because there is nothing to do.
 * - `not_found`: `ResourceAuthFailed` (500 on AbortChange, 403 elsewhere), `ChangeNotExists`, ...
 * - `permanent`: any other 4xx (e.g. the numeric `10007`).
 * - `credentials`: the keys or the RAM policy are wrong (`Forbidden.RAM`, `SignatureDoesNotMatch`, ...).
 * - `clock`: `InvalidTimeStamp.Expired`: the clock is more than 15 minutes off.
 * - `unavailable`: the API or product does not exist here (`InvalidApi.NotFound`,
 *   `InvalidAction.NotFound`, `ServiceDisabled`, a host that does not resolve, a 404 page that is
 *   not Web+'s): nothing in this region can be read or aborted, so the invocation stops calling
 *   it and writes one record (error-kind.ts lists the codes and their sources).
 */
export type WebplusErrorKind =
  | 'retryable'
  | 'already_aborting'
  | 'already_finished'
  | 'not_found'
  | 'permanent'
  | 'credentials'
  | 'clock'
  | 'unavailable';

export interface WebplusErrorFields {
  action: string;
  kind: WebplusErrorKind;
  /** Web+ `Code` (or `errorCode`, as text), or a transport code such as `ECONNRESET`. */
  code: string;
  /** HTTP status; 0 when no answer came (timeout, reset). */
  httpStatus: number;
  requestId?: string;
  /** True when the request may have reached Web+ (timeout, reset): re-read before deciding. */
  ambiguous?: boolean;
  /** The raw reply body when it could not be understood (cut to 2 KB). */
  rawBody?: string;
}

/** Every failed Web+ call, whatever pop-core threw or resolved. Never carries a credential. */
export class WebplusError extends WebplusAbortError {
  override readonly name: string = 'WebplusError';
  readonly action: string;
  readonly kind: WebplusErrorKind;
  readonly code: string;
  readonly httpStatus: number;
  readonly requestId?: string;
  readonly ambiguous: boolean;
  readonly rawBody?: string;

  constructor(message: string, fields: WebplusErrorFields) {
    super(message);
    this.action = fields.action;
    this.kind = fields.kind;
    this.code = fields.code;
    this.httpStatus = fields.httpStatus;
    this.requestId = fields.requestId;
    this.ambiguous = fields.ambiguous ?? false;
    this.rawBody = fields.rawBody;
  }

  get retryable(): boolean {
    return this.kind === 'retryable';
  }
}

/** A 2xx reply whose body is not the shape the action documents. */
export class WebplusResponseError extends WebplusError {
  override readonly name = 'WebplusResponseError';
}
