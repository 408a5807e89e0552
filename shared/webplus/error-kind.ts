import type { WebplusErrorKind } from './errors.js';

/**
 * Classifies a Web+ error by `Code` first and HTTP status second.
 * Source: Web+ API reference error tables and the Alibaba Cloud gateway's common codes
 * (docs/reference/webplus-api.md). AbortChange answers `ResourceAuthFailed` with HTTP 500:
 * a status-first classifier would retry a permanent error.
 */
export function errorKind(code: string, httpStatus: number): WebplusErrorKind {
  if (code === 'ChangeOnAborting') return 'already_aborting';
  if (code === 'ChangeFinished') return 'already_finished';
  if (NOT_FOUND.has(code)) return 'not_found';
  if (code === 'InvalidTimeStamp.Expired' || code === 'InvalidTimeStamp.Format') return 'clock';
  if (
    CREDENTIALS.has(code) ||
    code.startsWith('Forbidden') ||
    code.startsWith('InvalidSecurityToken')
  ) {
    return 'credentials';
  }
  if (code.startsWith('Throttling') || RETRYABLE.has(code)) return 'retryable';
  if (httpStatus === 429 || httpStatus >= 500) return 'retryable';
  return 'permanent';
}

const NOT_FOUND = new Set([
  'ResourceAuthFailed',
  'ChangeNotExists',
  'ChangeNotExist',
  'EnvNotExists',
  'EnvNotExist',
  'AppNotExist',
  'AppNotExists',
]);

const CREDENTIALS = new Set([
  'InvalidAccessKeyId.NotFound',
  'InvalidAccessKeyId.Inactive',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'MissingSecurityToken',
  'PermissionDenied',
  'AuthenticationFailed',
  'NoPermission',
  'ServiceDisabled',
]);

const RETRYABLE = new Set([
  'ServiceUnavailable',
  'InternalError',
  'ServiceTimeout',
  'SignatureNonceUsed',
  'RequestTimeout',
]);
