/**
 * Red-team 24 F5: `Redactor.add` (a request's own signature, learnt after the redactor was
 * built) removes the added value from every later text, keeps at most MAX_ADDED_SECRETS of them
 * (the oldest goes first), and `signatureOfAuthorization` reads the signature of the two header
 * shapes the transports send (`acs AK:SIG`, `LOG AK:SIG`) and nothing else.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createRedactor,
  MAX_ADDED_SECRETS,
  REDACTED,
  signatureOfAuthorization,
} from '#shared/core/redact.js';

/** HMAC-SHA1-shaped values (28 base64 characters), no two sharing an 8-character run. */
const sig = (n: number) => createHash('sha1').update(`signature ${n}`).digest('base64');

describe('Redactor.add and signatureOfAuthorization (red-team 24 F5)', () => {
  it('an added signature is removed from later texts, also after the sets were built', () => {
    const r = createRedactor(['sEcReT0123abcXYZqrstuvwxyz0123']);
    expect(r.text(`before: ${sig(1)}`)).toBe(`before: ${sig(1)}`);
    r.add(sig(1));
    expect(r.text(`Specified signature ${sig(1)} is not matched`)).toBe(
      `Specified signature ${REDACTED} is not matched`,
    );
  });

  it(`keeps the last ${MAX_ADDED_SECRETS} added: the oldest one is no longer removed`, () => {
    const r = createRedactor([]);
    for (let n = 0; n <= MAX_ADDED_SECRETS; n++) r.add(sig(n));
    expect(r.text(`x ${sig(MAX_ADDED_SECRETS)} y`)).toBe(`x ${REDACTED} y`);
    expect(r.text(`x ${sig(1)} y`)).toBe(`x ${REDACTED} y`);
    expect(r.text(`x ${sig(0)} y`)).toBe(`x ${sig(0)} y`);
  });

  it('short or non-string values are ignored', () => {
    const r = createRedactor([]);
    r.add('short');
    r.add(undefined);
    expect(r.text('a short text')).toBe('a short text');
  });

  it('reads `acs AK:SIG` and `LOG AK:SIG`, nothing else', () => {
    expect(signatureOfAuthorization(`acs LTAI5tEchoTestKey000:${sig(2)}`)).toBe(sig(2));
    expect(signatureOfAuthorization(`LOG sandbox-ak:${sig(3)}`)).toBe(sig(3));
    expect(signatureOfAuthorization(`Bearer ${sig(4)}`)).toBeUndefined();
    expect(signatureOfAuthorization(undefined)).toBeUndefined();
    expect(signatureOfAuthorization(['acs a:b'])).toBeUndefined();
  });
});
