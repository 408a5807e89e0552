import type { PlatformErrorKind } from './errors.js';

/**
 * The Alibaba Cloud API gateway's own error codes, common to every ROA product (Web+, SAE,
 * EDAS), mapped to error kinds. Sources: docs/reference/webplus-api.md "Errors in general";
 * docs/reference/sae-edas.md §2.7 (`Throttling.User`), §3.6 ("expect the POP gateway's common
 * errors: signature, `Throttling.*`, `InvalidAccessKeyId.*`").
 * @returns the kind, or undefined when `code` is not a gateway code (the product decides)
 */
export function gatewayErrorKind(code: string): PlatformErrorKind | undefined {
  if (code.startsWith('Throttling')) return 'throttled';
  if (
    AUTH.has(code) ||
    code.startsWith('InvalidAccessKeyId') ||
    code.startsWith('InvalidSecurityToken') ||
    code.startsWith('Forbidden') ||
    code.startsWith('InvalidTimeStamp')
  )
    return 'auth';
  if (UNAVAILABLE.has(code)) return 'api_unavailable';
  if (RETRYABLE.has(code)) return 'retryable';
  return undefined;
}

/**
 * The kind of an error known only by its HTTP status (no readable code): 429 throttled, 5xx
 * retryable, any other status permanent.
 */
export function statusErrorKind(httpStatus: number): PlatformErrorKind {
  if (httpStatus === 429) return 'throttled';
  if (httpStatus >= 500 || httpStatus === 0) return 'retryable';
  return 'permanent';
}

const AUTH = new Set([
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'MissingSecurityToken',
  'PermissionDenied',
  'AuthenticationFailed',
  'NoPermission',
  'InvalidContentMD5',
]);

const UNAVAILABLE = new Set([
  'InvalidAction.NotFound',
  'InvalidAction',
  'InvalidVersion',
  'ServiceDisabled',
  'InvalidApi.NotFound',
]);

const RETRYABLE = new Set([
  'ServiceUnavailable',
  'InternalError',
  'ServiceTimeout',
  'SignatureNonceUsed',
  'RequestTimeout',
]);
