import { describe, expect, it } from 'vitest';
import { OutcomeStoreError, toError } from '#shared/outcome-log/errors.js';

describe('toError', () => {
  it('passes Errors through unchanged', () => {
    // Arrange
    const error = new RangeError('out of range');

    // Act
    const result = toError(error);

    // Assert
    expect(result).toBe(error);
  });

  it('turns a bare string (as the SLS SDK throws) into an Error with that message', () => {
    // Arrange
    const thrown = 'Value: string expected';

    // Act
    const result = toError(thrown);

    // Assert
    expect(result).toBeInstanceOf(Error);
    expect(result.message).toBe('Value: string expected');
    expect(result.cause).toBe(thrown);
  });

  it('keeps the message of an error-like object and describes other values', () => {
    // Arrange
    const values = [{ message: 'like an error' }, { code: 7 }, 42, undefined, ''];

    // Act
    const messages = values.map((v) => toError(v).message);

    // Assert
    expect(messages).toEqual([
      'like an error',
      'a non-Error value was thrown: {"code":7}',
      'a non-Error value was thrown: 42',
      'a non-Error value was thrown: undefined',
      'an empty string was thrown',
    ]);
  });
});

describe('OutcomeStoreError', () => {
  it('carries store, code and retryable, and is an Error', () => {
    // Arrange
    const cause = new Error('503');

    // Act
    const error = new OutcomeStoreError('SLS is busy', {
      store: 'sls',
      code: 'ServerBusy',
      retryable: true,
      cause,
    });

    // Assert
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('OutcomeStoreError');
    expect(error.message).toBe('SLS is busy');
    expect([error.store, error.code, error.retryable, error.cause]).toEqual([
      'sls',
      'ServerBusy',
      true,
      cause,
    ]);
  });

  it('defaults to not retryable and no code', () => {
    // Act
    const error = new OutcomeStoreError('no keys', { store: 'sls' });

    // Assert
    expect(error.retryable).toBe(false);
    expect(error.code).toBeUndefined();
  });
});
