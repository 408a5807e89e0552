/**
 * The doctor's `http-tokens` row against an oracle of its own (the rule of
 * docs/reference/configuration.md, written here again: at least 16 characters, each of
 * A-Z a-z 0-9 . _ ~ -), on generated HTTP_AUTH_TOKENS values: it fails exactly when cold start
 * would refuse the value, names exactly the bad positions, and never prints a token.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '#shared/config/config.js';
import { checkHttpTokens } from '#shared/pipeline/doctor/token-check.js';

const UNRESERVED = new Set(
  'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._~-'.split(''),
);
const oracleValid = (t: string) => t.length >= 16 && [...t].every((c) => UNRESERVED.has(c));

const tokenArb = fc
  .tuple(
    fc.integer({ min: 0, max: 30 }),
    fc.array(fc.constantFrom(...'abcXYZ019._~-+/=%@ é'.split('')), { maxLength: 30 }),
  )
  .map(([n, chars]) => `tk${'q'.repeat(n % 3)}${chars.join('')}`.replaceAll(',', ''));

describe('doctor http-tokens row (property)', () => {
  it('fails exactly when cold start refuses, names the bad positions, never prints a token', () => {
    fc.assert(
      fc.property(fc.array(tokenArb, { minLength: 1, maxLength: 4 }), (tokens) => {
        const raw = tokens.join(',');
        const kept = tokens.map((t) => t.trim()).filter((t) => t.length > 0);
        const row = checkHttpTokens(raw, true);
        const bad = kept.map((t, i) => (oracleValid(t) ? 0 : i + 1)).filter((n) => n > 0);
        let coldStartRefuses = false;
        try {
          loadConfig({ HTTP_AUTH_TOKENS: raw });
        } catch {
          coldStartRefuses = true;
        }
        if (kept.length === 0) {
          expect(row.status).toBe('warn');
          return;
        }
        expect(row.status).toBe(bad.length > 0 ? 'fail' : 'ok');
        expect(coldStartRefuses).toBe(bad.length > 0);
        const named = [...row.detail.matchAll(/token (\d+) \(/g)].map((m) => Number(m[1]));
        expect(named).toEqual(bad);
        for (const t of kept) if (t.length >= 4) expect(row.detail).not.toContain(t);
      }),
      { numRuns: 300 },
    );
  });
});
