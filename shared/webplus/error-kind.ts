import type { WebplusErrorKind } from './errors.js';

/**
 * Classifies a Web+ error by `Code` first and HTTP status second.
 * Sources: the Web+ error tables of each action and the common error table ("公共错误码",
 * https://github.com/AlibabaCloudDocs/webx/blob/master/cn.zh-CN/API参考/公共错误码.md), the API
 * metadata's errorCodes (https://github.com/dew-serverless/acs-sdk-php/blob/main/data/webplus/2019-03-20/api-docs.php)
 * and the API gateway's common codes (docs/reference/webplus-api.md). AbortChange answers
 * `ResourceAuthFailed` with HTTP 500: a status-first classifier would retry a permanent error.
 */
export function errorKind(code: string, httpStatus: number): WebplusErrorKind {
  if (code === 'ChangeOnAborting') return 'already_aborting';
  if (code === 'ChangeFinished') return 'already_finished';
  if (UNAVAILABLE.has(code)) return 'unavailable';
  if (NOT_FOUND.has(code)) return 'not_found';
  if (code === 'InvalidTimeStamp.Expired' || code === 'InvalidTimeStamp.Format') return 'clock';
  if (
    CREDENTIALS.has(code) ||
    IDENTITY.has(code) ||
    code.startsWith('Forbidden') ||
    code.startsWith('InvalidSecurityToken')
  ) {
    return 'credentials';
  }
  if (code.startsWith('Throttling') || RETRYABLE.has(code)) return 'retryable';
  if (httpStatus === 429 || httpStatus >= 500) return 'retryable';
  return 'permanent';
}

/**
 * Whether `code` is one of the Web+ or API-gateway error codes this module names (the tables
 * below and the `Throttling*`, `Forbidden*`, `InvalidSecurityToken*` families): a code the
 * classifier knows by name rather than by the HTTP status beside it. A 2xx AbortChange reply
 * whose `Code` is neither `"OK"` nor a known code (`"OK "`, `"ok"`, `"OK\u200b"`, an invented
 * code) is not read as a refusal: the abort may have landed, so it is ambiguous and the change is
 * re-read (shared/webplus/reply.ts; docs/reference/webplus-api.md, "AbortChange").
 * @param code the reply's code as text
 */
export function isKnownCode(code: string): boolean {
  return (
    code === 'ChangeOnAborting' ||
    code === 'ChangeFinished' ||
    code === 'InvalidTimeStamp.Expired' ||
    code === 'InvalidTimeStamp.Format' ||
    UNAVAILABLE.has(code) ||
    NOT_FOUND.has(code) ||
    CREDENTIALS.has(code) ||
    IDENTITY.has(code) ||
    RETRYABLE.has(code) ||
    code.startsWith('Forbidden') ||
    code.startsWith('InvalidSecurityToken') ||
    code.startsWith('Throttling')
  );
}

/**
 * "This API or product does not exist here": the API gateway's answer to an unknown API or
 * action (404 `InvalidApi.NotFound` / `InvalidAction.NotFound`, "Specified api is not found,
 * please check your url and method": https://github.com/aliyun/aliyun-openapi-python-sdk/issues/129,
 * https://github.com/aliyun/openapi-sdk-php-client/issues/230), an API version it does not serve
 * (`InvalidVersion`), a product it does not know (`InvalidProduct.NotFound`; the name is the
 * gateway's pattern, not seen for Web+), and Web+'s own "activate WebPlus first"
 * (400 `ServiceDisabled`, common error table).
 */
export const UNAVAILABLE = new Set([
  'InvalidApi.NotFound',
  'InvalidAction.NotFound',
  'InvalidVersion',
  'InvalidProduct.NotFound',
  'ServiceDisabled',
]);

/**
 * The 401 identity codes of the common error table: the account or the key type is refused.
 * `UserTypeInvalid` ("WebPlus has temporarily disabled the access method of the STS") matters
 * most: the function signs with its role's STS keys.
 */
export const IDENTITY = new Set([
  'UserInvalid',
  'UserTypeInvalid',
  'TenantInvalid',
  'AuthMissingUid',
]);

const NOT_FOUND = new Set([
  // 401 "the specified request object ID does not exist" (common error table)
  'AuthMissingEntityid',
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
]);

const RETRYABLE = new Set([
  'ServiceUnavailable',
  'InternalError',
  'ServiceTimeout',
  'SignatureNonceUsed',
  'RequestTimeout',
]);
