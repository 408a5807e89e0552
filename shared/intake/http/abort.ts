/**
 * `POST /abort`: the operator's break-glass request (docs/reference/http-api.md).
 * Ids come from the JSON body `{changeIds?, envIds?, dryRun?, note?, regionId?}` or, with no body,
 * from the query (`changeIds`, `envIds`, repeated or comma-joined, as FC joins repeats; `dryRun`,
 * `note`, `regionId`). `regionId` names the Web+ region the ids live in.
 */
import * as z from '../../core/zod.js';
import type { ManualAbortRequest, RefusedRequest } from '../../model/request.js';
import { HttpRequestError } from '../errors.js';
import { DryRunSchema } from '../timer/payload.js';
import { readBodyFields, refuseUnknownKeys, validateFields } from './body.js';
import { collectIdFields, refusedForBadIds, summariseInvalid } from './ids.js';

/** The keys `/abort` reads (body, or query without a body); any other key is refused (400). */
/** `platform` may say `webplus` (./platform.ts routes `sae` / `edas` elsewhere, and refuses any other value). */
export const ABORT_KEYS = [
  'changeIds',
  'envIds',
  'dryRun',
  'note',
  'reason',
  'platform',
  'regionId',
] as const;

/** Longest `note` accepted, in characters. */
export const MAX_NOTE_CHARS = 1000;

/**
 * A region id as Alibaba Cloud spells them (`cn-hangzhou`, `ap-southeast-1`); whether the
 * function works there is decided later (`WEBPLUS_REGIONS`, `SAE_REGIONS`, `EDAS_REGIONS`).
 */
export const RegionIdSchema = z
  .string({ error: 'regionId must be a region id such as cn-hangzhou' })
  .check(
    z.regex(/^[a-z]{2,}(?:-[a-z0-9]+)+$/, 'regionId must be a region id such as cn-hangzhou'),
    z.maxLength(40, 'regionId must be a region id such as cn-hangzhou'),
  );

const IdListSchema = z.union([z.array(z.unknown()), z.string()], {
  error: 'expected an array of ids or a comma-separated string',
});

/**
 * The `/abort` JSON body. Unknown keys are refused (400 naming the key); `reason` is an alias of
 * `note` (`note` wins when both are given).
 */
export const AbortBodySchema = z.object({
  changeIds: z.optional(IdListSchema),
  envIds: z.optional(IdListSchema),
  dryRun: z.optional(DryRunSchema),
  note: z.optional(z.string().check(z.maxLength(MAX_NOTE_CHARS))),
  reason: z.optional(z.string().check(z.maxLength(MAX_NOTE_CHARS))),
  /** The Web+ region the ids live in (red-team 24 F4); absent: every region is asked. */
  regionId: z.optional(RegionIdSchema),
});

/** The parts of an HTTP call `/abort` reads. */
export interface HttpInput {
  /** Decoded body text ('' when none). */
  body: string;
  /** Query parameters, repeated values comma-joined. */
  query: Readonly<Record<string, string>>;
  /** FC `requestContext.requestId`: the request's `triggerRef`. */
  requestId?: string;
}

/**
 * `dryRun` from the query: `true`/`false` (any case), or present without a value (`?dryRun`) = true.
 * @throws HttpRequestError 400 field `dryRun` for anything else.
 */
export function queryDryRun(query: Readonly<Record<string, string>>): boolean | undefined {
  const raw = query.dryRun;
  if (raw === undefined) return undefined;
  if (raw.trim() === '') return true;
  return validateFields(z.object({ dryRun: DryRunSchema }), { dryRun: raw }).dryRun;
}

/**
 * Builds the `ManualAbortRequest` (trigger `http`, `triggerRef` = request id).
 * Ids are trimmed and validated, duplicates removed. One bad id refuses the whole call: the
 * result is then a `RefusedRequest` with one `invalid` entry per bad id (field `changeIds[2]`)
 * and nothing is read or aborted, not even the good ids. A `dryRun=true` in the query also applies to a JSON body (it can only make the
 * request safer).
 * @throws HttpRequestError 400: broken JSON (field `body`); neither list given or both empty
 *   (field `changeIds`); more than `maxIds` candidates (field of the list that passes it); no valid
 *   id left (field `changeIds`, or `envIds` when only envIds were given); bad `dryRun` / `note`.
 */
export function manualAbortRequest(
  input: HttpInput,
  maxIds: number,
): ManualAbortRequest | RefusedRequest {
  const fromBody = input.body.trim() !== '';
  const fields = fromBody ? readBodyFields(input.body) : { ...input.query };
  refuseUnknownKeys(fields, ABORT_KEYS, fromBody ? 'body' : 'query');
  if (fromBody) refuseUnknownKeys(input.query, ['dryRun'], 'query');
  const body = validateFields(AbortBodySchema, {
    changeIds: fields.changeIds,
    envIds: fields.envIds,
    ...(fromBody ? { dryRun: fields.dryRun } : {}),
    note: fields.note,
    reason: fields.reason,
    regionId: fields.regionId,
  });
  const fromQuery = queryDryRun(input.query);
  const dryRun = fromQuery === true ? true : (body.dryRun ?? fromQuery);

  const [changes, envs] = collectIdFields(
    [
      { field: 'changeIds', kind: 'ChangeId', raw: body.changeIds },
      { field: 'envIds', kind: 'EnvId', raw: body.envIds },
    ],
    maxIds,
  );
  if (!changes || !envs || changes.given + envs.given === 0) {
    throw new HttpRequestError(
      400,
      'invalid_input',
      'give changeIds or envIds: at least one id',
      'changeIds',
    );
  }
  if (changes.ids.length + envs.ids.length === 0) {
    const field = changes.given > 0 ? 'changeIds' : 'envIds';
    const summary = [summariseInvalid(changes), summariseInvalid(envs)].filter(Boolean).join('; ');
    throw new HttpRequestError(400, 'invalid_input', `no valid id: ${summary}`, field);
  }
  const refused = refusedForBadIds([...changes.invalid, ...envs.invalid], input.requestId, dryRun);
  if (refused) return refused;
  const note = body.note ?? body.reason;
  return {
    kind: 'abort',
    trigger: 'http',
    ...(input.requestId === undefined ? {} : { triggerRef: input.requestId }),
    changeIds: changes.ids,
    envIds: envs.ids,
    ...(dryRun === undefined ? {} : { dryRun }),
    ...(note === undefined || note.trim() === '' ? {} : { note: note.trim() }),
    ...(body.regionId === undefined ? {} : { regionId: body.regionId }),
    invalid: [],
  };
}
