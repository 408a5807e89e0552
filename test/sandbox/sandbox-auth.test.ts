import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import {
  buildSignedHeaders,
  type RawRequestSpec,
  sendRawRequest,
} from '../../sandbox/webplus/raw-client.js';
import { startWebplusSandbox, type WebplusSandbox } from '../../sandbox/webplus/server.js';

const { ROAClient } = createRequire(import.meta.url)('@alicloud/pop-core') as {
  ROAClient: new (
    config: Record<string, unknown>,
  ) => { request(m: string, p: string, q?: Record<string, string>): Promise<unknown> };
};

const scenario = {
  credentials: [
    { accessKeyId: 'sandbox-ak', accessKeySecret: 'sandbox-secret' },
    { accessKeyId: 'STS.sandbox', accessKeySecret: 'sts-secret', securityToken: 'sts-token' },
  ],
  apps: [{ AppId: 'wa-1', AppName: 'shop' }],
  envs: [{ EnvId: 'we-1', AppId: 'wa-1', EnvName: 'shop-prod' }],
  changes: [{ ChangeId: 'wc-1', EnvId: 'we-1', idleMinutes: 40 }],
};

let sb: WebplusSandbox;
afterEach(async () => {
  await sb?.close();
});

const list: RawRequestSpec = {
  method: 'GET',
  path: '/pop/v1/wam/change',
  query: { EnvId: 'we-1', PageSize: '5' },
  accessKeyId: 'sandbox-ak',
  accessKeySecret: 'sandbox-secret',
};

async function expectRejected(spec: RawRequestSpec, status: number, code: string) {
  const res = await sendRawRequest(sb.url, spec);
  expect({ status: res.status, code: res.json?.['Code'] }).toEqual({ status, code });
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.json?.['HostId']).toBeTypeOf('string');
  return res;
}

describe('Web+ sandbox authentication', () => {
  it('accepts a correctly signed raw request', async () => {
    sb = await startWebplusSandbox(scenario);

    const res = await sendRawRequest(sb.url, list);

    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ Code: 'OK', PageSize: 5, TotalCount: 1 });
  });

  it('rejects a bad signature with 400 SignatureDoesNotMatch, even on a faulted action', async () => {
    sb = await startWebplusSandbox({
      ...scenario,
      faults: [{ action: 'DescribeChanges', responses: ['ok', 'ok'] }],
    });

    await expectRejected({ ...list, signWith: 'not-the-secret' }, 400, 'SignatureDoesNotMatch');
    const tampered = buildSignedHeaders(list);
    const res = await sendRawRequest(
      sb.url,
      { ...list, query: { EnvId: 'we-1', PageSize: '6' } },
      tampered,
    );

    expect(res.json?.['Code']).toBe('SignatureDoesNotMatch');
    expect(sb.journal().map((e) => e.signatureValid)).toEqual([false, false]);
  });

  it('rejects an unknown AccessKeyId with 404 InvalidAccessKeyId.NotFound', async () => {
    sb = await startWebplusSandbox(scenario);

    await expectRejected({ ...list, accessKeyId: 'who' }, 404, 'InvalidAccessKeyId.NotFound');
  });

  it('rejects a missing or malformed Authorization with 400 IncompleteSignature', async () => {
    sb = await startWebplusSandbox(scenario);

    await expectRejected({ ...list, unsigned: true }, 400, 'IncompleteSignature');
    await expectRejected(
      { ...list, headers: { authorization: 'Bearer x' } },
      400,
      'IncompleteSignature',
    );
  });

  it('rejects a date more than 15 minutes off, or none, with 400 InvalidTimeStamp.Expired', async () => {
    sb = await startWebplusSandbox(scenario);
    const stale = new Date(Date.now() - 16 * 60_000).toUTCString();
    const future = new Date(Date.now() + 16 * 60_000).toUTCString();
    const skewedOk = new Date(Date.now() - 14 * 60_000).toUTCString();

    await expectRejected({ ...list, headers: { date: stale } }, 400, 'InvalidTimeStamp.Expired');
    await expectRejected({ ...list, headers: { date: future } }, 400, 'InvalidTimeStamp.Expired');
    await expectRejected(
      { ...list, headers: { date: undefined } },
      400,
      'InvalidTimeStamp.Expired',
    );
    const ok = await sendRawRequest(sb.url, { ...list, headers: { date: skewedOk } });

    expect(ok.status).toBe(200);
  });

  it('rejects a reused or missing nonce with 400 SignatureNonceUsed', async () => {
    sb = await startWebplusSandbox(scenario);
    const headers = buildSignedHeaders(list);

    const first = await sendRawRequest(sb.url, list, headers);
    const replay = await sendRawRequest(sb.url, list, headers);
    await expectRejected(
      { ...list, headers: { 'x-acs-signature-nonce': undefined } },
      400,
      'SignatureNonceUsed',
    );

    expect(first.status).toBe(200);
    expect({ status: replay.status, code: replay.json?.['Code'] }).toEqual({
      status: 400,
      code: 'SignatureNonceUsed',
    });
  });

  it('rejects a content-md5 that does not match the body with 400 InvalidContentMD5', async () => {
    sb = await startWebplusSandbox(scenario);

    await expectRejected(
      {
        method: 'POST',
        path: '/pop/v1/wam/change/abort',
        body: 'ChangeId=wc-1',
        accessKeyId: 'sandbox-ak',
        accessKeySecret: 'sandbox-secret',
        headers: { 'content-md5': '1B2M2Y8AsgTpgAmY7PhCfg==' },
      },
      400,
      'InvalidContentMD5',
    );
    expect(sb.change('wc-1')?.ChangeFinished).toBe(false);
    expect(sb.appEnv('we-1')?.AbortingChange).toBe(false);
  });

  it('rejects another API version with 400 InvalidVersion', async () => {
    sb = await startWebplusSandbox(scenario);

    await expectRejected(
      { ...list, headers: { 'x-acs-version': '2017-08-01' } },
      400,
      'InvalidVersion',
    );
  });

  it('requires the matching security token for STS credentials', async () => {
    sb = await startWebplusSandbox(scenario);
    const sts = { ...list, accessKeyId: 'STS.sandbox', accessKeySecret: 'sts-secret' };
    const client = new ROAClient({
      endpoint: sb.url,
      apiVersion: '2019-03-20',
      accessKeyId: 'STS.sandbox',
      accessKeySecret: 'sts-secret',
      securityToken: 'sts-token',
    });

    const viaPopCore = await client.request('GET', '/pop/v1/wam/change', { EnvId: 'we-1' });
    await expectRejected(sts, 403, 'InvalidSecurityToken.Mismatch');
    await expectRejected({ ...sts, securityToken: 'wrong' }, 403, 'InvalidSecurityToken.Mismatch');
    await expectRejected(
      { ...sts, securityToken: 'sts-token', headers: { 'x-acs-accesskey-id': 'other' } },
      403,
      'InvalidSecurityToken.Mismatch',
    );

    expect(JSON.parse(JSON.stringify(viaPopCore))).toMatchObject({ Code: 'OK', TotalCount: 1 });
  });

  it('answers an unknown route 404 whatever the signature, and journals it with action null', async () => {
    sb = await startWebplusSandbox(scenario);

    await expectRejected(
      { ...list, path: '/pop/v1/wam/unknown', unsigned: true },
      404,
      'InvalidAction.NotFound',
    );
    await expectRejected({ ...list, method: 'DELETE' }, 404, 'InvalidAction.NotFound');

    expect(sb.journal().map((e) => [e.action, e.status, e.code])).toEqual([
      [null, 404, 'InvalidAction.NotFound'],
      [null, 404, 'InvalidAction.NotFound'],
    ]);
  });
});
