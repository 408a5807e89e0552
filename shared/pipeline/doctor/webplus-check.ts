import type { Credentials } from '../../core/credentials.js';
import { WebplusClient } from '../../webplus/client.js';
import { describeKind } from '../../webplus/describe.js';
import {
  resolveWebplusRegion,
  UnknownWebplusRegionError,
  WEBPLUS_DOCUMENTED_REGIONS,
  type WebplusRegion,
} from '../../webplus/endpoints.js';
import { WebplusError } from '../../webplus/errors.js';
import type { Application } from '../../webplus/types.js';
import type { DoctorCheck } from './report.js';

/** Applications asked for in the one DescribeApplications call (one page). */
export const DOCTOR_PAGE_SIZE = 100;

/** Web+'s clock may be this far off before the row warns, ms (the sweep's own threshold). */
const SKEW_WARN_MS = 60_000;

export interface WebplusCheckInput {
  regionId: string;
  /** `WEBPLUS_ENDPOINT` (every region goes there), else the SDK endpoint map decides. */
  endpointOverride?: string;
  /** True when the override is a sandbox the CLI started (`--scenario`). */
  sandbox?: boolean;
  /** Undefined: the row is `skipped` (nothing is sent without keys). */
  credentials?: Credentials;
  /** Connect + read timeout of the one attempt, ms (`ATTEMPT_TIMEOUT_MS`). */
  timeoutMs: number;
  /** More secrets to remove from error texts (the HTTP tokens). */
  extraSecrets: readonly string[];
}

/** The row and the applications the read returned (for the policy rows). */
export interface WebplusCheckResult {
  row: DoctorCheck;
  applications: Application[];
}

/**
 * The `webplus` row of one region: the endpoint resolved as the function resolves it
 * (shared/webplus/endpoints.ts: `WEBPLUS_ENDPOINT`, else the SDK endpoint map, never a pattern),
 * then ONE read-only DescribeApplications (page 1, {@link DOCTOR_PAGE_SIZE} items) through the
 * function's own client (pop-core's signing, the region in `x-acs-region-id` and `RegionId`),
 * one attempt, no retry. What came back is classified by the client's error kinds
 * (shared/webplus/error-kind.ts): `unavailable` says the API is retired or not here, the 401
 * identity codes say what they mean (shared/webplus/describe.ts), transport errors say the
 * endpoint is not reachable. Warnings: no application in the region (the wrong region?), a region
 * Web+ does not document, a reply without a `Date` header or a clock more than a minute off (a
 * sweep judges stuck ages on Web+'s clock and fails closed without it).
 * Never sends anything else.
 */
export async function checkWebplusRegion(input: WebplusCheckInput): Promise<WebplusCheckResult> {
  const base = { check: 'webplus' as const, subject: input.regionId, regionId: input.regionId };
  let region: WebplusRegion;
  try {
    region = resolveWebplusRegion(input.regionId, input.endpointOverride);
  } catch (err) {
    if (!(err instanceof UnknownWebplusRegionError)) throw err;
    return {
      row: {
        ...base,
        status: 'fail',
        blocks: 'usage',
        detail: `${err.message}; set WEBPLUS_REGIONS (or --region) to the regions your Web+ applications live in`,
      },
      applications: [],
    };
  }
  const where = {
    endpoint: region.endpoint,
    endpointSource:
      region.endpointSource === 'table'
        ? ('endpoint-map' as const)
        : input.sandbox
          ? ('sandbox' as const)
          : ('WEBPLUS_ENDPOINT' as const),
    action: 'DescribeApplications',
  };
  const at = `${region.endpoint} (${where.endpointSource === 'endpoint-map' ? 'SDK endpoint map' : where.endpointSource})`;
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
  const client = new WebplusClient(
    { regionId: region.regionId, endpoint: region.endpoint },
    input.credentials,
    undefined,
    input.extraSecrets,
  );
  try {
    const page = await client.describeApplications(
      { pageNumber: 1, pageSize: DOCTOR_PAGE_SIZE },
      { timeoutMs: input.timeoutMs },
    );
    const skewMs = client.clockSkewMs();
    const warnings: string[] = [];
    if (!(WEBPLUS_DOCUMENTED_REGIONS as readonly string[]).includes(region.regionId)) {
      warnings.push(
        `Web+ documents only ${WEBPLUS_DOCUMENTED_REGIONS.join(', ')}: check that your applications live in ${region.regionId}`,
      );
    }
    if (page.items.length === 0) {
      warnings.push(
        `no application in ${region.regionId}: check WEBPLUS_REGIONS (or --region) and the account`,
      );
    }
    const clockUnknown = client.clockUnknownWhy();
    if (clockUnknown) {
      warnings.push(
        `Web+'s clock is unknown: ${clockUnknown}: a sweep judges no change stuck while it is (fails closed)`,
      );
    } else if (skewMs === undefined) {
      warnings.push(
        "the reply carried no Date header: a sweep cannot tell Web+'s clock and judges no change stuck (fails closed)",
      );
    } else if (Math.abs(skewMs) > SKEW_WARN_MS) {
      warnings.push(
        `Web+'s clock is ${Math.round(skewMs / 1000)} s off this machine's: stuck ages are judged on Web+'s clock`,
      );
    }
    const total =
      page.totalCount !== undefined && page.totalCount !== page.items.length
        ? ` of ${page.totalCount}`
        : '';
    return {
      row: {
        ...base,
        ...where,
        status: warnings.length > 0 ? 'warn' : 'ok',
        detail: `DescribeApplications at ${at}: reachable, ${page.items.length}${total} application(s)${page.requestId ? `, RequestId ${page.requestId}` : ''}${warnings.length > 0 ? `; ${warnings.join('; ')}` : ''}`,
        applications: page.items.length,
        ...(page.totalCount !== undefined ? { totalCount: page.totalCount } : {}),
        ...(page.requestId ? { requestId: page.requestId } : {}),
        ...(skewMs !== undefined ? { clockSkewMs: skewMs } : {}),
      },
      applications: page.items,
    };
  } catch (err) {
    if (!(err instanceof WebplusError)) throw err;
    return {
      row: {
        ...base,
        ...where,
        status: 'fail',
        blocks: 'failed',
        detail: `DescribeApplications at ${at}: ${meaning(err)}${err.requestId ? `; RequestId ${err.requestId}` : ''}`,
        code: err.code,
        errorKind: err.kind,
        ...(err.httpStatus ? { httpStatus: err.httpStatus } : {}),
        ...(err.requestId ? { requestId: err.requestId } : {}),
      },
      applications: [],
    };
  } finally {
    client.close();
  }
}

/** What a failed DescribeApplications means for the function, in words. */
function meaning(err: WebplusError): string {
  const status = err.httpStatus ? `HTTP ${err.httpStatus} ` : '';
  switch (err.kind) {
    case 'unavailable':
      return `retired or unavailable (${status}${err.code}): the Web+ API is gone, not activated in this account, or this is the wrong endpoint; the function would read and abort nothing in this region (one failed record per invocation says so)`;
    case 'credentials':
      if (err.code.startsWith('InvalidAccessKeyId')) {
        return `${status}${err.code}: the AccessKey id is unknown or disabled; check the keys in use (${describeKind(err)})`;
      }
      if (err.code === 'SignatureDoesNotMatch') {
        return `${status}${err.code}: the AccessKey secret does not belong to this id (or a proxy changed the request)`;
      }
      return `${status}${err.code}: ${describeKind(err)}`;
    case 'clock':
      return `${status}${err.code}: ${describeKind(err)}`;
    case 'retryable':
      return err.httpStatus === 0
        ? `not reachable (${err.code}): ${err.message}`
        : `transient error ${status}${err.code} on the one attempt: run doctor again; if it stays, Web+ is failing here`;
    default:
      return `refused: ${status}${err.code}${err.message ? ` (${err.message})` : ''}`;
  }
}
