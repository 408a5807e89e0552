/**
 * An independent checker of the redaction promise (docs/reference/webplus-api.md, "What the
 * redactor removes"), written without shared/core/redact.ts and sharing no code with it: its own
 * decoders (test/helpers/reveal.ts, Buffer's base64 and hex), its own look-alike table, its own
 * skeleton. `leaks(output, secret)` lists every disguised piece of `secret` that `output` still
 * holds; a test asserts it is empty.
 *
 * What counts as a leak (the promise): a window of 8 characters of the secret that does not read
 * as ordinary text (it has a digit, or letters of both cases), found in the output
 * - as it is or dressed (invisibles, %XX, \uXXXX, full-width, case, Cyrillic/Greek look-alikes),
 * - reversed,
 * - inside base64 (either alphabet) of any text, at any of the four character offsets,
 * - inside hex of any text (either case, either nibble offset, separators dropped);
 * and a window of 12 of the secret's letters and digits found with anything else between them.
 */
import { INVISIBLES, reveal } from './reveal.js';

/**
 * Look-alikes of Latin letters, as a list of [look-alike, Latin] pairs, by code point (upper
 * and lower case listed both). Taken from Unicode's confusables.txt by hand.
 */
const LOOK_ALIKES: Array<[number, string]> = [
  [0x0410, 'a'],
  [0x0430, 'a'],
  [0x0412, 'b'],
  [0x0421, 'c'],
  [0x0441, 'c'],
  [0x0415, 'e'],
  [0x0435, 'e'],
  [0x041d, 'h'],
  [0x04bb, 'h'],
  [0x0406, 'i'],
  [0x0456, 'i'],
  [0x0408, 'j'],
  [0x0458, 'j'],
  [0x041a, 'k'],
  [0x041c, 'm'],
  [0x041e, 'o'],
  [0x043e, 'o'],
  [0x0420, 'p'],
  [0x0440, 'p'],
  [0x0405, 's'],
  [0x0455, 's'],
  [0x0422, 't'],
  [0x0425, 'x'],
  [0x0445, 'x'],
  [0x0423, 'y'],
  [0x0443, 'y'],
  [0x0391, 'a'],
  [0x0392, 'b'],
  [0x0395, 'e'],
  [0x0396, 'z'],
  [0x0397, 'h'],
  [0x0399, 'i'],
  [0x039a, 'k'],
  [0x039c, 'm'],
  [0x039d, 'n'],
  [0x039f, 'o'],
  [0x03bf, 'o'],
  [0x03a1, 'p'],
  [0x03c1, 'p'],
  [0x03a4, 't'],
  [0x03a5, 'y'],
  [0x03a7, 'x'],
  [0x03c7, 'x'],
];
const LATIN_OF = new Map(LOOK_ALIKES.map(([cp, latin]) => [String.fromCodePoint(cp), latin]));

/** The look-alike characters the generators may use for a Latin letter. */
export function lookAlikesOf(letter: string): string[] {
  return LOOK_ALIKES.filter(([, l]) => l === letter.toLowerCase()).map(([cp]) =>
    String.fromCodePoint(cp),
  );
}

/** No digit, and the letters all of one case: an ordinary-looking window (not promised). */
function ordinary(window: string): boolean {
  return !/\d/.test(window) && (window === window.toLowerCase() || window === window.toUpperCase());
}

/** The windows of `secret` of `size` the promise covers, lower-cased. */
function windows(secret: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i + size <= secret.length; i++) {
    const w = secret.slice(i, i + size);
    if (!ordinary(w)) out.push(w.toLowerCase());
  }
  return out;
}

/** `text` with its look-alikes read as Latin (before any case change), then revealed. */
function folded(text: string): string {
  let latin = '';
  for (const ch of text) latin += LATIN_OF.get(ch) ?? ch;
  let out = '';
  for (const ch of reveal(latin).normalize('NFKC')) out += LATIN_OF.get(ch) ?? ch.toLowerCase();
  return out;
}

/** Every text base64-decoded from the runs of base64 characters in `text`, at each offset. */
function base64Decodings(text: string): string[] {
  const out: string[] = [];
  for (const run of text.match(/[A-Za-z0-9+/_-]{11,}/g) ?? []) {
    for (let offset = 0; offset < 4; offset++) {
      const part = run.slice(offset).replace(/-/g, '+').replace(/_/g, '/');
      out.push(
        Buffer.from(part.slice(0, part.length - (part.length % 4)), 'base64').toString('latin1'),
      );
    }
  }
  return out;
}

/** Every text hex-decoded from the runs of hex digits in `text` (separators dropped), both parities. */
function hexDecodings(text: string): string[] {
  const out: string[] = [];
  const joined = text.replace(/[\s:.,_-]/g, '');
  for (const run of joined.match(/[0-9a-fA-F]{16,}/g) ?? []) {
    for (const offset of [0, 1]) {
      const part = run.slice(offset);
      out.push(
        Buffer.from(part.slice(0, part.length - (part.length % 2)), 'hex').toString('latin1'),
      );
    }
  }
  return out;
}

/**
 * Every disguised piece of `secret` that `output` still holds, each as `how: piece`; empty when
 * none. See the module comment for what is looked for.
 */
export function leaks(output: string, secret: string): string[] {
  const found = new Set<string>();
  const reverse = [...secret].reverse().join('');
  const plain = [...windows(secret, 8), ...windows(reverse, 8)];
  const view = folded(output);
  const decoded = [
    ...base64Decodings(output),
    ...base64Decodings(reveal(output)),
    ...hexDecodings(output),
    ...hexDecodings(reveal(output)),
  ].map((t) => t.toLowerCase());
  for (const w of plain) {
    if (output.toLowerCase().includes(w) || view.includes(w)) found.add(`text: ${w}`);
    if (decoded.some((d) => d.includes(w))) found.add(`decoded: ${w}`);
  }
  const skeleton = secret.replace(/[^A-Za-z0-9]/g, '');
  if (skeleton.length >= 12) {
    const outSkeleton = view.replace(/[^a-z0-9]/g, '');
    const reverseSkeleton = [...skeleton].reverse().join('');
    for (const w of [...windows(skeleton, 12), ...windows(reverseSkeleton, 12)]) {
      if (outSkeleton.includes(w)) found.add(`skeleton: ${w}`);
    }
  }
  return [...found];
}

/**
 * A text with %XX and \uXXXX escapes undone up to three layers and the characters that show
 * nothing (spaces too) dropped, its case KEPT (base64 needs it; {@link reveal} folds it).
 */
function unescapedKeepingCase(text: string): string {
  let t = text;
  for (let layer = 0; layer < 3; layer++) {
    t = t
      .replace(/%([0-9a-fA-F]{2})/g, (_m, h: string) => String.fromCharCode(Number.parseInt(h, 16)))
      .replace(/\\u([0-9a-fA-F]{4})/g, (_m, h: string) =>
        String.fromCharCode(Number.parseInt(h, 16)),
      );
  }
  for (const inv of [' ', ...INVISIBLES]) t = t.split(inv).join('');
  return t;
}

/**
 * Every disguised piece of a request's own `signature` (the base64 of its HMAC bytes) that
 * `output` still holds (red-team 25 G8): what {@link leaks} finds for it as a text, and any
 * 8 bytes of its HMAC found in the hex or base64 (either alphabet, padded or not, any offset) of
 * `output`, as it is or with its escapes undone and its spaces dropped. Empty when none.
 */
export function signatureLeaks(output: string, signature: string): string[] {
  const found = new Set(leaks(output, signature));
  const hmac = Buffer.from(signature, 'base64').toString('latin1');
  const views = [output, unescapedKeepingCase(output)];
  const decoded = views.flatMap((v) => [...base64Decodings(v), ...hexDecodings(v)]);
  for (let i = 0; i + 8 <= hmac.length; i++) {
    const w = hmac.slice(i, i + 8);
    if (decoded.some((d) => d.includes(w)))
      found.add(`hmac bytes: ${Buffer.from(w, 'latin1').toString('hex')}`);
  }
  return [...found];
}
