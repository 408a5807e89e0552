import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invokeRemote } from '../../cli/commands/invoke-remote.js';
import { invokeFc2 } from '../../cli/commands/invoke-remote-fc2.js';
import { type FcApiStandIn, startFcApiStandIn } from '../helpers/fc-api-stand-in.js';

const KEY = { accessKeyId: 'remote-test-ak', accessKeySecret: 'remote-test-secret-0123' };
const ACCOUNT = '1234567890123456';

let standIn: FcApiStandIn;

beforeAll(async () => {
  standIn = await startFcApiStandIn({
    keys: [KEY, { accessKeyId: 'STS.remote-sts-ak', accessKeySecret: 'remote-sts-secret' }],
    functions: ['abort-stuck-changes', 'ops/abort-stuck-changes'],
  });
});

afterAll(async () => {
  await standIn.close();
});

const fc3 = (event: Buffer, extra: Partial<Parameters<typeof invokeRemote>[0]> = {}) =>
  invokeRemote({
    functionName: 'abort-stuck-changes',
    event,
    async: false,
    region: 'cn-hangzhou',
    accountId: ACCOUNT,
    credentials: KEY,
    endpoint: standIn.url,
    ...extra,
  });

const fc2 = (event: Buffer, extra: Partial<Parameters<typeof invokeFc2>[0]> = {}) =>
  invokeFc2({
    serviceName: 'ops',
    functionName: 'abort-stuck-changes',
    event,
    async: false,
    region: 'cn-hangzhou',
    accountId: ACCOUNT,
    credentials: KEY,
    endpoint: standIn.url,
    ...extra,
  });

describe('invoke --remote through the FC 3.0 API (@alicloud/fc20230330), signature checked', () => {
  it('signs ACS3-HMAC-SHA256 so that a verifier written from the docs accepts it', async () => {
    standIn.reply = {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"results":[]}',
    };
    const event = Buffer.from('{"triggerName":"sweep","payload":"ü"}');

    const result = await fc3(event);

    const seen = standIn.seen.at(-1)!;
    expect(seen.api).toBe('fc3');
    expect(seen.refused).toBeUndefined();
    expect(seen.signatureValid).toBe(true);
    expect(seen.body.equals(event)).toBe(true);
    expect(result).toMatchObject({ status: 200, body: '{"results":[]}' });
  });

  it('a wrong secret is refused 403 SignatureNotMatch and reported with that status', async () => {
    const result = await fc3(Buffer.from('{}'), {
      credentials: { accessKeyId: KEY.accessKeyId, accessKeySecret: 'not-the-secret' },
    });

    expect(standIn.seen.at(-1)).toMatchObject({
      signatureValid: false,
      refused: 'signature mismatch',
    });
    expect(result.status).toBe(403);
    expect(result.body).toContain('SignatureNotMatch');
  });

  it('any event bytes and qualifier are signed correctly (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 300 }),
        fc.option(fc.constantFrom('LATEST', 'prod', '1'), { nil: undefined }),
        async (bytes, qualifier) => {
          const event = Buffer.from(bytes);
          await fc3(event, qualifier ? { qualifier } : {});
          const seen = standIn.seen.at(-1)!;
          expect(seen.refused).toBeUndefined();
          expect(seen.body.equals(event)).toBe(true);
          expect(seen.qualifier).toBe(qualifier);
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('invoke --remote --service through the FC 2.0 API (@alicloud/fc2), signature checked', () => {
  it('POSTs the exact bytes to /2016-08-15/services/<svc>/functions/<fn>/invocations, signed FC <ak>:<sig>', async () => {
    standIn.reply = {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"trigger":"timer","results":[]}',
    };
    const event = Buffer.from('{"triggerName":"sweep","triggerTime":"2026-05-20T02:00:00Z"}');

    const result = await fc2(event);

    const seen = standIn.seen.at(-1)!;
    expect(seen).toMatchObject({
      api: 'fc2',
      method: 'POST',
      service: 'ops',
      functionName: 'abort-stuck-changes',
      signatureValid: true,
    });
    expect(String(seen.headers.authorization)).toMatch(/^FC remote-test-ak:[A-Za-z0-9+/]+=*$/);
    expect(seen.headers['x-fc-invocation-type']).toBe('Sync');
    expect(seen.headers['x-fc-account-id']).toBe(ACCOUNT);
    expect(seen.body.equals(event)).toBe(true);
    expect(result.status).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ trigger: 'timer', results: [] });
    expect(result.requestId).toMatch(/^stand-in-\d+$/);
  });

  it('--async sends x-fc-invocation-type: Async (signed) and FC answers 202', async () => {
    const result = await fc2(Buffer.from('{}'), { async: true });

    const seen = standIn.seen.at(-1)!;
    expect(seen.signatureValid).toBe(true);
    expect(seen.headers['x-fc-invocation-type']).toBe('Async');
    expect(result.status).toBe(202);
  });

  it('a qualifier goes into the path as <service>.<qualifier>', async () => {
    await fc2(Buffer.from('{}'), { qualifier: 'prod' });

    expect(standIn.seen.at(-1)).toMatchObject({
      service: 'ops',
      qualifier: 'prod',
      signatureValid: true,
    });
  });

  it('STS keys: the token is sent and signed even when the id does not start with STS.', async () => {
    await fc2(Buffer.from('{}'), {
      credentials: { ...KEY, securityToken: 'sts-token-value' },
    });

    const seen = standIn.seen.at(-1)!;
    expect(seen.headers['x-fc-security-token']).toBe('sts-token-value');
    expect(seen.signatureValid).toBe(true);
  });

  it('a wrong secret: 403 SignatureNotMatch comes back as status and error code, no throw', async () => {
    const result = await fc2(Buffer.from('{}'), {
      credentials: { accessKeyId: KEY.accessKeyId, accessKeySecret: 'wrong' },
    });

    expect(standIn.seen.at(-1)?.signatureValid).toBe(false);
    expect(result.status).toBe(403);
    expect(JSON.parse(result.body)).toMatchObject({ ErrorCode: 'SignatureNotMatch' });
    expect(result.body).not.toContain('wrong');
  });

  it('an unknown function: 404 FunctionNotFound', async () => {
    const result = await fc2(Buffer.from('{}'), { functionName: 'nope' });

    expect(result.status).toBe(404);
    expect(JSON.parse(result.body)).toMatchObject({ ErrorCode: 'FunctionNotFound' });
  });

  it('a function error: 200 with x-fc-error-type becomes errorType', async () => {
    standIn.reply = {
      status: 200,
      headers: {
        'content-type': 'application/json',
        'x-fc-error-type': 'UnhandledInvocationError',
      },
      body: '{"errorMessage":"boom"}',
    };

    const result = await fc2(Buffer.from('{}'));

    expect(result.errorType).toBe('UnhandledInvocationError');
  });
});
