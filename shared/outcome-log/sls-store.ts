/**
 * The SLS (Log Service) outcome store: one PutLogs per batch of records, through the
 * @alicloud/log SDK, with deadline-aware retries.
 *
 * Facts relied on (docs/reference/sls.md; @alicloud/log 1.2.6 lib/client.js
 * and httpx 2.3.3 lib/index.js, read for this file):
 * - the client addresses `<scheme>://<project>.<endpoint>/logstores/<logstore>/shards/lb`
 *   (virtual host) and passes its 4th `options` argument to httpx, which honours `agent` and
 *   `timeout` (connect and read timeout, ms; default 3000);
 * - a JSON `{errorCode, errorMessage}` reply rejects with an Error whose `code` is the errorCode,
 *   but the HTTP status is never checked: any non-JSON reply (an HTML 502) resolves. So each
 *   attempt gets its own agent that records the real status of its one request, and a 2xx is
 *   a success only with SLS's `x-log-requestid` reply header (PutLogs API reference: every
 *   reply carries it), so a proxy's `200 text/html` is a failure (code `NotSlsReply`);
 * - a bad value makes `postLogStoreLogs` throw synchronously, and throw a bare string;
 * - PutLogs takes at most 4096 logs and 10 MB raw per LogGroup (Log Service "Limits").
 *
 * The parts: `sls-batches.ts` (how records are cut into PutLogs), `sls-attempt.ts` (one
 * attempt and its classification), `sls-endpoint.ts` (endpoint and observing agent),
 * `sls-sdk.ts` (lazy SDK load); retries go through the project's one loop,
 * `shared/core/retry.ts`.
 */

import type SlsClient from '@alicloud/log';
import type { Credentials } from '../core/credentials.js';
import { Deadline } from '../core/deadline.js';
import { createRedactor } from '../core/redact.js';
import { RetryStoppedError, retryWithinDeadline } from '../core/retry.js';
import { SLS_MIN_ATTEMPT_MS } from '../core/write-budget.js';
import type { OutcomeRecord } from '../model/record.js';
import { OutcomeStoreError, toError } from './errors.js';
import { putOnce, storeError } from './sls-attempt.js';
import { splitIntoBatches } from './sls-batches.js';
import { parseEndpoint, type Target } from './sls-endpoint.js';
import { loadSdk, type SlsClientClass } from './sls-sdk.js';
import { toSlsLog } from './sls-values.js';
import type { OutcomeStore, WriteContext } from './store.js';

export { SLS_MAX_BATCH_BYTES, SLS_MAX_LOGS_PER_PUT, splitIntoBatches } from './sls-batches.js';

/** An attempt with less time than this before the deadline is not started, ms (core/write-budget.ts). */
export { SLS_MIN_ATTEMPT_MS };

export interface SlsStoreOptions {
  /**
   * `cn-hangzhou.log.aliyuncs.com` (a bare host is reached over HTTPS), or
   * `http(s)://host[:port]`. An IP or `localhost` host (the loopback stand-in,
   * `http://127.0.0.1:PORT`) works: every `<project>.<host>` name is resolved to that address.
   */
  endpoint: string;
  project: string;
  logstore: string;
  /** Longest single PutLogs attempt, ms (cut shorter by the deadline). Default 3000. */
  attemptTimeoutMs?: number;
  /** PutLogs attempts per batch, first included. Default 4. */
  maxAttempts?: number;
  /** Backoff base, ms: the delay before attempt n+1 is drawn in [cap/2, cap], cap = min(maxDelayMs, base * 2^(n-1)). Default 200. */
  baseDelayMs?: number;
  /** Backoff cap, ms. Default 5000. */
  maxDelayMs?: number;
}

/**
 * Creates the SLS store (name `sls`, target `sls <project>/<logstore>`).
 *
 * `write(records, ctx)` converts each record with `toSlsLog` (Time = whole seconds of
 * `record.time`, every value a string), sends them in PutLogs batches of at most 4096 logs and
 * about 4 MB raw, with topic = `ctx.trigger`, source = `ctx.functionName` and tags
 * `invocationId`, `region`, signed with `ctx.credentials` (never cached across writes).
 * Retryable failures (5xx, ServerBusy, InternalServerError, WriteQuotaExceed, non-JSON or
 * non-2xx replies, socket errors, timeouts) are retried with equal-jitter exponential backoff;
 * no attempt starts with less than {@link SLS_MIN_ATTEMPT_MS} left before `ctx.deadlineMs`, and
 * each is cut to the time left. 401/403 permission errors and bad values are not retried.
 *
 * The SDK is loaded at the first write, not at import.
 *
 * @throws OutcomeStoreError from `write` when a batch fails for good (`code`: the SLS errorCode,
 *   `HTTP<status>`, `Timeout`, a socket error code, `NoCredentials`, `InvalidLog`,
 *   `DeadlineExceeded`, `SdkUnavailable`); its message never holds a secret.
 * @throws OutcomeStoreError (code `InvalidEndpoint`) at once when `endpoint` does not parse.
 */
export function createSlsStore(opts: SlsStoreOptions): OutcomeStore {
  const target = parseEndpoint(opts.endpoint);
  const settings = {
    project: opts.project,
    logstore: opts.logstore,
    attemptTimeoutMs: positive(opts.attemptTimeoutMs, 3000),
    maxAttempts: Math.max(1, Math.floor(positive(opts.maxAttempts, 4))),
    baseDelayMs: positive(opts.baseDelayMs, 200),
    maxDelayMs: positive(opts.maxDelayMs, 5000),
  };
  const where = `${settings.project}/${settings.logstore}`;

  return {
    name: 'sls',
    target: `sls ${where}`,
    async write(records: readonly OutcomeRecord[], ctx: WriteContext): Promise<void> {
      if (records.length === 0) return;
      const credentials = ctx.credentials;
      if (!credentials?.accessKeyId || !credentials.accessKeySecret) {
        throw new OutcomeStoreError(`SLS write to ${where}: the invocation has no credentials`, {
          store: 'sls',
          code: 'NoCredentials',
        });
      }
      const Client = loadSdk();
      const batches = splitIntoBatches(records.map((record) => toSlsLog(record)));
      let written = 0;
      for (const logs of batches) {
        const data: SlsClient.PostLogsData = {
          logs,
          topic: ctx.trigger,
          source: ctx.functionName,
          tags: tagsOf(ctx),
        };
        try {
          await putWithRetry(Client, target, settings, data, credentials, ctx.deadlineMs);
        } catch (error) {
          const cause =
            error instanceof OutcomeStoreError
              ? error
              : storeError(toError(error), 'Unknown', false);
          const progress =
            written > 0 ? ` (${written} of ${records.length} records were written)` : '';
          throw new OutcomeStoreError(
            scrub(`SLS PutLogs to ${where} failed: ${cause.message}${progress}`, credentials),
            {
              store: 'sls',
              code: cause.code ?? 'Unknown',
              retryable: cause.retryable,
              cause: cause.cause ?? cause,
              written,
            },
          );
        }
        written += logs.length;
      }
    },
  };
}

/**
 * The LogGroup tags of a write: `invocationId` and `region`, as text. A tag whose value is
 * missing (a JS caller's `undefined`) is left out rather than failing the write.
 */
function tagsOf(ctx: WriteContext): Record<string, string>[] {
  const tags: Record<string, string>[] = [];
  for (const [key, value] of [
    ['invocationId', ctx.invocationId],
    ['region', ctx.region],
  ] as const) {
    if (value !== undefined && value !== null) tags.push({ [key]: String(value) });
  }
  return tags;
}

interface Settings {
  project: string;
  logstore: string;
  attemptTimeoutMs: number;
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * One batch, retried through the project's one loop (`shared/core/retry.ts`): an attempt starts
 * only with {@link SLS_MIN_ATTEMPT_MS} left and is cut to the time left.
 * Rejects with an OutcomeStoreError describing the last attempt.
 */
async function putWithRetry(
  Client: SlsClientClass,
  target: Target,
  settings: Settings,
  data: SlsClient.PostLogsData,
  credentials: Credentials,
  deadlineMs: number,
): Promise<void> {
  try {
    await retryWithinDeadline(
      ({ timeoutMs }) => putOnce(Client, target, settings, data, credentials, timeoutMs),
      {
        maxAttempts: settings.maxAttempts,
        baseDelayMs: settings.baseDelayMs,
        maxDelayMs: settings.maxDelayMs,
        attemptTimeoutMs: settings.attemptTimeoutMs,
        minAttemptMs: SLS_MIN_ATTEMPT_MS,
        deadline: new Deadline(deadlineMs),
        retryable: (error) => error instanceof OutcomeStoreError && error.retryable,
      },
    );
  } catch (error) {
    throw failureOf(error);
  }
}

/** The OutcomeStoreError of a batch the retry loop gave up on, saying how many attempts ran. */
function failureOf(error: unknown): OutcomeStoreError {
  if (!(error instanceof RetryStoppedError)) {
    return error instanceof OutcomeStoreError
      ? error
      : storeError(toError(error), 'Unknown', false);
  }
  const last =
    error.lastError instanceof OutcomeStoreError
      ? error.lastError
      : error.lastError === undefined
        ? undefined
        : storeError(toError(error.lastError), 'Unknown', false);
  if (error.reason === 'deadline' && last === undefined) {
    const left = error.message.match(/(\d+) ms left/)?.[1] ?? '0';
    return storeError(
      new Error(
        `${left} ms left before the deadline, too little for an attempt (after 0 attempts)`,
      ),
      'DeadlineExceeded',
      true,
    );
  }
  const failure = last ?? storeError(toError(error), 'Unknown', false);
  const note =
    error.reason === 'deadline' ? '; no time for another attempt before the deadline' : '';
  const tries = `after ${error.attempts} attempt${error.attempts === 1 ? '' : 's'}`;
  return new OutcomeStoreError(`${failure.message}${note} (${tries})`, {
    store: 'sls',
    code: failure.code ?? 'Unknown',
    retryable: failure.retryable || error.reason === 'deadline',
    cause: failure.cause ?? failure,
  });
}

/**
 * Removes the secret and the security token from a message, should a lower layer echo them:
 * the one redactor (shared/core/redact.ts: any dress of a secret, a string-to-sign echo cut).
 */
function scrub(message: string, credentials: Credentials): string {
  return createRedactor([credentials.accessKeySecret, credentials.securityToken]).text(message);
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}
