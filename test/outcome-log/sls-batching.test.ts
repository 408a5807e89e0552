import { describe, expect, it } from 'vitest';
import { equalJitterDelay } from '#shared/core/backoff.js';
import {
  createSlsStore,
  SLS_MAX_LOGS_PER_PUT,
  splitIntoBatches,
} from '#shared/outcome-log/sls-store.js';
import type { SlsLog } from '#shared/outcome-log/sls-values.js';

const log = (value: string): SlsLog => ({ timestamp: 1714540000, content: { k: value } });

describe('splitIntoBatches', () => {
  it('cuts 5000 logs into 4096 + 904, in order', () => {
    // Arrange
    const logs = Array.from({ length: 5000 }, (_, i) => log(String(i)));

    // Act
    const batches = splitIntoBatches(logs);

    // Assert
    expect(batches.map((b) => b.length)).toEqual([SLS_MAX_LOGS_PER_PUT, 904]);
    expect(batches[1]?.[0]?.content.k).toBe('4096');
  });

  it('cuts by estimated bytes and sends an oversized log alone', () => {
    // Arrange: each log is 16 + 1 + 10 + 8 = 35 bytes
    const logs = [
      log('x'.repeat(10)),
      log('y'.repeat(10)),
      log('z'.repeat(500)),
      log('w'.repeat(10)),
    ];

    // Act
    const batches = splitIntoBatches(logs, 100, 80);

    // Assert
    expect(batches.map((b) => b.map((l) => l.content.k?.[0]))).toEqual([['x', 'y'], ['z'], ['w']]);
  });

  it('returns no batch for no logs', () => {
    // Act
    const batches = splitIntoBatches([]);

    // Assert
    expect(batches).toEqual([]);
  });
});

describe('equalJitterDelay', () => {
  it('draws between half and all of min(max, base * 2^(n-1))', () => {
    // Arrange
    const low = () => 0;
    const high = () => 1;

    // Act
    const delays = [
      equalJitterDelay(1, 200, 5000, low),
      equalJitterDelay(1, 200, 5000, high),
      equalJitterDelay(3, 200, 5000, low),
      equalJitterDelay(3, 200, 5000, high),
      equalJitterDelay(10, 200, 5000, high),
    ];

    // Assert
    expect(delays).toEqual([100, 200, 400, 800, 5000]);
  });
});

describe('createSlsStore', () => {
  it('names itself sls and its target project/logstore', () => {
    // Act
    const store = createSlsStore({
      endpoint: 'cn-hangzhou.log.aliyuncs.com',
      project: 'ops',
      logstore: 'outcomes',
    });

    // Assert
    expect(store.name).toBe('sls');
    expect(store.target).toBe('sls ops/outcomes');
  });

  it('refuses an endpoint with a path, at once', () => {
    // Act
    const create = () =>
      createSlsStore({ endpoint: 'http://127.0.0.1:1/x', project: 'p', logstore: 'l' });

    // Assert
    expect(create).toThrow(
      expect.objectContaining({ name: 'OutcomeStoreError', code: 'InvalidEndpoint' }),
    );
  });
});
