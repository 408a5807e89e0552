/**
 * Red-team 12 F4, as a family: the encodings of a secret's characters or bytes the redactor had
 * missed. For random secrets inside random server text, each disguise:
 * - HTML numeric character references without the `;` (`&#83&#69`, `&#x53&#X45`, mixed with
 *   `;` ones), which HTML parsers accept;
 * - `0x`-prefixed hex of its bytes, whole (`0x5345…`) or one byte at a time (`0x53, 0x45`);
 * - its bytes as a decimal list (`83,69,67`, `[83, 69, 67]`, `83 69 67`, `(83;69)`);
 * - base64 of a text holding it, reversed; the secret reversed.
 * The checker is the test's own (its decoders below, and test/helpers/leaks.ts; no code of
 * shared/core/redact.ts): it finds none of the secret in the redactor's output.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRedactor } from '#shared/core/redact.js';
import { secretArb } from '../helpers/disguise.js';
import { leaks } from '../helpers/leaks.js';

const reverse = (s: string) => [...s].reverse().join('');
const ordinary = (w: string) => !/\d/.test(w) && (w === w.toLowerCase() || w === w.toUpperCase());

/** The checker's own reading of HTML numeric references, `;` optional. */
function htmlDecoded(text: string): string {
  const char = (cp: number) => (cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd');
  return text
    .replace(/&#[xX]([0-9a-fA-F]{1,6});?/g, (_m, h: string) => char(Number.parseInt(h, 16)))
    .replace(/&#(\d{1,7});?/g, (_m, d: string) => char(Number(d)));
}

/**
 * The checker's own reading of byte lists: every decimal (0..255) or `0x` number in the text,
 * as the character of that code, consecutive ones joined when only separators stand between
 * them; anything else is a break.
 */
function byteListDecoded(text: string): string {
  let out = '';
  let rest = text;
  while (rest.length > 0) {
    const m = /^(?:0[xX]([0-9a-fA-F]{1,2})(?![0-9a-fA-F])|(\d{1,3})(?!\d))/.exec(rest);
    if (m) {
      const n = m[1] !== undefined ? Number.parseInt(m[1], 16) : Number(m[2]);
      out += n <= 255 ? String.fromCharCode(n) : '\u0000';
      rest = rest.slice(m[0].length);
    } else {
      out += /^[\s,;[\]()]/.test(rest) ? '' : '\u0000';
      rest = rest.slice(1);
    }
  }
  return out;
}

/** Every disguised piece of `secret` in `output`: leaks.ts, on the output and reversed, and the readings above. */
function found(output: string, secret: string): string[] {
  const out = [
    ...leaks(output, secret),
    ...leaks(reverse(output), secret).map((l) => `reversed ${l}`),
  ];
  const windows: string[] = [];
  for (const s of [secret, reverse(secret)])
    for (let i = 0; i + 8 <= s.length; i++)
      if (!ordinary(s.slice(i, i + 8))) windows.push(s.slice(i, i + 8));
  const readings = [htmlDecoded(output), byteListDecoded(output)];
  for (const w of windows) for (const r of readings) if (r.includes(w)) out.push(`decoded: ${w}`);
  return out;
}

const hexByte = (b: number, upper: boolean) => {
  const h = b.toString(16).padStart(2, '0');
  return upper ? h.toUpperCase() : h;
};
const b64 = (bytes: Buffer, urlSafe: boolean) => bytes.toString(urlSafe ? 'base64url' : 'base64');

const DISGUISES = {
  'html-decimal-no-semicolon': (secret: string) =>
    fc
      .array(fc.boolean(), { minLength: secret.length, maxLength: secret.length })
      .map((semi) =>
        [...secret]
          .map((c, i) => `&#${c.charCodeAt(0)}${semi[i] && i % 3 === 0 ? ';' : ''}`)
          .join(''),
      ),
  'html-hex-no-semicolon': (secret: string) =>
    fc
      .tuple(fc.boolean(), fc.boolean())
      .map(([upperX, upper]) =>
        [...secret]
          .map((c) => `&#${upperX ? 'X' : 'x'}${hexByte(c.charCodeAt(0), upper)}`)
          .join(''),
      ),
  '0x-hex-whole': (secret: string) =>
    fc
      .tuple(fc.boolean(), fc.string({ maxLength: 4 }))
      .map(
        ([upper, pre]) =>
          `0x${[...Buffer.from(pre + secret, 'utf8')].map((b) => hexByte(b, upper)).join('')}`,
      ),
  '0x-bytes': (secret: string) =>
    fc
      .tuple(
        fc.boolean(),
        fc.constantFrom(',', ', ', ' ', ';', ',\n'),
        fc.constantFrom(['', ''], ['[', ']'], ['{', '}'], ['(', ')']),
      )
      .map(
        ([upper, sep, [open, close]]) =>
          `${open}${[...Buffer.from(secret, 'utf8')].map((b) => `0x${hexByte(b, upper)}`).join(sep)}${close}`,
      ),
  'decimal-bytes': (secret: string) =>
    fc
      .tuple(
        fc.constantFrom(',', ', ', ' ', ';', ',\n', ' , '),
        fc.constantFrom(['', ''], ['[', ']'], ['(', ')'], ['new byte[]{', '}']),
      )
      .map(
        ([sep, [open, close]]) => `${open}${[...Buffer.from(secret, 'utf8')].join(sep)}${close}`,
      ),
  'reversed-base64': (secret: string) =>
    fc
      .tuple(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), fc.boolean())
      .map(([pre, post, urlSafe]) =>
        reverse(b64(Buffer.from(pre + secret + post, 'utf8'), urlSafe)),
      ),
  reversed: (secret: string) => fc.constant(reverse(secret)),
} as const;

/** Server text around the echo: words, numbers and punctuation an error page holds. */
const serverText = fc
  .array(
    fc.constantFrom(
      'error',
      ' ',
      'code',
      '=',
      '403',
      ',',
      '&',
      '#',
      'x',
      '0',
      '12',
      ';',
      '<b>',
      '\n',
      'é',
      '[',
      ']',
    ),
    { maxLength: 12 },
  )
  .map((parts) => parts.join(''));

describe('red-team 12 F4: character and byte encodings of a secret are removed (independent checker)', () => {
  for (const [how, arb] of Object.entries(DISGUISES)) {
    it(`${how}: 300 random secrets in random server text, nothing of them left`, () => {
      fc.assert(
        fc.property(
          secretArb(16, 64).chain((secret) =>
            fc.tuple(fc.constant(secret), arb(secret), serverText, serverText),
          ),
          ([secret, disguised, before, after]) => {
            const out = createRedactor([secret]).text(`${before}${disguised}${after}`);
            expect(found(out, secret), `${how}: ${disguised} -> ${out}`).toEqual([]);
          },
        ),
        { numRuns: 300, seed: 1204 + how.length },
      );
    });
  }

  it('the checker sees each disguise when nothing is redacted (or the test would prove nothing)', () => {
    for (const [how, arb] of Object.entries(DISGUISES)) {
      fc.assert(
        fc.property(
          secretArb(24, 64)
            .filter((s) => /\d/.test(s) && /[A-Z]/.test(s) && /[a-z]/.test(s))
            .chain((secret) => fc.tuple(fc.constant(secret), arb(secret))),
          ([secret, disguised]) => {
            expect(found(`x ${disguised} y`, secret).length, how).toBeGreaterThan(0);
          },
        ),
        { numRuns: 100, seed: 42 },
      );
    }
  });

  it('the cases found: &#x51 without ;, 0x hex, a decimal byte list, reversed base64', () => {
    const secret = 'SEC9ret-Kq7Zw2Lp4Vn8';
    const r = createRedactor([secret]);
    const dec = [...secret].map((c) => `&#${c.charCodeAt(0)}`).join('');
    const hex = [...secret].map((c) => `&#x${c.charCodeAt(0).toString(16)}`).join('');
    const ox = `0x${Buffer.from(secret).toString('hex')}`;
    const bytes = `[${[...Buffer.from(secret)].join(', ')}]`;
    const rb64 = reverse(Buffer.from(secret).toString('base64'));
    for (const d of [dec, hex]) expect(r.text(`echo: ${d} end`)).toBe('echo: [redacted] end');
    // the padding and the last character, which depend on what follows the secret, stay
    expect(r.text(`echo: ${rb64} end`)).toBe('echo: =g[redacted] end');
    expect(r.text(`echo: ${bytes} end`)).toBe('echo: [[redacted]] end');
    expect(r.text(`echo: ${ox} end`)).toBe('echo: 0x[redacted] end');
    // ordinary numbers and references stay
    expect(r.text('HTTP 403, retry in 30 s; ids 1, 2, 3, 4, 5, 6, 7, 8, 9 &#169 2026')).toBe(
      'HTTP 403, retry in 30 s; ids 1, 2, 3, 4, 5, 6, 7, 8, 9 &#169 2026',
    );
  });
});
