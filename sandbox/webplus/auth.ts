/**
 * Request authentication, as the Alibaba Cloud API gateway does it for ROA APIs
 * (docs/reference/webplus-api.md, "ROA signature" and "Errors in general").
 *
 * Checks, in this order (the first failure answers):
 * 1. `Authorization: acs <AK>:<sig>` present and well formed, else 400 IncompleteSignature
 * 2. the AK is one of the scenario's credentials, else 404 InvalidAccessKeyId.NotFound
 * 3. the signature matches, else 400 SignatureDoesNotMatch
 * 4. `content-md5`, when sent, is the base64 MD5 of the body, else 400 InvalidContentMD5
 * 5. `date` present and within 15 minutes of the real clock, else 400 InvalidTimeStamp.Expired
 * 6. `x-acs-version` is 2019-03-20, else 400 InvalidVersion
 * 7. a credential with a securityToken needs `x-acs-security-token` equal to it and
 *    `x-acs-accesskey-id` equal to the AK; a token sent for a credential without one is refused
 *    too; else 403 InvalidSecurityToken.Mismatch
 * 8. `x-acs-signature-nonce` present and not used in the last 15 minutes, else 400 SignatureNonceUsed
 *    (the nonce is only remembered when every other check passed)
 */
import { WebplusApiError } from './errors.js';
import type { NonceCache } from './nonce-cache.js';
import type { ScenarioCredential } from './scenario.js';
import {
  contentMd5,
  parseAuthorization,
  type SignedHeaders,
  sign,
  signaturesEqual,
  stringToSign,
} from './signature.js';

/** Web+ API version the sandbox serves. */
export const API_VERSION = '2019-03-20';
/** Allowed clock skew of the `date` header, ms. */
export const MAX_CLOCK_SKEW_MS = 15 * 60_000;

export interface AuthInput {
  method: string;
  /** path without query */
  path: string;
  headers: SignedHeaders;
  /** decoded query parameters */
  query: Readonly<Record<string, string>>;
  body: Buffer;
}

export interface AuthResult {
  accessKeyId: string | null;
  nonce: string | null;
  /** the signature matched the request (independent of date, nonce and token checks) */
  signatureValid: boolean;
  /** null when the request is authenticated */
  error: WebplusApiError | null;
}

function header(headers: SignedHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/**
 * Authenticate one request.
 * @param input the request as received
 * @param credentials accessKeyId → credential
 * @param nonces nonce memory (mutated when the request is accepted)
 * @param now epoch ms (the real clock in the server)
 * @param recordNonce false to check without remembering the nonce (unknown routes)
 * @param apiVersion the `x-acs-version` the product serves (the SAE and EDAS emulators pass
 *   theirs) @default API_VERSION (Web+ 2019-03-20)
 */
export function authenticate(
  input: AuthInput,
  credentials: ReadonlyMap<string, ScenarioCredential>,
  nonces: NonceCache,
  now: number,
  recordNonce = true,
  apiVersion: string = API_VERSION,
): AuthResult {
  const nonce = header(input.headers, 'x-acs-signature-nonce') ?? null;
  const parsed = parseAuthorization(header(input.headers, 'authorization'));
  const fail = (
    accessKeyId: string | null,
    signatureValid: boolean,
    status: number,
    code: string,
    message: string,
  ): AuthResult => ({
    accessKeyId,
    nonce,
    signatureValid,
    error: new WebplusApiError(status, code, message),
  });
  if (!parsed)
    return fail(
      null,
      false,
      400,
      'IncompleteSignature',
      'The request signature does not conform to Aliyun standards (Authorization: acs <AccessKeyId>:<Signature>).',
    );
  const { accessKeyId } = parsed;
  const credential = credentials.get(accessKeyId);
  if (!credential)
    return fail(
      accessKeyId,
      false,
      404,
      'InvalidAccessKeyId.NotFound',
      'Specified access key is not found.',
    );
  const expected = sign(
    credential.accessKeySecret,
    stringToSign(input.method, input.path, input.headers, input.query),
  );
  if (!signaturesEqual(expected, parsed.signature))
    return fail(
      accessKeyId,
      false,
      400,
      'SignatureDoesNotMatch',
      'Specified signature is not matched with our calculation.',
    );
  const md5 = header(input.headers, 'content-md5');
  if (md5 !== undefined && md5 !== contentMd5(input.body))
    return fail(
      accessKeyId,
      true,
      400,
      'InvalidContentMD5',
      'The content-md5 header does not match the request body.',
    );
  const date = header(input.headers, 'date');
  const dateMs = date === undefined ? Number.NaN : Date.parse(date);
  if (Number.isNaN(dateMs) || Math.abs(now - dateMs) > MAX_CLOCK_SKEW_MS)
    return fail(
      accessKeyId,
      true,
      400,
      'InvalidTimeStamp.Expired',
      'Specified time stamp or date value is expired (more than 15 minutes off, or missing).',
    );
  const version = header(input.headers, 'x-acs-version');
  if (version !== apiVersion)
    return fail(
      accessKeyId,
      true,
      400,
      'InvalidVersion',
      `Specified parameter Version is not valid: ${version ?? '(missing)'}; expected ${apiVersion}.`,
    );
  const token = header(input.headers, 'x-acs-security-token');
  const tokenOk = credential.securityToken
    ? token === credential.securityToken &&
      header(input.headers, 'x-acs-accesskey-id') === accessKeyId
    : token === undefined;
  if (!tokenOk)
    return fail(
      accessKeyId,
      true,
      403,
      'InvalidSecurityToken.Mismatch',
      'Specified SecurityToken does not match the AccessKeyId.',
    );
  if (!nonce)
    return fail(
      accessKeyId,
      true,
      400,
      'SignatureNonceUsed',
      'Specified signature nonce is missing (x-acs-signature-nonce).',
    );
  if (recordNonce && !nonces.use(nonce, now))
    return fail(
      accessKeyId,
      true,
      400,
      'SignatureNonceUsed',
      'Specified signature nonce was used already.',
    );
  return { accessKeyId, nonce, signatureValid: true, error: null };
}
