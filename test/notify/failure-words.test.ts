/**
 * The words of a failed delivery (shared/notify/failure-words.ts), shared by the run output and
 * the doctor: the attempt count stands once, after a comma, never in a second pair of parentheses
 * (issue 15, second operator trial, difficulty 10).
 */
import { describe, expect, it } from 'vitest';
import { failureWords } from '#shared/notify/failure-words.js';

describe('failureWords', () => {
  it('a detail that counts its attempts in parentheses: the count after a comma', () => {
    expect(
      failureWords('not delivered: HTTP 200, errcode 310000: sign not match (1 attempt)', 1),
    ).toBe('HTTP 200, errcode 310000: sign not match, 1 attempt');
    expect(failureWords('not delivered: HTTP 503: busy (2 attempts)', 2)).toBe(
      'HTTP 503: busy, 2 attempts',
    );
  });

  it('a detail without a count: the count is added', () => {
    expect(failureWords('not delivered: connection failed (ECONNREFUSED)', 2)).toBe(
      'connection failed (ECONNREFUSED), 2 attempts',
    );
    expect(failureWords('not sent: deadline', 1)).toBe('deadline, 1 attempt');
  });

  it('a detail that counts its attempts in words keeps them once', () => {
    expect(failureWords('not delivered: gave up after 3 attempts', 3)).toBe(
      'gave up after 3 attempts',
    );
  });
});
