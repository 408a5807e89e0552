/**
 * The SLS request signature, version 1 (`LOG <AccessKeyId>:<signature>`).
 * Source: Log Service API reference, "Request signatures"; matches @alicloud/log 1.2.6 `_sign`
 * (HMAC-SHA1) and @alicloud/gateway-sls 0.3.2 `getSignature` (HMAC-SHA256, announced by
 * `x-log-signaturemethod: hmac-sha256`).
 *
 * signature = base64(HMAC-SHA1(secret, VERB\nCONTENT-MD5\nCONTENT-TYPE\nDATE\n
 *             + sorted `x-log-*`/`x-acs-*` headers as `name:value\n` + path [+ ?sorted `k=v`&...]))
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** What the signature covers. Header names lower-case; query values decoded. */
export interface SignedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
}

/** The string that is signed. */
export function stringToSign(request: SignedRequest): string {
  const header = (name: string): string => {
    const value = request.headers[name];
    return Array.isArray(value) ? value.join(',') : (value ?? '');
  };
  const canonicalHeaders = Object.keys(request.headers)
    .filter((name) => name.startsWith('x-log-') || name.startsWith('x-acs-'))
    .sort()
    .map((name) => `${name}:${header(name).trim()}\n`)
    .join('');
  const pairs = Object.entries(request.query)
    .map(([key, value]) => `${key}=${value}`)
    .sort();
  const resource = pairs.length > 0 ? `${request.path}?${pairs.join('&')}` : request.path;
  return (
    `${request.method}\n${header('content-md5')}\n${header('content-type')}\n` +
    `${header('date')}\n${canonicalHeaders}${resource}`
  );
}

/**
 * The HMAC of the `x-log-signaturemethod` header: `hmac-sha1` (@alicloud/log) or `hmac-sha256`
 * (@alicloud/sls20201230 through @alicloud/gateway-sls 0.3, `getSignature`); null for others.
 */
export function signatureAlgorithm(method: string | undefined): 'sha1' | 'sha256' | null {
  const name = (method ?? 'hmac-sha1').trim().toLowerCase();
  if (name === 'hmac-sha1') return 'sha1';
  if (name === 'hmac-sha256') return 'sha256';
  return null;
}

/** base64 HMAC signature (SHA-1 by default, or SHA-256) of the request with `secret`. */
export function signRequest(
  request: SignedRequest,
  secret: string,
  algorithm: 'sha1' | 'sha256' = 'sha1',
): string {
  return createHmac(algorithm, secret).update(stringToSign(request)).digest('base64');
}

/** Constant-time check of a presented signature against the expected one. */
export function signatureMatches(
  request: SignedRequest,
  secret: string,
  presented: string,
  algorithm: 'sha1' | 'sha256' = 'sha1',
): boolean {
  const expected = Buffer.from(signRequest(request, secret, algorithm));
  const actual = Buffer.from(presented);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** `content-md5` as SLS wants it: upper-case hex MD5 of the body. */
export function contentMd5(body: Uint8Array): string {
  return createHash('md5').update(body).digest('hex').toUpperCase();
}

/** Splits `LOG <AccessKeyId>:<signature>`; null when the header has another shape. */
export function parseAuthorization(
  value: string | undefined,
): { accessKeyId: string; signature: string } | null {
  const match = /^LOG ([^:\s]+):(\S+)$/.exec(value?.trim() ?? '');
  if (!match) return null;
  return { accessKeyId: match[1]!, signature: match[2]! };
}
