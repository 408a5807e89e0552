/**
 * The CLI's two credential sources that fetch keys from a service at a fixed address, through
 * @alicloud/credentials' own request code, against loopback stand-ins that check each request
 * (test/helpers/credential-stand-ins.ts): the ECS RAM role (instance metadata, IMDSv2) and OIDC
 * (RRSA: STS AssumeRoleWithOIDC over verified TLS). The keys they hand out are STS keys the
 * sandbox accepts only with their security token, so a `doctor` row "reachable" proves the
 * fetched keys signed the Web+ call. No value of any key, token or OIDC token may be printed,
 * even when the service echoes it in an error.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loadScenarioFile,
  startWebplusSandbox,
  type WebplusSandbox,
} from '../../sandbox/webplus/index.js';
import { cliEnv, runCli } from '../helpers/cli-run.js';
import {
  type IssuedKeys,
  makeCertificate,
  routeEnv,
  type StandIn,
  startEcsMetadata,
  startStsOidc,
} from '../helpers/credential-stand-ins.js';

const ECS_KEYS: IssuedKeys = {
  accessKeyId: 'STS.ecs-role-key-id-0001',
  accessKeySecret: 'ecs-role-secret-7f3a9c2e41b8d6',
  securityToken: 'ecs-role-sts-token-CAIS9k2LmQ8xV3pR7tW1',
};
const OIDC_KEYS: IssuedKeys = {
  accessKeyId: 'STS.oidc-role-key-id-0002',
  accessKeySecret: 'oidc-role-secret-5d1e8b3f92a7c4',
  securityToken: 'oidc-role-sts-token-CAIS4hJ6nB2yT9sK5qW8',
};
const ROLE = 'webplus-abort-ops';
const ROLE_ARN = 'acs:ram::1234567890123456:role/webplus-abort-ops';
const PROVIDER_ARN = 'acs:ram::1234567890123456:oidc-provider/ack-rrsa-c0ffee';
const OIDC_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.oidc-token-body-a8f3k2m9q7w1.sig-z4x6c8v0b2n5';

let sandbox: WebplusSandbox;
const tmp = mkdtempSync(join(tmpdir(), 'cli-roles-'));
const tokenFile = join(tmp, 'oidc-token');
writeFileSync(tokenFile, OIDC_TOKEN);

beforeAll(async () => {
  const scenario = await loadScenarioFile('sandbox/scenarios/demo.json');
  scenario.credentials = [
    {
      accessKeyId: ECS_KEYS.accessKeyId,
      accessKeySecret: ECS_KEYS.accessKeySecret,
      securityToken: ECS_KEYS.securityToken,
    },
    {
      accessKeyId: OIDC_KEYS.accessKeyId,
      accessKeySecret: OIDC_KEYS.accessKeySecret,
      securityToken: OIDC_KEYS.securityToken,
    },
  ];
  sandbox = await startWebplusSandbox(scenario, { port: 0 });
});
afterAll(async () => {
  await sandbox.close();
});

interface Doc {
  verdict: string;
  checks: Array<{ check: string; subject?: string; status: string; detail: string }>;
}

/** Every value that must never appear in any output. */
const SECRETS = [
  ECS_KEYS.accessKeySecret,
  ECS_KEYS.securityToken,
  OIDC_KEYS.accessKeySecret,
  OIDC_KEYS.securityToken,
  OIDC_TOKEN,
  'oidc-token-body-a8f3k2m9q7w1',
];
function expectNoSecret(text: string): void {
  for (const secret of SECRETS) expect(text).not.toContain(secret);
}

function doctor(env: NodeJS.ProcessEnv) {
  return runCli(['doctor', '--region', 'cn-hangzhou', '--json'], env);
}

describe('ECS RAM role (ALIBABA_CLOUD_ECS_METADATA) against an instance-metadata stand-in', () => {
  let imds: StandIn;
  afterAll(async () => imds?.close());

  it('IMDSv2 token first, then the role credentials; the STS keys sign Web+; no value printed', async () => {
    imds = await startEcsMetadata(ROLE, ECS_KEYS);
    const before = sandbox.journal().length;
    const run = await doctor(
      cliEnv({
        WEBPLUS_ENDPOINT: sandbox.url,
        ALIBABA_CLOUD_ECS_METADATA: ROLE,
        ...routeEnv({ '100.100.100.200:80': imds.address }),
      }),
    );
    expectNoSecret(run.stdout + run.stderr);
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout) as Doc;
    const cred = doc.checks.find((c) => c.check === 'credentials')!;
    expect(cred.subject).toBe('ecs-ram-role');
    expect(cred.detail).toContain(`ECS RAM role "${ROLE}"`);
    expect(doc.checks.find((c) => c.check === 'webplus')!.status).toBe('ok');
    // The stand-in saw the IMDSv2 flow: a PUT for the token before every credentials GET.
    const flow = imds.seen.map((r) => `${r.method} ${r.path}`);
    expect(flow[0]).toBe('PUT /latest/api/token');
    expect(flow).toContain(`GET /latest/meta-data/ram/security-credentials/${ROLE}`);
    // The Web+ call was signed with the fetched keys and carried their token.
    const calls = sandbox.journal().slice(before);
    expect(calls.length).toBeGreaterThan(0);
    for (const c of calls) {
      expect(c.accessKeyId).toBe(ECS_KEYS.accessKeyId);
      expect(c.signatureValid).toBe(true);
    }
  });

  it('the metadata service refusing the role (IMDSv2 enforced): one failure naming the source and status', async () => {
    // 404 with the token; the SDK then retries without one (IMDSv1), which this service refuses.
    const refusing = await startEcsMetadata(ROLE, ECS_KEYS, { refuse: 'role not found' });
    try {
      const run = await doctor(
        cliEnv({
          WEBPLUS_ENDPOINT: sandbox.url,
          ALIBABA_CLOUD_ECS_METADATA: ROLE,
          ...routeEnv({ '100.100.100.200:80': refusing.address }),
        }),
      );
      expectNoSecret(run.stdout + run.stderr);
      expect(run.code).not.toBe(0);
      expect(run.stderr + run.stdout).not.toMatch(/\n\s+at /); // no stack trace
      const doc = JSON.parse(run.stdout) as Doc;
      const cred = doc.checks.find((c) => c.check === 'credentials')!;
      expect(cred.status).toBe('fail');
      expect(cred.detail).toContain(`ECS RAM role "${ROLE}"`);
      expect(cred.detail).toMatch(/get sts token failed, httpStatus: 40[14]/);
      expect(run.code).toBe(2);
    } finally {
      await refusing.close();
    }
  });
});

describe('OIDC / RRSA (ALIBABA_CLOUD_ROLE_ARN + OIDC provider + token file) against an STS stand-in over TLS', () => {
  const tls = makeCertificate('sts.aliyuncs.com');
  let sts: StandIn;
  afterAll(async () => sts?.close());
  const oidcEnv = (address: string) =>
    cliEnv({
      WEBPLUS_ENDPOINT: sandbox.url,
      ALIBABA_CLOUD_ROLE_ARN: ROLE_ARN,
      ALIBABA_CLOUD_OIDC_PROVIDER_ARN: PROVIDER_ARN,
      ALIBABA_CLOUD_OIDC_TOKEN_FILE: tokenFile,
      ...routeEnv({ 'sts.aliyuncs.com:443': address }, tls.cert),
    });

  it('one AssumeRoleWithOIDC with the token file; the STS keys sign Web+; no value printed', async () => {
    sts = await startStsOidc(
      { roleArn: ROLE_ARN, providerArn: PROVIDER_ARN, oidcToken: OIDC_TOKEN },
      OIDC_KEYS,
      tls,
    );
    const before = sandbox.journal().length;
    const run = await doctor(oidcEnv(sts.address));
    expectNoSecret(run.stdout + run.stderr);
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout) as Doc;
    const cred = doc.checks.find((c) => c.check === 'credentials')!;
    expect(cred.subject).toBe('oidc');
    expect(cred.detail).toContain('OIDC role');
    expect(doc.checks.find((c) => c.check === 'webplus')!.status).toBe('ok');
    expect(sts.seen.map((r) => r.query.Action)).toEqual(['AssumeRoleWithOIDC']);
    const calls = sandbox.journal().slice(before);
    expect(calls.length).toBeGreaterThan(0);
    for (const c of calls) {
      expect(c.accessKeyId).toBe(OIDC_KEYS.accessKeyId);
      expect(c.signatureValid).toBe(true);
    }
  });

  it('STS refusing and echoing the OIDC token: one clear failure, no value printed', async () => {
    const refusing = await startStsOidc(
      { roleArn: ROLE_ARN, providerArn: PROVIDER_ARN, oidcToken: OIDC_TOKEN },
      OIDC_KEYS,
      tls,
      {
        refuse: JSON.stringify({
          Code: 'AuthenticationFail.OIDCToken.Invalid',
          Message: `the token ${OIDC_TOKEN} is expired`,
        }),
      },
    );
    try {
      const run = await doctor(oidcEnv(refusing.address));
      expectNoSecret(run.stdout + run.stderr);
      expect(run.code).not.toBe(0);
      expect(run.stdout + run.stderr).toContain('AuthenticationFail.OIDCToken.Invalid');
      expect(run.stderr + run.stdout).not.toMatch(/\n\s+at /);
    } finally {
      await refusing.close();
    }
  });

  it('STS refusing in plain text quoting the OIDC token: the token is not printed', async () => {
    const refusing = await startStsOidc(
      { roleArn: ROLE_ARN, providerArn: PROVIDER_ARN, oidcToken: OIDC_TOKEN },
      OIDC_KEYS,
      tls,
      { refuse: `token ${OIDC_TOKEN} refused` },
    );
    try {
      const run = await doctor(oidcEnv(refusing.address));
      expectNoSecret(run.stdout + run.stderr);
      expect(run.code).toBe(2);
      expect(run.stdout).toContain('get sts token failed with OIDC');
    } finally {
      await refusing.close();
    }
  });

  it('an STS certificate not trusted: the keys are not fetched, no value printed', async () => {
    sts =
      sts ??
      (await startStsOidc(
        { roleArn: ROLE_ARN, providerArn: PROVIDER_ARN, oidcToken: OIDC_TOKEN },
        OIDC_KEYS,
        tls,
      ));
    const env = oidcEnv(sts.address);
    delete env.NODE_EXTRA_CA_CERTS;
    const seenBefore = sts.seen.length;
    const run = await doctor(env);
    expectNoSecret(run.stdout + run.stderr);
    expect(run.code).not.toBe(0);
    expect(sts.seen.length).toBe(seenBefore); // TLS refused before any request was read
  });
});

describe('a credentials URI (ALIBABA_CLOUD_CREDENTIALS_URI) whose error page quotes keys the CLI never learned', () => {
  const LEAKED = {
    secret: 'uri-leaked-secret-9Qm4Xz2Lk7Wv',
    token: 'CAIS-uri-leaked-token-3Rt8Bc4Hd6Jf',
  };
  it.each([
    ['403 text/html', 403, 'text/html', `<html>denied: token ${LEAKED.token}</html>`],
    ['500 text/plain', 500, 'text/plain', `internal error for secret ${LEAKED.secret}`],
    ['200 not JSON', 200, 'text/plain', `AccessKeySecret=${LEAKED.secret}`],
  ])('%s: one failure line naming the source, no body text', async (_name, status, type, body) => {
    const server = createServer((_req, res) => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const run = await doctor(
        cliEnv({
          WEBPLUS_ENDPOINT: sandbox.url,
          ALIBABA_CLOUD_CREDENTIALS_URI: `http://127.0.0.1:${port}/creds`,
        }),
      );
      const out = run.stdout + run.stderr;
      expect(out).not.toContain(LEAKED.secret);
      expect(out).not.toContain(LEAKED.token);
      expect(out).not.toContain('denied');
      expect(run.code).toBe(2);
      const doc = JSON.parse(run.stdout) as Doc;
      const cred = doc.checks.find((c) => c.check === 'credentials')!;
      expect(cred.status).toBe('fail');
      expect(cred.detail).toContain('content not shown');
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
