/**
 * Web+ id validation. Web+ ids are a kind prefix and 24 lower-case hex digits:
 * `wc-` ChangeId, `we-` EnvId, `wa-` AppId (Web+ API reference: AbortChange `ChangeId`,
 * DescribeAppEnvs `EnvId`, DescribeApplications `AppId`; examples such as
 * `wc-5d3a963d5802611c4ddc0001`). Nothing that fails these checks ever reaches the signer.
 */

import { printable, typeName } from './printable.js';
import type { InvalidInput } from './request.js';

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

/**
 * The `InvalidInput` for a refused id candidate. `value` is a printable, truncated copy.
 * `changeId` / `envId` is set only when the candidate is a well-formed id of that kind given in
 * the wrong place (a `we-` id in `changeIds` carries `envId`), so a record never carries a
 * malformed string in an id column.
 */
export function invalidId(field: string, raw: unknown, message: string): InvalidInput {
  const invalid: InvalidInput = { field, value: printable(raw), message };
  if (typeof raw === 'string') {
    const kind = idKindOf(raw.trim());
    if (kind === 'ChangeId') invalid.changeId = raw.trim();
    if (kind === 'EnvId') invalid.envId = raw.trim();
  }
  return invalid;
}

/** Outcome of {@link collectIds}. */
export interface IdList {
  /** Valid ids, trimmed, duplicates removed, in first-seen order. */
  ids: string[];
  /** Refused candidates, one each, with `field` like `changeIds[2]`. */
  invalid: InvalidInput[];
  /** Number of candidates given (after splitting, before validation and dedupe). */
  given: number;
}

/**
 * Splits a list of id candidates into valid ids and refused ones.
 * `raw`: an array (each item one candidate) or a string (comma-separated, as FC joins repeated
 * query values). Returns `undefined` when `raw` is neither (the caller decides: 400 or invalid).
 * `field` names the list in `InvalidInput.field` (`changeIds` → `changeIds[0]`).
 */
export function collectIds(kind: IdKind, raw: unknown, field: string): IdList | undefined {
  let items: unknown[];
  if (Array.isArray(raw)) items = raw;
  else if (typeof raw === 'string') items = raw.split(',');
  else return undefined;
  const ids: string[] = [];
  const seen = new Set<string>();
  const invalid: InvalidInput[] = [];
  items.forEach((item, index) => {
    const parsed = parseId(kind, item);
    if (parsed.ok) {
      if (!seen.has(parsed.id)) {
        seen.add(parsed.id);
        ids.push(parsed.id);
      }
    } else {
      invalid.push(invalidId(`${field}[${index}]`, item, parsed.message));
    }
  });
  return { ids, invalid, given: items.length };
}
