/**
 * Issue 12, b12 item 2: redacting twice is redacting once. Texts made of the redactor's
 * secrets (whole, pieces, escaped), its own markers, secret-bearing names, string-to-sign
 * words, escape starts and random characters: a second pass over the output changes nothing,
 * for `text` and for `value` (object keys too).
 *
 * Why it changed before: the name rule's value stopped before `]` but not before `[`, so
 * `token=[redacted]` read `[redacted` as a value and came back as `token=[redacted]]`; the
 * string-to-sign rule found `string-to-sign` inside its own marker `[string-to-sign echo cut]`;
 * and a cut could give a name a new neighbour (`a…secret…token=v`: `token` after a letter is not
 * a name, after the marker it is).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRedactor, REDACTED, STRING_TO_SIGN_CUT } from '#shared/core/redact.js';

const SECRETS = [
  'Zq7Wv3Kx9Lm2Np5Rt8Bc4Hd6',
  'CAISsts+token/Value==0123456789abcdef',
  'http-token-abcdefgh',
];

const escapeHalf = (s: string) =>
  [...s]
    .map((c, i) => (i % 2 ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : c))
    .join('');

const fragmentArb = fc.oneof(
  fc.constantFrom(...SECRETS),
  fc
    .constantFrom(...SECRETS)
    .chain((s) =>
      fc
        .tuple(fc.nat(s.length - 1), fc.integer({ min: 1, max: s.length }))
        .map(([a, n]) => s.slice(a, a + n)),
    ),
  fc.constantFrom(...SECRETS).map(escapeHalf),
  fc.constantFrom(...SECRETS).map((s) => encodeURIComponent(s)),
  fc.constantFrom(REDACTED, STRING_TO_SIGN_CUT, '[redacted: too deep]', '[', ']', '[redacted'),
  fc.constantFrom(
    'token=',
    'token',
    'SecurityToken: ',
    '"AccessKeySecret":"',
    'Authorization: acs ',
    'Signature=',
    '%53ecurityToken=',
    'StringToSign',
    'string to sign: ',
    'CanonicalizedHeaders',
  ),
  fc.constantFrom(
    '%',
    '%2',
    '%25',
    '\\',
    '\\u',
    '\\u00',
    '&#',
    '&#x',
    ';',
    '"',
    "'",
    ' ',
    '\n',
    '=',
    ':',
    '&',
  ),
  fc.string({ maxLength: 12 }),
  fc.string({ maxLength: 8, unit: 'binary' }),
);

const textArb = fc.array(fragmentArb, { minLength: 1, maxLength: 14 }).map((f) => f.join(''));

describe('redaction is idempotent (b12 item 2)', () => {
  const redact = createRedactor(SECRETS);

  it('text: redact(redact(x)) === redact(x)', () => {
    fc.assert(
      fc.property(textArb, (x) => {
        const once = redact.text(x);
        expect(redact.text(once), JSON.stringify(x)).toBe(once);
      }),
      { numRuns: 3000, seed: 1202 },
    );
  });

  it('value: a second pass over a redacted record (keys and strings) changes nothing', () => {
    fc.assert(
      fc.property(fc.dictionary(textArb, fc.oneof(textArb, fc.array(textArb))), (x) => {
        const once = redact.value(x);
        expect(redact.value(once)).toEqual(once);
      }),
      { numRuns: 500, seed: 1203 },
    );
  });

  it('the markers and a redacted name stay as they are (the cases found)', () => {
    for (const t of [
      'token=[redacted]',
      'Authorization: acs [redacted]',
      '"token":["[redacted]"]',
      `before ${STRING_TO_SIGN_CUT}`,
      REDACTED,
      '[redacted: too deep]',
    ])
      expect(redact.text(t)).toBe(t);
    // a name whose neighbour is a cut secret: found on the first pass, not on the second
    const once = redact.text('aZq7Wv3Kx9Lm2Np5Rt8Bc4Hd6token=abc');
    expect(once).toBe('a[redacted]token=[redacted]');
    expect(redact.text(once)).toBe(once);
  });
});
