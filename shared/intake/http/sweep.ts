/**
 * `POST /sweep`: a manual sweep (docs/reference/http-api.md: JSON `{envIds?, appIds?, dryRun?}`;
 * an empty body sweeps everything the policy allows).
 */
import * as z from '../../core/zod.js';
import type { RefusedRequest, SweepRequest } from '../../model/request.js';
import { HttpRequestError } from '../errors.js';
import { DryRunSchema } from '../timer/payload.js';
import type { HttpInput } from './abort.js';
import { queryDryRun } from './abort.js';
import { readBodyFields, refuseUnknownKeys, validateFields } from './body.js';
import { collectIdFields, refusedForBadIds, summariseInvalid } from './ids.js';

const IdListSchema = z.union([z.array(z.unknown()), z.string()], {
  error: 'expected an array of ids or a comma-separated string',
});

/** The keys `/sweep` reads (body, or query without a body); any other key is refused (400). */
/** `platform` may say `webplus` (./platform.ts routes `sae` / `edas` elsewhere, and refuses any other value). */
export const SWEEP_KEYS = ['envIds', 'appIds', 'dryRun', 'platform'] as const;

/** The `/sweep` JSON body (unknown keys are refused before it is read). */
export const SweepBodySchema = z.object({
  envIds: z.optional(IdListSchema),
  appIds: z.optional(IdListSchema),
  dryRun: z.optional(DryRunSchema),
});

/**
 * Builds the `SweepRequest` (trigger `http`, `triggerRef` = request id). With an empty body the
 * query is read instead (`envIds`, `appIds`, `dryRun`). Absent = no limit; an explicitly empty
 * list (`[]`, `""`) is refused, and so are both lists together. A list that was given but keeps
 * no valid id is refused (400 naming it) rather than widened to everything; one bad id beside
 * good ones refuses the whole call too (a `RefusedRequest`: one `invalid` entry per bad id,
 * nothing swept). A `dryRun=true` in the query also applies to a JSON body. Unknown keys (body or
 * query) are refused.
 * @throws HttpRequestError 400 (broken JSON, a repeated name: field `body` or the name; unknown
 *   key, empty list, both lists, bad list, too many ids, nothing valid: the field).
 */
export function manualSweepRequest(
  input: HttpInput,
  maxIds: number,
): SweepRequest | RefusedRequest {
  const fromBody = input.body.trim() !== '';
  const fields = fromBody ? readBodyFields(input.body) : { ...input.query };
  refuseUnknownKeys(fields, SWEEP_KEYS, fromBody ? 'body' : 'query');
  if (fromBody) refuseUnknownKeys(input.query, ['dryRun'], 'query');
  const body = validateFields(SweepBodySchema, {
    envIds: fields.envIds,
    appIds: fields.appIds,
    ...(fromBody ? { dryRun: fields.dryRun } : {}),
  });
  const fromQuery = queryDryRun(input.query);
  const dryRun = fromQuery === true ? true : (body.dryRun ?? fromQuery);
  const [envs, apps] = collectIdFields(
    [
      { field: 'envIds', kind: 'EnvId', raw: body.envIds },
      { field: 'appIds', kind: 'AppId', raw: body.appIds },
    ],
    maxIds,
  );
  const request: SweepRequest = {
    kind: 'sweep',
    trigger: 'http',
    ...(input.requestId === undefined ? {} : { triggerRef: input.requestId }),
    ...(dryRun === undefined ? {} : { dryRun }),
    invalid: [],
  };
  for (const [key, list] of [
    ['envIds', envs],
    ['appIds', apps],
  ] as const) {
    if (!list || body[key] === undefined) continue;
    const raw = body[key];
    if (list.given === 0 || (typeof raw === 'string' && raw.trim() === '')) {
      throw new HttpRequestError(
        400,
        'invalid_input',
        `${key} is empty: an empty list never means everything; leave ${key} out to sweep everything the policy allows`,
        key,
      );
    }
    if (key === 'appIds' && request.envIds) {
      throw new HttpRequestError(
        400,
        'invalid_input',
        'give envIds or appIds, not both: which one limits the sweep would be a guess',
        'appIds',
      );
    }
    if (list.ids.length === 0) {
      throw new HttpRequestError(
        400,
        'invalid_input',
        `no valid id in ${key}: ${summariseInvalid(list)}`,
        key,
      );
    }
    request[key] = list.ids;
    request.invalid.push(...list.invalid);
  }
  return refusedForBadIds(request.invalid, input.requestId, dryRun) ?? request;
}
