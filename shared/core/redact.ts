/**
 * The one redactor: every text that comes from outside (Web+, SAE, EDAS and SLS error messages
 * and bodies, proxy pages, transport errors, caller input, credentials-file errors) passes it
 * before it reaches a record, an HTTP answer, a notification or a log line.
 *
 * What it promises, for each secret it was given (≥ 8 characters; the contract is
 * docs/reference/webplus-api.md "What the redactor removes"):
 * - every run of at least {@link MIN_RUN_CHARS} (8) consecutive characters of the secret is
 *   removed wherever it appears: the whole secret, a piece cut from its middle, its start or its
 *   end, each half of a secret split into two strings (`"abcd…" + "…wxyz"`, `["half1","half2"]`);
 * - in any dress, since matching is done on normalized readings of the text: invisible
 *   characters dropped (controls, format characters, spaces of every width, other
 *   default-ignorables), percent / JSON / JS / HTML escapes decoded up to three layers (HTML
 *   numeric references with or without their `;`: `&#83`, `&#x53`, red-team 12 F4; the
 *   undecoded reading is kept: a stray `%` or `\u` before a secret that starts with hex digits
 *   swallows at most its first characters, the rest is still a run), NFKC (full-width forms),
 *   case-folded, and Cyrillic / Greek look-alike letters read as the Latin ones;
 * - reversed;
 * - base64 (standard or URL-safe alphabet, padded or not) of any text holding the secret at any
 *   byte offset: the middle of its base64 at each of the three alignments, runs of ≥ 8 of it;
 *   that base64 reversed too;
 * - hex of its UTF-8 bytes (either case, any byte offset, separators allowed, a `0x` in front):
 *   runs of ≥ 16 hex digits (8 bytes);
 * - its UTF-8 bytes as a list of numbers: decimal (`83,69,67`, `[83, 69, 67]`, `83 69 67`,
 *   Java's signed `-61`) or `0x` bytes (`0x53, 0x45`), spaces, `,` `;` `:` `|` and brackets
 *   between them: runs of ≥ 8 bytes (read as hex of the bytes, so any byte offset);
 * - with visible separators put between its characters (`a-b-c`, `a.b.c`, `a b c`, quotes):
 *   runs of ≥ {@link MIN_SKELETON_RUN_CHARS} (12) of its alphanumeric skeleton, matched on the
 *   text's alphanumeric skeleton;
 * - a "string to sign" echo, from its first words to the end of the text: the gateway's
 *   `SignatureDoesNotMatch` message quotes the server's string to sign, whose canonical headers
 *   include `x-acs-security-token` (Alibaba Cloud ROA signature docs:
 *   https://github.com/AlibabaCloudDocs/webx/blob/master/cn.zh-CN/API参考/签名机制.md);
 * - for a request signature given to {@link Redactor.add} (red-team 24 F5, 25 G8): all of the
 *   above, and the same for the HMAC bytes it is the base64 or hex of (their hex, base64url,
 *   base64 at another offset, byte lists), kept in a bounded index of their own;
 * - the value after a secret-bearing name (`x-acs-security-token: …`, `SecurityToken=…`,
 *   `AccessKeySecret": "…"`, `token=…`), whatever its value; after `Authorization:`,
 *   `Proxy-Authorization:` or `Cookie:` the rest of the line, whatever its scheme (SLS
 *   `LOG keyid:sig`, POP `acs keyid:sig`, ACS3 `Credential=…,Signature=…`: red-team 12 F6).
 * The matching spans are cut from the ORIGINAL text; the rest is kept as it was.
 *
 * Why this family: every dress above is a FIXED, reversible, per-character or per-byte encoding
 * that servers, proxies, SDKs and debug pages really produce (escapes, entities, hex and byte
 * dumps, base64, a reversed buffer), so each can be undone on the text itself, in one linear
 * pass, and matched by the 8-character windows of a set built once; red-team 12 F4 found four
 * members missing (`&#x51` without `;`, `0x` bytes, decimal byte lists, reversed base64).
 *
 * What it does not promise: a piece shorter than 8 characters (12 across separators); base64
 * of another encoding of the secret (UTF-16, EBCDIC), base64 with its characters' case changed
 * or base64 of the secret's base64; byte lists in octal or of UTF-16 code units beyond ASCII,
 * the bytes or hex reversed; encryption and hashing (keyed or lossy: nothing to undo them on
 * the text); other transformations (rot13, a Caesar shift, characters shuffled: without end in
 * number, and no server echoes a secret that way; each would be one more set of windows);
 * separators between the characters of a secret whose skeleton is shorter than 12; look-alikes outside the small table below; a secret it was not
 * given (a secret of another account echoed by a proxy is only caught by the name rules).
 * Ordinary text that shares an 8-character run with a secret is removed too (a token made of
 * words costs those words in outputs: HTTP tokens should be random).
 *
 * Cost: linear in the text's length (each 8-character window is looked up in a set); texts
 * longer than 16 KiB are read in overlapping windows so memory stays bounded
 * (bench/redact.ts prints the cost per record).
 */

/** Replacement text for a removed secret. */
export const REDACTED = '[redacted]';

/** What replaces a string-to-sign echo (and everything after it). */
export const STRING_TO_SIGN_CUT = '[string-to-sign echo cut]';

/**
 * Secrets shorter than this are not searched for: a short one would match inside ordinary text
 * (ids, words) and mangle it. HTTP tokens must be at least 16 characters (config.ts); Alibaba
 * Cloud secrets and STS tokens are far longer.
 */
export const MIN_REDACTED_TOKEN_CHARS = 8;

const STRING_TO_SIGN =
  /string[\s_-]*to[\s_-]*sign|stringtosign|canonicali[sz]ed[\s_-]*(?:headers|resource)/gi;

/**
 * A name that carries a secret, then `:` or `=` (quotes allowed), then the value (an opening
 * `[` of a list and an `acs ` / `Bearer ` / `Basic ` scheme are skipped). Matched on every
 * {@link nameViews} reading (escapes decoded, invisible characters dropped, case and look-alikes
 * folded), so `Access\u004BeySecret`, `%53ecurityToken`, `SecurityToken&#61;` and
 * `Secu\u200BrityToken` are names too. A value already {@link REDACTED} is not a value again
 * (a second pass changes nothing).
 *
 * An `Authorization:`-like header (`Authorization`, `Proxy-Authorization`, `Cookie`) is the
 * second alternative (red-team 12 F6): its value is the rest of the line (up to a line break,
 * a quote, `<`, `>`, `}` or `]`), whatever its scheme, so `Authorization: LOG keyid:sig` (SLS),
 * `acs keyid:sig` (POP) and `ACS3-HMAC-SHA256 Credential=…,Signature=…` lose all of it. A known
 * scheme word ({@link AUTH_SCHEMES}) is kept in front of the cut; any other first word is cut
 * with the rest (it may be the credential itself).
 */
const AUTH_SCHEMES = String.raw`(?:bearer|basic|acs|log|digest|token|hmac-sha\d+|[a-z0-9]+-hmac-sha\d+)`;
const SECRET_NAMES = new RegExp(
  String.raw`(?:x-acs-security-token|security[\s_.-]?token|access[\s_.-]?key[\s_.-]?secret|secret[\s_.-]?access[\s_.-]?key|x-abort-token|(?<![a-z])signature|(?:access|session|sts|refresh|auth|bearer|id)[_-]?token|(?<![a-z])token)["']?\s*[:=]\s*(?!(?:\[\s*)?["']?(?:(?:bearer|acs|basic)\s+)?\[redacted)(?:\[\s*)?["']?(?:(?:bearer|acs|basic)\s+)?([^\s"'&,;<>}\]]+)` +
    String.raw`|(?:authorization|(?<![a-z])cookie)["']?[ \t]*[:=][ \t]*["']?(?![ \t])(?!(?:${AUTH_SCHEMES}[ \t]+)?\[redacted)(?:${AUTH_SCHEMES}[ \t]+(?=[^\s"'<>}\]]))?([^\r\n"'<>}\]]*[^\s"'<>}\]])`,
  'gi',
);

/** The value a {@link SECRET_NAMES} match ends at in the original text (it may run on past an escape). */
const RAW_VALUE = /[^\s"'&,;<>}\]]+/y;

/**
 * Characters that show nothing: controls, format characters (zero-width space/joiners, BOM,
 * soft hyphen, bidi marks), separators (spaces of every width, line and paragraph separators)
 * and the other default-ignorable code points (combining grapheme joiner, variation selectors,
 * Hangul fillers, Khmer inherent vowels). A secret split by any of them is still the secret.
 * Source: Unicode `Default_Ignorable_Code_Point` (https://www.unicode.org/reports/tr44/).
 */
const INVISIBLE_CATEGORY = /^[\p{Cc}\p{Cf}\p{Z}]$/u;

/** Whether the code point `cp` (the character `ch`) shows nothing (see {@link INVISIBLE_CATEGORY}). */
function isInvisible(cp: number, ch: string): boolean {
  return (
    INVISIBLE_CATEGORY.test(ch) ||
    cp === 0x034f ||
    cp === 0x115f ||
    cp === 0x1160 ||
    cp === 0x17b4 ||
    cp === 0x17b5 ||
    (cp >= 0x180b && cp <= 0x180f) ||
    cp === 0x3164 ||
    (cp >= 0xfe00 && cp <= 0xfe0f) ||
    cp === 0xffa0 ||
    (cp >= 0xe0100 && cp <= 0xe01ef)
  );
}

/** A text and, per UTF-16 unit of it, the span [start, end) of the original text it came from. */
interface Mapped {
  text: string;
  starts: number[];
  ends: number[];
}

/** A stage's output in terms of its input's spans: each piece of `out` covers `[from, to)` of it. */
class MappedBuilder {
  text = '';
  readonly starts: number[] = [];
  readonly ends: number[] = [];
  constructor(private readonly source: Mapped) {}
  /** Appends `piece`, standing for the source units `[from, to)`. */
  push(piece: string, from: number, to: number): void {
    const start = this.source.starts[from]!;
    const end = this.source.ends[to - 1]!;
    this.text += piece;
    for (let k = 0; k < piece.length; k++) {
      this.starts.push(start);
      this.ends.push(end);
    }
  }
  done(): Mapped {
    return { text: this.text, starts: this.starts, ends: this.ends };
  }
}

/**
 * `IDENTITY_STARTS[i] = i` and `IDENTITY_ENDS[i] = i + 1`, grown on demand up to
 * {@link MAX_SHARED_IDENTITY} units: the map of a text onto itself, shared by every
 * {@link identity} instead of two new arrays per text (the alarm path redacts every string of its
 * records; issue 16). Only ever read below a text's length, never written outside `identity`.
 */
const IDENTITY_STARTS: number[] = [];
const IDENTITY_ENDS: number[] = [];
/** Longest text whose identity map is shared (a window, {@link WINDOW_CHARS}); longer: its own. */
const MAX_SHARED_IDENTITY = 16_384;

function identity(text: string): Mapped {
  const n = text.length;
  if (n > MAX_SHARED_IDENTITY) {
    const starts: number[] = [];
    const ends: number[] = [];
    for (let i = 0; i < n; i++) {
      starts.push(i);
      ends.push(i + 1);
    }
    return { text, starts, ends };
  }
  for (let i = IDENTITY_STARTS.length; i < n; i++) {
    IDENTITY_STARTS.push(i);
    IDENTITY_ENDS.push(i + 1);
  }
  return { text, starts: IDENTITY_STARTS, ends: IDENTITY_ENDS };
}

/** Drops every invisible code point ({@link isInvisible}). */
function stripInvisible(input: Mapped): Mapped {
  const out = new MappedBuilder(input);
  const t = input.text;
  for (let i = 0; i < t.length; ) {
    const cp = t.codePointAt(i)!;
    const n = cp > 0xffff ? 2 : 1;
    const ch = t.slice(i, i + n);
    if (!isInvisible(cp, ch)) out.push(ch, i, i + n);
    i += n;
  }
  return out.done();
}

const HTML_NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * One decoding pass: percent-encoding (`%2B`, UTF-8 sequences too, and `escape()`'s `%u002B`),
 * JSON and JS escapes (`\u002B`, `\x2B`, octal `\053`, `\/`, `\\`, `\"`; not `\n` and its kind, which would swallow a secret
 * starting with `n` after a stray backslash), HTML character references (`&#43;`, `&#x2b;`,
 * `&amp;`; the numeric ones without their `;` too: `&#43`, `&#x2b`). Each decoded character
 * stands for the whole escape.
 */
function decodeOnce(input: Mapped): Mapped {
  const out = new MappedBuilder(input);
  const t = input.text;
  let i = 0;
  while (i < t.length) {
    const c = t[i]!;
    if (c === '%') {
      const decoded = percentAt(t, i);
      if (decoded) {
        out.push(decoded.text, i, i + decoded.length);
        i += decoded.length;
        continue;
      }
      // JS `escape()`'s `%uXXXX`.
      const u = /^%[uU]([0-9a-fA-F]{4})/.exec(t.slice(i, i + 6));
      if (u) {
        out.push(safeFromCodePoint(Number.parseInt(u[1]!, 16)), i, i + 6);
        i += 6;
        continue;
      }
    } else if (c === '\\') {
      const m =
        /^\\(?:u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})|u\{([0-9a-fA-F]{1,6})\}|([\\/"'])|([0-3][0-7]{2}|[0-7]{1,2}))/.exec(
          t.slice(i, i + 10),
        );
      if (m) {
        const hex = m[1] ?? m[2] ?? m[3];
        const ch =
          hex !== undefined
            ? safeFromCodePoint(Number.parseInt(hex, 16))
            : m[5] !== undefined
              ? String.fromCharCode(Number.parseInt(m[5], 8))
              : m[4]!;
        out.push(ch, i, i + m[0].length);
        i += m[0].length;
        continue;
      }
    } else if (c === '&') {
      // Numeric references with or without their `;` (HTML parsers accept `&#83` and `&#x53`:
      // red-team 12 F4); the named ones only with it.
      const m = /^&(?:#(\d{1,7});?|#[xX]([0-9a-fA-F]{1,6});?|(amp|lt|gt|quot|apos);)/.exec(
        t.slice(i, i + 12),
      );
      if (m) {
        let length = m[0].length;
        let digits = m[1] ?? m[2];
        if (digits !== undefined && !m[0].endsWith(';')) {
          // Without its `;` a reference ends where its digits stop being next to each other in
          // the original: `&#x38 e` is `8` then ` e`, even though the space is not read.
          const from = i + (m[2] !== undefined ? 3 : 2);
          for (let k = from + 1; k < i + length; k++) {
            if (input.starts[k] !== input.ends[k - 1]) {
              length = k - i;
              break;
            }
          }
          digits = t.slice(from, i + length);
        }
        const ch =
          m[3] !== undefined
            ? HTML_NAMED[m[3]]!
            : safeFromCodePoint(m[1] !== undefined ? Number(digits) : Number.parseInt(digits!, 16));
        out.push(ch, i, i + length);
        i += length;
        continue;
      }
    }
    out.push(c, i, i + 1);
    i += 1;
  }
  return out.done();
}

function safeFromCodePoint(cp: number): string {
  return cp >= 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : '\uFFFD';
}

/** The character a run of `%XX` at `i` encodes (one ASCII byte or one UTF-8 sequence). */
function percentAt(t: string, i: number): { text: string; length: number } | undefined {
  const byteAt = (k: number): number | undefined => {
    const m = /^%([0-9a-fA-F]{2})/.exec(t.slice(k, k + 3));
    return m ? Number.parseInt(m[1]!, 16) : undefined;
  };
  const lead = byteAt(i);
  if (lead === undefined) return undefined;
  if (lead < 0x80) return { text: String.fromCharCode(lead), length: 3 };
  const count = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc2 ? 2 : 0;
  if (count === 0) return undefined;
  const bytes = [lead];
  for (let k = 1; k < count; k++) {
    const b = byteAt(i + 3 * k);
    if (b === undefined || b < 0x80 || b > 0xbf) return undefined;
    bytes.push(b);
  }
  const text = Buffer.from(bytes).toString('utf8');
  return text.includes('\uFFFD') ? undefined : { text, length: 3 * count };
}

/**
 * Letters of other scripts that look like Latin ones, after case folding (so `В` arrives as
 * `в`): Cyrillic and Greek homoglyphs, plus dotless i and the long s. A secret written with
 * them reads as the Latin secret. A small hand-picked subset of Unicode's confusables
 * (https://www.unicode.org/Public/security/latest/confusables.txt); NFKC has already folded the
 * compatibility forms (full-width, mathematical letters, ligatures).
 */
const CONFUSABLES: Readonly<Record<string, string>> = {
  // Cyrillic (lower case of the letters that look like Latin capitals or small letters)
  а: 'a',
  в: 'b',
  ь: 'b',
  с: 'c',
  ԁ: 'd',
  е: 'e',
  ё: 'e',
  һ: 'h',
  н: 'h',
  і: 'i',
  ї: 'i',
  ј: 'j',
  к: 'k',
  ӏ: 'l',
  м: 'm',
  о: 'o',
  р: 'p',
  ԛ: 'q',
  ѕ: 's',
  т: 't',
  ц: 'u',
  ѵ: 'v',
  ԝ: 'w',
  х: 'x',
  у: 'y',
  // Greek
  α: 'a',
  β: 'b',
  ε: 'e',
  η: 'h',
  ι: 'i',
  κ: 'k',
  μ: 'm',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  γ: 'y',
  ζ: 'z',
  // Latin look-alikes NFKC keeps
  ı: 'i',
  ſ: 's',
  ɡ: 'g',
};

/**
 * Capital letters of other scripts that look like Latin capitals, read before case folding
 * (Greek `Ν` is an `N`, though its lower case `ν` looks like a `v`). Same source as
 * {@link CONFUSABLES}.
 */
const CONFUSABLE_CAPITALS: Readonly<Record<string, string>> = {
  А: 'a',
  В: 'b',
  С: 'c',
  Е: 'e',
  Н: 'h',
  І: 'i',
  Ј: 'j',
  К: 'k',
  М: 'm',
  О: 'o',
  Р: 'p',
  Ѕ: 's',
  Т: 't',
  Х: 'x',
  У: 'y',
  Α: 'a',
  Β: 'b',
  Ε: 'e',
  Ζ: 'z',
  Η: 'h',
  Ι: 'i',
  Κ: 'k',
  Μ: 'm',
  Ν: 'n',
  Ο: 'o',
  Ρ: 'p',
  Τ: 't',
  Υ: 'y',
  Χ: 'x',
};

/**
 * NFKC, case-folded (lower case of the upper case), then {@link CONFUSABLES} folded, one code
 * point at a time ({@link CONFUSABLE_CAPITALS} first).
 */
function foldCase(input: Mapped): Mapped {
  const out = new MappedBuilder(input);
  const t = input.text;
  for (let i = 0; i < t.length; ) {
    const cp = t.codePointAt(i)!;
    const n = cp > 0xffff ? 2 : 1;
    if (cp < 0x80) {
      // ASCII: only the case changes (NFKC keeps every ASCII character).
      const c = t[i]!;
      out.push(c >= 'A' && c <= 'Z' ? c.toLowerCase() : c, i, i + 1);
      i += 1;
      continue;
    }
    const capital = CONFUSABLE_CAPITALS[t.slice(i, i + n)];
    if (capital !== undefined) {
      out.push(capital, i, i + n);
      i += n;
      continue;
    }
    let folded = t
      .slice(i, i + n)
      .normalize('NFKC')
      .toUpperCase()
      .toLowerCase();
    let mapped = '';
    for (const ch of folded) mapped += CONFUSABLES[ch] ?? ch;
    folded = mapped;
    out.push(folded, i, i + n);
    i += n;
  }
  return out.done();
}

/**
 * The readings of a text a secret is looked for in: as it is, then with escapes decoded one
 * layer at a time (up to three: a double-encoded `%252B` too); each with invisible characters
 * dropped, NFKC, case- and confusable-folded, every unit mapped back to the span of the original
 * it came from. Every layer is kept: decoding can also swallow a raw secret (`%` before a secret
 * starting with two hex digits reads as one escape), so the undecoded reading is searched as
 * well, and the rest of the secret is still a long run in the decoded one.
 */
function readings(text: string): Mapped[] {
  const ascii = asciiReading(text);
  if (ascii) return [ascii];
  let m = stripInvisible(identity(text));
  const out = [stripInvisible(foldCase(m))];
  for (let pass = 0; pass < 3; pass++) {
    const next = stripInvisible(decodeOnce(m));
    if (next.text === m.text) break;
    m = next;
    out.push(stripInvisible(foldCase(m)));
  }
  return out;
}

/**
 * The one reading of an ASCII text without an escape start (`%`, `\\`, `&`): its controls and
 * spaces dropped, letters in lower case. The same as the general readings give for such a text
 * (nothing to decode, nothing for NFKC or the look-alike tables), in one pass.
 */
function asciiReading(text: string): Mapped | undefined {
  if (/[\u0080-\uffff%\\&]/.test(text)) return undefined;
  // Nothing to drop (no control or space): the text itself, lower-cased, unit for unit.
  let drops = false;
  for (let i = 0; i < text.length && !drops; i++) {
    const c = text.charCodeAt(i);
    drops = c <= 0x20 || c === 0x7f;
  }
  if (!drops) return { ...identity(text), text: text.toLowerCase() };
  const starts: number[] = [];
  const ends: number[] = [];
  let kept = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x20 && c !== 0x7f) {
      starts.push(i);
      ends.push(i + 1);
      continue;
    }
    kept += text.slice(from, i);
    from = i + 1;
  }
  kept += text.slice(from);
  return { text: kept.toLowerCase(), starts, ends };
}

/** Whitespace the name rule reads as a space (JS `\s` less the BOM, which is invisible). */
const WHITESPACE = /^[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/u;

/**
 * Like {@link stripInvisible}, but every whitespace character is kept as one plain space (a line
 * break as `\n`: an `Authorization` value ends at the end of its line).
 */
function spacesKept(input: Mapped): Mapped {
  const out = new MappedBuilder(input);
  const t = input.text;
  for (let i = 0; i < t.length; ) {
    const cp = t.codePointAt(i)!;
    const n = cp > 0xffff ? 2 : 1;
    const ch = t.slice(i, i + n);
    if (ch === '\n' || ch === '\r') out.push('\n', i, i + n);
    else if (WHITESPACE.test(ch)) out.push(' ', i, i + n);
    else if (!isInvisible(cp, ch)) out.push(ch, i, i + n);
    i += n;
  }
  return out.done();
}

/**
 * The readings the name rule ({@link SECRET_NAMES}) and the string-to-sign rule are matched on:
 * the text as it is, then the same readings as {@link readings} (escapes decoded up to three
 * layers, invisible characters dropped, NFKC, case and look-alikes folded), except that
 * whitespace stays (as a space) so a value ends where it ends in the text. Printable ASCII
 * without an escape start has only itself to read.
 */
function nameViews(text: string): Mapped[] {
  const self = identity(text);
  if (!/[^\x20-\x7e\t\n\r]|[%\\&]/.test(text)) return [self];
  let m = spacesKept(self);
  const out = [self, spacesKept(foldCase(m))];
  for (let pass = 0; pass < 3; pass++) {
    const next = spacesKept(decodeOnce(m));
    if (next.text === m.text) break;
    m = next;
    out.push(spacesKept(foldCase(m)));
  }
  return out;
}

/**
 * Where a string-to-sign echo starts in `text`, read in every {@link nameViews} view (the
 * earliest), or `undefined`. The cut's own marker ({@link STRING_TO_SIGN_CUT}) is not an echo.
 */
function stringToSignAt(text: string, views: readonly Mapped[]): number | undefined {
  let first: number | undefined;
  for (const v of views) {
    STRING_TO_SIGN.lastIndex = 0;
    for (let m = STRING_TO_SIGN.exec(v.text); m; m = STRING_TO_SIGN.exec(v.text)) {
      const at = v.starts[m.index]!;
      if (text.startsWith(STRING_TO_SIGN_CUT, at - 1)) continue;
      if (first === undefined || at < first) first = at;
      break;
    }
  }
  return first;
}

/**
 * Adds to `spans` the original span of the value after every secret-bearing name
 * ({@link SECRET_NAMES}) in any of the `views` of `text`: from the value's first character to
 * the later of its end in that view and its end in the original text (a value whose `&` or `"`
 * is escaped runs on there).
 */
function nameSpans(text: string, views: readonly Mapped[], spans: [number, number][]): void {
  for (const v of views) {
    SECRET_NAMES.lastIndex = 0;
    for (let m = SECRET_NAMES.exec(v.text); m; m = SECRET_NAMES.exec(v.text)) {
      const value = m[1] ?? m[2]!;
      const from = m.index + m[0].length - value.length;
      const start = v.starts[from]!;
      let end = v.ends[from + value.length - 1]!;
      RAW_VALUE.lastIndex = start;
      const raw = RAW_VALUE.exec(text);
      if (raw) end = Math.max(end, start + raw[0].length);
      spans.push([start, end]);
    }
  }
}

/**
 * The alphanumeric skeleton of a reading: only `a`–`z` and `0`–`9` kept, each still mapped to
 * the original. A secret with separators put between its characters (`a-b-c`, `a.b.c`, quotes
 * and `+` of a split string) has its skeleton run in it.
 */
function skeleton(input: Mapped): Mapped {
  if (/^[a-z0-9]*$/.test(input.text)) return input;
  const out = new MappedBuilder(input);
  const t = input.text;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39)) out.push(t[i]!, i, i + 1);
  }
  return out.done();
}

/**
 * Whether a window of a secret reads like ordinary text: no digit, and its letters all of one
 * case (`platform`, `-oracle-`, `WEBPLUS_`). Such a window is only removed as part of a longer
 * run that has another window, or of the whole secret: a secret made of words (an HTTP token
 * such as `platform-oracle-token-0001`) must not cut those words out of every record (a field
 * named `platform`, an outcome `would_abort`).
 */
function wordLike(window: string): boolean {
  return !/[0-9]/.test(window) && (!/[A-Z]/.test(window) || !/[a-z]/.test(window));
}

/**
 * Every `k`-character piece of `form` (the whole form when it is `k` long) added to `set`,
 * except the pieces whose characters in `cased` (the form before case folding, when it has the
 * same length) are {@link wordLike}.
 */
function addRuns(set: Set<string>, form: string, k: number, cased?: string): void {
  const shape = cased !== undefined && cased.length === form.length ? cased : undefined;
  for (let i = 0; i + k <= form.length; i++) {
    if (shape !== undefined && wordLike(shape.slice(i, i + k))) continue;
    set.add(form.slice(i, i + k));
  }
}

/** `text` reversed, code point by code point. */
function reversed(text: string): string {
  // Without surrogates, unit by unit is code point by code point, and latin1 text byte by byte
  // (cheaper: every added signature's forms are reversed).
  if (!/[\u0100-\uffff]/.test(text))
    return Buffer.from(text, 'latin1').reverse().toString('latin1');
  if (!/[\ud800-\udfff]/.test(text)) return text.split('').reverse().join('');
  return [...text].reverse().join('');
}

/**
 * The middle of the base64 of `prefix bytes + secret` for `prefix` = 0, 1, 2 bytes, without the
 * characters that also depend on the bytes around it (the first 0/2/3 characters and a last
 * partial one) and without padding, in the standard and the URL-safe alphabet. The base64 of any
 * text holding the secret holds one of them (the one of its byte offset mod 3).
 * Source: RFC 4648 §4, §5.
 */
function base64Middles(secret: string | Buffer): string[] {
  const bytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
  const out: string[] = [];
  for (const prefix of [0, 1, 2]) {
    const total = prefix + bytes.length;
    const encoded = Buffer.concat([Buffer.alloc(prefix), bytes])
      .toString('base64')
      .replace(/=+$/, '');
    const middle = encoded.slice([0, 2, 3][prefix], total % 3 === 0 ? undefined : -1);
    out.push(middle, middle.replaceAll('+', '-').replaceAll('/', '_'));
  }
  return out;
}

/** The shortest run of a secret's characters removed wherever it appears (its base64 too). */
export const MIN_RUN_CHARS = 8;

/** The shortest run of a secret's alphanumeric skeleton removed across separators. */
export const MIN_SKELETON_RUN_CHARS = 12;

/** The shortest run of hex digits of a secret's UTF-8 bytes removed (= 8 bytes of it). */
const MIN_HEX_RUN_CHARS = 2 * MIN_RUN_CHARS;

/** What is searched for, by the reading it is searched in. */
interface Runs {
  /** {@link MIN_RUN_CHARS}-long pieces of the secret, reversed secret and base64 middles. */
  plain: Set<string>;
  /** {@link MIN_SKELETON_RUN_CHARS}-long pieces of the skeletons (and reversed). */
  skeleton: Set<string>;
  /** {@link MIN_HEX_RUN_CHARS}-long pieces of the hex of the secret's UTF-8 bytes. */
  hex: Set<string>;
  /** Whole forms searched in the readings (each removed even when made of words). */
  whole: Set<string>;
  /** Whole skeletons and hex searched in the skeletons. */
  wholeSkeleton: Set<string>;
}

/** Adds everything searched for one secret to `runs`. */
function addSecret(runs: Runs, secret: string): void {
  const visible = stripInvisible(identity(secret)).text;
  const cased = [...visible].some((c) => c.charCodeAt(0) > 0x7f) ? undefined : visible;
  for (const [i, m] of readings(secret).entries()) {
    const form = m.text;
    const shape = i === 0 ? cased : undefined;
    runs.whole.add(form);
    runs.whole.add(reversed(form));
    addRuns(runs.plain, form, MIN_RUN_CHARS, shape);
    addRuns(runs.plain, reversed(form), MIN_RUN_CHARS, shape && reversed(shape));
    const sk = skeleton(m).text;
    const skShape = shape?.replace(/[^A-Za-z0-9]/g, '');
    if (sk.length >= MIN_SKELETON_RUN_CHARS) {
      runs.wholeSkeleton.add(sk);
      runs.wholeSkeleton.add(reversed(sk));
      addRuns(runs.skeleton, sk, MIN_SKELETON_RUN_CHARS, skShape);
      addRuns(runs.skeleton, reversed(sk), MIN_SKELETON_RUN_CHARS, skShape && reversed(skShape));
    }
  }
  for (const middle of base64Middles(secret)) {
    // as it is and reversed (a reversed base64 text: red-team 12 F4)
    for (const form of [middle, reversed(middle)]) {
      if (form.length >= MIN_RUN_CHARS) runs.whole.add(form.toLowerCase());
      addRuns(runs.plain, form.toLowerCase(), MIN_RUN_CHARS, form);
    }
  }
  const hex = Buffer.from(secret, 'utf8').toString('hex');
  runs.wholeSkeleton.add(hex);
  addRuns(runs.hex, hex, MIN_HEX_RUN_CHARS);
}

/** Adds to `spans` the original spans of every occurrence in `m` of a form in `forms`. */
function find(m: Mapped, forms: ReadonlySet<string>, spans: [number, number][]): void {
  const t = m.text;
  for (const form of forms) {
    for (let i = t.indexOf(form); i >= 0; i = t.indexOf(form, i + 1)) {
      spans.push([m.starts[i]!, m.ends[i + form.length - 1]!]);
    }
  }
}

/** Multiplier of the windows' polynomial hash ({@link windowHash}), mod 2^32. */
const HASH_BASE = 0x01000193;

/** The hash of `t`'s `k` units from `from`: Σ unit × HASH_BASE^(k−1−j), mod 2^32 (int32). */
function windowHash(t: string, from: number, k: number): number {
  let h = 0;
  for (let j = 0; j < k; j++) h = (Math.imul(h, HASH_BASE) + t.charCodeAt(from + j)) | 0;
  return h;
}

/** The hashes of a set's members (all `k` long), by set: run sets never change once built. */
const hashSets = new WeakMap<ReadonlySet<string>, Set<number>>();
function hashesOf(set: ReadonlySet<string>, k: number): Set<number> {
  let hashes = hashSets.get(set);
  if (!hashes) {
    hashes = new Set();
    for (const w of set) hashes.add(windowHash(w, 0, k));
    hashSets.set(set, hashes);
  }
  return hashes;
}

/**
 * Adds to `spans` the original spans of every `k`-long window of `m` that is in `set`. Each
 * window's hash is rolled along the text and only a window whose hash is a member's is cut out
 * and looked up (exactly): the same windows are found, without a new string per window (the
 * redactor made one per character of every text it read: a fifth of what a sweep allocated,
 * issue 16).
 */
function scan(
  m: Mapped,
  set: ReadonlySet<string>,
  k: number,
  spans: [number, number][],
  added?: AddedWindows,
): void {
  const t = m.text;
  if (t.length < k) return;
  const hashes = hashesOf(set, k);
  let top = 1; // HASH_BASE^(k−1)
  for (let j = 1; j < k; j++) top = Math.imul(top, HASH_BASE);
  let h = windowHash(t, 0, k);
  let open: [number, number] | undefined;
  for (let i = 0; i + k <= t.length; i++) {
    if (i > 0) {
      const out = (h - Math.imul(t.charCodeAt(i - 1), top)) | 0;
      h = (Math.imul(out, HASH_BASE) + t.charCodeAt(i + k - 1)) | 0;
    }
    const kept = hashes.has(h) && set.has(t.slice(i, i + k));
    if (!kept && (added === undefined || !added.holds(h, t, i))) continue;
    const start = m.starts[i]!;
    const end = m.ends[i + k - 1]!;
    if (open && start <= open[1]) open[1] = Math.max(open[1], end);
    else {
      open = [start, end];
      spans.push(open);
    }
  }
}

/** Texts longer than this are searched in overlapping windows (memory stays bounded). */
const WINDOW_CHARS = 16_384;
/** How much the windows overlap: longer than any escaped run of {@link MIN_RUN_CHARS}. */
const WINDOW_OVERLAP_CHARS = 2_048;

/**
 * A byte token of a list: a decimal number (a byte 0..255, or a signed byte -128..-1 as Java
 * prints them) or a `0x` byte (one or two hex digits), standing alone (not part of a longer
 * number, a word or a decimal fraction).
 */
const BYTE_TOKEN = /(?<![0-9A-Za-z.])(?:0[xX]([0-9a-fA-F]{1,2})|(-?\d{1,3}))(?![0-9A-Za-z]|\.\d)/g;

/** What may stand between two bytes of one list: spaces, `,`, `;`, `:`, `|`, brackets. */
const BYTE_SEPARATORS = /^[\s,;:|[\](){}]*$/;

/** Fewest bytes a list needs to be read as one: {@link MIN_RUN_CHARS} (a run's worth). */
const MIN_LIST_BYTES = MIN_RUN_CHARS;

/**
 * The byte lists of `text` (`83,69,67`, `[83, 69, 67]`, `0x53 0x45`, `(-61, -87)`) as the hex
 * of their bytes, two digits per byte mapped back to the token, a `g` (not a hex digit) between
 * lists; `undefined` when no list of {@link MIN_LIST_BYTES} bytes is there. The hex is searched
 * like hex of the secret's UTF-8 bytes, so a list of its bytes at any offset is found
 * (red-team 12 F4).
 */
function byteLists(text: string): Mapped | undefined {
  const source = identity(text);
  const out = new MappedBuilder(source);
  let list = 0;
  let longest = 0;
  let lastEnd = -1;
  BYTE_TOKEN.lastIndex = 0;
  for (let m = BYTE_TOKEN.exec(text); m; m = BYTE_TOKEN.exec(text)) {
    const value = m[1] !== undefined ? Number.parseInt(m[1], 16) : Number(m[2]);
    const byte = value < 0 ? value + 256 : value;
    const start = m.index;
    const end = start + m[0].length;
    const joined = lastEnd >= 0 && BYTE_SEPARATORS.test(text.slice(lastEnd, start));
    if (!joined && lastEnd >= 0) {
      out.push('g', lastEnd - 1, lastEnd);
      list = 0;
    }
    if (byte < 0 || byte > 255) {
      out.push('g', start, end);
      list = 0;
      lastEnd = -1;
      continue;
    }
    out.push(byte.toString(16).padStart(2, '0'), start, end);
    list += 1;
    longest = Math.max(longest, list);
    lastEnd = end;
  }
  return longest >= MIN_LIST_BYTES ? out.done() : undefined;
}

/**
 * The spans of `text` (offset by `base`) holding a run of a secret, or of an added signature
 * (`added`, searched in the same readings and the same rolling passes), in any reading.
 */
function spansIn(
  text: string,
  base: number,
  runs: Runs,
  spans: [number, number][],
  added?: AddedSignatures,
): void {
  const found: [number, number][] = [];
  const plain = added?.windows(0);
  const skeletonRuns = added?.windows(1);
  const hex = added?.windows(2);
  const bytes = runs.hex.size || hex ? byteLists(text) : undefined;
  if (bytes) {
    find(bytes, runs.wholeSkeleton, found);
    scan(bytes, runs.hex, MIN_HEX_RUN_CHARS, found, hex);
  }
  for (const m of readings(text)) {
    find(m, runs.whole, found);
    if (runs.plain.size || plain) scan(m, runs.plain, MIN_RUN_CHARS, found, plain);
    const sk = skeleton(m);
    find(sk, runs.wholeSkeleton, found);
    if (runs.skeleton.size || skeletonRuns)
      scan(sk, runs.skeleton, MIN_SKELETON_RUN_CHARS, found, skeletonRuns);
    if (runs.hex.size || hex) scan(sk, runs.hex, MIN_HEX_RUN_CHARS, found, hex);
  }
  for (const [a, b] of found) spans.push([a + base, b + base]);
}

/** `text` with the spans (merged where they overlap) replaced by {@link REDACTED}. */
function cutSpans(text: string, spans: [number, number][]): string {
  if (spans.length === 0) return text;
  spans.sort((a, b) => a[0] - b[0]);
  let out = '';
  let at = 0;
  let open: [number, number] | undefined;
  for (const s of spans) {
    if (open && s[0] <= open[1]) {
      open[1] = Math.max(open[1], s[1]);
      continue;
    }
    if (open) {
      out += text.slice(at, open[0]) + REDACTED;
      at = open[1];
    }
    open = [s[0], s[1]];
  }
  if (open) {
    out += text.slice(at, open[0]) + REDACTED;
    at = open[1];
  }
  return out + text.slice(at);
}

/**
 * Adds to `spans` the spans of every run of each secret, however it was dressed (see the module
 * comment). Matching is done on the normalized readings; the spans are in the ORIGINAL text
 * (everything else is kept as it was). A long text is read in overlapping windows of
 * {@link WINDOW_CHARS}, so the cost stays linear in its length and the memory bounded.
 */
function runSpans(
  text: string,
  runs: Runs,
  spans: [number, number][],
  added?: AddedSignatures,
): void {
  inWindows(text, (piece, base) => {
    spansIn(piece, base, runs, spans, added);
    return undefined;
  });
}

/**
 * Calls `read` on `text` whole, or, when it is longer than {@link WINDOW_CHARS}, on each of its
 * overlapping windows (with the window's offset), and returns the least value returned.
 */
function inWindows(
  text: string,
  read: (piece: string, base: number) => number | undefined,
): number | undefined {
  if (text.length <= WINDOW_CHARS) return read(text, 0);
  let least: number | undefined;
  const step = WINDOW_CHARS - WINDOW_OVERLAP_CHARS;
  for (let start = 0; start < text.length; start += step) {
    const at = read(text.slice(start, start + WINDOW_CHARS), start);
    if (at !== undefined && (least === undefined || at < least)) least = at;
    if (start + WINDOW_CHARS >= text.length) break;
  }
  return least;
}

/**
 * The three searches of an added signature, by index: runs of {@link MIN_RUN_CHARS} in the
 * readings, runs of {@link MIN_SKELETON_RUN_CHARS} in their skeletons, runs of
 * {@link MIN_HEX_RUN_CHARS} hex digits in the skeletons and byte lists (as for the secrets).
 */
type AddedKind = 0 | 1 | 2;
const ADDED_WINDOW_CHARS: readonly [number, number, number] = [
  MIN_RUN_CHARS,
  MIN_SKELETON_RUN_CHARS,
  MIN_HEX_RUN_CHARS,
];

/**
 * One added signature: per {@link AddedKind}, the forms whose every window is searched (as the
 * text's readings read them: case-folded). Their windows' hashes are rolled again when it is
 * added and when it is evicted ({@link someWindowHash}), not kept.
 */
interface AddedSignature {
  /** Per kind, its forms joined by `\n` (no window holds one: readings drop it). */
  readonly forms: readonly [string, string, string];
}

/**
 * The bytes a signature is an encoding of: the HMAC output its base64 (standard or URL-safe,
 * padded or not) or its hex stands for, when it reads as one of at least {@link MIN_RUN_CHARS}
 * bytes (`acs` / `LOG` signatures: base64 of 20 bytes of HMAC-SHA1; DingTalk and Lark `sign`:
 * base64 of 32 bytes of HMAC-SHA256; the JSON webhook's: hex of 32. Alibaba Cloud ROA signature
 * docs, "Signature"; shared/notify/targets/*.ts).
 */
function signatureBytes(signature: string): Buffer[] {
  const out: Buffer[] = [];
  if (/^(?:[0-9a-fA-F]{2}){8,}$/.test(signature)) out.push(Buffer.from(signature, 'hex'));
  const bare = signature.replace(/={1,2}$/, '');
  if (/^(?:[A-Za-z0-9+/]+|[A-Za-z0-9_-]+)$/.test(bare) && bare.length % 4 !== 1) {
    const bytes = Buffer.from(bare, 'base64');
    if (bytes.length >= MIN_RUN_CHARS) out.push(bytes);
  }
  return out;
}

/**
 * What is searched for one added signature: the same forms as a secret's ({@link addSecret}):
 * its readings and their reverse, its skeleton and its reverse, the base64 middles of its UTF-8
 * at every alignment (both alphabets, and reversed), the hex of its UTF-8; and the same for the
 * bytes it encodes ({@link signatureBytes}: the HMAC output in hex, in base64url, at another
 * byte offset). Every window is searched, none left out as word-like: a signature is an HMAC's
 * encoding, not made of words.
 */
function addedSignature(signature: string): AddedSignature {
  const plain: string[] = [];
  const skeletons: string[] = [];
  const hex: string[] = [];
  for (const m of readings(signature)) {
    plain.push(m.text, reversed(m.text));
    const sk = skeleton(m).text;
    skeletons.push(sk, reversed(sk));
  }
  const utf8 = Buffer.from(signature, 'utf8');
  for (const middle of base64Middles(utf8))
    plain.push(middle.toLowerCase(), reversed(middle).toLowerCase());
  hex.push(utf8.toString('hex'));
  for (const bytes of signatureBytes(signature)) {
    for (const middle of base64Middles(bytes)) plain.push(middle.toLowerCase());
    hex.push(bytes.toString('hex'));
  }
  const kinds = [plain, skeletons, hex].map((list, kind) => {
    const k = ADDED_WINDOW_CHARS[kind as AddedKind];
    return [...new Set(list.filter((f) => f.length >= k))].join('\n');
  });
  return { forms: [kinds[0]!, kinds[1]!, kinds[2]!] };
}

/**
 * Calls `visit` with the hash of every `k`-long window of every one of `joined`'s
 * `\n`-separated forms (each at least `k` long), rolled along each (duplicates included), and
 * stops at the first `true` it returns; returns whether one did.
 */
function someWindowHash(joined: string, k: number, visit: (h: number) => boolean): boolean {
  let top = 1; // HASH_BASE^(k−1)
  for (let j = 1; j < k; j++) top = Math.imul(top, HASH_BASE);
  for (let from = 0; from < joined.length; ) {
    let end = joined.indexOf('\n', from);
    if (end < 0) end = joined.length;
    let h = windowHash(joined, from, k);
    if (visit(h)) return true;
    for (let i = from + 1; i + k <= end; i++) {
      h =
        (Math.imul((h - Math.imul(joined.charCodeAt(i - 1), top)) | 0, HASH_BASE) +
          joined.charCodeAt(i + k - 1)) |
        0;
      if (visit(h)) return true;
    }
    from = end + 1;
  }
  return false;
}

/** {@link HashOwners}: no owner; several signatures; otherwise the owner's slot + 1. */
const NO_OWNER = 0;
const SEVERAL = 0xffff;

/**
 * A map from a window hash to the slot of the added signature it is a window of (or
 * {@link SEVERAL}), in two typed arrays (open addressing, linear probing, backward-shift
 * deletion), at most 5/8 full: ~10 bytes per window where a `Map` took ~40 and its garbage,
 * for the ~95,000 windows of {@link MAX_ADDED_SECRETS} `acs` signatures (1 MB; bench/run.ts
 * sweep peak RSS).
 */
class HashOwners {
  private keys: Int32Array;
  private owners: Uint16Array;
  private mask: number;
  /** 32 − log2 of the capacity: a hash's home is its top bits after a multiplicative mix. */
  private shift: number;
  private count = 0;

  /** @param log2Capacity the first capacity, 2^log2Capacity entries (it doubles when 5/8 full) */
  constructor(log2Capacity: number) {
    this.keys = new Int32Array(1 << log2Capacity);
    this.owners = new Uint16Array(1 << log2Capacity);
    this.mask = (1 << log2Capacity) - 1;
    this.shift = 32 - log2Capacity;
  }

  /** The owner of `h`, {@link NO_OWNER} when none. */
  get(h: number): number {
    const i = this.find(h);
    return i < 0 ? NO_OWNER : this.owners[i]!;
  }

  /** Makes `owner` an owner of `h`: its only one when it had none, else {@link SEVERAL}. */
  claim(h: number, owner: number): void {
    const i = this.find(h);
    if (i < 0) this.insert(h, owner);
    else if (this.owners[i] !== owner) this.owners[i] = SEVERAL;
  }

  /** Sets the owner of `h` (added when absent). */
  set(h: number, owner: number): void {
    const i = this.find(h);
    if (i >= 0) {
      this.owners[i] = owner;
      return;
    }
    this.insert(h, owner);
  }

  /** Adds `h`, absent, with its owner. */
  private insert(h: number, owner: number): void {
    if ((this.count + 1) * 8 > this.keys.length * 5) this.grow();
    let at = this.home(h);
    while (this.owners[at] !== NO_OWNER) at = (at + 1) & this.mask;
    this.keys[at] = h;
    this.owners[at] = owner;
    this.count += 1;
  }

  /** Removes `h`; the entries after it in its probe run move back (none is lost). */
  delete(h: number): void {
    const at = this.find(h);
    if (at >= 0) this.deleteAt(at);
  }

  /**
   * Takes `owner` off `h`: removes `h` when `owner` was its only owner and returns
   * {@link NO_OWNER}; returns its owner otherwise ({@link SEVERAL}: the caller says who is left).
   */
  release(h: number, owner: number): number {
    const at = this.find(h);
    if (at < 0) return NO_OWNER;
    const current = this.owners[at]!;
    if (current !== owner) return current;
    this.deleteAt(at);
    return NO_OWNER;
  }

  private deleteAt(at: number): void {
    let hole = at;
    const mask = this.mask;
    for (let j = (hole + 1) & mask; this.owners[j] !== NO_OWNER; j = (j + 1) & mask) {
      const home = this.home(this.keys[j]!);
      // The entry at j stays when its home is cyclically within (hole, j].
      const stays = hole <= j ? hole < home && home <= j : hole < home || home <= j;
      if (stays) continue;
      this.keys[hole] = this.keys[j]!;
      this.owners[hole] = this.owners[j]!;
      hole = j;
    }
    this.owners[hole] = NO_OWNER;
    this.count -= 1;
  }

  private home(h: number): number {
    return Math.imul(h, 0x9e3779b1) >>> this.shift;
  }

  private find(h: number): number {
    const mask = this.mask;
    for (let i = this.home(h); this.owners[i] !== NO_OWNER; i = (i + 1) & mask)
      if (this.keys[i] === h) return i;
    return -1;
  }

  private grow(): void {
    const { keys, owners } = this;
    this.keys = new Int32Array(keys.length * 2);
    this.owners = new Uint16Array(keys.length * 2);
    this.mask = keys.length * 2 - 1;
    this.shift -= 1;
    this.count = 0;
    for (let i = 0; i < keys.length; i++)
      if (owners[i] !== NO_OWNER) this.set(keys[i]!, owners[i]!);
  }
}

/**
 * The windows of one {@link AddedKind} of every live added signature, as {@link scan} looks
 * them up beside the secrets' run sets, in the same rolling pass: window hash → its signature's
 * slot ({@link HashOwners}), updated on each add and eviction (the secrets' sets, shared and
 * never changed, are not rebuilt: red-team 25 G8), and a hit checked exactly against the forms
 * of its signature.
 */
class AddedWindows {
  private readonly owners: HashOwners;
  private readonly k: number;
  constructor(
    private readonly kind: AddedKind,
    private readonly slots: readonly (AddedSignature | undefined)[],
  ) {
    this.k = ADDED_WINDOW_CHARS[kind];
    // Room for a few signatures' windows without growing (an alarm's requests: ~470 runs of 8,
    // ~30 of 12, ~70 of hex each).
    this.owners = new HashOwners(kind === 0 ? 12 : kind === 1 ? 8 : 9);
  }

  /** Whether `t`'s window at `i` (of hash `h`) is a window of a live added signature. */
  holds(h: number, t: string, i: number): boolean {
    const owner = this.owners.get(h);
    if (owner === NO_OWNER) return false;
    const w = t.slice(i, i + this.k);
    if (owner !== SEVERAL) return this.slots[owner - 1]!.forms[this.kind].includes(w);
    return this.slots.some((s) => s?.forms[this.kind].includes(w));
  }

  /** Adds the windows of the signature in `slot`. */
  add(slot: number): void {
    const owner = slot + 1;
    someWindowHash(this.slots[slot]!.forms[this.kind], this.k, (h) => {
      this.owners.claim(h, owner);
      return false;
    });
  }

  /** Forgets the windows of `s`, which was in `slot` and is no longer in any. */
  remove(s: AddedSignature, slot: number): void {
    someWindowHash(s.forms[this.kind], this.k, (h) => {
      if (this.owners.release(h, slot + 1) !== SEVERAL) return false;
      // Shared: the owners left are the live signatures with a window of this hash.
      const still: number[] = [];
      this.slots.forEach((o, at) => {
        if (o && someWindowHash(o.forms[this.kind], this.k, (w) => w === h)) still.push(at);
      });
      if (still.length === 0) this.owners.delete(h);
      else if (still.length === 1) this.owners.set(h, still[0]! + 1);
      return false;
    });
  }
}

/**
 * The signatures a redactor was given by {@link Redactor.add}, at most
 * {@link MAX_ADDED_SECRETS}, the oldest evicted first, each searched like a secret (see
 * {@link addedSignature}). Adding one costs its own windows (a few hundred hashes), not a
 * rebuild of the secrets' run sets: folding hundreds of signatures into those sets made a
 * 2,000-environment sweep 1.6x slower and its peak RSS 1.8x (bench/run.ts sweep: 20.5 s → 33.6 s,
 * 97 → 179 MB, red-team 24 F5).
 */
class AddedSignatures {
  /** Live signatures → their slot, oldest first. */
  private readonly live = new Map<string, number>();
  private readonly slots: (AddedSignature | undefined)[] = [];
  private readonly kinds: readonly [AddedWindows, AddedWindows, AddedWindows] = [
    new AddedWindows(0, this.slots),
    new AddedWindows(1, this.slots),
    new AddedWindows(2, this.slots),
  ];

  get size(): number {
    return this.live.size;
  }

  /** The windows of `kind` to search, or `undefined` when there is no added signature. */
  windows(kind: AddedKind): AddedWindows | undefined {
    return this.live.size ? this.kinds[kind] : undefined;
  }

  add(signature: string): void {
    if (this.live.has(signature)) return;
    let slot = this.slots.length;
    if (this.live.size >= MAX_ADDED_SECRETS) {
      const [oldest, at] = this.live.entries().next().value as [string, number];
      const evicted = this.slots[at]!;
      this.live.delete(oldest);
      this.slots[at] = undefined;
      for (const k of this.kinds) k.remove(evicted, at);
      slot = at;
    }
    this.slots[slot] = addedSignature(signature);
    this.live.set(signature, slot);
    for (const k of this.kinds) k.add(slot);
  }
}

/** The run sets of no secret (a redactor given only signatures). */
const NO_RUNS: Runs = {
  plain: new Set(),
  skeleton: new Set(),
  hex: new Set(),
  whole: new Set(),
  wholeSkeleton: new Set(),
};

/**
 * How many passes {@link createRedactor}'s `text` makes before it gives up on a text that keeps
 * changing and returns {@link REDACTED} for all of it (fail closed; no text seen needs more than 2).
 */
const MAX_PASSES = 4;

/** Removes secrets from outside texts; built once per invocation with that invocation's secrets. */
export interface Redactor {
  /** A copy of `text` without any known secret, string-to-sign echo or secret-named value. */
  text(text: string): string;
  /**
   * A copy of `value` with `text()` applied to every string (object keys too), through plain
   * objects and arrays up to depth 16; deeper values become `[redacted: too deep]`. Other values
   * are kept.
   */
  value<T>(value: T): T;
  /**
   * Adds a secret learnt after the redactor was built: the signature of a request this
   * invocation just sent (red-team 24 F5), removed from every later text like the secrets the
   * redactor was built with (every run of 8 in every dress of the module comment: escapes up to
   * three layers, spaces, case, reversed, base64 at any offset, hex, byte lists, separators),
   * and so are the bytes it encodes when it is the base64 (either alphabet, padded or not) or the
   * hex of at least 8 bytes, as an HMAC signature is: those bytes in hex (either case,
   * separators), in base64url or base64 at any offset (runs of 8), as byte lists (red-team 25
   * G8). Every window counts, none left out as word-like. At most {@link MAX_ADDED_SECRETS} are
   * kept (the oldest added one goes first); each add costs its own few hundred windows (tens of
   * µs), never a rebuild of the secrets' sets. Shorter than 8 characters, already known or not a
   * string: ignored.
   */
  add(secret: string | undefined | null): void;
}

/** Secrets {@link Redactor.add} keeps at once (one per request of an invocation, bounded). */
export const MAX_ADDED_SECRETS = 256;

/**
 * The signature of a signed request from its `Authorization` header value: what follows the last
 * `:` of `acs <AccessKeyId>:<Signature>` (Web+ POP / ROA, SAE and EDAS ROA) or
 * `LOG <AccessKeyId>:<Signature>` (SLS); undefined for any other shape (Alibaba Cloud ROA
 * signature docs, "Authorization"; SLS API "Request signatures").
 * @example signatureOfAuthorization('acs LTAI5t…:FxNnY5dAa+9/wtBC+q1QGc15jhY=') // 'FxNnY5dAa+9/wtBC+q1QGc15jhY='
 */
export function signatureOfAuthorization(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^\s*(?:acs|LOG)\s+[^:\s]+:(\S+)\s*$/i.exec(value);
  return m?.[1];
}

/**
 * How many secret sets keep their built {@link Runs} ({@link sharedRuns}): an invocation uses two
 * or three (the Web+ client's, the records', the outcome log's), the same at every invocation of
 * an instance until its STS keys change.
 */
export const SHARED_RUN_SETS = 4;

/** Built runs by secret set (its secrets sorted, NUL-joined), the most recently used last. */
const runCache = new Map<string, Runs>();

/**
 * The runs of `secrets`, built once per set and reused: every redactor of an invocation, and
 * every invocation of a warm instance, has the same keys (FC's STS keys of the function's role,
 * the HTTP tokens), and building the sets for a 600-character STS token costs ~2 ms
 * (bench/redact.ts), which the alarm path paid before its AbortChange (the Web+ client redacts
 * each reply's RequestId) and again for its records (issue 16). The sets are never changed
 * once built (added signatures are kept apart, per redactor). At most {@link SHARED_RUN_SETS}
 * sets are kept, the least recently used dropped first; the secrets they hold are held by the
 * instance anyway (its configuration, the invocation's context).
 */
function sharedRuns(secrets: ReadonlySet<string>): Runs {
  const key = [...secrets].sort().join('\u0000');
  const cached = runCache.get(key);
  if (cached) {
    runCache.delete(key);
    runCache.set(key, cached);
    return cached;
  }
  const runs: Runs = {
    plain: new Set(),
    skeleton: new Set(),
    hex: new Set(),
    whole: new Set(),
    wholeSkeleton: new Set(),
  };
  for (const secret of secrets) addSecret(runs, secret);
  runCache.set(key, runs);
  if (runCache.size > SHARED_RUN_SETS) runCache.delete(runCache.keys().next().value as string);
  return runs;
}

/**
 * A redactor for these secrets (`undefined`, empty and shorter-than-8 ones are skipped).
 * Its sets (every {@link MIN_RUN_CHARS}-long piece of every form of every secret) are built on
 * the first text long enough to search, at a cost of a few records (bench/redact.ts), and shared
 * by the redactors of the same secrets (at most {@link SHARED_RUN_SETS} sets kept): building a
 * redactor per invocation costs that once per set of keys.
 * @param secrets e.g. `[credentials.accessKeySecret, credentials.securityToken, ...httpTokens]`
 * @example
 *   const redact = createRedactor([creds.accessKeySecret, creds.securityToken]);
 *   record.errorMessage = redact.text(err.message);
 */
export function createRedactor(secrets: readonly (string | undefined | null)[]): Redactor {
  const kept = new Set(
    secrets.filter(
      (s): s is string => typeof s === 'string' && s.length >= MIN_REDACTED_TOKEN_CHARS,
    ),
  );
  // Built on first use (an invocation whose texts are all short, or that has none, never pays
  // for it), and shared with every other redactor of the same secrets ({@link sharedRuns}).
  let built: Runs | undefined;
  const runsOf = (): Runs => {
    built ??= sharedRuns(kept);
    return built;
  };
  /** One pass of every rule over `input`. */
  const pass = (input: string): string => {
    let out = input;
    const echo = inWindows(out, (piece, base) => {
      const at = stringToSignAt(piece, nameViews(piece));
      return at === undefined ? undefined : base + at;
    });
    if (echo !== undefined) out = `${out.slice(0, echo)}${STRING_TO_SIGN_CUT}`;
    const spans: [number, number][] = [];
    inWindows(out, (piece, base) => {
      const found: [number, number][] = [];
      nameSpans(piece, nameViews(piece), found);
      for (const [a, b] of found) {
        RAW_VALUE.lastIndex = base + a;
        const raw = RAW_VALUE.exec(out);
        spans.push([base + a, Math.max(base + b, raw ? base + a + raw[0].length : 0)]);
      }
      return undefined;
    });
    if ((kept.size || added) && out.length >= MIN_RUN_CHARS)
      runSpans(out, kept.size ? runsOf() : NO_RUNS, spans, added);
    return cutSpans(out, spans);
  };
  // Passes until one changes nothing, so redacting twice is redacting once: a cut can make a
  // new neighbourhood (a name after a marker, a run across a cut), which the next pass sees.
  const text = (input: string): string => {
    let before = input;
    let out = pass(input);
    for (let n = 1; out !== before; n++) {
      if (n >= MAX_PASSES) return REDACTED;
      before = out;
      out = pass(out);
    }
    return out;
  };
  const walk = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') return text(value);
    if (typeof value !== 'object' || value === null) return value;
    if (depth > 16) return '[redacted: too deep]';
    if (Array.isArray(value)) return value.map((item) => walk(item, depth + 1));
    if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null)
      return value;
    // fromEntries defines own properties, so a `__proto__` key stays an ordinary key.
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [text(key), walk(item, depth + 1)]),
    );
  };
  /**
   * Signatures given by `add`, searched like the secrets ({@link AddedSignatures}); made on the
   * first (most redactors never get one: the records', the outcome log's).
   */
  let added: AddedSignatures | undefined;
  const add = (secret: string | undefined | null): void => {
    if (typeof secret !== 'string' || secret.length < MIN_REDACTED_TOKEN_CHARS) return;
    if (kept.has(secret)) return;
    added ??= new AddedSignatures();
    added.add(secret);
  };
  return { text, value: <T>(value: T): T => walk(value, 0) as T, add };
}

/**
 * A copy of `value` with every run of each token (≥ 8 characters) in any string replaced,
 * plus the string-to-sign and secret-name rules of `createRedactor`. Kept for intake, which
 * redacts its own results with the configured HTTP tokens.
 */
export function redactTokens<T>(value: T, tokens: readonly string[]): T {
  // The same tokens come with every event of an instance (the configured HTTP tokens): their
  // redactor is built once, not per event (the alarm path passes here before its AbortChange).
  const key = tokens.join('\u0000');
  if (lastTokens?.key !== key) lastTokens = { key, redactor: createRedactor(tokens) };
  return lastTokens.redactor.value(value);
}

/** The redactor of the last token list {@link redactTokens} was given. */
let lastTokens: { key: string; redactor: Redactor } | undefined;
