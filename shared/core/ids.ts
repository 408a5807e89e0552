/**
 * Web+ id validation. Web+ ids are a kind prefix and 24 lower-case hex digits:
 * `wc-` ChangeId, `we-` EnvId, `wa-` AppId (Web+ API reference: AbortChange `ChangeId`,
 * DescribeAppEnvs `EnvId`, DescribeApplications `AppId`; examples such as
 * `wc-5d3a963d5802611c4ddc0001`). Nothing that fails these checks ever reaches the signer.
 */

import { typeName } from './text.js';

/** Result of parsing one id: the trimmed id, or why it was refused (the message never echoes it). */
export type IdParse = { ok: true; id: string } | { ok: false; message: string };

/**
 * The id kinds intake validates: the three Web+ kinds, and the SAE / EDAS `ChangeOrderId` and
 * application id (`PlatformAppId`), which are both lower-case UUIDs (docs/reference/sae-edas.md
 * examples: `be2e1c76-682b-4897-98d3-1d8d6478…`, `6826ccd2-5c57-46c0-a2e5-6caca07c…`). Being the
 * same shape, a UUID says neither its platform nor whether it is an order or an app: requests
 * name both (`platform` and the list they put it in).
 */
export type IdKind = 'ChangeId' | 'EnvId' | 'AppId' | 'ChangeOrderId' | 'PlatformAppId';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PATTERNS: Record<IdKind, RegExp> = {
  ChangeId: /^wc-[0-9a-f]{24}$/,
  EnvId: /^we-[0-9a-f]{24}$/,
  AppId: /^wa-[0-9a-f]{24}$/,
  ChangeOrderId: UUID,
  PlatformAppId: UUID,
};
const EXPECTED: Record<IdKind, string> = {
  ChangeId: 'wc- and 24 lower-case hex digits',
  EnvId: 'we- and 24 lower-case hex digits',
  AppId: 'wa- and 24 lower-case hex digits',
  ChangeOrderId: 'a lower-case UUID, 8-4-4-4-12 hex digits',
  PlatformAppId: 'a lower-case UUID, 8-4-4-4-12 hex digits',
};
const WEBPLUS_KINDS: readonly IdKind[] = ['ChangeId', 'EnvId', 'AppId'];

/** Which Web+ kind a string is, if it is a well-formed Web+ id (UUIDs are never named). */
export function idKindOf(value: string): IdKind | undefined {
  for (const kind of WEBPLUS_KINDS) {
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
    message: `not a ${kind} (expected ${EXPECTED[kind]})`,
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
