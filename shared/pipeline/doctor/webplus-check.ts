import type { Credentials } from '../../core/credentials.js';
import { ListingTooLargeError, ListingUnreadableError } from '../../targeting/errors.js';
import { type Listing, ListingTally } from '../../targeting/read.js';
import { MAX_PAGE_SIZE } from '../../webplus/actions.js';
import { WebplusClient } from '../../webplus/client.js';
import { describeKind } from '../../webplus/describe.js';
import {
  resolveWebplusRegion,
  UnknownWebplusRegionError,
  WEBPLUS_DOCUMENTED_REGIONS,
  type WebplusRegion,
} from '../../webplus/endpoints.js';
import { WebplusError } from '../../webplus/errors.js';
import type { AppEnv, Application, Page } from '../../webplus/types.js';
import type { DoctorCheck } from './report.js';

/** Items asked for in each first-page read: the sweep's own page size (shared/targeting/read.ts). */
export const DOCTOR_PAGE_SIZE = MAX_PAGE_SIZE;

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
 * then the first reads a sweep makes, through the function's own client (pop-core's signing, the
 * region in `x-acs-region-id` and `RegionId`), one attempt each, no retry, one after the other:
 * DescribeApplications page 1 ({@link DOCTOR_PAGE_SIZE} items), taken by the sweep's own paging
 * rules (shared/targeting/read.ts `ListingTally`: a TotalCount implying more than the page cap
 * is `ListingTooLarge`, counts that cannot be reconciled are `PagingUnreconciled`, both `fail`
 * as they fail the sweep); then DescribeAppEnvs page 1 of the first application (same rules);
 * then, when one of those environments names a `LatestChangeId`, one DescribeChange of it with
 * its EnvId. So the keys' permission on each read a sweep needs is tried (rt12 M2); AbortChange
 * is never sent, and a region without applications (or environments) tries less: the row says
 * which reads were made. What came back is classified by the client's error kinds
 * (shared/webplus/error-kind.ts): `unavailable` says the API is retired or not here, the 401
 * identity codes say what they mean (shared/webplus/describe.ts), transport errors say the
 * endpoint is not reachable. Warnings: no application in the region (the wrong region?), a region
 * Web+ does not document, a reply without a `Date` header or a clock more than a minute off (a
 * sweep judges stuck ages on Web+'s clock and fails closed without it).
 * Never sends anything else.
 * @returns the row (`action`: the read that failed, else `DescribeApplications`) and the first
 *   page's applications (for the policy rows)
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
  const opts = { timeoutMs: input.timeoutMs };
  let action = 'DescribeApplications';
  // The applications read before a later read failed still feed the policy rows.
  let applications: Application[] = [];
  try {
    const apps = await firstPage(
      'DescribeApplications',
      'listing applications',
      (page) => client.describeApplications(page, opts),
      (a: Application) => a.appId,
    );
    applications = apps.items;
    const read: string[] = [
      `DescribeApplications at ${at}: reachable, ${apps.items.length}${apps.of} application(s)${apps.requestId ? `, RequestId ${apps.requestId}` : ''}`,
    ];
    const firstApp = apps.items[0];
    if (firstApp) {
      action = 'DescribeAppEnvs';
      const envs = await firstPage(
        'DescribeAppEnvs',
        `listing environments of ${firstApp.appId}`,
        (page) => client.describeAppEnvs({ appId: firstApp.appId }, page, opts),
        (e: AppEnv) => e.envId,
      );
      read.push(
        `DescribeAppEnvs of ${firstApp.appId}: ${envs.items.length}${envs.of} environment(s)`,
      );
      const named = envs.items.find((e) => e.latestChangeId && e.envId);
      if (named?.latestChangeId) {
        action = 'DescribeChange';
        await client.describeChange({ changeId: named.latestChangeId, envId: named.envId }, opts);
        read.push(`DescribeChange of ${named.latestChangeId} (${named.envId}): read`);
      } else {
        read.push('DescribeChange not tried (no environment names a change)');
      }
    } else {
      read.push('DescribeAppEnvs and DescribeChange not tried (no application)');
    }
    action = 'DescribeApplications';
    const skewMs = client.clockSkewMs();
    const warnings: string[] = [];
    if (!(WEBPLUS_DOCUMENTED_REGIONS as readonly string[]).includes(region.regionId)) {
      warnings.push(
        `Web+ documents only ${WEBPLUS_DOCUMENTED_REGIONS.join(', ')}: check that your applications live in ${region.regionId}`,
      );
    }
    if (apps.items.length === 0) {
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
    return {
      row: {
        ...base,
        ...where,
        status: warnings.length > 0 ? 'warn' : 'ok',
        detail: `${read.join('; ')}${warnings.length > 0 ? `; ${warnings.join('; ')}` : ''}`,
        applications: apps.items.length,
        ...(apps.totalCount !== undefined ? { totalCount: apps.totalCount } : {}),
        ...(apps.requestId ? { requestId: apps.requestId } : {}),
        ...(skewMs !== undefined ? { clockSkewMs: skewMs } : {}),
      },
      applications: apps.items,
    };
  } catch (err) {
    if (err instanceof ListingTooLargeError || err instanceof ListingUnreadableError) {
      const code = err instanceof ListingTooLargeError ? 'ListingTooLarge' : err.code;
      return {
        row: {
          ...base,
          ...where,
          action,
          status: 'fail',
          blocks: 'failed',
          detail: `${action} at ${at}: ${err.message} (a sweep fails the same way: ${code})`,
          code,
        },
        applications,
      };
    }
    if (!(err instanceof WebplusError)) throw err;
    return {
      row: {
        ...base,
        ...where,
        action,
        status: 'fail',
        blocks: 'failed',
        detail: `${action} at ${at}: ${meaning(err)}${err.requestId ? `; RequestId ${err.requestId}` : ''}`,
        code: err.code,
        errorKind: err.kind,
        ...(err.httpStatus ? { httpStatus: err.httpStatus } : {}),
        ...(err.requestId ? { requestId: err.requestId } : {}),
      },
      applications,
    };
  } finally {
    client.close();
  }
}

/** Page 1 of a list, as the sweep's pager takes it, and words for its count. */
interface FirstPage<T> {
  items: T[];
  /** ` of N` when TotalCount says more than the page holds; else empty. */
  of: string;
  totalCount?: number;
  requestId?: string;
}

/**
 * Reads page 1 of a list and takes it by the sweep's paging rules ({@link ListingTally}), one
 * attempt. A page the sweep would refuse throws here too.
 * @throws WebplusError (the read failed), ListingTooLargeError, ListingUnreadableError
 */
async function firstPage<T>(
  action: string,
  what: string,
  fetch: (page: { pageNumber: number; pageSize: number }) => Promise<Page<T>>,
  idOf: (item: T) => string,
): Promise<FirstPage<T>> {
  const tally = new ListingTally<T>(action, what, idOf);
  const page = await fetch({ pageNumber: tally.pageNumber, pageSize: tally.pageSize });
  const done: Listing<T> | undefined = tally.take(page);
  if (done?.problem) {
    throw new ListingUnreadableError(
      done.problem.detail,
      done.problem.errorCode ?? 'PagingUnreconciled',
    );
  }
  const total = page.totalCount;
  return {
    items: tally.items,
    of: total !== undefined && total !== tally.items.length ? ` of ${total}` : '',
    ...(total !== undefined ? { totalCount: total } : {}),
    ...(page.requestId ? { requestId: page.requestId } : {}),
  };
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
