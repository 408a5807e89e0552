/**
 * A minimal signed Web+ request over node:http, with every header under the caller's control.
 * It builds the same headers `@alicloud/pop-core` 1.8.0 ROAClient sends (accept, date,
 * content-md5, x-acs-signature-nonce/-method/-version, x-acs-version, and with a token
 * x-acs-accesskey-id / x-acs-security-token), applies overrides, then signs. Tests and
 * benchmarks use it to craft requests the real client never sends (stale dates, reused nonces,
 * bad signatures). Answers are returned raw: nothing throws on an HTTP error status.
 */
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { authorizationHeader, contentMd5 } from './signature.js';

export interface RawRequestSpec {
  method: string;
  /** path without query, e.g. `/pop/v1/wam/change` */
  path: string;
  /** decoded query parameters (encoded on the wire, signed decoded) */
  query?: Record<string, string>;
  body?: string;
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
  /** secret used for the signature (default accessKeySecret): give a wrong one to break it */
  signWith?: string;
  /** header overrides applied before signing; undefined removes a header */
  headers?: Record<string, string | undefined>;
  /** skip the Authorization header entirely */
  unsigned?: boolean;
  /** request timeout, ms (default 10 000) */
  timeoutMs?: number;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** parsed body when it is JSON, else undefined */
  json: Record<string, unknown> | undefined;
}

/** Headers as pop-core would send them for `spec`, overrides applied, signed (lower-case names). */
export function buildSignedHeaders(spec: RawRequestSpec): Record<string, string> {
  const body = spec.body ?? '';
  const headers: Record<string, string> = {
    accept: 'application/json',
    date: new Date().toUTCString(),
    'content-md5': contentMd5(body),
    'x-acs-signature-nonce': randomBytes(16).toString('hex'),
    'x-acs-signature-method': 'HMAC-SHA1',
    'x-acs-signature-version': '1.0',
    'x-acs-version': '2019-03-20',
  };
  if (spec.method.toUpperCase() === 'POST' && body !== '')
    headers['content-type'] = 'application/x-www-form-urlencoded';
  if (spec.securityToken) {
    headers['x-acs-accesskey-id'] = spec.accessKeyId;
    headers['x-acs-security-token'] = spec.securityToken;
  }
  for (const [name, value] of Object.entries(spec.headers ?? {})) {
    if (value === undefined) delete headers[name.toLowerCase()];
    else headers[name.toLowerCase()] = value;
  }
  if (!spec.unsigned && headers['authorization'] === undefined) {
    headers['authorization'] = authorizationHeader(
      spec.accessKeyId,
      spec.signWith ?? spec.accessKeySecret,
      spec.method.toUpperCase(),
      spec.path,
      headers,
      spec.query ?? {},
    );
  }
  return headers;
}

/**
 * Send one signed request to the sandbox (or any ROA endpoint) on a fresh connection.
 * @param baseUrl e.g. `http://127.0.0.1:9100` (no trailing slash)
 * @param spec the request
 * @param headers pre-built headers (from buildSignedHeaders) to send as they are, e.g. to replay
 * @throws the socket error (e.g. code ECONNRESET when the server resets the connection)
 */
export function sendRawRequest(
  baseUrl: string,
  spec: RawRequestSpec,
  headers: Record<string, string> = buildSignedHeaders(spec),
): Promise<RawResponse> {
  const search = new URLSearchParams(spec.query ?? {}).toString();
  const url = new URL(`${baseUrl}${spec.path}${search ? `?${search}` : ''}`);
  const body = spec.body ?? '';
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: spec.method.toUpperCase(),
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        agent: false,
        timeout: spec.timeoutMs ?? 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: Record<string, unknown> | undefined;
          if (String(res.headers['content-type'] ?? '').startsWith('application/json')) {
            try {
              json = JSON.parse(text) as Record<string, unknown>;
            } catch {
              json = undefined;
            }
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, json });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('raw request timed out')));
    req.on('error', reject);
    req.end(body);
  });
}
