/**
 * Red-team 12 F6: an echoed `Authorization` header kept its credentials when its scheme was not
 * one of `acs`, `Bearer`, `Basic`: `Authorization: LOG <keyid>:<signature>` (SLS's signature
 * header) lost only the word `LOG`. Any `Authorization:`-like header (`Authorization`,
 * `Proxy-Authorization`, `Cookie`), whatever its scheme (SLS `LOG`, POP `acs`, ACS3/AWS4
 * `…-HMAC-SHA256`, an unknown word), in any dress (an HTTP header dump, JSON, `util.inspect`,
 * HTML, URL-encoded): its value never reaches the output. The oracle is the test's own: the
 * credentials are drawn from letters (j, q, v, w) that nothing else in the text uses.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRedactor } from '#shared/core/redact.js';

const redact = createRedactor([]);
const leaked = (out: string) => /[jqvw]/i.test(out);

const HEADERS = [
  'Authorization',
  'authorization',
  'AUTHORIZATION',
  'Proxy-Authorization',
  'Cookie',
];
const SCHEMES = [
  'LOG',
  'acs',
  'ACS',
  'Bearer',
  'Basic',
  'ACS3-HMAC-SHA256',
  'HMAC-SHA1',
  'Digest',
  'Foo',
  '',
];
/** A credential of the oracle letters plus the punctuation signatures carry. */
const credential = fc.stringMatching(/^[jqvwJQVW][jqvwJQVW:+/=,._-]{5,40}[jqvwJQVW=]$/);
/** Text around the echo, without an oracle letter. */
const around = fc.stringMatching(/^[a-ik-pr-uxyzA-IK-PR-UXYZ0-9 .:(){}-]{0,40}$/);

const SHAPES: ((h: string, v: string) => string)[] = [
  (h, v) => `${h}: ${v}`,
  (h, v) => `${h}: ${v}\r\nDate: Tue, 01 Dec 2026 00:00:00 GMT`,
  (h, v) => `{"${h}":"${v}","x-log-date":"0"}`,
  (h, v) => `{ ${h.toLowerCase()}: '${v}', date: 'x' }`,
  (h, v) => `<tr><td>${h}</td><td>:</td></tr><p>${h}=${v}</p>`,
  (h, v) => `${encodeURIComponent(h)}=${encodeURIComponent(v)}&next=1`,
  (h, v) => `headers ${h}=${v} refused`,
];

describe('red-team 12 F6: an Authorization-like header echo loses its whole value', () => {
  it('the cases found: SLS LOG, POP acs, ACS3 (the key id and signature are gone)', () => {
    expect(redact.text('Authorization: LOG LTAI5tKeyId0001:Zm9vYmFyYmF6cXV4cXV1eA==')).toBe(
      'Authorization: LOG [redacted]',
    );
    expect(redact.text('Authorization: acs LTAI5tKeyId0001:Zm9vYmFyYmF6cXV4cXV1eA==')).toBe(
      'Authorization: acs [redacted]',
    );
    expect(redact.text('{"authorization":"LOG LTAIabc:sig+/="}')).toBe(
      '{"authorization":"LOG [redacted]"}',
    );
    expect(
      redact.text(
        'authorization: ACS3-HMAC-SHA256 Credential=LTAIabc,SignedHeaders=host;x-acs-date,Signature=deadbeefcafe\nnext line',
      ),
    ).toBe('authorization: ACS3-HMAC-SHA256 [redacted]\nnext line');
    // an unknown scheme word may be the credential itself: cut with the rest
    expect(redact.text('Authorization: sk-live-0123456789 abc:def')).toBe(
      'Authorization: [redacted]',
    );
  });

  it('generated: any header, scheme, credential and dress, inside server text: no oracle letter survives', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...HEADERS),
        fc.constantFrom(...SCHEMES),
        credential,
        fc.nat(SHAPES.length - 1),
        around,
        around,
        (header, scheme, value, shape, before, after) => {
          const text = `${before} ${SHAPES[shape]!(header, scheme ? `${scheme} ${value}` : value)} ${after}`;
          const out = redact.text(text);
          expect(leaked(out), `${text}\n→ ${out}`).toBe(false);
          expect(redact.text(out)).toBe(out);
        },
      ),
      { numRuns: 1000, seed: 1206 },
    );
  });
});
