/** Id lists from untrusted input: valid ids and one `InvalidInput` per refused candidate. */

import { type IdKind, idKindOf, parseId } from '../core/ids.js';
import { printable } from '../core/text.js';
import type { InvalidInput } from '../model/request.js';

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
