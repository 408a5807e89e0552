/**
 * C11. SLS values are strings and time is whole seconds (test/README.md, "Case tags").
 * Through the real @alicloud/log SDK to the SLS stand-in over loopback HTTP.
 */
import { createRequire } from 'node:module';
import type SlsClient from '@alicloud/log';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutcomeRecord } from '#shared/model/record.js';
import { toError } from '#shared/outcome-log/errors.js';
import { createSlsStore } from '#shared/outcome-log/sls-store.js';
import { type SlsStandIn, startSlsStandIn } from '../../sandbox/sls/server.js';

const Client = createRequire(import.meta.url)('@alicloud/log') as typeof SlsClient;

let standIn: SlsStandIn;

beforeEach(async () => {
  standIn = await startSlsStandIn();
});

afterEach(async () => {
  await standIn.close();
});

describe('C11: SLS values are strings and time is whole seconds', () => {
  it('writes one PutLogs with Time in seconds, every value a string, nulls omitted, objects JSON', async () => {
    // Arrange
    const record = {
      time: new Date(1714540000123).toISOString(),
      trigger: 'timer',
      invocationId: 'req-c11',
      outcome: 'failed',
      detail: 'retries spent',
      attempts: 3,
      dryRun: false,
      errorCode: null,
      errorMessage: undefined,
      extra: { code: 'Throttling.User' },
    } as unknown as OutcomeRecord;
    const store = createSlsStore({ endpoint: standIn.url, project: 'proj', logstore: 'outcomes' });

    // Act
    await store.write([record], {
      invocationId: 'req-c11',
      trigger: 'timer',
      functionName: 'abort-stuck-changes',
      region: 'cn-hangzhou',
      credentials: { accessKeyId: 'sandbox-ak', accessKeySecret: 'sandbox-secret' },
      deadlineMs: Date.now() + 10_000,
    });

    // Assert
    expect(standIn.journal().map((e) => [e.path, e.status, e.logCount])).toEqual([
      ['/logstores/outcomes/shards/lb', 200, 1],
    ]);
    const [log] = standIn.logs('proj', 'outcomes');
    expect(log?.time).toBe(1714540000);
    expect(log?.contents).toEqual({
      time: '2024-05-01T05:06:40.123Z',
      trigger: 'timer',
      invocationId: 'req-c11',
      outcome: 'failed',
      detail: 'retries spent',
      attempts: '3',
      dryRun: 'false',
      extra: '{"code":"Throttling.User"}',
    });
    expect(Object.values(log?.contents ?? {}).every((v) => typeof v === 'string')).toBe(true);
  });

  it('reports the bare string the SDK throws for a non-string value with a readable message', () => {
    // Arrange: what a naive writer would send, straight to the real SDK
    const client = new Client({
      accessKeyId: 'sandbox-ak',
      accessKeySecret: 'sandbox-secret',
      endpoint: standIn.url,
    });
    let thrown: unknown;

    // Act
    try {
      void client.postLogStoreLogs('proj', 'outcomes', {
        logs: [{ timestamp: 1714540000, content: { attempts: 3 as unknown as string } }],
      });
    } catch (value) {
      thrown = value;
    }
    const error = toError(thrown);

    // Assert
    expect(typeof thrown).toBe('string');
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe('Value: string expected');
    expect(standIn.journal()).toEqual([]);
  });
});
