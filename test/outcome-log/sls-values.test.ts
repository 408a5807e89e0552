import { describe, expect, it } from 'vitest';
import type { OutcomeRecord } from '#shared/model/record.js';
import {
  estimateLogBytes,
  toSlsContents,
  toSlsLog,
  toSlsValue,
} from '#shared/outcome-log/sls-values.js';

describe('toSlsValue', () => {
  it('turns numbers, booleans and bigints into their text', () => {
    // Arrange
    const values = [3, 0, -1.5, false, true, 12n];

    // Act
    const texts = values.map((v) => toSlsValue(v));

    // Assert
    expect(texts).toEqual(['3', '0', '-1.5', 'false', 'true', '12']);
  });

  it('omits null, undefined, functions and symbols', () => {
    // Arrange
    const values = [null, undefined, () => 1, Symbol('x')];

    // Act
    const texts = values.map((v) => toSlsValue(v));

    // Assert
    expect(texts).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('JSON-encodes objects and arrays, and writes dates as ISO 8601', () => {
    // Arrange
    const nested = { code: 'Throttling.User', retry: { after: 2 } };

    // Act
    const object = toSlsValue(nested);
    const array = toSlsValue(['a', 1]);
    const date = toSlsValue(new Date(1714540000123));

    // Assert
    expect(object).toBe('{"code":"Throttling.User","retry":{"after":2}}');
    expect(array).toBe('["a",1]');
    expect(date).toBe('2024-05-01T05:06:40.123Z');
  });

  it('keeps a circular object as text instead of throwing', () => {
    // Arrange
    const circular: Record<string, unknown> = { a: 1 };
    circular.self = circular;

    // Act
    const text = toSlsValue(circular);

    // Assert
    expect(text).toBe('[object Object]');
  });
});

describe('toSlsContents', () => {
  it('converts the C11 record: every value a string, nulls and undefined omitted', () => {
    // Arrange
    const record = {
      attempts: 3,
      dryRun: false,
      errorCode: null,
      errorMessage: undefined,
      extra: { code: 'Throttling.User' },
    };

    // Act
    const contents = toSlsContents(record);

    // Assert
    expect(contents).toEqual({
      attempts: '3',
      dryRun: 'false',
      extra: '{"code":"Throttling.User"}',
    });
  });

  it('leaves out keys SLS refuses: empty, reserved __ prefix, longer than 128 bytes', () => {
    // Arrange
    const record = { '': 'a', __topic__: 'b', ['k'.repeat(129)]: 'c', ['k'.repeat(128)]: 'd' };

    // Act
    const contents = toSlsContents(record);

    // Assert
    expect(contents).toEqual({ ['k'.repeat(128)]: 'd' });
  });
});

describe('toSlsLog', () => {
  it('stamps whole seconds and the millisecond part as nanoseconds', () => {
    // Arrange
    const record: OutcomeRecord = {
      time: new Date(1714540000123).toISOString(),
      trigger: 'timer',
      invocationId: 'req-1',
      outcome: 'skipped',
      detail: 'not stuck',
      attempts: 0,
    };

    // Act
    const log = toSlsLog(record);

    // Assert
    expect(log.timestamp).toBe(1714540000);
    expect(log.timestampNsPart).toBe(123_000_000);
    expect(log.content).toEqual({
      time: '2024-05-01T05:06:40.123Z',
      trigger: 'timer',
      invocationId: 'req-1',
      outcome: 'skipped',
      detail: 'not stuck',
      attempts: '0',
    });
  });

  it('uses the given clock when the record time does not parse, keeping the raw time text', () => {
    // Arrange
    const record = { time: 'yesterday', outcome: 'failed' };

    // Act
    const log = toSlsLog(record, 1714540000999);

    // Assert
    expect(log.timestamp).toBe(1714540000);
    expect(log.timestampNsPart).toBe(999_000_000);
    expect(log.content.time).toBe('yesterday');
  });
});

describe('estimateLogBytes', () => {
  it('counts UTF-8 bytes of keys and values plus framing', () => {
    // Arrange
    const log = { timestamp: 1, content: { a: 'é', bb: 'xyz' } };

    // Act
    const bytes = estimateLogBytes(log);

    // Assert: 16 + (1 + 2 + 8) + (2 + 3 + 8)
    expect(bytes).toBe(40);
  });
});
