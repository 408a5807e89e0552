import { randomUUID } from 'node:crypto';
import type { Config } from '../../config/config.js';
import type { Credentials } from '../../core/credentials.js';
import type { OutcomeRecord } from '../../model/record.js';
import { OutcomeStoreError } from '../../outcome-log/errors.js';
import { createSlsStore } from '../../outcome-log/sls-store.js';
import type { DoctorCheck } from './report.js';

export interface SlsCheckInput {
  config: Config;
  /** `--sls-write`: without it nothing is written and the row is `skipped`. */
  write: boolean;
  credentials?: Credentials;
  /** The package version, recorded in the doctor record's `detail`. */
  version: string;
  /** Time the write may take, ms (the function's `ATTEMPT_TIMEOUT_MS` × its attempts is more than enough). */
  budgetMs: number;
  /** The clock, epoch ms. @default Date.now */
  now?: () => number;
}

/**
 * The doctor record: `kind: "doctor"`, outcome `checked`, no change, 0 attempts, trigger `cli`
 * (docs/reference/record.md, "The doctor record").
 */
export function doctorRecord(version: string, nowMs: number): OutcomeRecord {
  const id = randomUUID();
  return {
    recordId: id,
    kind: 'doctor',
    time: new Date(nowMs).toISOString(),
    trigger: 'cli',
    triggerRef: 'webplus-abort doctor --sls-write',
    invocationId: `doctor-${id}`,
    outcome: 'checked',
    detail: `webplus-abort ${version} doctor: SLS accepts a write (a preflight record, not a decision)`,
    attempts: 0,
  };
}

/**
 * The `sls-write` row. Without `--sls-write`: `skipped`, saying where records go. With it: one
 * {@link doctorRecord} written through the function's own SLS store (shared/outcome-log/sls-store.ts:
 * the real @alicloud/log SDK, PutLogs, the store's retries) to `SLS_PROJECT` / `SLS_LOGSTORE`
 * at `SLS_ENDPOINT`; `ok` with SLS's answer, else `fail` with its error code. Asked for while
 * `LOG_STORE` is not `sls`: `fail` (`blocks: 'usage'`): there is nothing to write to.
 */
export async function checkSlsWrite(input: SlsCheckInput): Promise<DoctorCheck> {
  const { config } = input;
  const where =
    config.logStore === 'sls'
      ? `SLS ${config.slsProject}/${config.slsLogstore} at ${config.slsEndpoint}`
      : config.logStore === 'file'
        ? `the file ${config.outcomeLogFile} (LOG_STORE=file)`
        : 'stdout (LOG_STORE=stdout)';
  const base = { check: 'sls-write' as const, subject: config.logStore, action: 'PutLogs' };
  if (!input.write) {
    return {
      ...base,
      status: 'skipped',
      detail: `skipped (use --sls-write); records go to ${where}`,
    };
  }
  if (config.logStore !== 'sls') {
    return {
      ...base,
      status: 'fail',
      blocks: 'usage',
      detail: `--sls-write: records go to ${where}, not SLS; set LOG_STORE=sls, SLS_PROJECT and SLS_LOGSTORE (and SLS_ENDPOINT) as the function has them`,
    };
  }
  if (!input.credentials) {
    return { ...base, status: 'skipped', detail: `${where}: not written: no credentials` };
  }
  const store = createSlsStore({
    endpoint: config.slsEndpoint!,
    project: config.slsProject!,
    logstore: config.slsLogstore!,
    attemptTimeoutMs: config.attemptTimeoutMs,
    maxAttempts: config.retryMaxAttempts,
    baseDelayMs: config.retryBaseMs,
  });
  const now = input.now ?? Date.now;
  const record = doctorRecord(input.version, now());
  try {
    await store.write([record], {
      invocationId: record.invocationId,
      trigger: 'cli',
      functionName: 'webplus-abort-doctor',
      region: config.region,
      credentials: input.credentials,
      deadlineMs: now() + input.budgetMs,
    });
    return {
      ...base,
      status: 'ok',
      detail: `${where} accepted one record of kind doctor (recordId ${record.recordId})`,
    };
  } catch (err) {
    if (!(err instanceof OutcomeStoreError)) throw err;
    return {
      ...base,
      status: 'fail',
      blocks: 'failed',
      detail: `${where} refused the write: ${err.message}`,
      ...(err.code ? { code: err.code } : {}),
    };
  }
}
