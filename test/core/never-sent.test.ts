/**
 * b12 item 3: only a failure that proves the request never left may be followed by another
 * abort (shared/core/never-sent.ts).
 */
import { describe, expect, it } from 'vitest';
import { provesNeverSent } from '#shared/core/never-sent.js';

describe('provesNeverSent', () => {
  it('no connection, no name, a failed TLS handshake: never sent', () => {
    for (const code of [
      'ECONNREFUSED',
      'ENOTFOUND',
      'EAI_AGAIN',
      'EHOSTUNREACH',
      'ENETUNREACH',
      'ERR_TLS_CERT_ALTNAME_INVALID',
      'CERT_HAS_EXPIRED',
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      'DEPTH_ZERO_SELF_SIGNED_CERT',
      'SELF_SIGNED_CERT_IN_CHAIN',
      'ERR_SSL_WRONG_VERSION_NUMBER',
    ])
      expect(provesNeverSent(code), code).toBe(true);
    expect(
      provesNeverSent(
        'ECONNRESET',
        'Client network socket disconnected before secure TLS connection was established',
      ),
    ).toBe(true);
  });

  it('a reset, a timeout, a broken pipe, anything unknown: may have been sent', () => {
    for (const code of [
      'ECONNRESET',
      'RequestTimeout',
      'ETIMEDOUT',
      'EPIPE',
      'ECONNABORTED',
      'NetworkError',
      '',
    ])
      expect(provesNeverSent(code, 'socket hang up'), code).toBe(false);
  });
});
