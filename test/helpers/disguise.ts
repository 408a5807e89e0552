/**
 * fast-check generators of the disguises an echo can give a secret (issue 12, red-team B1–B3 and
 * the escape case), for the independent checks of the redactor (test/helpers/leaks.ts). Written
 * without shared/core/redact.ts.
 */
import fc from 'fast-check';
import { lookAlikesOf } from './leaks.js';

/** Secrets like the real ones: AccessKey secrets, base64-ish STS tokens, URL-safe HTTP tokens. */
export const SECRET_ALPHABET =
  'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=_-.~';

/** A secret of `min`..`max` characters of {@link SECRET_ALPHABET}. */
export const secretArb = (min = 16, max = 64): fc.Arbitrary<string> =>
  fc
    .array(fc.constantFrom(...SECRET_ALPHABET.split('')), { minLength: min, maxLength: max })
    .map((cs) => cs.join(''));

/** The names of the disguises {@link disguiseArb} draws from. */
export const DISGUISES = [
  'base64',
  'middle',
  'split-concat',
  'split-json',
  'separators',
  'hex',
  'reversed',
  'homoglyphs',
  'escape-start',
] as const;
export type DisguiseName = (typeof DISGUISES)[number];

const b64 = (bytes: Buffer, urlSafe: boolean, pad: boolean): string => {
  let s = bytes.toString(urlSafe ? 'base64url' : 'base64');
  if (urlSafe && pad) s += '='.repeat((4 - (s.length % 4)) % 4);
  if (!urlSafe && !pad) s = s.replace(/=+$/, '');
  return s;
};

/** No digit and one case only: the windows the promise leaves out (see leaks.ts). */
const ordinary = (w: string) => !/\d/.test(w) && (w === w.toLowerCase() || w === w.toUpperCase());

/** A disguised `secret` of one kind, with the kind's name (for messages). */
export function disguiseArb(
  secret: string,
  only?: readonly DisguiseName[],
): fc.Arbitrary<{ how: DisguiseName; text: string }> {
  const kinds = only ?? DISGUISES;
  const filler = fc.string({ maxLength: 6 });
  const arbs: Record<DisguiseName, fc.Arbitrary<string>> = {
    // base64 of prefix + secret + suffix, the prefix 0..5 bytes (every alignment mod 3)
    base64: fc
      .tuple(filler, filler, fc.boolean(), fc.boolean())
      .map(([pre, post, urlSafe, pad]) =>
        b64(Buffer.from(pre + secret + post, 'utf8'), urlSafe, pad),
      ),
    // a piece from the middle (at least 8 long and not made only of ordinary windows)
    middle: fc
      .tuple(fc.nat(secret.length - 8), fc.integer({ min: 8, max: secret.length }))
      .map(([start, len]) => secret.slice(start, Math.min(secret.length, start + len)))
      .filter((piece) => {
        if (piece.length < 8) return false;
        for (let i = 0; i + 8 <= piece.length; i++)
          if (!ordinary(piece.slice(i, i + 8))) return true;
        return false;
      }),
    'split-concat': fc
      .integer({ min: 1, max: secret.length - 1 })
      .map((cut) => `"${secret.slice(0, cut)}" + "${secret.slice(cut)}"`),
    'split-json': fc
      .integer({ min: 1, max: secret.length - 1 })
      .map((cut) => JSON.stringify([secret.slice(0, cut), secret.slice(cut)])),
    separators: fc
      .constantFrom('-', ' ', '.', ' . ', ', ', '·', ':', '|')
      .map((sep) => secret.split('').join(sep)),
    hex: fc.tuple(filler, fc.boolean(), fc.constantFrom('', ':', ' ')).map(([pre, upper, sep]) => {
      const hex = Buffer.from(pre + secret, 'utf8').toString('hex');
      const cased = upper ? hex.toUpperCase() : hex;
      return sep ? (cased.match(/../g) ?? []).join(sep) : cased;
    }),
    reversed: fc.constant([...secret].reverse().join('')),
    homoglyphs: fc
      .array(fc.nat(), { minLength: secret.length, maxLength: secret.length })
      .map((picks) =>
        [...secret]
          .map((ch, i) => {
            const alikes = lookAlikesOf(ch);
            return alikes.length > 0 && picks[i]! % 2 === 0
              ? alikes[picks[i]! % alikes.length]!
              : ch;
          })
          .join(''),
      ),
    // the start of an escape right before the secret, other characters of it escaped
    'escape-start': fc
      .tuple(
        fc.constantFrom('%', '%2', '\\', '\\u', '\\u0', '\\u00', '\\x', '&#', '&#x'),
        fc.array(fc.constantFrom('plain', 'pct', 'json', 'upper'), {
          minLength: secret.length,
          maxLength: secret.length,
        }),
      )
      .map(
        ([start, dresses]) =>
          start +
          [...secret]
            .map((ch, i) => {
              const hex = ch.charCodeAt(0).toString(16).padStart(2, '0');
              switch (dresses[i]) {
                case 'pct':
                  return `%${hex.toUpperCase()}`;
                case 'json':
                  return `\\u00${hex}`;
                case 'upper':
                  return ch.toUpperCase();
                default:
                  return ch;
              }
            })
            .join(''),
      ),
  };
  return fc.constantFrom(...kinds).chain((how) => arbs[how].map((text) => ({ how, text })));
}

/**
 * The disguises an echo can give a request's own signature (red-team 25 G8): every disguise of a
 * secret ({@link DISGUISES}, applied to the signature's text), plus re-encodings of the HMAC bytes
 * the signature is the base64 of (`acs` / `LOG`: 20 bytes of HMAC-SHA1; DingTalk `sign`: 32 of
 * HMAC-SHA256): hex or upper hex of them (separators allowed, other bytes before them), base64url
 * of them (padded or not, other bytes around them), the signature without its `=` padding, twice
 * percent-encoded, a space between every character, and its two halves in two JSON fields.
 */
export const SIGNATURE_DISGUISES = [
  ...DISGUISES,
  'bytes-hex',
  'bytes-base64url',
  'unpadded',
  'double-percent',
  'spaced',
  'split-fields',
] as const;
export type SignatureDisguiseName = (typeof SIGNATURE_DISGUISES)[number];

/** A disguised `signature` (base64 of HMAC bytes) of one kind, with the kind's name. */
export function signatureDisguiseArb(
  signature: string,
  only?: readonly SignatureDisguiseName[],
): fc.Arbitrary<{ how: SignatureDisguiseName; text: string }> {
  const kinds = only ?? SIGNATURE_DISGUISES;
  const bytes = Buffer.from(signature, 'base64');
  const filler = fc.uint8Array({ maxLength: 5 }).map((a) => Buffer.from(a));
  const own: Record<string, fc.Arbitrary<string>> = {
    'bytes-hex': fc
      .tuple(filler, fc.boolean(), fc.constantFrom('', ':', ' ', '-'))
      .map(([pre, upper, sep]) => {
        const hex = Buffer.concat([pre, bytes]).toString('hex');
        const cased = upper ? hex.toUpperCase() : hex;
        return sep ? (cased.match(/../g) ?? []).join(sep) : cased;
      }),
    'bytes-base64url': fc
      .tuple(filler, filler, fc.boolean())
      .map(([pre, post, pad]) => b64(Buffer.concat([pre, bytes, post]), true, pad)),
    unpadded: fc.constant(signature.replace(/=+$/, '')),
    'double-percent': fc.constant(encodeURIComponent(encodeURIComponent(signature))),
    spaced: fc.constant(signature.split('').join(' ')),
    'split-fields': fc
      .integer({ min: 1, max: signature.length - 1 })
      .map((cut) =>
        JSON.stringify({ first: signature.slice(0, cut), second: signature.slice(cut) }),
      ),
  };
  return fc.constantFrom(...kinds).chain((how) => {
    const arb = own[how] ?? disguiseArb(signature, [how as DisguiseName]).map((d) => d.text);
    return arb.map((text) => ({ how, text }));
  });
}

/**
 * `signature` disguised the `how` way, drawn deterministically from `seed`: for a server that
 * learns the signature only when the request arrives.
 */
export function disguiseSignature(
  signature: string,
  how: SignatureDisguiseName,
  seed: number,
): string {
  return fc.sample(signatureDisguiseArb(signature, [how]), { numRuns: 1, seed })[0]!.text;
}
