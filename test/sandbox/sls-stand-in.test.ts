/**
 * The SLS stand-in on its own: PutLogs bodies built by hand (lz4, deflate, raw), signed as the
 * service expects, sent over loopback HTTP.
 */
import { request } from 'node:http';
import { deflateSync } from 'node:zlib';
import { compressBlock, compressBound } from 'lz4js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeLogGroup, type LogGroup } from '../../sandbox/sls/log-group.js';
import { type SlsStandIn, startSlsStandIn } from '../../sandbox/sls/server.js';
import { contentMd5, signRequest } from '../../sandbox/sls/signature.js';

let standIn: SlsStandIn;

beforeEach(async () => {
  standIn = await startSlsStandIn();
});

afterEach(async () => {
  await standIn.close();
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Bytes sent on the wire, and the raw LogGroup size. */
  sentBytes: number;
  rawBytes: number;
}

interface PutOptions {
  compress?: 'lz4' | 'deflate';
  secret?: string;
  project?: string;
  logstore?: string;
  /** Replaces the body after signing (to break content-md5). */
  tamper?: (body: Buffer) => Buffer;
}

/** Sends one hand-built, signed PutLogs to the stand-in. */
function putLogs(group: LogGroup, options: PutOptions = {}): Promise<Reply> {
  const raw = Buffer.from(encodeLogGroup(group));
  let body = raw;
  if (options.compress === 'lz4') {
    const out = new Uint8Array(compressBound(raw.length));
    const size = compressBlock(raw, out, 0, raw.length, new Uint32Array(1 << 16));
    body = Buffer.from(out.subarray(0, size));
  } else if (options.compress === 'deflate') {
    body = deflateSync(raw);
  }
  const path = `/logstores/${options.logstore ?? 'outcomes'}/shards/lb`;
  const headers: Record<string, string> = {
    'content-type': 'application/x-protobuf',
    'content-md5': contentMd5(body),
    date: new Date().toUTCString(),
    'x-log-apiversion': '0.6.0',
    'x-log-signaturemethod': 'hmac-sha1',
    'x-log-bodyrawsize': String(raw.length),
    ...(options.compress ? { 'x-log-compresstype': options.compress } : {}),
  };
  const signature = signRequest(
    { method: 'POST', path, query: {}, headers },
    options.secret ?? 'sandbox-secret',
  );
  headers.authorization = `LOG sandbox-ak:${signature}`;
  headers.host = `${options.project ?? 'proj'}.127.0.0.1:${standIn.port}`;
  const sent = options.tamper ? options.tamper(body) : body;
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: standIn.port, method: 'POST', path, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
            sentBytes: sent.length,
            rawBytes: raw.length,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(sent);
  });
}

/** A group whose repeated text compresses well under LZ4. */
function sampleGroup(count: number): LogGroup {
  return {
    Logs: Array.from({ length: count }, (_, i) => ({
      Time: 1714540000 + i,
      TimeNs: 123_000_000,
      Contents: [
        { Key: 'outcome', Value: 'aborted' },
        { Key: 'detail', Value: 'Web+ accepted AbortChange '.repeat(8) },
        { Key: 'changeId', Value: `wc-${i}` },
      ],
    })),
    Topic: 'timer',
    Source: 'abort-stuck-changes',
    LogTags: [
      { Key: 'invocationId', Value: 'req-1' },
      { Key: 'region', Value: 'cn-hangzhou' },
    ],
  };
}

describe('SLS stand-in', () => {
  it('decodes an lz4-compressed body (a raw LZ4 block) and stores its logs', async () => {
    // Arrange
    const group = sampleGroup(20);

    // Act
    const reply = await putLogs(group, { compress: 'lz4' });

    // Assert
    expect(reply.status).toBe(200);
    expect(reply.sentBytes).toBeLessThan(reply.rawBytes / 2);
    expect(reply.body).toBe('');
    expect(reply.headers['x-log-requestid']).toMatch(/^[0-9A-F]{24}$/);
    const logs = standIn.logs('proj', 'outcomes');
    expect(logs).toHaveLength(20);
    expect(logs[19]).toEqual({
      project: 'proj',
      logstore: 'outcomes',
      time: 1714540019,
      timeNs: 123_000_000,
      contents: {
        outcome: 'aborted',
        detail: 'Web+ accepted AbortChange '.repeat(8),
        changeId: 'wc-19',
      },
      topic: 'timer',
      source: 'abort-stuck-changes',
      tags: { invocationId: 'req-1', region: 'cn-hangzhou' },
    });
    expect(standIn.journal()).toEqual([
      expect.objectContaining({
        compressType: 'lz4',
        logCount: 20,
        status: 200,
        signatureValid: true,
      }),
    ]);
  });

  it('decodes a deflate body and an uncompressed one', async () => {
    // Act
    const deflated = await putLogs(sampleGroup(2), { compress: 'deflate' });
    const plain = await putLogs(sampleGroup(3));

    // Assert
    expect([deflated.status, plain.status]).toEqual([200, 200]);
    expect(standIn.journal().map((e) => [e.compressType, e.logCount])).toEqual([
      ['deflate', 2],
      ['none', 3],
    ]);
    expect(standIn.logs()).toHaveLength(5);
  });

  it('rejects a wrong signature with 401 SignatureNotMatch and stores nothing', async () => {
    // Act
    const reply = await putLogs(sampleGroup(1), { secret: 'guessed-secret' });

    // Assert
    expect(reply.status).toBe(401);
    expect(JSON.parse(reply.body)).toEqual({
      errorCode: 'SignatureNotMatch',
      errorMessage: 'The signature of the request does not match.',
    });
    expect(standIn.logs()).toEqual([]);
    expect(standIn.journal()[0]).toMatchObject({
      signatureValid: false,
      accessKeyId: 'sandbox-ak',
    });
  });

  it('rejects a body that does not match its content-md5', async () => {
    // Act
    const reply = await putLogs(sampleGroup(1), {
      tamper: (body) => Buffer.concat([body, Buffer.from([0x0a, 0x00])]),
    });

    // Assert
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.body).errorCode).toBe('InvalidContentMD5');
    expect(standIn.logs()).toEqual([]);
  });

  it("'half' fails every other request, starting with the next", async () => {
    // Arrange
    standIn.setFailure({ kind: 'server-busy', every: 'half' });

    // Act
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await putLogs(sampleGroup(1))).status);

    // Assert
    expect(statuses).toEqual([503, 200, 503, 200]);
    expect(standIn.logs()).toHaveLength(2);
  });

  it('answers an HTML 502 with text/html on demand', async () => {
    // Arrange
    standIn.setFailure({ kind: 'html-502', every: 1 });

    // Act
    const first = await putLogs(sampleGroup(1));
    const second = await putLogs(sampleGroup(1));

    // Assert
    expect(first.status).toBe(502);
    expect(first.headers['content-type']).toBe('text/html');
    expect(first.body).toContain('502 Bad Gateway');
    expect(second.status).toBe(200);
  });

  it('keeps projects and logstores apart', async () => {
    // Act
    await putLogs(sampleGroup(1), { project: 'alpha', logstore: 'one' });
    await putLogs(sampleGroup(2), { project: 'beta', logstore: 'two' });

    // Assert
    expect(standIn.logs('alpha', 'one')).toHaveLength(1);
    expect(standIn.logs('beta')).toHaveLength(2);
    expect(standIn.logs('beta', 'one')).toHaveLength(0);
  });

  it('journals no secret', async () => {
    // Act
    await putLogs(sampleGroup(1));

    // Assert
    const journal = JSON.stringify(standIn.journal());
    expect(journal).not.toContain('sandbox-secret');
    expect(Object.keys(standIn.journal()[0] ?? {}).sort()).toEqual([
      'accessKeyId',
      'code',
      'compressType',
      'logCount',
      'logstore',
      'method',
      'path',
      'project',
      'signatureValid',
      'status',
      'time',
    ]);
  });
});
