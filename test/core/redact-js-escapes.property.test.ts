/**
 * Red-team 12 B8 (the part inside the promise "JS escapes"): a secret written with JavaScript's
 * `escape()` form `%uXXXX` or with legacy octal escapes `\NNN`, whole or in part, in random
 * text. The test decodes the output with its own decoder (no code shared with
 * shared/core/redact.ts) and looks for any run of 8 characters of the secret.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRedactor } from '#shared/core/redact.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const secretArb = fc
  .array(fc.constantFrom(...ALPHABET), { minLength: 16, maxLength: 48 })
  .map((cs) => cs.join(''));

const pctU = (c: string) => `%u${c.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}`;
const octal = (c: string) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`;

/** The test's own reading of the output: both escapes decoded. */
function decode(text: string): string {
  return text
    .replace(/%u([0-9a-fA-F]{4})/g, (_m, h: string) => String.fromCharCode(Number.parseInt(h, 16)))
    .replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
}

/** Runs of 8 characters of `secret` found in `text`. */
function runsIn(text: string, secret: string): string[] {
  const found: string[] = [];
  for (let i = 0; i + 8 <= secret.length; i++) {
    const run = secret.slice(i, i + 8);
    if (text.includes(run)) found.push(run);
  }
  return found;
}

describe('%uXXXX and octal escapes of a secret are removed', () => {
  for (const [name, encode] of [
    ['%uXXXX', pctU],
    ['octal \\NNN', octal],
  ] as const) {
    it(`${name}: every character, or only some, escaped; nothing of the secret left`, () => {
      fc.assert(
        fc.property(
          secretArb,
          fc.array(fc.boolean(), { minLength: 48, maxLength: 48 }),
          fc.string({ maxLength: 20 }),
          (secret, which, filler) => {
            const disguised = [...secret]
              .map((c, i) => (which[i] || i % 3 === 0 ? encode(c) : c))
              .join('');
            const out = createRedactor([secret]).text(`${filler} ${disguised} ${filler}`);
            expect(runsIn(decode(out), secret), out).toEqual([]);
          },
        ),
        { numRuns: 300, seed: 1208 },
      );
    });
  }

  it('the test sees the disguise when nothing is redacted (or it would prove nothing)', () => {
    const secret = 'Zq7Wv3Kx9Lm2Np5Rt8Bc4Hd6';
    expect(runsIn(decode([...secret].map(pctU).join('')), secret).length).toBeGreaterThan(0);
    expect(runsIn(decode([...secret].map(octal).join('')), secret).length).toBeGreaterThan(0);
  });
});
