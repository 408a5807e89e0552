/**
 * Red-team findings B1–B3 of issue 12, as kinds: base64 of a text in which the secret starts at
 * any byte offset, a piece from the middle or a secret split into two strings, separators between
 * its characters, hex, reversed, look-alike letters, and a stray escape start before it. For
 * random secrets, each disguise in random text: the independent checker (test/helpers/leaks.ts,
 * no code shared with shared/core/redact.ts) finds none of it in the redactor's output.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRedactor } from '#shared/core/redact.js';
import { DISGUISES, disguiseArb, secretArb } from '../helpers/disguise.js';
import { leaks } from '../helpers/leaks.js';

const fillerArb = fc.string({ maxLength: 30 });

describe('the redactor removes every promised disguise (independent checker, fast-check)', () => {
  for (const how of DISGUISES) {
    it(`${how}: 400 random secrets in random texts, nothing of them left`, () => {
      fc.assert(
        fc.property(
          secretArb(16, 64).chain((secret) =>
            fc.tuple(fc.constant(secret), disguiseArb(secret, [how]), fillerArb, fillerArb),
          ),
          ([secret, disguised, before, after]) => {
            // Arrange
            const redactor = createRedactor([secret]);

            // Act
            const out = redactor.text(`${before}${disguised.text}${after}`);

            // Assert
            expect(leaks(out, secret), `${how}: ${disguised.text} -> ${out}`).toEqual([]);
          },
        ),
        { numRuns: 400, seed: 1202 + how.length },
      );
    });
  }

  it('the checker sees each disguise when nothing is redacted (or the test would prove nothing)', () => {
    fc.assert(
      fc.property(
        secretArb(24, 64)
          .filter((s) => /\d/.test(s) && /[A-Z]/.test(s) && /[a-z]/.test(s))
          .chain((secret) => fc.tuple(fc.constant(secret), disguiseArb(secret))),
        ([secret, disguised]) => {
          // Arrange / Act / Assert
          expect(leaks(`x ${disguised.text} y`, secret).length, disguised.how).toBeGreaterThan(0);
        },
      ),
      { numRuns: 300, seed: 99 },
    );
  });

  it('ordinary words of a secret made of words stay in other texts; the whole secret goes', () => {
    // Arrange: an HTTP token an operator made of words.
    const redactor = createRedactor(['platform-oracle-token-0001']);

    // Act
    const out = redactor.text(
      '{"platform":"sae","kind":"platform-alarm"} token platform-oracle-token-0001 and PLATFORM-ORACLE-TOKEN-0001',
    );

    // Assert
    expect(out).toBe('{"platform":"sae","kind":"platform-alarm"} token [redacted] and [redacted]');
  });

  it('concrete red-team inputs: base64("x"+s), base64("xy"+s), the last 11 of 21, split halves', () => {
    // Arrange
    const s = 'Lk3Jh5Gf7Ds9Ap2Qw4Er6';
    const redactor = createRedactor([s]);
    const inputs = [
      Buffer.from(`x${s}`).toString('base64'),
      Buffer.from(`xy${s}`).toString('base64'),
      s.slice(-11),
      `"${s.slice(0, 10)}" + "${s.slice(10)}"`,
      JSON.stringify([s.slice(0, 10), s.slice(10)]),
    ];

    // Act / Assert
    for (const input of inputs) {
      const out = redactor.text(`echo: ${input}`);
      expect(out).toContain('[redacted]');
      expect(leaks(out, s), input).toEqual([]);
    }
  });
});
