/**
 * `POST /sweep`: a manual sweep (docs/reference/http-api.md: JSON `{envIds?, appIds?, dryRun?}`;
 * an empty body sweeps everything the policy allows).
 */
import { z } from 'zod';
import type { SweepRequest } from '../../model/request.js';
import { HttpRequestError } from '../errors.js';
import { DryRunSchema } from '../timer/payload.js';
import type { HttpInput } from './abort.js';
import { queryDryRun } from './abort.js';
import { readBodyFields, validateFields } from './body.js';
import { collectIdFields, summariseInvalid } from './ids.js';

const IdListSchema = z.union([z.array(z.unknown()), z.string()], {
  error: 'expected an array of ids or a comma-separated string',
});

/** The `/sweep` JSON body; unknown keys are accepted and never acted on. */
export const SweepBodySchema = z.object({
  envIds: IdListSchema.nullish(),
  appIds: IdListSchema.nullish(),
  dryRun: DryRunSchema.optional(),
});

/**
 * Builds the `SweepRequest` (trigger `http`, `triggerRef` = request id). With an empty body the
 * query is read instead (`envIds`, `appIds`, `dryRun`). `[]` (or absent) = no limit. Bad ids go to
 * `invalid`; a list that was given but keeps no valid id is refused (400 naming it) rather than
 * widened to everything. A `dryRun=true` in the query also applies to a JSON body.
 * @throws HttpRequestError 400 (broken JSON: field `body`; bad list, too many ids, nothing valid).
 */
export function manualSweepRequest(input: HttpInput, maxIds: number): SweepRequest {
  const fromBody = input.body.trim() !== '';
  const fields = fromBody ? readBodyFields(input.body) : { ...input.query };
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
    if (!list || list.given === 0) continue;
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
  return request;
}
