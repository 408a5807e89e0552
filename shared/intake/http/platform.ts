/**
 * `POST /abort` and `POST /sweep` for SAE and EDAS: the body (or, with no body, the query)
 * names `platform: "sae" | "edas"`, and ids as the platform has them (docs/operator-guide.md
 * "SAE and EDAS"): `/abort` takes `changeOrderIds` and/or `appIds` (each application's
 * in-flight change order), `/sweep` takes `appIds` to limit the sweep; both take `regionId`
 * (the region the ids live in; needed for `/abort` when several regions are enabled). Ids are
 * lower-case UUIDs. Without `platform` (or with `platform: "webplus"`) the Web+ routes apply unchanged.
 */
import * as z from '../../core/zod.js';
import type { PlatformRequest, RefusedRequest } from '../../model/request.js';
import { HttpRequestError } from '../errors.js';
import { DryRunSchema } from '../timer/payload.js';
import { type HttpInput, MAX_NOTE_CHARS, queryDryRun, RegionIdSchema } from './abort.js';
import { readBodyFields, refuseUnknownKeys, validateFields } from './body.js';
import { collectIdFields, refusedForBadIds, summariseInvalid } from './ids.js';

const IdListSchema = z.union([z.array(z.unknown()), z.string()], {
  error: 'expected an array of ids or a comma-separated string',
});

const PlatformSchema = z.enum(['webplus', 'sae', 'edas'], {
  error: 'platform must be webplus, sae or edas',
});

/** The keys an SAE / EDAS `/abort` body (or query) may carry; any other is refused with 400. */
export const PLATFORM_ABORT_KEYS = [
  'platform',
  'changeOrderIds',
  'appIds',
  'dryRun',
  'note',
  'reason',
  'regionId',
] as const;
/** The keys an SAE / EDAS `/sweep` body (or query) may carry. */
export const PLATFORM_SWEEP_KEYS = ['platform', 'appIds', 'dryRun', 'regionId'] as const;

/** The fields of an SAE / EDAS call; Web+ id lists are refused (they name no change order). */
const PlatformBodySchema = z.strictObject({
  platform: z.enum(['sae', 'edas']),
  changeOrderIds: z.nullish(IdListSchema),
  appIds: z.nullish(IdListSchema),
  dryRun: z.optional(DryRunSchema),
  note: z.optional(z.string().check(z.maxLength(MAX_NOTE_CHARS))),
  reason: z.optional(z.string().check(z.maxLength(MAX_NOTE_CHARS))),
  regionId: z.optional(RegionIdSchema),
});

/**
 * The SAE / EDAS platform a call names, or undefined for Web+ (absent, or `webplus`).
 * @throws HttpRequestError 400 field `platform` for any other value, or broken JSON (`body`)
 */
export function platformOfCall(input: HttpInput): 'sae' | 'edas' | undefined {
  const fields = input.body.trim() !== '' ? readBodyFields(input.body) : { ...input.query };
  if (fields.platform === undefined) return undefined;
  const p = validateFields(z.object({ platform: PlatformSchema }), {
    platform: fields.platform,
  }).platform;
  return p === 'webplus' ? undefined : p;
}

/**
 * The PlatformRequest of an SAE / EDAS `/abort` or `/sweep` call (trigger `http`).
 * @throws HttpRequestError 400: Web+ ids (`changeIds`, `envIds`) given; a key not in
 *   {@link PLATFORM_ABORT_KEYS} / {@link PLATFORM_SWEEP_KEYS} (named, never ignored: `DryRun`,
 *   `dry_run` must not let an abort through); for `/sweep` an `appIds` that is empty, blank or
 *   null (never widened to every application); for `/abort` no id at
 *   all, or none valid; for `/sweep` an `appIds` list with none valid (never widened to all);
 *   `changeOrderIds` on `/sweep`; more than `maxIds` ids (`too_many_ids`). One bad id beside
 *   good ones gives a `RefusedRequest` (one `invalid` entry per bad id, nothing acted on).
 */
export function platformHttpRequest(
  input: HttpInput,
  route: '/abort' | '/sweep',
  maxIds: number,
): PlatformRequest | RefusedRequest {
  const fromBody = input.body.trim() !== '';
  const fields = fromBody ? readBodyFields(input.body) : { ...input.query };
  for (const webplusField of ['changeIds', 'envIds'] as const)
    if (fields[webplusField] !== undefined && fields[webplusField] !== null)
      throw new HttpRequestError(
        400,
        'invalid_input',
        `${webplusField} names Web+ ids; for ${String(fields.platform)} give changeOrderIds or appIds`,
        webplusField,
      );
  if (route === '/sweep' && fields.changeOrderIds !== undefined && fields.changeOrderIds !== null)
    throw new HttpRequestError(
      400,
      'invalid_input',
      '/sweep takes appIds, not changeOrderIds',
      'changeOrderIds',
    );
  refuseUnknownKeys(
    fields,
    route === '/sweep' ? PLATFORM_SWEEP_KEYS : PLATFORM_ABORT_KEYS,
    fromBody ? 'body' : 'query',
  );
  if (fromBody) refuseUnknownKeys(input.query, ['dryRun'], 'query');
  const body = validateFields(PlatformBodySchema, {
    platform: fields.platform,
    changeOrderIds: fields.changeOrderIds,
    appIds: fields.appIds,
    ...(fromBody ? { dryRun: fields.dryRun } : {}),
    note: fields.note,
    reason: fields.reason,
    regionId: fields.regionId,
  });
  const fromQuery = queryDryRun(input.query);
  const dryRun = fromQuery === true ? true : (body.dryRun ?? fromQuery);
  const [orders, apps] = collectIdFields(
    [
      { field: 'changeOrderIds', kind: 'ChangeOrderId', raw: body.changeOrderIds },
      { field: 'appIds', kind: 'PlatformAppId', raw: body.appIds },
    ],
    maxIds,
  );
  if (!orders || !apps)
    throw new HttpRequestError(400, 'invalid_input', 'bad id lists', 'changeOrderIds');
  const summary = [summariseInvalid(orders), summariseInvalid(apps)].filter(Boolean).join('; ');
  // Checked after the 400s below (an empty list, nothing valid): one bad id beside good ones
  // refuses the whole call, never acting on the rest.
  const refused = refusedForBadIds([...orders.invalid, ...apps.invalid], input.requestId, dryRun);
  const common = {
    kind: 'platform' as const,
    platform: body.platform,
    trigger: 'http' as const,
    ...(input.requestId === undefined ? {} : { triggerRef: input.requestId }),
    ...(dryRun === undefined ? {} : { dryRun }),
    // The region to work in: a sweep without one covers every enabled region; an abort without
    // one works only where a single region is enabled (pipeline/process-platform-request.ts).
    ...(body.regionId === undefined ? {} : { regionId: body.regionId }),
    invalid: [],
  };
  if (route === '/sweep') {
    // An explicitly empty (or null, or blank) appIds never means every application (issue 10).
    const rawApps = fields.appIds;
    if (
      rawApps !== undefined &&
      (rawApps === null ||
        apps.given === 0 ||
        (typeof rawApps === 'string' && rawApps.trim() === ''))
    )
      throw new HttpRequestError(
        400,
        'invalid_input',
        'appIds is empty: an empty list never means every application; leave appIds out to sweep everything the policy allows',
        'appIds',
      );
    if (apps.given > 0 && apps.ids.length === 0)
      throw new HttpRequestError(400, 'invalid_input', `no valid id: ${summary}`, 'appIds');
    if (refused) return refused;
    return {
      ...common,
      source: 'sweep',
      changeOrderIds: [],
      ...(apps.ids.length > 0 ? { appIds: apps.ids } : {}),
    };
  }
  if (orders.given + apps.given === 0)
    throw new HttpRequestError(
      400,
      'invalid_input',
      'give changeOrderIds or appIds: at least one id',
      'changeOrderIds',
    );
  if (orders.ids.length + apps.ids.length === 0)
    throw new HttpRequestError(
      400,
      'invalid_input',
      `no valid id: ${summary}`,
      orders.given > 0 ? 'changeOrderIds' : 'appIds',
    );
  if (refused) return refused;
  const note = (body.note ?? body.reason)?.trim();
  return {
    ...common,
    source: 'manual',
    reason: 'manual',
    changeOrderIds: orders.ids,
    appIds: apps.ids,
    ...(note ? { note } : {}),
  };
}
