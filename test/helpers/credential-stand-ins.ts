/**
 * Loopback stand-ins for the two credential services that @alicloud/credentials calls at fixed
 * addresses, for tests of the CLI's ECS RAM role and OIDC (RRSA) sources. Each one checks the
 * request the way the service documents it and journals what it saw; a child process reaches
 * them through test/helpers/route-to-loopback.cjs (`routeEnv`).
 *
 * - ECS instance metadata (IMDSv2), http://100.100.100.200: `PUT /latest/api/token` with
 *   `x-aliyun-ecs-metadata-token-ttl-seconds` returns a token; `GET
 *   /latest/meta-data/ram/security-credentials/<role>` with `x-aliyun-ecs-metadata-token`
 *   returns `{Code: "Success", AccessKeyId, AccessKeySecret, SecurityToken, Expiration,
 *   LastUpdated}`. Source: https://www.alibabacloud.com/help/en/ecs/user-guide/view-instance-metadata
 *   and the provider's code (node_modules/@alicloud/credentials/dist/src/providers/ecs_ram_role.js).
 * - STS AssumeRoleWithOIDC, https://sts.aliyuncs.com: POST, query `Action=AssumeRoleWithOIDC`,
 *   `Version=2015-04-01`, `Format=JSON`, `Timestamp`; form body `RoleArn`, `OIDCProviderArn`,
 *   `OIDCToken`, `RoleSessionName`, `DurationSeconds`; unsigned (the OIDC token is the proof).
 *   Answers `{RequestId, Credentials: {AccessKeyId, AccessKeySecret, SecurityToken,
 *   Expiration}}`. Source: https://www.alibabacloud.com/help/en/ram/developer-reference/api-sts-2015-04-01-assumerolewithoidc
 *   and oidc_role_arn.js beside the ECS provider.
 * The STS stand-in serves HTTPS with a certificate made for `sts.aliyuncs.com` by openssl at
 * start; the child trusts it through NODE_EXTRA_CA_CERTS, so TLS is verified as in the cloud.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Keys a stand-in hands out. */
export interface IssuedKeys {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken: string;
}

/** One request a stand-in saw. */
export interface SeenRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingMessage['headers'];
  form: Record<string, string>;
}

/** A running stand-in. */
export interface StandIn {
  /** `127.0.0.1:port` */
  address: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

async function readRequest(req: IncomingMessage): Promise<SeenRequest> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const url = new URL(req.url ?? '/', 'http://stand-in');
  const body = Buffer.concat(chunks).toString('utf8');
  return {
    method: req.method ?? '',
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: req.headers,
    form: Object.fromEntries(new URLSearchParams(body)),
  };
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function closer(server: Server): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
}

/**
 * The ECS instance metadata service for one RAM role. `options.refuse` makes the credentials
 * path answer 404 with `options.refuse` as its body (the SDK quotes it in its error).
 */
export async function startEcsMetadata(
  role: string,
  keys: IssuedKeys,
  options: { refuse?: string } = {},
): Promise<StandIn> {
  const seen: SeenRequest[] = [];
  const token = 'imds-token-0123456789abcdef';
  const server = createHttpServer(async (req, res) => {
    const r = await readRequest(req);
    seen.push(r);
    const send = (status: number, body: string) => {
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(body);
    };
    if (r.method === 'PUT' && r.path === '/latest/api/token') {
      const ttl = Number(r.headers['x-aliyun-ecs-metadata-token-ttl-seconds']);
      if (!(ttl >= 1 && ttl <= 21600)) return send(400, 'bad ttl');
      return send(200, token);
    }
    if (r.headers['x-aliyun-ecs-metadata-token'] !== token) return send(401, 'no token');
    if (r.method === 'GET' && r.path === '/latest/meta-data/ram/security-credentials/') {
      return send(200, role);
    }
    if (r.method === 'GET' && r.path === `/latest/meta-data/ram/security-credentials/${role}`) {
      if (options.refuse !== undefined) return send(404, options.refuse);
      res.writeHead(200, { 'content-type': 'text/plain' });
      return res.end(
        JSON.stringify({
          AccessKeyId: keys.accessKeyId,
          AccessKeySecret: keys.accessKeySecret,
          SecurityToken: keys.securityToken,
          Expiration: new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z'),
          LastUpdated: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
          Code: 'Success',
        }),
      );
    }
    return send(404, 'not found');
  });
  const address = await listen(server);
  return { address, seen, close: closer(server) };
}

/** A self-signed certificate for `host`, made by openssl; returns the PEM paths. */
export function makeCertificate(host: string): { cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), 'stand-in-cert-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${host}`,
      '-addext',
      `subjectAltName=DNS:${host}`,
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  return { cert, key };
}

/**
 * STS AssumeRoleWithOIDC over HTTPS for one role and OIDC provider, accepting one OIDC token.
 * `options.refuse` makes it answer 400 with that body (the SDK quotes it in its error).
 */
export async function startStsOidc(
  expected: { roleArn: string; providerArn: string; oidcToken: string },
  keys: IssuedKeys,
  tls: { cert: string; key: string },
  options: { refuse?: string } = {},
): Promise<StandIn> {
  const seen: SeenRequest[] = [];
  const server = createHttpsServer(
    { cert: readFileSync(tls.cert), key: readFileSync(tls.key) },
    async (req, res) => {
      const r = await readRequest(req);
      seen.push(r);
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(typeof body === 'string' ? body : JSON.stringify(body));
      };
      if (options.refuse !== undefined) return json(400, options.refuse);
      const q = r.query;
      const f = r.form;
      const problems = [
        r.method === 'POST' || 'method',
        q.Action === 'AssumeRoleWithOIDC' || 'Action',
        q.Version === '2015-04-01' || 'Version',
        q.Format === 'JSON' || 'Format',
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(q.Timestamp ?? '') || 'Timestamp',
        f.RoleArn === expected.roleArn || 'RoleArn',
        f.OIDCProviderArn === expected.providerArn || 'OIDCProviderArn',
        f.OIDCToken === expected.oidcToken || 'OIDCToken',
        (f.RoleSessionName ?? '').length > 0 || 'RoleSessionName',
        Number(f.DurationSeconds) >= 900 || 'DurationSeconds',
      ].filter((p) => p !== true);
      if (problems.length > 0) {
        return json(400, { Code: 'InvalidParameter', Message: `bad ${problems.join(', ')}` });
      }
      return json(200, {
        RequestId: 'sts-stand-in-request',
        Credentials: {
          AccessKeyId: keys.accessKeyId,
          AccessKeySecret: keys.accessKeySecret,
          SecurityToken: keys.securityToken,
          Expiration: new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z'),
        },
      });
    },
  );
  const address = await listen(server as unknown as Server);
  return { address, seen, close: closer(server as unknown as Server) };
}

/** The preload that routes the fixed cloud addresses to stand-ins (route-to-loopback.cjs). */
export const ROUTE_PRELOAD = join(process.cwd(), 'test', 'helpers', 'route-to-loopback.cjs');

/** Child environment entries that route `from` (`host:port`) to each stand-in's address. */
export function routeEnv(routes: Record<string, string>, caCert?: string): Record<string, string> {
  return {
    NODE_OPTIONS: `--require ${ROUTE_PRELOAD}`,
    TEST_ROUTE_MAP: JSON.stringify(routes),
    ...(caCert ? { NODE_EXTRA_CA_CERTS: caCert } : {}),
  };
}
