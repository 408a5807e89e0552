import { HTTP_TOKEN_PATTERN, MIN_HTTP_TOKEN_CHARS } from '../../config/config.js';
import type { DoctorCheck } from './report.js';

/** The tokens of `HTTP_AUTH_TOKENS` as cold start splits them (comma-separated, trimmed). */
export function httpTokensOf(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
}

/**
 * The `http-tokens` row: every token of `HTTP_AUTH_TOKENS` checked against the rule cold start
 * applies (shared/config/config.ts: at least {@link MIN_HTTP_TOKEN_CHARS} characters of
 * {@link HTTP_TOKEN_PATTERN}, the RFC 3986 unreserved alphabet, because CloudMonitor sends the
 * token in a query string). Unlike cold start it names every bad token, by position and length
 * only: a token's value, or any part of it, is never in the row.
 * @param raw the variable's value (undefined or blank: not set)
 * @param enforcing true when some environment's mode is `enforce` (the warning says so)
 * @returns `ok`, `warn` (not set: the callback and POST /abort answer 401) or `fail` (`blocks:
 *   'usage'`: cold start would refuse the configuration)
 */
export function checkHttpTokens(raw: string | undefined, enforcing: boolean): DoctorCheck {
  const tokens = httpTokensOf(raw);
  if (tokens.length === 0) {
    return {
      check: 'http-tokens',
      status: 'warn',
      detail: `HTTP_AUTH_TOKENS is not set: CloudMonitor callbacks and POST /abort answer 401${enforcing ? ' while the policy enforces' : ''} (timer sweeps and EventBridge still run); set a token of ${MIN_HTTP_TOKEN_CHARS}+ URL-safe characters`,
    };
  }
  const bad = tokens
    .map((t, i) => ({ i, length: t.length, ok: tokenIsValid(t) }))
    .filter((t) => !t.ok)
    .map((t) => `token ${t.i + 1} (${t.length} characters)`);
  if (bad.length > 0) {
    return {
      check: 'http-tokens',
      status: 'fail',
      blocks: 'usage',
      detail: `HTTP_AUTH_TOKENS: ${bad.join(', ')} of ${tokens.length} must be at least ${MIN_HTTP_TOKEN_CHARS} characters of A-Z a-z 0-9 . _ ~ - (CloudMonitor sends the token in a query string); cold start refuses this configuration`,
    };
  }
  return {
    check: 'http-tokens',
    status: 'ok',
    detail: `${tokens.length} token(s) set, each at least ${MIN_HTTP_TOKEN_CHARS} URL-safe characters (values never shown)`,
  };
}

/** The rule of shared/config/config.ts, applied to one token. */
function tokenIsValid(token: string): boolean {
  return token.length >= MIN_HTTP_TOKEN_CHARS && HTTP_TOKEN_PATTERN.test(token);
}
