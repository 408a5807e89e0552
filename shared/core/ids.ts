/**
 * Web+ id validation. Web+ ids are a kind prefix and 24 lower-case hex digits:
 * `wc-` ChangeId, `we-` EnvId, `wa-` AppId (Web+ API reference: AbortChange `ChangeId`,
 * DescribeAppEnvs `EnvId`, DescribeApplications `AppId`; examples such as
 * `wc-5d3a963d5802611c4ddc0001`). Nothing that fails these checks ever reaches the signer.
 */

import { typeName } from './text.js';

/** Result of parsing one id: the trimmed id, or why it was refused (the message never echoes it). */
export type IdParse = { ok: true; id: string } | { ok: false; message: string };

/** The three id kinds intake validates. */
export type IdKind = 'ChangeId' | 'EnvId' | 'AppId';

const PATTERNS: Record<IdKind, RegExp> = {
  ChangeId: /^wc-[0-9a-f]{24}$/,
  EnvId: /^we-[0-9a-f]{24}$/,
  AppId: /^wa-[0-9a-f]{24}$/,
};
const PREFIX: Record<IdKind, string> = { ChangeId: 'wc-', EnvId: 'we-', AppId: 'wa-' };

/** Which kind a string is, if it is a well-formed id of any kind. */
export function idKindOf(value: string): IdKind | undefined {
  for (const kind of Object.keys(PATTERNS) as IdKind[]) {
    if (PATTERNS[kind].test(value)) return kind;
  }
  return undefined;
}

/**
 * Parses one id of `kind`: must be a string; surrounding whitespace is trimmed; then it must match
 * the kind's pattern exactly. Messages: `expected a string, got number`, `empty`,
 * `an EnvId where a ChangeId was expected`, `not a ChangeId (expected wc- and 24 lower-case hex digits)`.
 */
export function parseId(kind: IdKind, raw: unknown): IdParse {
  if (typeof raw !== 'string')
    return { ok: false, message: `expected a string, got ${typeName(raw)}` };
  const id = raw.trim();
  if (id === '') return { ok: false, message: 'empty' };
  if (PATTERNS[kind].test(id)) return { ok: true, id };
  const other = idKindOf(id);
  if (other) return { ok: false, message: `an ${other} where a ${kind} was expected` };
  if (/\$\{[^}]*\}?/.test(id)) {
    return { ok: false, message: `an unrendered variable, not a ${kind}` };
  }
  return {
    ok: false,
    message: `not a ${kind} (expected ${PREFIX[kind]} and 24 lower-case hex digits)`,
  };
}

/** A Web+ ChangeId: trimmed, `/^wc-[0-9a-f]{24}$/`. */
export function parseChangeId(raw: unknown): IdParse {
  return parseId('ChangeId', raw);
}

/** A Web+ EnvId: trimmed, `/^we-[0-9a-f]{24}$/`. */
export function parseEnvId(raw: unknown): IdParse {
  return parseId('EnvId', raw);
}

/** A Web+ AppId: trimmed, `/^wa-[0-9a-f]{24}$/`. */
export function parseAppId(raw: unknown): IdParse {
  return parseId('AppId', raw);
}
