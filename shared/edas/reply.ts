import type { PlatformErrorKind } from '../platform/errors.js';
import { statusErrorKind } from '../platform/gateway-codes.js';
import { codeText } from '../platform/parse.js';
import type { EnvelopeRules } from '../platform/roa-reply.js';

/**
 * How EDAS replies are read. Source: docs/reference/sae-edas.md §3.3 and §4.
 * - Success: HTTP 2xx and `String(Code) === "200"` (`Code` is a number in every doc; a string
 *   is read too). There is no `Success` field.
 * - Business errors may come back in HTTP 200 with another `Code` (terraform-provider-alicloud
 *   checks `response.Code != 200` after SDK success; pop-core does not throw on them): any
 *   other `Code` is an error, whatever the status.
 */
export const EDAS_ENVELOPE: EnvelopeRules = {
  platform: 'edas',
  isSuccess: (body) => codeText(body.Code) === '200',
  errorCode: (body) => {
    const code = codeText(body.Code);
    return code && code !== '200' ? code : undefined;
  },
  kindOf: edasErrorKind,
  // EDAS publishes no error codes (§3.6): a non-200 `Code` in a 2xx abort reply is never read
  // as a named refusal; the order is re-read (`unconfirmed`).
  knownCode: () => false,
};

/**
 * EDAS publishes no per-action error codes (§3.6). A numeric `Code` of 500 or more is
 * `retryable`, as is an HTTP 5xx; every other code is `permanent` (the EDAS platform re-reads
 * the order after a refused abort to tell "already finished" apart, see ./platform.ts).
 * @param code the body's `Code` as text
 * @param httpStatus the reply's HTTP status
 */
export function edasErrorKind(code: string, httpStatus: number): PlatformErrorKind {
  if (/^\d+$/.test(code)) {
    const n = Number(code);
    if (n >= 500) return 'retryable';
    if (n === 429) return 'throttled';
  }
  return statusErrorKind(httpStatus);
}
