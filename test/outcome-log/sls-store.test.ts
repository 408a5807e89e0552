/**
 * The SLS store through the real @alicloud/log SDK to the stand-in over loopback HTTP.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutcomeRecord } from '#shared/model/record.js';
import { OutcomeStoreError } from '#shared/outcome-log/errors.js';
import { createSlsStore, type SlsStoreOptions } from '#shared/outcome-log/sls-store.js';
import type { WriteContext } from '#shared/outcome-log/store.js';
import { type SlsStandIn, startSlsStandIn } from '../../sandbox/sls/server.js';

const PROJECT = 'ops-audit';
const LOGSTORE = 'webplus-abort';

let standIn: SlsStandIn;

beforeEach(async () => {
  standIn = await startSlsStandIn();
});

afterEach(async () => {
  await standIn.close();
});

function store(overrides: Partial<SlsStoreOptions> = {}) {
  return createSlsStore({
    endpoint: standIn.url,
    project: PROJECT,
    logstore: LOGSTORE,
    baseDelayMs: 10,
    ...overrides,
  });
}

function context(overrides: Partial<WriteContext> = {}): WriteContext {
  return {
    invocationId: 'c0ffee00-1111-2222-3333-444455556666',
    trigger: 'timer',
    functionName: 'abort-stuck-changes',
    region: 'cn-hangzhou',
    credentials: { accessKeyId: 'sandbox-ak', accessKeySecret: 'sandbox-secret' },
    deadlineMs: Date.now() + 20_000,
    ...overrides,
  };
}

function record(overrides: Partial<OutcomeRecord> = {}): OutcomeRecord {
  return {
    time: '2024-05-01T05:06:40.123Z',
    trigger: 'timer',
    invocationId: 'c0ffee00-1111-2222-3333-444455556666',
    outcome: 'skipped',
    detail: 'not stuck',
    attempts: 0,
    ...overrides,
  };
}

describe('SLS store over the wire', () => {
  it('stores every OutcomeRecord field, decoded field by field as written', async () => {
    // Arrange
    const full: Required<OutcomeRecord> = {
      recordId: '6f1c2a9e-0d4b-4c8e-9a57-3b2f1e0d9c8a',
      platform: 'webplus',
      time: '2024-05-01T05:06:40.123Z',
      changeId: 'wc-5d39b8ba6786bd4b14950001',
      envId: 'we-5d39b8ba6786bd4b14950001',
      appId: 'wa-5d39b8ba6786bd4b14950001',
      regionId: 'cn-shanghai',
      envName: 'shop-prod 生产',
      appName: 'shop',
      trigger: 'cms-callback',
      triggerRef: 'alarmRule_uuid_0001',
      invocationId: 'c0ffee00-1111-2222-3333-444455556666',
      reason: 'alarm:alarmRule_uuid_0001',
      note: 'rollback requested by on-call, ticket #42 – "urgent"',
      mode: 'enforce',
      outcome: 'aborted',
      detail: 'Web+ accepted AbortChange',
      attempts: 2,
      errorCode: 'ServiceUnavailable',
      errorMessage: 'first attempt: 503',
      webplusRequestId: 'A1B2C3D4-0000-1111-2222-333344445555',
      changeAgeMinutes: 95,
      idleMinutes: 90,
      clockSkewMs: 301500,
      latencyMs: 1234,
      repeatOf: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
      arrivalUnknown: 'requestContext.timeEpoch is 1500 ms in the future',
      kind: 'notification',
      notifyTargets: 'dingtalk,slack',
      intentId: '7a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
    };

    // Act
    await store().write([full], context({ trigger: 'cms-callback' }));

    // Assert
    const [stored] = standIn.logs(PROJECT, LOGSTORE);
    expect(stored?.time).toBe(1714540000);
    expect(stored?.timeNs).toBe(123_000_000);
    expect(stored?.contents).toEqual({
      recordId: '6f1c2a9e-0d4b-4c8e-9a57-3b2f1e0d9c8a',
      platform: 'webplus',
      time: '2024-05-01T05:06:40.123Z',
      changeId: 'wc-5d39b8ba6786bd4b14950001',
      envId: 'we-5d39b8ba6786bd4b14950001',
      appId: 'wa-5d39b8ba6786bd4b14950001',
      regionId: 'cn-shanghai',
      envName: 'shop-prod 生产',
      appName: 'shop',
      trigger: 'cms-callback',
      triggerRef: 'alarmRule_uuid_0001',
      invocationId: 'c0ffee00-1111-2222-3333-444455556666',
      reason: 'alarm:alarmRule_uuid_0001',
      note: 'rollback requested by on-call, ticket #42 – "urgent"',
      mode: 'enforce',
      outcome: 'aborted',
      detail: 'Web+ accepted AbortChange',
      attempts: '2',
      errorCode: 'ServiceUnavailable',
      errorMessage: 'first attempt: 503',
      webplusRequestId: 'A1B2C3D4-0000-1111-2222-333344445555',
      changeAgeMinutes: '95',
      idleMinutes: '90',
      clockSkewMs: '301500',
      latencyMs: '1234',
      repeatOf: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
      arrivalUnknown: 'requestContext.timeEpoch is 1500 ms in the future',
      kind: 'notification',
      notifyTargets: 'dingtalk,slack',
      intentId: '7a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
    });
  });

  it('sets topic = trigger, source = function name, tags invocationId and region', async () => {
    // Arrange
    const ctx = context({ trigger: 'http', functionName: 'abort-fn', region: 'cn-shanghai' });

    // Act
    await store().write([record(), record({ outcome: 'would_abort' })], ctx);

    // Assert
    const logs = standIn.logs(PROJECT, LOGSTORE);
    expect(logs).toHaveLength(2);
    for (const log of logs) {
      expect(log.topic).toBe('http');
      expect(log.source).toBe('abort-fn');
      expect(log.tags).toEqual({
        invocationId: 'c0ffee00-1111-2222-3333-444455556666',
        region: 'cn-shanghai',
      });
    }
    expect(standIn.journal()).toHaveLength(1);
  });

  it('sends 5000 records as 2 PutLogs (4096 + 904) and stores them all, in order', async () => {
    // Arrange
    const records = Array.from({ length: 5000 }, (_, i) => record({ changeId: `wc-${i}` }));

    // Act
    await store().write(records, context());

    // Assert
    expect(standIn.journal().map((e) => [e.status, e.logCount])).toEqual([
      [200, 4096],
      [200, 904],
    ]);
    const stored = standIn.logs(PROJECT, LOGSTORE);
    expect(stored).toHaveLength(5000);
    expect(stored[0]?.contents.changeId).toBe('wc-0');
    expect(stored[4999]?.contents.changeId).toBe('wc-4999');
  });

  it('retries a 503 ServerBusy and then succeeds', async () => {
    // Arrange
    standIn.setFailure({ kind: 'server-busy', every: 1 });

    // Act
    await store().write([record()], context());

    // Assert
    expect(standIn.journal().map((e) => [e.status, e.code])).toEqual([
      [503, 'ServerBusy'],
      [200, 'OK'],
    ]);
    expect(standIn.logs()).toHaveLength(1);
  });

  it('fails for good on 401 Unauthorized, without retrying', async () => {
    // Arrange
    standIn.setFailure({ kind: 'unauthorized' });

    // Act
    const result = store().write([record()], context());

    // Assert
    const error = await result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutcomeStoreError);
    expect(error).toMatchObject({ store: 'sls', code: 'Unauthorized', retryable: false });
    expect((error as Error).message).toMatch(
      /^SLS PutLogs to ops-audit\/webplus-abort failed: HTTP 401 Unauthorized/,
    );
    expect(standIn.journal()).toHaveLength(1);
  });

  it('treats an HTML 502 (which the SDK resolves) as a failure, retried then given up', async () => {
    // Arrange
    standIn.setFailure({ kind: 'html-502' });

    // Act
    const result = store({ maxAttempts: 3 }).write([record()], context());

    // Assert
    await expect(result).rejects.toMatchObject({
      name: 'OutcomeStoreError',
      code: 'HTTP502',
      retryable: true,
      message: expect.stringContaining('HTTP 502 (text/html): 502 Bad Gateway (after 3 attempts)'),
    });
    expect(standIn.journal().map((e) => e.status)).toEqual([502, 502, 502]);
    expect(standIn.logs()).toEqual([]);
  });

  it('treats a 200 text/html without x-log-requestid (a proxy, not SLS) as a failure, not retried', async () => {
    // Arrange
    standIn.setFailure({ kind: 'html-200' });

    // Act
    const result = store({ maxAttempts: 3 }).write([record()], context());

    // Assert
    await expect(result).rejects.toMatchObject({
      name: 'OutcomeStoreError',
      code: 'NotSlsReply',
      retryable: false,
      message: expect.stringContaining(
        'HTTP 200 (text/html) without x-log-requestid: not an SLS reply (after 1 attempt)',
      ),
    });
    expect(standIn.journal().map((e) => e.status)).toEqual([200]);
    expect(standIn.logs()).toEqual([]);
  });

  it('is rejected by the signature check with a wrong secret, and never prints the secret', async () => {
    // Arrange
    const ctx = context({
      credentials: { accessKeyId: 'sandbox-ak', accessKeySecret: 'not-the-sandbox-secret' },
    });

    // Act
    const error = await store()
      .write([record()], ctx)
      .catch((e: unknown) => e);

    // Assert
    expect(error).toMatchObject({ code: 'SignatureNotMatch', retryable: false });
    expect(String((error as Error).message)).not.toContain('not-the-sandbox-secret');
    expect(standIn.journal()).toEqual([
      expect.objectContaining({ status: 401, code: 'SignatureNotMatch', signatureValid: false }),
    ]);
    expect(standIn.logs()).toEqual([]);
  });

  it('signs with STS keys: the security token is sent and checked', async () => {
    // Arrange
    await standIn.close();
    const sts = {
      accessKeyId: 'STS.sandbox',
      accessKeySecret: 'sts-secret',
      securityToken: 'tok-123',
    };
    standIn = await startSlsStandIn({ credentials: [sts] });

    // Act
    await store().write([record()], context({ credentials: sts }));
    const withoutToken = await store()
      .write([record()], context({ credentials: { ...sts, securityToken: undefined } }))
      .catch((e: unknown) => e);

    // Assert
    expect(standIn.logs()).toHaveLength(1);
    expect(withoutToken).toMatchObject({ code: 'Unauthorized', retryable: false });
    expect(JSON.stringify(standIn.journal())).not.toMatch(/sts-secret|tok-123/);
  });

  it('throws NoCredentials without sending anything when the invocation has no keys', async () => {
    // Act
    const result = store().write([record()], context({ credentials: undefined }));

    // Assert
    await expect(result).rejects.toMatchObject({ code: 'NoCredentials', retryable: false });
    expect(standIn.journal()).toEqual([]);
  });

  it('respects the deadline: a slow SLS and 1 s left rejects before 1.2 s', async () => {
    // Arrange
    standIn.setFailure({ kind: 'slow', delayMs: 5000 });
    const started = Date.now();

    // Act
    const error = await store({ attemptTimeoutMs: 3000 })
      .write([record()], context({ deadlineMs: started + 1000 }))
      .catch((e: unknown) => e);
    const elapsed = Date.now() - started;

    // Assert
    expect(error).toMatchObject({ name: 'OutcomeStoreError', code: 'Timeout' });
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(1200);
    expect(standIn.journal()).toHaveLength(1);
  });

  it('does not start an attempt when the deadline is already too close', async () => {
    // Act
    const result = store().write([record()], context({ deadlineMs: Date.now() + 50 }));

    // Assert
    await expect(result).rejects.toMatchObject({ code: 'DeadlineExceeded' });
    expect(standIn.journal()).toEqual([]);
  });

  it('counts a refused connection as a retryable network failure', async () => {
    // Arrange
    const port = standIn.port;
    await standIn.close();
    const closed = createSlsStore({
      endpoint: `http://127.0.0.1:${port}`,
      project: PROJECT,
      logstore: LOGSTORE,
      maxAttempts: 2,
      baseDelayMs: 10,
    });
    standIn = await startSlsStandIn();

    // Act
    const result = closed.write([record()], context());

    // Assert
    await expect(result).rejects.toMatchObject({
      code: 'ECONNREFUSED',
      retryable: true,
      message: expect.stringContaining('(after 2 attempts)'),
    });
  });
});
