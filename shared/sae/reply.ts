import type { PlatformErrorKind } from '../platform/errors.js';
import { statusErrorKind } from '../platform/gateway-codes.js';
import { codeText } from '../platform/parse.js';
import type { EnvelopeRules } from '../platform/roa-reply.js';

/**
 * How SAE replies are read. Source: docs/reference/sae-edas.md §2.3 (envelope), §2.7 (errors).
 * - Success: HTTP 2xx, `String(Code) === "200"` (the docs show both `"200"` and `200`), and
 *   `Success` not `false`. `ErrorCode` is never a success test (examples show `"success"`,
 *   `""` and `"空"` on success).
 * - Error code: `ErrorCode` when it holds a code, else `Code` when it is not a bare HTTP number
 *   (the error body shape is UNVERIFIED: `{"Code":"InvalidChangeOrder.NotFound"}` and
 *   `{"Code":"400","ErrorCode":"InvalidChangeOrder.NotFound"}` are both read), else the bare
 *   number (`"400"`), classified by HTTP status. `Success: false` with no code at all reads as
 *   the code `Success.False` (permanent).
 */
export const SAE_ENVELOPE: EnvelopeRules = {
  platform: 'sae',
  isSuccess: (body) => codeText(body.Code) === '200' && body.Success !== false,
  errorCode: (body) => {
    const fromErrorCode = codeLike(body.ErrorCode);
    if (fromErrorCode) return fromErrorCode;
    const code = codeText(body.Code);
    if (code && code !== '200') return code;
    if (body.Success === false) return 'Success.False';
    return undefined;
  },
  kindOf: saeErrorKind,
  knownCode: (code) => Object.hasOwn(SAE_CODES, code),
};

/** An `ErrorCode` that names an error: not empty, not a success word, not a bare number. */
function codeLike(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value.trim();
  if (v === '' || SUCCESS_WORDS.has(v.toLowerCase()) || /^\d+$/.test(v)) return undefined;
  return v;
}

const SUCCESS_WORDS = new Set(['success', '空', 'null', 'ok']);

/**
 * SAE's own error codes (docs/reference/sae-edas.md §2.7, from the SAE API docs U1, U2, S8 and
 * terraform-provider-alicloud's retry lists):
 * - `Application.ChangerOrder.Not.Running` → `already_finished` (aborting an order that no
 *   longer runs)
 * - `InvalidChangeOrder.NotFound`, `InvalidAppId.NotFound`, `InvalidApplication.NotFound` → `not_found`
 * - `Resouce.no.permission` (sic) → `auth`
 * - `Application.ChangerOrderRunning`, `Application.InvalidStatus`, `InvalidResponse.Api` → `retryable`
 * - `System.Upgrading` → `api_unavailable`
 * - a bare HTTP number (`"400"`) or anything else → by HTTP status (5xx retryable, else permanent)
 * @param code the error code as read from the body
 * @param httpStatus the reply's HTTP status
 */
export function saeErrorKind(code: string, httpStatus: number): PlatformErrorKind {
  const known = SAE_CODES[code];
  if (known) return known;
  return statusErrorKind(httpStatus);
}

const SAE_CODES: Readonly<Record<string, PlatformErrorKind>> = {
  'Application.ChangerOrder.Not.Running': 'already_finished',
  'InvalidChangeOrder.NotFound': 'not_found',
  'InvalidAppId.NotFound': 'not_found',
  'InvalidApplication.NotFound': 'not_found',
  'Resouce.no.permission': 'auth',
  'Application.ChangerOrderRunning': 'retryable',
  'Application.InvalidStatus': 'retryable',
  'InvalidResponse.Api': 'retryable',
  'System.Upgrading': 'api_unavailable',
  'InvalidParameter.NotEmpty': 'permanent',
};
