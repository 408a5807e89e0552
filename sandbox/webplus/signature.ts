/**
 * Alibaba Cloud ROA request signature (HMAC-SHA1), as `@alicloud/pop-core` 1.8.0 `ROAClient`
 * computes it (node_modules/@alicloud/pop-core/lib/roa.js) and as
 * docs/reference/webplus-api.md, "ROA signature" describes it:
 *
 * ```
 * StringToSign = METHOD \n accept \n content-md5 \n content-type \n date \n
 *                CanonicalizedHeaders CanonicalizedResource
 * Signature    = base64(HMAC-SHA1(accessKeySecret, utf8(StringToSign)))
 * ```
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Header map with lower-case names, as node:http delivers `req.headers`. */
export type SignedHeaders = Readonly<Record<string, string | string[] | undefined>>;

function headerValue(headers: SignedHeaders, name: string): string {
  const value = headers[name];
  if (value === undefined) return '';
  return Array.isArray(value) ? value.join(',') : value;
}

/**
 * Every `x-acs-*` header, lower-cased, sorted (JS default sort), each `name:value\n` with
 * tab/newline/CR/form-feed turned into spaces and the value trimmed.
 */
export function canonicalizedHeaders(headers: SignedHeaders): string {
  const normalized = new Map<string, string>();
  for (const name of Object.keys(headers)) {
    const lower = name.toLowerCase();
    if (lower.startsWith('x-acs-')) normalized.set(lower, headerValue(headers, name));
  }
  let out = '';
  for (const name of [...normalized.keys()].sort()) {
    const value = (normalized.get(name) ?? '').replace(/[\t\n\r\f]/g, ' ').trim();
    out += `${name}:${value}\n`;
  }
  return out;
}

/**
 * The path alone, or `path?k1=v1&k2=v2` with keys sorted (JS default sort) and values DECODED
 * (pop-core signs the query object it was given, not the encoded URL).
 * @param path the request path without the query, e.g. `/pop/v1/wam/change`
 * @param query decoded query parameters
 */
export function canonicalizedResource(
  path: string,
  query: Readonly<Record<string, string>>,
): string {
  const keys = Object.keys(query).sort();
  if (keys.length === 0) return path;
  return `${path}?${keys.map((k) => `${k}=${query[k]}`).join('&')}`;
}

/**
 * Build the ROA string to sign.
 * @param method HTTP method, upper case
 * @param path request path without query
 * @param headers lower-case header names; missing accept/content-md5/content-type/date give empty lines
 * @param query decoded query parameters
 */
export function stringToSign(
  method: string,
  path: string,
  headers: SignedHeaders,
  query: Readonly<Record<string, string>>,
): string {
  const h = (name: string) => headerValue(headers, name);
  return (
    `${method}\n${h('accept')}\n${h('content-md5')}\n${h('content-type')}\n${h('date')}\n` +
    canonicalizedHeaders(headers) +
    canonicalizedResource(path, query)
  );
}

/** base64(HMAC-SHA1(secret, utf8(stringToSign))). */
export function sign(secret: string, toSign: string): string {
  return createHmac('sha1', secret).update(toSign, 'utf8').digest('base64');
}

/** `acs <AccessKeyId>:<Signature>` for the given request parts. */
export function authorizationHeader(
  accessKeyId: string,
  secret: string,
  method: string,
  path: string,
  headers: SignedHeaders,
  query: Readonly<Record<string, string>>,
): string {
  return `acs ${accessKeyId}:${sign(secret, stringToSign(method, path, headers, query))}`;
}

/** base64 MD5 of a body, as the `content-md5` header carries it (empty body: `1B2M2Y8AsgTpgAmY7PhCfg==`). */
export function contentMd5(body: Buffer | string): string {
  return createHash('md5').update(body).digest('base64');
}

/** Parsed `Authorization: acs <AccessKeyId>:<Signature>`, or null when the header is malformed. */
export function parseAuthorization(
  header: string | undefined,
): { accessKeyId: string; signature: string } | null {
  if (!header) return null;
  const match = /^acs ([^:\s]+):(\S+)$/.exec(header.trim());
  if (!match?.[1] || !match[2]) return null;
  return { accessKeyId: match[1], signature: match[2] };
}

/** Constant-time comparison of two base64 signatures. */
export function signaturesEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
