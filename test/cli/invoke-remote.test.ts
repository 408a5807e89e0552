import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { invokeRemote, invokeRemoteCommand } from '../../cli/commands/invoke-remote.js';
import { reveal } from '../helpers/reveal.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

const AK = 'test-ak';
const credentials = { accessKeyId: AK, accessKeySecret: 'test-secret' };

/** A loopback stand-in of the FC 3.0 InvokeFunction API that records what it received. */
describe('invokeRemote against a loopback FC 3.0 InvokeFunction stand-in', () => {
  let server: Server;
  let endpoint: string;
  let seen: Seen[] = [];
  let reply: { status: number; headers: Record<string, string>; body: string };

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks),
        });
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
    seen = [];
    reply = {
      status: 200,
      headers: { 'content-type': 'application/json', 'x-fc-request-id': 'req-1' },
      body: '{"results":[]}',
    };
  });

  const base = {
    functionName: 'abort-stuck-changes',
    region: 'cn-hangzhou',
    accountId: '1234567890123456',
    credentials,
  };

  it('sends a signed synchronous POST to /2023-03-30/functions/<fn>/invocations with the exact bytes', async () => {
    // Arrange
    const event = Buffer.from(
      '{"triggerName":"sweep","triggerTime":"2026-05-20T02:00:00Z","payload":"ü"}',
    );
    // Act
    const result = await invokeRemote({ ...base, event, async: false, endpoint });
    // Assert
    expect(seen).toHaveLength(1);
    const request = seen[0]!;
    expect(request.method).toBe('POST');
    expect(new URL(request.url, endpoint).pathname).toBe(
      '/2023-03-30/functions/abort-stuck-changes/invocations',
    );
    expect(String(request.headers.authorization)).toMatch(
      new RegExp(`^ACS3-HMAC-SHA256 Credential=${AK},SignedHeaders=[^,]+,Signature=[0-9a-f]{64}$`),
    );
    expect(request.headers['x-fc-invocation-type']).toBe('Sync');
    expect(request.body.equals(event)).toBe(true);
    expect(result).toEqual({
      status: 200,
      body: '{"results":[]}',
      requestId: 'req-1',
      contentType: 'application/json',
    });
  });

  it('asks for an asynchronous invocation with x-fc-invocation-type: Async and passes the qualifier', async () => {
    // Arrange
    reply = { status: 202, headers: { 'x-fc-request-id': 'req-2' }, body: '' };
    const event = Buffer.from([0, 1, 2, 255, 254]);
    // Act
    const result = await invokeRemote({ ...base, event, async: true, endpoint, qualifier: 'prod' });
    // Assert
    const request = seen[0]!;
    expect(request.headers['x-fc-invocation-type']).toBe('Async');
    expect(new URL(request.url, endpoint).searchParams.get('qualifier')).toBe('prod');
    expect(request.body.equals(event)).toBe(true);
    expect(result.status).toBe(202);
    expect(result.requestId).toBe('req-2');
  });

  it('sends the STS token when the credentials carry one', async () => {
    await invokeRemote({
      ...base,
      credentials: { ...credentials, securityToken: 'sts-token' },
      event: Buffer.from('{}'),
      async: false,
      endpoint,
    });
    expect(seen[0]!.headers['x-acs-security-token']).toBe('sts-token');
  });

  it('resolves an FC error reply as its status and body (not a throw)', async () => {
    // Arrange
    reply = {
      status: 404,
      headers: { 'content-type': 'application/json', 'x-fc-request-id': 'req-3' },
      body: '{"Code":"FunctionNotFound","Message":"function not found","RequestId":"req-3"}',
    };
    // Act
    const result = await invokeRemote({
      ...base,
      event: Buffer.from('{}'),
      async: false,
      endpoint,
    });
    // Assert
    expect(result.status).toBe(404);
    expect(result.body).toContain('FunctionNotFound');
  });

  it('reports a function error (200 with x-fc-error-type)', async () => {
    reply = {
      status: 200,
      headers: { 'x-fc-error-type': 'UnhandledInvocationError', 'x-fc-request-id': 'req-4' },
      body: '{"errorMessage":"boom"}',
    };
    const result = await invokeRemote({
      ...base,
      event: Buffer.from('{}'),
      async: false,
      endpoint,
    });
    expect(result).toMatchObject({ status: 200, errorType: 'UnhandledInvocationError' });
  });

  it('CLI form: reads keys from the environment, prints one JSON document, exit 0 / 1', async () => {
    // Arrange
    const env = {
      ALIBABA_CLOUD_ACCESS_KEY_ID: AK,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'test-secret',
      ALIBABA_CLOUD_ACCOUNT_ID: '1234567890123456',
      FC_ENDPOINT: endpoint,
    };
    const printed: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      printed.push(String(chunk));
      return true;
    });
    try {
      // Act
      const ok = await invokeRemoteCommand(
        { event: Buffer.from('{}'), functionName: 'abort-stuck-changes', async: true },
        env,
      );
      reply = { status: 403, headers: {}, body: '{"Code":"AccessDenied"}' };
      const denied = await invokeRemoteCommand(
        { event: Buffer.from('{}'), functionName: 'abort-stuck-changes' },
        env,
      );
      // Assert
      expect(ok).toBe(0);
      expect(denied).toBe(1);
      expect(seen[0]!.headers['x-fc-invocation-type']).toBe('Async');
      expect(printed).toHaveLength(2);
      expect(JSON.parse(printed[0]!)).toEqual({ results: [] });
      expect(JSON.parse(printed[1]!)).toMatchObject({ status: 403 });
    } finally {
      spy.mockRestore();
    }
  });

  it('CLI form: an FC error quoting the string to sign and the keys prints neither (issue 12)', async () => {
    // Arrange: FC's SignatureDoesNotMatch quotes the string to sign, with the STS token in it;
    // a proxy echoes the secret percent-encoded and the token in upper case.
    const secret = 'InvokeRemoteSecret0123456789abcdef';
    const token = 'CAISinvokeRemoteToken+/0123456789abcdefghijklmnop==';
    const env = {
      ALIBABA_CLOUD_ACCESS_KEY_ID: AK,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: secret,
      ALIBABA_CLOUD_SECURITY_TOKEN: token,
      ALIBABA_CLOUD_ACCOUNT_ID: '1234567890123456',
      FC_ENDPOINT: endpoint,
    };
    const pct = [...secret].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('');
    reply = {
      status: 400,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        Code: 'SignatureDoesNotMatch',
        Message: `key ${pct} token ${token.toUpperCase()}; server string to sign is: POST\nx-acs-security-token:${token}`,
        RequestId: 'req-9',
      }),
    };
    const printed: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      printed.push(String(chunk));
      return true;
    });
    try {
      // Act
      const code = await invokeRemoteCommand(
        { event: Buffer.from('{}'), functionName: 'abort-stuck-changes' },
        env,
      );

      // Assert
      expect(code).toBe(1);
      const out = printed.join('');
      expect(out).toContain('SignatureDoesNotMatch');
      for (const s of [secret, token]) {
        expect(out.includes(s)).toBe(false);
        expect(reveal(out).includes(s.toLowerCase())).toBe(false);
      }
    } finally {
      spy.mockRestore();
    }
  });

  it('CLI form refuses to run without keys', async () => {
    await expect(
      invokeRemoteCommand(
        { event: Buffer.from('{}'), functionName: 'f' },
        {},
        mkdtempSync(join(tmpdir(), 'no-aliyun-home-')),
      ),
    ).rejects.toThrow(/no ALIBABA_CLOUD_ACCESS_KEY_ID.*no ~\/\.aliyun\/config\.json/);
  });
});
