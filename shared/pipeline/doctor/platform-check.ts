import type { Credentials } from '../../core/credentials.js';
import { edasPlatform } from '../../edas/platform.js';
import { PlatformError, UnknownRegionError } from '../../platform/errors.js';
import type { ChangePlatform, PlatformApp } from '../../platform/platform.js';
import { saePlatform } from '../../sae/platform.js';
import { resolvePlatformRegion } from '../runtime.js';
import type { DoctorCheck } from './report.js';

/** The platforms besides Web+ the doctor can check (docs/reference/sae-edas.md). */
export type ChangeOrderPlatform = 'sae' | 'edas';

/** The one read-only list action per platform (docs/reference/sae-edas.md §2.2, §3.2). */
export const LIST_ACTION: Readonly<Record<ChangeOrderPlatform, string>> = {
  sae: 'ListApplications',
  edas: 'ListApplication',
};

const LABEL: Readonly<Record<ChangeOrderPlatform, string>> = { sae: 'SAE', edas: 'EDAS' };

export interface PlatformCheckInput {
  platform: ChangeOrderPlatform;
  /** One of the platform's regions (`SAE_REGIONS` / `EDAS_REGIONS`, default the function's region). */
  regionId: string;
  /**
   * An explicit base URL: the sandbox's emulator, or `SAE_ENDPOINT` / `EDAS_ENDPOINT`; else the
   * platform's endpoint table decides.
   */
  endpointOverride?: { url: string; source: 'sandbox' | 'SAE_ENDPOINT' | 'EDAS_ENDPOINT' };
  credentials?: Credentials;
  /** Connect + read timeout of the one attempt, ms. */
  timeoutMs: number;
}

/** The row and the applications the read returned (for the policy rows). */
export interface PlatformCheckResult {
  row: DoctorCheck;
  applications: PlatformApp[];
}

/**
 * The `sae` or `edas` row of one region: the endpoint as the function resolves it
 * (shared/pipeline/runtime.ts `resolvePlatformRegion`: `SAE_ENDPOINT` / `EDAS_ENDPOINT` with the
 * region's real `Host`, else the table of shared/sae/endpoints.ts `saeEndpoint` /
 * shared/edas/endpoints.ts `edasEndpoint` for the region, public network), then ONE read-only list call through the platform seam (`listApps`, page 1, 10
 * items: SAE ListApplications, EDAS ListApplication), one attempt, no retry. Failures are named
 * by the seam's error kinds (shared/platform/errors.ts).
 */
export async function checkPlatformRegion(input: PlatformCheckInput): Promise<PlatformCheckResult> {
  const label = LABEL[input.platform];
  const action = LIST_ACTION[input.platform];
  const base = {
    check: input.platform,
    subject: input.regionId,
    regionId: input.regionId,
    action,
  } as const;
  const variable = input.platform === 'sae' ? 'SAE_REGIONS' : 'EDAS_REGIONS';
  let endpoint: string;
  let host: string | undefined;
  try {
    // As cold start resolves it: an override still sends the region's real host (runtime.ts).
    ({ endpoint, host } = resolvePlatformRegion(
      input.platform,
      input.regionId,
      input.endpointOverride?.url,
    ));
  } catch (err) {
    if (!(err instanceof UnknownRegionError)) throw err;
    return {
      row: {
        ...base,
        status: 'fail',
        blocks: 'usage',
        detail: `no ${label} endpoint is known for region ${input.regionId} (docs/reference/sae-edas.md lists them): set ${variable} to listed regions; cold start would refuse it`,
      },
      applications: [],
    };
  }
  const where = {
    endpoint,
    endpointSource: input.endpointOverride?.source ?? ('endpoint-map' as const),
  };
  const at = `${endpoint} (${where.endpointSource === 'endpoint-map' ? 'endpoint table' : where.endpointSource})`;
  if (!input.credentials) {
    return {
      row: {
        ...base,
        ...where,
        status: 'skipped',
        detail: `endpoint ${at}; not called: no credentials`,
      },
      applications: [],
    };
  }
  const options = { endpoint, credentials: input.credentials, ...(host ? { host } : {}) };
  const platform: ChangePlatform =
    input.platform === 'sae' ? saePlatform(options) : edasPlatform(options);
  try {
    const page = await platform.listApps(
      { pageNumber: 1, pageSize: 10 },
      { timeoutMs: input.timeoutMs },
    );
    const total = page.totalCount === 'unknown' ? '' : ` of ${page.totalCount}`;
    return {
      row: {
        ...base,
        ...where,
        status: 'ok',
        detail: `${action} at ${at}: reachable, ${page.items.length}${total} application(s) on the first page${page.requestId ? `, RequestId ${page.requestId}` : ''}`,
        applications: page.items.length,
        ...(page.totalCount !== 'unknown' ? { totalCount: page.totalCount } : {}),
        ...(page.requestId ? { requestId: page.requestId } : {}),
      },
      applications: page.items,
    };
  } catch (err) {
    if (!(err instanceof PlatformError)) throw err;
    return {
      row: {
        ...base,
        ...where,
        status: 'fail',
        blocks: 'failed',
        detail: `${action} at ${at}: ${meaning(label, err)}${err.requestId ? `; RequestId ${err.requestId}` : ''}`,
        code: err.code,
        errorKind: err.kind,
        ...(err.httpStatus ? { httpStatus: err.httpStatus } : {}),
        ...(err.requestId ? { requestId: err.requestId } : {}),
      },
      applications: [],
    };
  } finally {
    platform.close();
  }
}

/** What a failed list call means, in words. */
function meaning(label: string, err: PlatformError): string {
  const status = err.httpStatus ? `HTTP ${err.httpStatus} ` : '';
  switch (err.kind) {
    case 'api_unavailable':
      return `unavailable: ${status}${err.code}: the ${label} API is not there (not activated in this account or region, or the wrong endpoint)`;
    case 'auth':
      return `${status}${err.code}: the keys, STS token, signature, clock or the RAM policy were refused; the keys need the ${label} read actions (docs/ram/${label.toLowerCase()}.json)`;
    case 'throttled':
      return `throttled (${err.code}): run doctor again later`;
    case 'retryable':
    case 'ambiguous':
      return err.httpStatus === 0
        ? `not reachable (${err.code}): ${err.message}`
        : `transient error ${status}${err.code} on the one attempt: run doctor again`;
    default:
      return `refused: ${status}${err.code}${err.message ? ` (${err.message})` : ''}`;
  }
}
