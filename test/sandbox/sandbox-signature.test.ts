import { createServer, type IncomingHttpHeaders } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  authorizationHeader,
  canonicalizedHeaders,
  canonicalizedResource,
  contentMd5,
  parseAuthorization,
  sign,
  stringToSign,
} from '../../sandbox/webplus/signature.js';

const { ROAClient } = createRequire(import.meta.url)('@alicloud/pop-core');

// Test vectors: docs/reference/webplus-api.md, "ROA signature".
const base = {
  accept: 'application/json',
  date: 'Wed, 01 Jan 2020 00:00:00 GMT',
  'x-acs-signature-nonce': '0123456789abcdef0123456789abcdef',
  'x-acs-signature-method': 'HMAC-SHA1',
  'x-acs-signature-version': '1.0',
  'x-acs-version': '2019-03-20',
};

describe('ROA signature', () => {
  it('matches vector 1: POST AbortChange with a form body', () => {
    // Arrange
    const headers = {
      ...base,
      'content-type': 'application/x-www-form-urlencoded',
      'content-md5': contentMd5('ChangeId=wc-123'),
    };
    // Act
    const auth = authorizationHeader(
      'testid',
      'testsecret',
      'POST',
      '/pop/v1/wam/change/abort',
      headers,
      {},
    );
    // Assert
    expect(headers['content-md5']).toBe('nXC6L2b5uSITsC+eysIj8Q==');
    expect(auth).toBe('acs testid:IyZE8XDPXrr+oyBHOq92e8NCz8Q=');
  });

  it('matches vector 2: GET with a query signed sorted', () => {
    const headers = { ...base, 'content-md5': contentMd5('') };
    const query = { PageSize: '50', EnvId: 'we-abc', PageNumber: '1' };

    const toSign = stringToSign('GET', '/pop/v1/wam/change', headers, query);
    const auth = authorizationHeader(
      'testid',
      'testsecret',
      'GET',
      '/pop/v1/wam/change',
      headers,
      query,
    );

    expect(headers['content-md5']).toBe('1B2M2Y8AsgTpgAmY7PhCfg==');
    expect(toSign.endsWith('\n/pop/v1/wam/change?EnvId=we-abc&PageNumber=1&PageSize=50')).toBe(
      true,
    );
    expect(auth).toBe('acs testid:VaDR8d1HAf+rQKgqLNtK0DDI5T0=');
  });

  it('matches vector 3: STS credentials with a security token', () => {
    const headers = {
      ...base,
      'content-md5': contentMd5(''),
      'x-acs-accesskey-id': 'STS.testid',
      'x-acs-security-token': 'tok',
    };

    const auth = authorizationHeader(
      'STS.testid',
      'testsecret',
      'GET',
      '/pop/v1/wam/changeInfo',
      headers,
      {
        ChangeId: 'wc-123',
      },
    );

    expect(auth).toBe('acs STS.testid:Ok0+P9AmqoWVa+q53N+XII5hE2c=');
  });

  it('canonicalizes x-acs- headers: lower-cased, sorted, whitespace folded and trimmed', () => {
    const out = canonicalizedHeaders({
      'X-Acs-B': ' two\twords ',
      'x-acs-a': '1',
      host: 'ignored',
    });

    expect(out).toBe('x-acs-a:1\nx-acs-b:two words\n');
  });

  it('signs query values decoded, keys in JS default order', () => {
    expect(canonicalizedResource('/p', { b: 'x y', a: 'we/1', B: '' })).toBe('/p?B=&a=we/1&b=x y');
    expect(canonicalizedResource('/p', {})).toBe('/p');
  });

  it('gives empty lines for missing accept, content-md5, content-type and date', () => {
    expect(stringToSign('GET', '/p', {}, {})).toBe('GET\n\n\n\n\n/p');
  });

  it('parses the Authorization header and refuses malformed ones', () => {
    expect(parseAuthorization('acs AK:c2ln=')).toEqual({ accessKeyId: 'AK', signature: 'c2ln=' });
    expect(parseAuthorization('Bearer x')).toBeNull();
    expect(parseAuthorization('acs AK')).toBeNull();
    expect(parseAuthorization(undefined)).toBeNull();
  });

  it('verifies a request signed by the real pop-core ROAClient', async () => {
    // Arrange: a bare server that captures what the real client sends
    let captured:
      | { method: string; url: string; headers: IncomingHttpHeaders; body: string }
      | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        captured = {
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"Code":"OK"}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const client = new ROAClient({
      endpoint: `http://127.0.0.1:${port}`,
      apiVersion: '2019-03-20',
      accessKeyId: 'STS.real',
      accessKeySecret: 'real-secret',
      securityToken: 'real-token',
    });
    try {
      // Act
      await client.request(
        'POST',
        '/pop/v1/wam/change/abort',
        { Note: 'a b/c', EnvId: 'we-1' },
        'ChangeId=wc-5d3a963d5802611c4ddc0001',
        { 'content-type': 'application/x-www-form-urlencoded' },
      );
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    // Assert
    expect(captured).toBeDefined();
    const req = captured!;
    const [path = '', rawQuery = ''] = req.url.split('?');
    const query = Object.fromEntries(new URLSearchParams(rawQuery));
    const parsed = parseAuthorization(String(req.headers['authorization']));
    expect(parsed?.accessKeyId).toBe('STS.real');
    expect(query).toEqual({ Note: 'a b/c', EnvId: 'we-1' });
    expect(req.headers['content-md5']).toBe(contentMd5(req.body));
    expect(sign('real-secret', stringToSign(req.method, path, req.headers, query))).toBe(
      parsed?.signature,
    );
    expect(sign('wrong-secret', stringToSign(req.method, path, req.headers, query))).not.toBe(
      parsed?.signature,
    );
  });
});
