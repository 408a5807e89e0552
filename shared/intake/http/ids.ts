/**
 * Id lists of HTTP calls (`/abort`, `/sweep`): validation, the `HTTP_MAX_IDS` limit, and the
 * "nothing valid left" rule (docs/reference/http-api.md).
 */

import type { IdKind } from '../../core/ids.js';
import type { InvalidInput, RefusedRequest } from '../../model/request.js';
import { HttpRequestError } from '../errors.js';
import { collectIds, type IdList } from '../id-list.js';

/** One id list of a call: its field name, its kind, and the raw value (absent = not given). */
export interface IdField {
  field: string;
  kind: IdKind;
  raw: unknown;
}

/**
 * Collects every list; counts all candidates given (before validation and dedupe) against
 * `maxIds`. Returns the lists in the same order (`given: 0` for an absent one).
 * @throws HttpRequestError 400 `invalid_input` naming the field when a list is neither an array nor
 *   a comma-separated string, or `too_many_ids` naming the field whose ids pass `maxIds`.
 */
export function collectIdFields(fields: readonly IdField[], maxIds: number): IdList[] {
  const lists: IdList[] = [];
  let total = 0;
  for (const { field, kind, raw } of fields) {
    if (raw === undefined || raw === null) {
      lists.push({ ids: [], invalid: [], given: 0 });
      continue;
    }
    const list = collectIds(kind, raw, field);
    if (list === undefined) {
      throw new HttpRequestError(
        400,
        'invalid_input',
        `${field} must be an array of ${kind}s or a comma-separated string`,
        field,
      );
    }
    total += list.given;
    if (total > maxIds) {
      throw new HttpRequestError(
        400,
        'too_many_ids',
        `at most ${maxIds} ids per request (HTTP_MAX_IDS); ${field} brings the total to ${total}`,
        field,
      );
    }
    lists.push(list);
  }
  return lists;
}

/** "changeIds[0]: empty; changeIds[1]: not a ChangeId (...)" for the first few refused ids. */
export function summariseInvalid(list: IdList, max = 3): string {
  const parts = list.invalid.slice(0, max).map((i) => `${i.field}: ${i.message}`);
  if (list.invalid.length > max) parts.push(`and ${list.invalid.length - max} more`);
  return parts.join('; ');
}

/** Appended to each bad id's message: one bad id refuses the whole call. */
export const BAD_ID_REFUSES =
  'the request is refused and nothing is acted on (every id must be valid; fix it and resend)';

/**
 * The call refused as a whole when any id in it is bad (docs/reference/http-api.md): one
 * `invalid` record per bad id, each message ending {@link BAD_ID_REFUSES}, no Web+ call. A typo
 * beside good ids never lets the rest go ahead as if the list had been meant that way.
 * @param dryRun the request asked for a dry run (kept on the refused request, so its records
 *   and summary say dry run: red-team 24)
 * @returns undefined when every id is valid
 */
export function refusedForBadIds(
  invalid: readonly InvalidInput[],
  triggerRef: string | undefined,
  dryRun?: boolean,
): RefusedRequest | undefined {
  if (invalid.length === 0) return undefined;
  return {
    kind: 'refused',
    trigger: 'http',
    ...(triggerRef === undefined ? {} : { triggerRef }),
    // What the refused request asked for: its records and summary say dry run when it did.
    ...(dryRun === true ? { dryRun: true } : {}),
    invalid: invalid.map((i) => ({ ...i, message: `${i.message}: ${BAD_ID_REFUSES}` })),
  };
}
