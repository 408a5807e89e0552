import { parseId } from '#shared/core/ids.js';
import type { PlatformRequest } from '#shared/model/request.js';
import { UsageError } from '../errors.js';
import { validIds } from '../local-run.js';

/**
 * `--platform`: `webplus` (default, the Web+ ids as before), `sae` or `edas`.
 * @throws UsageError for any other value (exit 2)
 */
export function cliPlatform(value: string | undefined): 'sae' | 'edas' | undefined {
  if (value === undefined || value === 'webplus') return undefined;
  if (value === 'sae' || value === 'edas') return value;
  throw new UsageError(
    `invalid --platform ${JSON.stringify(value)}: expected webplus, sae or edas`,
  );
}

/**
 * The PlatformRequest of `abort --platform sae|edas ID... [--app ID]` (ChangeOrderIds, and
 * applications whose in-flight order is aborted) or `sweep --platform sae|edas [--app ID]`.
 * `--region ID` names the region the request works in (its `regionId`; it is also the
 * function's region, hence the default of `SAE_REGIONS` / `EDAS_REGIONS`); without it a sweep
 * covers every enabled region and an abort needs a single enabled region.
 * @throws UsageError for a malformed id (lower-case UUIDs) or region, or an abort naming nothing
 */
export function cliPlatformRequest(
  platform: 'sae' | 'edas',
  source: 'manual' | 'sweep',
  options: {
    changeOrderIds?: string[];
    app?: string[];
    dryRun?: boolean;
    note?: string;
    region?: string;
  },
): PlatformRequest {
  if (options.region !== undefined && !/^[a-z]{2,}(?:-[a-z0-9]+)+$/.test(options.region))
    throw new UsageError(
      `invalid --region ${JSON.stringify(options.region.slice(0, 40))}: expected a region id such as cn-hangzhou`,
    );
  const changeOrderIds = validIds(
    options.changeOrderIds ?? [],
    (r) => parseId('ChangeOrderId', r),
    'ChangeOrderId',
  );
  const appIds = validIds(options.app ?? [], (r) => parseId('PlatformAppId', r), 'AppId');
  if (source === 'manual' && changeOrderIds.length + appIds.length === 0)
    throw new UsageError(`abort --platform ${platform} needs a CHANGE_ORDER_ID or --app APP_ID`);
  return {
    kind: 'platform',
    platform,
    source,
    trigger: 'cli',
    triggerRef: `webplus-abort ${source === 'manual' ? 'abort' : 'sweep'} --platform ${platform}`,
    invalid: [],
    changeOrderIds,
    ...(source === 'manual' ? { appIds, reason: 'manual' } : appIds.length > 0 ? { appIds } : {}),
    ...(options.dryRun ? { dryRun: true } : {}),
    ...(options.note ? { note: options.note } : {}),
    ...(options.region ? { regionId: options.region } : {}),
  };
}
