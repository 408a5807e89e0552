/**
 * The doctor's report: one row per check, in the order the checks ran (docs/reference/cli.md,
 * "doctor"). The shape of `webplus-abort doctor --json` is this report plus the CLI's `exitCode`.
 */

/**
 * How one check ended.
 * - `ok`: fine.
 * - `warn`: works, but look at it (no HTTP token, a region Web+ does not document, no `Date`
 *   header); never fails the doctor.
 * - `fail`: something the function needs is broken; the doctor exits non-zero.
 * - `skipped`: not checked, and the detail says why (no `--sls-write`, no credentials, the
 *   configuration could not be read).
 */
export type DoctorStatus = 'ok' | 'warn' | 'fail' | 'skipped';

/** The checks, each contributing its own rows (one per region for the platform reads). */
export type DoctorCheckName =
  | 'credentials'
  | 'configuration'
  | 'http-tokens'
  | 'webplus'
  | 'sae'
  | 'edas'
  | 'sls-write'
  | 'notify'
  | 'notify-test'
  | 'policy';

/** One row of the checklist. Optional fields are omitted when they do not apply. */
export interface DoctorCheck {
  check: DoctorCheckName;
  /** What the row is about: a region id, an EnvId or AppId, `defaults`, the policy's source. */
  subject?: string;
  status: DoctorStatus;
  /** One sentence: what was found and, when it is not `ok`, what to do. Never a secret. */
  detail: string;
  /**
   * Only on `fail`: what kind of failure it is, which decides the exit status: `usage` (invalid
   * configuration, policy or credentials → exit 2) or `failed` (a platform or SLS refused or
   * could not be reached → exit 1).
   */
  blocks?: 'usage' | 'failed';
  /** The platform read's region (`webplus`, `sae`, `edas` rows). */
  regionId?: string;
  /** Where the call went: base URL, e.g. `https://webplus.cn-hangzhou.aliyuncs.com`. */
  endpoint?: string;
  /**
   * Where the endpoint came from: `endpoint-map` (the SDK endpoint maps in shared/webplus/endpoints.ts,
   * shared/sae/endpoints.ts, shared/edas/endpoints.ts), the variable that set it
   * (`WEBPLUS_ENDPOINT`, `SAE_ENDPOINT`, `EDAS_ENDPOINT`), or `sandbox`.
   */
  endpointSource?:
    | 'endpoint-map'
    | 'WEBPLUS_ENDPOINT'
    | 'SAE_ENDPOINT'
    | 'EDAS_ENDPOINT'
    | 'sandbox';
  /** The read-only action sent (webplus: the one that failed, else `DescribeApplications`), e.g. `DescribeApplications`; `PutLogs` for `sls-write`. */
  action?: string;
  /** The error code that came back (`UserTypeInvalid`, `InvalidApi.NotFound`, `ECONNREFUSED`). */
  code?: string;
  /** The client's error kind (shared/webplus/errors.ts, shared/platform/errors.ts). */
  errorKind?: string;
  /** HTTP status of the reply; absent when none came. */
  httpStatus?: number;
  /** The platform's or SLS's RequestId of the reply. */
  requestId?: string;
  /** Applications the read returned (on its first page). */
  applications?: number;
  /** The platform's total, when it sent one. */
  totalCount?: number;
  /** The platform's clock minus this machine's, ms (Web+ `Date` headers). */
  clockSkewMs?: number;
  /** Policy rows: the mode that applies (after the kill switch). */
  mode?: 'enforce' | 'dry-run' | 'off';
}

/** The whole report. */
export interface DoctorReport {
  /** The package version that ran the checks. */
  version: string;
  /** `sandbox` (a scenario) or `cloud` (the real endpoints, or `WEBPLUS_ENDPOINT`). */
  target: 'sandbox' | 'cloud';
  /** The platforms checked, in order. */
  platforms: string[];
  /**
   * The regions checked, in order, each once: Web+'s (`WEBPLUS_REGIONS`, else `FC_REGION` /
   * `--region`), then SAE's and EDAS's (`SAE_REGIONS`, `EDAS_REGIONS`) when they are checked.
   */
  regions: string[];
  /** Rows per status. */
  counts: Record<DoctorStatus, number>;
  /** `ok` when no row failed; else `failed`, or `usage` when a failed row is configuration, policy or credentials. */
  verdict: 'ok' | 'failed' | 'usage';
  checks: DoctorCheck[];
}

/**
 * Counts the rows and decides the verdict: `usage` when a failed row `blocks: 'usage'`, `failed`
 * when another row failed, else `ok` (warnings and skipped rows never fail).
 */
export function summarise(
  checks: readonly DoctorCheck[],
): Pick<DoctorReport, 'counts' | 'verdict'> {
  const counts: Record<DoctorStatus, number> = { ok: 0, warn: 0, fail: 0, skipped: 0 };
  for (const c of checks) counts[c.status] += 1;
  const failed = checks.filter((c) => c.status === 'fail');
  const verdict = failed.some((c) => c.blocks === 'usage')
    ? 'usage'
    : failed.length > 0
      ? 'failed'
      : 'ok';
  return { counts, verdict };
}
