/**
 * Red-team 12 F9 and the secrets union, through the built CLI as a child process against a
 * loopback stand-in of FC's InvokeFunction:
 * - a reply that is not the function's JSON answer (an HTML 502 from a gateway, a `200
 *   text/plain` from a proxy) is exit 4 with one line naming its status, content type and first
 *   bytes, never a stack trace (before: exit 3 with the SDK's SyntaxError stack, and exit 0);
 * - no HTTP answer at all is exit 1 with one line;
 * - every secret source the CLI knows (environment AccessKey secret, STS token, a profile of
 *   ~/.aliyun/config.json, the INI credentials file, the OIDC token file, HTTP tokens, the
 *   notification webhook token and signing secret the policy names) is redacted from what a
 *   failing command prints (before: only the signing keys and HTTP tokens were).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cliEnv, runCli } from '../helpers/cli-run.js';
import { reveal } from '../helpers/reveal.js';

let server: Server;
let endpoint: string;
let reply: { status: number; headers: Record<string, string>; body: string };

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(reply.status, reply.headers);
      res.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  reply = { status: 200, headers: { 'content-type': 'application/json' }, body: '{"results":[]}' };
});

const SECRETS = {
  envSecret: 'EnvSecretQ7xKp2Lm9Vt4Rw8Zs1Nd6',
  stsToken: 'CAISstsTokenK3Vq8Tz1Wm6Rp4Xs9Ly2Nb7Hd5+/Ab==',
  profileSecret: 'ProfileSecretH4gT7kW2pX9mL3vQ8',
  iniSecret: 'IniSecretB6nR1tY5uJ8oP0aS3dF7',
  oidcToken: 'eyJhbGciOiJSUzI1NiJ9.OidcTokenZ8xC4vB7nM2qW5eR9',
  httpToken: 'HttpTokenJ2kL5mN8pQ1rS4tU7vW0',
  webhookToken: 'WebhookToken0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d',
  signingSecret: 'SECsigning9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1',
};

/** An environment and HOME holding every secret source. */
function secretWorld(): NodeJS.ProcessEnv {
  const env = cliEnv();
  const home = env.HOME!;
  mkdirSync(join(home, '.aliyun'), { recursive: true });
  writeFileSync(
    join(home, '.aliyun', 'config.json'),
    JSON.stringify({
      current: 'other',
      profiles: [
        {
          name: 'other',
          mode: 'AK',
          access_key_id: 'LTAIother',
          access_key_secret: SECRETS.profileSecret,
        },
      ],
    }),
  );
  mkdirSync(join(home, '.alibabacloud'), { recursive: true });
  writeFileSync(
    join(home, '.alibabacloud', 'credentials'),
    `[default]\ntype = access_key\naccess_key_id = LTAIini\naccess_key_secret = ${SECRETS.iniSecret}\n`,
  );
  writeFileSync(join(home, 'oidc-token'), SECRETS.oidcToken);
  return {
    ...env,
    ALIBABA_CLOUD_ACCESS_KEY_ID: 'STS.envKeyId0001',
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: SECRETS.envSecret,
    ALIBABA_CLOUD_SECURITY_TOKEN: SECRETS.stsToken,
    ALIBABA_CLOUD_OIDC_TOKEN_FILE: join(home, 'oidc-token'),
    ALIBABA_CLOUD_ACCOUNT_ID: '1234567890123456',
    FC_ENDPOINT: endpoint,
    HTTP_AUTH_TOKENS: SECRETS.httpToken,
    DINGTALK_URL: `https://oapi.dingtalk.com/robot/send?access_token=${SECRETS.webhookToken}`,
    DINGTALK_SIGN: SECRETS.signingSecret,
    POLICY: JSON.stringify({
      defaults: { mode: 'dry-run' },
      notify: {
        targets: [{ kind: 'dingtalk', urlEnv: 'DINGTALK_URL', secretEnv: 'DINGTALK_SIGN' }],
      },
    }),
  };
}

const invoke = (env: NodeJS.ProcessEnv, file: string) =>
  runCli(['invoke', '--remote', '--function', 'abort-stuck-changes', '--event', file], env);

function eventFile(env: NodeJS.ProcessEnv): string {
  const file = join(env.HOME!, 'event.json');
  writeFileSync(file, '{"triggerName":"sweep","triggerTime":"2026-05-20T02:00:00Z","payload":""}');
  return file;
}

function expectOneLineNoStack(stderr: string): string[] {
  const lines = stderr
    .trimEnd()
    .split('\n')
    .filter((l) => !l.startsWith('webplus-abort: building'));
  for (const l of lines) expect(l, stderr).not.toMatch(/^\s+at |SyntaxError|unexpected error/);
  return lines;
}

describe('red-team 12 F9: invoke --remote, a reply that is not the function answer', () => {
  it('an HTML 502 from a gateway: exit 4, one line with status, content-type and first bytes', async () => {
    reply = {
      status: 502,
      headers: { 'content-type': 'text/html', 'x-fc-request-id': 'req-502' },
      body: '<html><body><h1>502 Bad Gateway</h1></body></html>',
    };
    const env = secretWorld();
    const run = await invoke(env, eventFile(env));
    expect(run.code).toBe(4);
    const lines = expectOneLineNoStack(run.stderr);
    expect(lines.at(-1)).toBe(
      'webplus-abort: invoke --remote: the reply is not the function\'s JSON answer: HTTP 502, content-type text/html, x-fc-request-id req-502, first bytes "<html><body><h1>502 Bad Gateway</h1></body></html>"',
    );
    expect(JSON.parse(run.stdout)).toEqual({
      error: 'reply-not-the-answer',
      status: 502,
      contentType: 'text/html',
      requestId: 'req-502',
    });
  });

  it('a 200 text/plain from a proxy is not a success: exit 4', async () => {
    reply = { status: 200, headers: { 'content-type': 'text/plain' }, body: 'OK from the proxy' };
    const env = secretWorld();
    const run = await invoke(env, eventFile(env));
    expect(run.code).toBe(4);
    expect(expectOneLineNoStack(run.stderr).at(-1)).toBe(
      'webplus-abort: invoke --remote: the reply is not the function\'s JSON answer: HTTP 200, content-type text/plain, first bytes "OK from the proxy"',
    );
  });

  it("the function's JSON answer is still exit 0, printed as it came", async () => {
    const env = secretWorld();
    const run = await invoke(env, eventFile(env));
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ results: [] });
  });

  it('no HTTP answer (connection refused): exit 1, one line, no stack', async () => {
    const env = { ...secretWorld(), FC_ENDPOINT: 'http://127.0.0.1:1' };
    const run = await invoke(env, eventFile(env));
    expect(run.code).toBe(1);
    expect(expectOneLineNoStack(run.stderr).at(-1)).toMatch(
      /^webplus-abort: invoke --remote: no HTTP answer from 127\.0\.0\.1:1: /,
    );
  });
});

describe('red-team 12: the CLI redacts the union of every secret source', () => {
  it('an FC error echoing every secret (JSON 403) and an HTML 502 starting with each: none printed', async () => {
    const env = secretWorld();
    const file = eventFile(env);
    const all = Object.values(SECRETS);
    reply = {
      status: 403,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        Code: 'AccessDenied',
        Message: `denied: ${all.join(' | ')}`,
        RequestId: 'req-403',
      }),
    };
    const runs = [await invoke(env, file)];
    expect(runs[0]!.code).toBe(1);
    expect(runs[0]!.stdout).toContain('AccessDenied');
    for (const secret of all) {
      reply = {
        status: 502,
        headers: { 'content-type': 'text/html' },
        body: `${secret} <html>bad gateway</html>`,
      };
      runs.push(await invoke(env, file));
    }
    for (const [i, run] of runs.entries()) {
      const printed = `${run.stdout}\n${run.stderr}`;
      if (i > 0) expect(run.code).toBe(4);
      for (const [source, secret] of Object.entries(SECRETS)) {
        expect(printed.includes(secret), `${source} in run ${i}: ${printed}`).toBe(false);
        expect(reveal(printed).includes(secret.toLowerCase()), `${source} in run ${i}`).toBe(false);
      }
    }
  });
});
