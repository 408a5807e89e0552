/**
 * HTTP trigger authentication (docs/reference/http-api.md: `Authorization: Bearer <token>` or
 * `X-Abort-Token: <token>`; only `/cms-callback` also takes `?token=`, because CloudMonitor cannot
 * set headers; compared with `crypto.timingSafeEqual` over fixed-length digests).
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** SHA-256 of a token: 32 bytes whatever the token's length, so `timingSafeEqual` never throws. */
function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/**
 * True when `candidate` equals one of `tokens`. Every configured token is compared (several may be
 * valid during a rotation), with no early exit, each as `timingSafeEqual(sha256(a), sha256(b))`.
 * Empty candidates and empty configured tokens never match; no tokens configured → always false.
 */
export function tokenMatches(candidate: string | undefined, tokens: readonly string[]): boolean {
  if (candidate === undefined || candidate === '') return false;
  const given = digest(candidate);
  let matched = false;
  for (const token of tokens) {
    if (token === '') continue;
    if (timingSafeEqual(given, digest(token))) matched = true;
  }
  return matched;
}

/** Where the caller may put its token. */
export interface TokenSources {
  /** Lower-cased header names → values. */
  headers: Readonly<Record<string, string>>;
  /** Query parameters (FC 3.0 `queryParameters`). */
  query: Readonly<Record<string, string>>;
  /** Accept `?token=` (only `/cms-callback`). */
  allowQueryToken: boolean;
}

/**
 * The token candidates a request carries: `Authorization: Bearer <t>` (scheme case-insensitive),
 * `X-Abort-Token: <t>`, and `?token=<t>` when allowed. Values are trimmed.
 */
export function tokenCandidates(sources: TokenSources): string[] {
  const candidates: string[] = [];
  const authorization = sources.headers.authorization;
  if (authorization !== undefined) {
    const match = /^\s*Bearer\s+(.+?)\s*$/i.exec(authorization);
    if (match?.[1]) candidates.push(match[1]);
  }
  const header = sources.headers['x-abort-token']?.trim();
  if (header) candidates.push(header);
  const query = sources.allowQueryToken ? sources.query.token?.trim() : undefined;
  if (query) candidates.push(query);
  return candidates;
}

/** True when any candidate the request carries matches a configured token. */
export function isAuthorised(sources: TokenSources, tokens: readonly string[]): boolean {
  let ok = false;
  for (const candidate of tokenCandidates(sources)) {
    if (tokenMatches(candidate, tokens)) ok = true;
  }
  return ok;
}
