/**
 * The one redactor: every text that comes from outside (Web+ and SLS error messages and bodies,
 * proxy pages, transport errors, caller input) passes it before it reaches a record, an HTTP
 * answer, a notification or a log line.
 *
 * What it removes:
 * - every known secret (the invocation's AccessKey secret and STS token, the HTTP tokens, the
 *   environment's keys) in any dress: the text is normalized before matching (invisible
 *   characters dropped, percent / JSON / JS / HTML escapes decoded up to three layers, NFKC,
 *   case-folded) and the matching spans are cut from the original text; base64-encoded too; and
 *   a secret cut short at either end of a text (a body cut to 2 KB can end inside one);
 * - a "string to sign" echo, from its first words to the end of the text: the gateway's
 *   `SignatureDoesNotMatch` message quotes the server's string to sign, whose canonical headers
 *   include `x-acs-security-token` (Alibaba Cloud ROA signature docs:
 *   https://github.com/AlibabaCloudDocs/webx/blob/master/cn.zh-CN/API参考/签名机制.md);
 * - the value after a secret-bearing name (`x-acs-security-token: …`, `SecurityToken=…`,
 *   `AccessKeySecret": "…"`, `Authorization: acs …`, `token=…`), whatever its value.
 *
 * It cannot know a secret it was not given: a secret of another account echoed by a proxy is only
 * caught by the name rules above.
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

/** The shortest cut-off piece of a secret (at a text's start or end) that is still removed. */
const MIN_PARTIAL_CHARS = 8;

const STRING_TO_SIGN =
  /string[\s_-]*to[\s_-]*sign|stringtosign|canonicali[sz]ed[\s_-]*(?:headers|resource)/i;

/** A name that carries a secret, then `:` or `=` (quotes allowed), then the value. */
const SECRET_NAMES =
  /((?:x-acs-security-token|security[_-]?token|access[_-]?key[_-]?secret|x-abort-token|authorization|(?<![a-z])token)["']?\s*[:=]\s*["']?)(?:bearer\s+|acs\s+)?([^\s"'&,;<>}\]]+)/gi;

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

function identity(text: string): Mapped {
  const starts = Array.from({ length: text.length }, (_, i) => i);
  return { text, starts, ends: starts.map((i) => i + 1) };
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
 * One decoding pass: percent-encoding (`%2B`, UTF-8 sequences too), JSON and JS escapes
 * (`\u002B`, `\x2B`, `\/`, `\\`, `\"`; not `\n` and its kind, which would swallow a secret
 * starting with `n` after a stray backslash), HTML character references (`&#43;`, `&#x2b;`,
 * `&amp;`). Each decoded character stands for the whole escape.
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
    } else if (c === '\\') {
      const m = /^\\(?:u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})|u\{([0-9a-fA-F]{1,6})\}|([\\/"']))/.exec(
        t.slice(i, i + 10),
      );
      if (m) {
        const hex = m[1] ?? m[2] ?? m[3];
        const ch = hex !== undefined ? safeFromCodePoint(Number.parseInt(hex, 16)) : m[4]!;
        out.push(ch, i, i + m[0].length);
        i += m[0].length;
        continue;
      }
    } else if (c === '&') {
      const m = /^&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|(amp|lt|gt|quot|apos));/.exec(
        t.slice(i, i + 12),
      );
      if (m) {
        const ch =
          m[3] !== undefined
            ? HTML_NAMED[m[3]]!
            : safeFromCodePoint(m[1] !== undefined ? Number(m[1]) : Number.parseInt(m[2]!, 16));
        out.push(ch, i, i + m[0].length);
        i += m[0].length;
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

/** NFKC, then case-folded (lower case of the upper case), one code point at a time. */
function foldCase(input: Mapped): Mapped {
  const out = new MappedBuilder(input);
  const t = input.text;
  for (let i = 0; i < t.length; ) {
    const cp = t.codePointAt(i)!;
    const n = cp > 0xffff ? 2 : 1;
    out.push(
      t
        .slice(i, i + n)
        .normalize('NFKC')
        .toUpperCase()
        .toLowerCase(),
      i,
      i + n,
    );
    i += n;
  }
  return out.done();
}

/**
 * The readings of a text a secret is looked for in: as it is, then with escapes decoded one
 * layer at a time (up to three: a double-encoded `%252B` too); each with invisible characters
 * dropped, NFKC and case-folded, every unit mapped back to the span of the original it came from.
 * Every layer is kept: decoding can also swallow a raw secret (`%` before a secret starting with
 * two hex digits reads as one escape), so the undecoded reading is searched as well.
 */
function readings(text: string): Mapped[] {
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

/** The forms a secret is looked for in: every reading of itself and of its base64. */
function variants(secret: string): string[] {
  const base64 = Buffer.from(secret, 'utf8').toString('base64').replace(/=+$/, '');
  const forms = new Set([...readings(secret), ...readings(base64)].map((m) => m.text));
  return [...forms].filter((f) => f.length >= MIN_REDACTED_TOKEN_CHARS);
}

/**
 * The spans of the original text to remove: every occurrence of a form in the normalized text,
 * and a form cut short at the text's end (before a trailing `…` / `...`) or start.
 */
function spansOf(m: Mapped, forms: readonly string[]): [number, number][] {
  const spans: [number, number][] = [];
  const t = m.text;
  const span = (a: number, b: number): void => {
    if (b > a) spans.push([m.starts[a]!, m.ends[b - 1]!]);
  };
  const body = t.endsWith('...') ? t.length - 3 : t.length;
  for (const form of forms) {
    for (let i = t.indexOf(form); i >= 0; i = t.indexOf(form, i + 1)) span(i, i + form.length);
    // The end of the text holds the start of the form (a body cut to 2 KB).
    const head = form.slice(0, MIN_PARTIAL_CHARS);
    for (let i = t.indexOf(head, Math.max(0, body - form.length + 1)); i >= 0 && i < body; ) {
      if (form.startsWith(t.slice(i, body))) {
        span(i, body);
        break;
      }
      i = t.indexOf(head, i + 1);
    }
    // The start of the text holds the end of the form (a text cut from the front).
    const lead = t.slice(0, MIN_PARTIAL_CHARS);
    if (lead.length === MIN_PARTIAL_CHARS) {
      for (let j = form.indexOf(lead, 1); j > 0; j = form.indexOf(lead, j + 1)) {
        if (t.startsWith(form.slice(j))) {
          span(0, form.length - j);
          break;
        }
      }
    }
  }
  return spans;
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
 * Removes every form of each secret, however it was dressed: split by invisible characters,
 * percent-encoded, JSON/JS/HTML-escaped, full-width, or in another case. Matching is done on the
 * normalized text; the matching spans are cut from the ORIGINAL text (everything else is kept as
 * it was). A secret cut short at the text's end or start is removed too.
 */
function removeForms(text: string, forms: readonly string[]): string {
  return cutSpans(
    text,
    readings(text).flatMap((m) => spansOf(m, forms)),
  );
}

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
}

/**
 * A redactor for these secrets (`undefined`, empty and shorter-than-8 ones are skipped).
 * @param secrets e.g. `[credentials.accessKeySecret, credentials.securityToken, ...httpTokens]`
 * @example
 *   const redact = createRedactor([creds.accessKeySecret, creds.securityToken]);
 *   record.errorMessage = redact.text(err.message);
 */
export function createRedactor(secrets: readonly (string | undefined | null)[]): Redactor {
  const forms = [
    ...new Set(
      secrets
        .filter((s): s is string => typeof s === 'string' && s.length >= MIN_REDACTED_TOKEN_CHARS)
        .flatMap(variants),
    ),
  ].sort((a, b) => b.length - a.length);
  const text = (input: string): string => {
    let out = input;
    const echo = STRING_TO_SIGN.exec(out);
    if (echo) out = `${out.slice(0, echo.index)}${STRING_TO_SIGN_CUT}`;
    out = out.replace(SECRET_NAMES, (_m, name: string) => `${name}${REDACTED}`);
    return forms.length ? removeForms(out, forms) : out;
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
  return { text, value: <T>(value: T): T => walk(value, 0) as T };
}

/**
 * A copy of `value` with every occurrence of each token (≥ 8 characters) in any string replaced,
 * plus the string-to-sign and secret-name rules of `createRedactor`. Kept for intake, which
 * redacts its own results with the configured HTTP tokens.
 */
export function redactTokens<T>(value: T, tokens: readonly string[]): T {
  return createRedactor(tokens).value(value);
}
