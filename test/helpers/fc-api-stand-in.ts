/**
 * A loopback stand-in of the Function Compute InvokeFunction API, both generations, checking
 * each request's signature the way FC documents it (written from the docs, not from the SDKs):
 *
 * - FC 3.0 (`POST /2023-03-30/functions/<fn>/invocations`): `ACS3-HMAC-SHA256`, "V3 request
 *   structure and signature", https://www.alibabacloud.com/help/en/sdk/product-overview/v3-request-structure-and-signature
 *   and FC's "Signature mechanism", https://help.aliyun.com/en/functioncompute/fc/developer-reference/signature-mechanism
 * - FC 2.0 (`POST /2016-08-15/services/<svc>/functions/<fn>/invocations`): `FC <ak>:<signature>`,
 *   https://www.alibabacloud.com/help/en/functioncompute/fc-2-0/developer-reference/signature-authentication
 *
 * A request with a wrong signature gets 403 `SignatureNotMatch`, an unknown function 404
 * `FunctionNotFound`; otherwise the configured reply. Every request is recorded with its verdict.
 */
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StandInKey {
  accessKeyId: string;
  accessKeySecret: string;
}

export interface SeenRequest {
  api: 'fc3' | 'fc2' | 'unknown';
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
  /** `true` when the signature checked out with a known key. */
  signatureValid: boolean;
  /** Why the signature was refused. */
  refused?: string;
  service?: string;
  functionName?: string;
  qualifier?: string;
}

export interface StandInReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface FcApiStandIn {
  url: string;
  seen: SeenRequest[];
  /** The reply to valid requests for known functions (mutable between tests). */
  reply: StandInReply;
  close(): Promise<void>;
}

/** RFC 3986 encoding as the V3 signature document prescribes (space %20, `*` %2A, `~` kept). */
function rfc3986(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

const sha256Hex = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** Checks an ACS3-HMAC-SHA256 request; returns the refusal reason or undefined. */
export function verifyAcs3(
  req: { method: string; url: string; headers: IncomingMessage['headers']; body: Buffer },
  keys: readonly StandInKey[],
): string | undefined {
  const auth = String(req.headers.authorization ?? '');
  const m =
    /^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]{64})$/.exec(
      auth,
    );
  if (!m) return `malformed Authorization ${JSON.stringify(auth.slice(0, 40))}`;
  const key = keys.find((k) => k.accessKeyId === m[1]);
  if (!key) return `unknown AccessKey id ${m[1]}`;
  const signed = m[2]!.split(';');
  for (const required of ['host', 'x-acs-date', 'x-acs-content-sha256', 'x-acs-signature-nonce']) {
    if (!signed.includes(required)) return `${required} is not signed`;
  }
  const payloadHash = sha256Hex(req.body);
  if (req.headers['x-acs-content-sha256'] !== payloadHash) return 'x-acs-content-sha256 mismatch';
  const date = Date.parse(String(req.headers['x-acs-date'] ?? ''));
  if (Number.isNaN(date) || Math.abs(Date.now() - date) > 15 * 60_000) return 'x-acs-date off';
  const url = new URL(req.url, 'http://stand-in');
  const query = [...url.searchParams]
    .map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalHeaders = signed
    .map((name) => `${name}:${String(req.headers[name] ?? '').trim()}\n`)
    .join('');
  const canonicalRequest = [
    req.method,
    url.pathname,
    query,
    canonicalHeaders,
    signed.join(';'),
    payloadHash,
  ].join('\n');
  const stringToSign = `ACS3-HMAC-SHA256\n${sha256Hex(canonicalRequest)}`;
  const expected = createHmac('sha256', key.accessKeySecret).update(stringToSign).digest('hex');
  return expected === m[3] ? undefined : 'signature mismatch';
}

/** Checks an FC 2.0 `FC <ak>:<signature>` request; returns the refusal reason or undefined. */
export function verifyFc2(
  req: { method: string; url: string; headers: IncomingMessage['headers'] },
  keys: readonly StandInKey[],
): string | undefined {
  const auth = String(req.headers.authorization ?? '');
  const m = /^FC ([^:]+):(.+)$/.exec(auth);
  if (!m) return `malformed Authorization ${JSON.stringify(auth.slice(0, 40))}`;
  const key = keys.find((k) => k.accessKeyId === m[1]);
  if (!key) return `unknown AccessKey id ${m[1]}`;
  const date = String(req.headers.date ?? '');
  if (date === '' || Math.abs(Date.now() - Date.parse(date)) > 15 * 60_000) {
    return 'Date missing or more than 15 minutes off';
  }
  const fcHeaders = Object.keys(req.headers)
    .filter((name) => name.toLowerCase().startsWith('x-fc-'))
    .map((name) => name.toLowerCase())
    .sort()
    .map((name) => `${name}:${String(req.headers[name])}\n`)
    .join('');
  const path = new URL(req.url, 'http://stand-in').pathname;
  const stringToSign = [
    req.method,
    String(req.headers['content-md5'] ?? ''),
    String(req.headers['content-type'] ?? ''),
    date,
    `${fcHeaders}${decodeURIComponent(path)}`,
  ].join('\n');
  const expected = createHmac('sha256', key.accessKeySecret).update(stringToSign).digest('base64');
  return expected === m[2] ? undefined : 'signature mismatch';
}

const FC3_PATH = /^\/2023-03-30\/functions\/([^/]+)\/invocations$/;
const FC2_PATH = /^\/2016-08-15\/services\/([^/]+)\/functions\/([^/]+)\/invocations$/;

/**
 * Starts the stand-in on 127.0.0.1 (ephemeral port).
 * @param options.keys accepted keys; `functions`: names of deployed functions (FC 3.0 `fn`,
 *   FC 2.0 `service/fn`).
 */
export async function startFcApiStandIn(options: {
  keys: readonly StandInKey[];
  functions: readonly string[];
}): Promise<FcApiStandIn> {
  const standIn: FcApiStandIn = {
    url: '',
    seen: [],
    reply: { status: 200, headers: { 'content-type': 'application/json' }, body: '{}' },
    close: async () => {},
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const base = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body,
      };
      const path = new URL(base.url, 'http://stand-in').pathname;
      const fc3 = FC3_PATH.exec(path);
      const fc2 = FC2_PATH.exec(path);
      let seen: SeenRequest;
      if (fc3) {
        const refused = verifyAcs3(base, options.keys);
        seen = {
          ...base,
          api: 'fc3',
          functionName: decodeURIComponent(fc3[1]!),
          signatureValid: refused === undefined,
          ...(refused ? { refused } : {}),
        };
        const q = new URL(base.url, 'http://stand-in').searchParams.get('qualifier');
        if (q) seen.qualifier = q;
      } else if (fc2) {
        const refused = verifyFc2(base, options.keys);
        const [service, qualifier] = decodeURIComponent(fc2[1]!).split('.');
        seen = {
          ...base,
          api: 'fc2',
          service,
          functionName: decodeURIComponent(fc2[2]!),
          signatureValid: refused === undefined,
          ...(refused ? { refused } : {}),
          ...(qualifier ? { qualifier } : {}),
        };
      } else {
        seen = { ...base, api: 'unknown', signatureValid: false, refused: 'unknown path' };
      }
      standIn.seen.push(seen);
      const requestId = `stand-in-${standIn.seen.length}`;
      const error = (status: number, code: string, message: string) => {
        res.writeHead(status, { 'content-type': 'application/json', 'x-fc-request-id': requestId });
        res.end(JSON.stringify({ ErrorCode: code, ErrorMessage: message, RequestId: requestId }));
      };
      if (seen.api === 'unknown') return error(404, 'PathNotFound', `no route ${path}`);
      if (!seen.signatureValid) {
        return error(403, 'SignatureNotMatch', `the signature does not match (${seen.refused})`);
      }
      const name = seen.api === 'fc2' ? `${seen.service}/${seen.functionName}` : seen.functionName;
      if (!options.functions.includes(name!)) {
        return error(404, 'FunctionNotFound', `function ${name} does not exist`);
      }
      const async = String(req.headers['x-fc-invocation-type'] ?? '') === 'Async';
      if (async) {
        res.writeHead(202, { 'x-fc-request-id': requestId });
        return res.end();
      }
      res.writeHead(standIn.reply.status, {
        'x-fc-request-id': requestId,
        ...standIn.reply.headers,
      });
      res.end(standIn.reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  standIn.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  standIn.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return standIn;
}
