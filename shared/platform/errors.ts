import { WebplusAbortError } from '../core/errors.js';
import type { PlatformName } from './platform.js';

/**
 * What a caller may do about a failed platform request, the same words for every platform.
 * - `retryable`: 5xx, an unreadable reply, a transient business state (SAE
 *   `Application.ChangerOrderRunning`, `Application.InvalidStatus`): try again after a backoff.
 * - `throttled`: `Throttling*` (SAE quotes 60 calls/minute/user): try again, slower.
 * - `ambiguous`: the request may have landed (a timeout or reset after sending; on a call that
 *   changes state also a 5xx or an unreadable error reply). Re-read; a read is then retried, a
 *   call that changes state is re-sent only when the re-read proves it did not land, which no
 *   SAE/EDAS re-read can today (no "aborting" status; shared/executor/platform-execute.ts).
 * - `unconfirmed`: a state-changing call answered 2xx without the exact affirmation its docs
 *   define (unreadable, an unknown code, a failure field beside success, no or another
 *   `Data.ChangeOrderId`), or with a success body under an error status: the request reached the
 *   platform and may have landed. Never retried as a fresh abort: the order is re-read and the
 *   outcome comes from the re-read (shared/executor/platform-execute.ts).
 * - `already_finished`: the change no longer runs (SAE `Application.ChangerOrder.Not.Running`,
 *   Web+ `ChangeFinished`, an EDAS abort refused on an order its re-read shows finished).
 * - `already_aborting`: an abort is under way already (Web+ `ChangeOnAborting`).
 * - `not_found`: unknown or foreign id (SAE `InvalidChangeOrder.NotFound`, `InvalidAppId.NotFound`,
 *   Web+ `ResourceAuthFailed`, `ChangeNotExists`).
 * - `auth`: keys, STS token, RAM policy, signature or clock refused (`InvalidAccessKeyId.*`,
 *   `SignatureDoesNotMatch`, `Forbidden.RAM`, SAE `Resouce.no.permission`, `InvalidTimeStamp.*`).
 * - `api_unavailable`: the action is not there or not now (`InvalidAction.NotFound`,
 *   `InvalidVersion`, SAE `System.Upgrading`, a product not opened).
 * - `permanent`: any other refusal (a 4xx, an EDAS business `Code` in an HTTP 200 reply).
 * Sources: docs/reference/sae-edas.md §2.7, §3.6, §4; docs/reference/webplus-api.md.
 */
export type PlatformErrorKind =
  | 'retryable'
  | 'throttled'
  | 'ambiguous'
  | 'unconfirmed'
  | 'already_finished'
  | 'already_aborting'
  | 'not_found'
  | 'auth'
  | 'api_unavailable'
  | 'permanent';

/** Kinds a caller retries (after a re-read for `ambiguous`). */
export const RETRYABLE_KINDS: ReadonlySet<PlatformErrorKind> = new Set([
  'retryable',
  'throttled',
  'ambiguous',
]);

export interface PlatformErrorFields {
  platform: PlatformName;
  /** The platform's action name, e.g. `AbortChangeOrder`. */
  action: string;
  kind: PlatformErrorKind;
  /** The platform's error code (`ErrorCode`, else `Code`, as text), or a transport code (`ECONNRESET`). */
  code: string;
  /** HTTP status; 0 when no answer came. */
  httpStatus: number;
  requestId?: string;
  /** The raw reply body when it could not be understood, cut to 2 KB. */
  rawBody?: string;
  cause?: unknown;
}

/** Every failed platform request. Never carries a credential (messages hold codes and ids only). */
export class PlatformError extends WebplusAbortError {
  override readonly name: string = 'PlatformError';
  readonly platform: PlatformName;
  readonly action: string;
  readonly kind: PlatformErrorKind;
  readonly code: string;
  readonly httpStatus: number;
  readonly requestId?: string;
  readonly rawBody?: string;

  constructor(message: string, fields: PlatformErrorFields) {
    super(message, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.platform = fields.platform;
    this.action = fields.action;
    this.kind = fields.kind;
    this.code = fields.code;
    this.httpStatus = fields.httpStatus;
    this.requestId = fields.requestId;
    this.rawBody = fields.rawBody;
  }

  /** True for `retryable`, `throttled` and `ambiguous`. */
  get retryable(): boolean {
    return RETRYABLE_KINDS.has(this.kind);
  }

  /**
   * True when the request may have reached the platform without a readable answer coming back
   * (`ambiguous`: no answer; `unconfirmed`: an answer that does not affirm): re-read it.
   */
  get ambiguous(): boolean {
    return this.kind === 'ambiguous' || this.kind === 'unconfirmed';
  }
}

/** A 2xx reply whose body is not the shape the action documents: retryable, raw body kept. */
export class PlatformReplyError extends PlatformError {
  override readonly name = 'PlatformReplyError';
}

/** A region with no endpoint in the reference's tables (and no explicit endpoint given). */
export class UnknownRegionError extends WebplusAbortError {
  override readonly name = 'UnknownRegionError';
  override readonly exitKind = 'usage';
  constructor(
    readonly platform: PlatformName,
    readonly regionId: string,
  ) {
    super(
      `${platform}: no known endpoint for region "${regionId}" (use a region listed in ` +
        'docs/reference/sae-edas.md)',
    );
  }
}

/** Cuts a raw body to 2 KB for error records. */
export function cutBody(text: string): string {
  return text.length > 2048 ? `${text.slice(0, 2048)}…` : text;
}
