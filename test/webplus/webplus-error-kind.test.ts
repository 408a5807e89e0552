import { describe, expect, it } from 'vitest';
import { errorKind } from '#shared/webplus/error-kind.js';
import type { WebplusErrorKind } from '#shared/webplus/errors.js';

/** Code × HTTP status → kind. Code decides first; the status only when the code says nothing. */
const TABLE: [code: string, status: number, kind: WebplusErrorKind][] = [
  // AbortChange refusals (C08)
  ['ChangeOnAborting', 400, 'already_aborting'],
  ['ChangeFinished', 400, 'already_finished'],
  ['ChangeFinished', 200, 'already_finished'],
  // not found: 500 on AbortChange, 403 elsewhere, 404 for unknown ids (C06 c)
  ['ResourceAuthFailed', 500, 'not_found'],
  ['ResourceAuthFailed', 403, 'not_found'],
  ['ResourceAuthFailed', 400, 'not_found'],
  ['ChangeNotExists', 404, 'not_found'],
  ['EnvNotExists', 404, 'not_found'],
  ['AppNotExist', 404, 'not_found'],
  // clock (C10)
  ['InvalidTimeStamp.Expired', 400, 'clock'],
  // credentials and RAM (C06 b)
  ['Forbidden.RAM', 403, 'credentials'],
  ['Forbidden', 403, 'credentials'],
  ['PermissionDenied', 403, 'credentials'],
  ['AuthenticationFailed', 403, 'credentials'],
  ['SignatureDoesNotMatch', 400, 'credentials'],
  ['IncompleteSignature', 400, 'credentials'],
  ['InvalidAccessKeyId.NotFound', 404, 'credentials'],
  ['InvalidSecurityToken.Expired', 400, 'credentials'],
  ['InvalidSecurityToken.Mismatch', 403, 'credentials'],
  ['ServiceDisabled', 400, 'unavailable'],
  // throttling and server faults (C09)
  ['Throttling', 400, 'retryable'],
  ['Throttling.User', 400, 'retryable'],
  ['Throttling.Api', 400, 'retryable'],
  ['Throttling.User', 429, 'retryable'],
  ['ServiceUnavailable', 503, 'retryable'],
  ['ServiceUnavailable', 400, 'retryable'],
  ['InternalError', 500, 'retryable'],
  ['SignatureNonceUsed', 400, 'retryable'],
  ['RequestTimeout', 0, 'retryable'],
  ['BadGateway', 502, 'retryable'],
  ['HTTP502', 502, 'retryable'],
  ['HTTP504', 504, 'retryable'],
  ['HTTP429', 429, 'retryable'],
  ['SomethingNew', 500, 'retryable'],
  // everything else in 4xx is permanent (C06 a)
  ['10007', 400, 'permanent'],
  ['InvalidParameter', 400, 'permanent'],
  ['MissingParameter', 400, 'permanent'],
  ['EnvOnChanging', 400, 'permanent'],
  ['InvalidAction.NotFound', 404, 'unavailable'],
  ['InvalidApi.NotFound', 404, 'unavailable'],
  ['InvalidVersion', 400, 'unavailable'],
  // the 401 identity codes of the common error table
  ['UserTypeInvalid', 401, 'credentials'],
  ['UserInvalid', 401, 'credentials'],
  ['TenantInvalid', 401, 'credentials'],
  ['AuthMissingUid', 401, 'credentials'],
  ['AuthMissingEntityid', 401, 'not_found'],
  ['HTTP400', 400, 'permanent'],
  ['SomethingNew', 400, 'permanent'],
  ['SomethingNew', 200, 'permanent'],
];

describe('errorKind', () => {
  it.each(TABLE)('%s with HTTP %i is %s', (code, status, kind) => {
    // Arrange / Act
    const actual = errorKind(code, status);

    // Assert
    expect(actual).toBe(kind);
  });

  it('classifies by Code before status: a 500 is not always retryable, a 400 not always permanent', () => {
    // Arrange
    const codes = [
      'ResourceAuthFailed',
      'ChangeFinished',
      'Forbidden.RAM',
      'InvalidTimeStamp.Expired',
    ];

    // Act
    const at500 = codes.map((c) => errorKind(c, 500));
    const throttledAt400 = errorKind('Throttling.User', 400);

    // Assert
    expect(at500).toEqual(['not_found', 'already_finished', 'credentials', 'clock']);
    expect(throttledAt400).toBe('retryable');
  });
});
