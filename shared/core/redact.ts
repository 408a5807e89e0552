/**
 * The last line of defence against leaking a secret: replaces every configured HTTP token found in
 * the strings of an intake result (requests, `InvalidInput` values, reply bodies, warning lines)
 * with `[redacted]`. Intake never copies a token on purpose; this catches a caller who pasted one
 * into an id list, a note or a path.
 */

/** Replacement text for a redacted token. */
export const REDACTED = '[redacted]';

/**
 * Tokens shorter than this are not searched for: a short token would match inside ordinary text
 * (ids, words) and mangle it. Deployments use long random tokens.
 */
export const MIN_REDACTED_TOKEN_CHARS = 8;

/**
 * A copy of `value` with every occurrence of each token (≥ 8 characters) in any string replaced.
 * Walks plain objects and arrays up to depth 8 (intake results are shallow). Other values are kept.
 */
export function redactTokens<T>(value: T, tokens: readonly string[]): T {
  const secrets = tokens.filter((t) => t.length >= MIN_REDACTED_TOKEN_CHARS);
  if (secrets.length === 0) return value;
  return walk(value, secrets, 0) as T;
}

function walk(value: unknown, secrets: readonly string[], depth: number): unknown {
  if (typeof value === 'string') {
    let text = value;
    for (const secret of secrets) {
      if (text.includes(secret)) text = text.split(secret).join(REDACTED);
    }
    return text;
  }
  if (depth > 8 || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => walk(item, secrets, depth + 1));
  // fromEntries defines own properties, so a `__proto__` dimension key stays an ordinary key.
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, walk(item, secrets, depth + 1)]),
  );
}
