/**
 * The one redactor: every text that comes from outside (Web+ and SLS error messages and bodies,
 * proxy pages, transport errors, caller input) passes it before it reaches a record, an HTTP
 * answer, a notification or a log line.
 *
 * What it removes:
 * - every known secret (the invocation's AccessKey secret and STS token, the HTTP tokens, the
 *   environment's keys), also URL-encoded, JSON-escaped (`\/`) and base64-encoded, and a
 *   secret cut short at either end of a text (a body cut to 2 KB can end inside one);
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

/** The forms a secret can take in an echo: raw, URL-encoded (both hex cases), JSON-escaped, base64. */
function variants(secret: string): string[] {
  const encoded = encodeURIComponent(secret);
  const forms = new Set([
    secret,
    encoded,
    encoded.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
    secret.replaceAll('/', '\\/'),
    JSON.stringify(secret).slice(1, -1),
    Buffer.from(secret, 'utf8').toString('base64').replace(/=+$/, ''),
  ]);
  return [...forms].filter((f) => f.length >= MIN_REDACTED_TOKEN_CHARS);
}

/** Removes every occurrence of each form, then a form cut short at the text's end or start. */
function removeForms(text: string, forms: readonly string[]): string {
  let out = text;
  for (const form of forms) {
    if (out.includes(form)) out = out.split(form).join(REDACTED);
  }
  for (const form of forms) {
    out = cutPartialEnd(out, form);
    out = cutPartialStart(out, form);
  }
  return out;
}

/** A text cut to a length (and maybe suffixed `…`) may end with the start of a secret. */
function cutPartialEnd(text: string, form: string): string {
  const tail = /(?:…|\.\.\.)$/.exec(text)?.[0] ?? '';
  const body = tail ? text.slice(0, -tail.length) : text;
  for (let n = Math.min(form.length - 1, body.length); n >= MIN_PARTIAL_CHARS; n--) {
    if (body.endsWith(form.slice(0, n))) return `${body.slice(0, -n)}${REDACTED}${tail}`;
  }
  return text;
}

/** …or begin with the end of one (a text cut from the front). */
function cutPartialStart(text: string, form: string): string {
  for (let n = Math.min(form.length - 1, text.length); n >= MIN_PARTIAL_CHARS; n--) {
    if (text.startsWith(form.slice(-n))) return `${REDACTED}${text.slice(n)}`;
  }
  return text;
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
