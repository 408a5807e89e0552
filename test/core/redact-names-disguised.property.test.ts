/**
 * Issue 12, b12 item 1: the secret-name rule sees through the same disguises as the value rules.
 * A secret-bearing name (`AccessKeySecret`, `SecurityToken`, `Signature`, `token`, ...) written
 * with escapes (`\u004B`, `%53`, `%u0053`, octal, `\x`, HTML references, up to three layers),
 * split by invisible characters, in another case, in full-width or look-alike letters, then a
 * value of any length that is NOT one of the redactor's secrets: the value never reaches the
 * output. The oracle is the test's own: the value is drawn from letters (j, q, v, w) that
 * nothing else in the text uses (no name, no escape, no HTML entity, no surrounding), so any of
 * them in the output is the value leaking. No code of shared/core/redact.ts is used to check.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRedactor } from '#shared/core/redact.js';

const NAMES = [
  'AccessKeySecret',
  'access_key_secret',
  'accessKeySecret',
  'SecurityToken',
  'security-token',
  'x-acs-security-token',
  'X-Abort-Token',
  'Authorization',
  'Signature',
  'token',
  'accessToken',
  'session_token',
];

/** The value's letters: none of them occurs in a name, an escape, an entity or the surroundings. */
const VALUE_LETTERS = 'jqvwJQVW';
const leaked = (out: string) => /[jqvw]/i.test(out);

const hex = (n: number, w: number) => n.toString(16).padStart(w, '0');
/** One character in one disguise the redactor's decoders are said to handle. */
const ENCODINGS: ((c: string) => string)[] = [
  (c) => c,
  (c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()),
  (c) => `\\u${hex(c.charCodeAt(0), 4).toUpperCase()}`,
  (c) => `\\u${hex(c.charCodeAt(0), 4)}`,
  (c) => `\\x${hex(c.charCodeAt(0), 2)}`,
  (c) => `\\u{${hex(c.charCodeAt(0), 1)}}`,
  (c) => `%${hex(c.charCodeAt(0), 2).toUpperCase()}`,
  (c) => `%u${hex(c.charCodeAt(0), 4)}`,
  (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`,
  (c) => `&#${c.charCodeAt(0)};`,
  (c) => `&#x${hex(c.charCodeAt(0), 2)};`,
  (c) => `${c}\u200b`,
  (c) => `\u00ad${c}`,
  (c) => `${c}\ufeff`,
  // full-width forms (NFKC reads them as ASCII)
  (c) => (c > ' ' && c <= '~' ? String.fromCharCode(c.charCodeAt(0) + 0xfee0) : c),
];
/** Cyrillic letters that look like Latin ones (the test's own short table). */
const CYRILLIC: Record<string, string> = { a: 'а', c: 'с', e: 'е', o: 'о', p: 'р', x: 'х', y: 'у' };

/** One more layer: the escape characters of `s` percent-encoded. */
const percentLayer = (s: string) =>
  s.replace(/[%\\&#;]/g, (c) => `%${hex(c.charCodeAt(0), 2).toUpperCase()}`);

const disguiseArb = (s: string) =>
  fc
    .tuple(
      fc.array(fc.integer({ min: 0, max: ENCODINGS.length }), {
        minLength: s.length,
        maxLength: s.length,
      }),
      fc.integer({ min: 0, max: 2 }),
    )
    .map(([how, layers]) => {
      let out = [...s]
        .map((c, i) => {
          const k = how[i]!;
          if (k === ENCODINGS.length) return CYRILLIC[c] ?? c;
          return ENCODINGS[k]!(c);
        })
        .join('');
      for (let l = 0; l < layers; l++) out = percentLayer(out);
      return out;
    });

/** Surroundings: no letter j, q, v or w. */
const SURROUND = 'abcdefghiklmnoprstuxyz ABCDEFGHIKLMNOPRSTUXYZ0123456789 {}[]"\':,.=&?/%\\#;-_\n';
const surroundArb = fc
  .array(fc.constantFrom(...SURROUND), { maxLength: 30 })
  .map((cs) => cs.join(''));

const valueArb = fc
  .tuple(
    fc.array(fc.constantFrom(...VALUE_LETTERS), { minLength: 1, maxLength: 40 }),
    fc.array(fc.constantFrom(...'0123456789+/=-_.~:'), { maxLength: 10 }),
  )
  .chain(([letters, others]) =>
    fc.shuffledSubarray([...letters, ...others], { minLength: letters.length + others.length }),
  )
  .map((cs) => cs.join(''))
  .filter((v) => /[jqvw]/i.test(v));

const caseArb = fc.record({
  name: fc.constantFrom(...NAMES).chain(disguiseArb),
  quote: fc.constantFrom('', '"', "'"),
  sep: fc.constantFrom('=', ':', ': ', ' = ').chain(disguiseArb),
  scheme: fc.constantFrom('', '', 'acs ', 'Bearer '),
  value: valueArb,
  // what ends the value: any of the characters the name rule stops at, or the end of the text
  end: fc.constantFrom(' ', '"', "'", '&', ',', ';', '<', '>', '}', ']', '\n', ''),
  before: surroundArb,
  after: surroundArb,
  boundary: fc.constantFrom(' ', '{', '"', '&', '?', ',', ';', '\n', '('),
});

describe('the secret-name rule sees through escapes (b12 item 1)', () => {
  for (const secrets of [[], ['an-unrelated-secret-value-0123']]) {
    it(`a value after a disguised name never reaches the output (${secrets.length} secrets)`, () => {
      const redact = createRedactor(secrets);
      fc.assert(
        fc.property(caseArb, (c) => {
          const q = c.quote;
          const text = `${c.before}${c.boundary}${q}${c.name}${q}${c.sep}${q}${c.scheme}${c.value}${c.end}${c.after}`;
          const out = redact.text(text);
          expect(leaked(out), `${JSON.stringify(text)} -> ${JSON.stringify(out)}`).toBe(false);
        }),
        { numRuns: 1500, seed: 1212 },
      );
    });
  }

  it('the cases the issue names, exactly', () => {
    const redact = createRedactor([]);
    expect(redact.text('{"Access\\u004BeySecret":"vQw"}')).toBe(
      '{"Access\\u004BeySecret":"[redacted]"}',
    );
    expect(redact.text('%53ecurityToken=jj&next=1')).toBe('%53ecurityToken=[redacted]&next=1');
    expect(redact.text('SecurityToken&#61;w rest')).toBe('SecurityToken&#61;[redacted] rest');
    expect(redact.text('SECURITY\u200bTOKEN: qq')).toBe('SECURITY\u200bTOKEN: [redacted]');
    expect(redact.text('?Signature=vvJ&SignatureMethod=HMAC-SHA1')).toBe(
      '?Signature=[redacted]&SignatureMethod=HMAC-SHA1',
    );
    // a value whose `&` is escaped runs on to its end in the original text
    expect(redact.text('%53ecurityToken=ab%26jw&x=1')).toBe('%53ecurityToken=[redacted]&x=1');
  });

  it('ordinary text keeps its words (the rule needs a name and then : or =)', () => {
    const redact = createRedactor([]);
    for (const t of [
      'SignatureDoesNotMatch: the signature does not match',
      'SignatureMethod=HMAC-SHA1&SignatureVersion=1.0',
      'the token is invalid',
      'NextToken is absent',
    ])
      expect(redact.text(t)).toBe(t);
  });

  it('the oracle sees the value when nothing is redacted (or it would prove nothing)', () => {
    expect(leaked('%53ecurityToken=jj')).toBe(true);
    expect(leaked(createRedactor([]).text('%53ecurityToken=jj'))).toBe(false);
  });
});
