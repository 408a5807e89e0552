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
 */

import type { LookupAddress, LookupOptions } from 'node:dns';
import http, { type ClientRequest, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { createRequire } from 'node:module';
import { isIPv4 } from 'node:net';
import type SlsClient from '@alicloud/log';
import pRetry from 'p-retry';
import { equalJitterDelay } from '../core/backoff.js';
import type { Credentials } from '../core/credentials.js';
import type { OutcomeRecord } from '../model/record.js';
import { OutcomeStoreError, toError } from './errors.js';
import { estimateLogBytes, type SlsLog, toSlsLog } from './sls-values.js';
import type { OutcomeStore, WriteContext } from './store.js';

/** Most logs in one PutLogs (Log Service "Limits"). */
export const SLS_MAX_LOGS_PER_PUT = 4096;
/** Raw-size budget of one PutLogs body, bytes: well under the service's 10 MB. */
export const SLS_MAX_BATCH_BYTES = 4 * 1024 * 1024;
/** An attempt with less time than this before the deadline is not started, ms. */
export const SLS_MIN_ATTEMPT_MS = 250;

/** SLS error codes worth retrying (Log Service "Error codes"); 5xx and 429 are retried too. */
const RETRYABLE_CODES: ReadonlySet<string> = new Set([
  'ServerBusy',
  'InternalServerError',
  'WriteQuotaExceed',
  'ShardWriteQuotaExceed',
  'RequestTimeout',
  'ServiceUnavailable',
]);
/** Socket errors that will not go away by retrying within one invocation. */
const PERMANENT_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ENOTFOUND',
  'ERR_INVALID_URL',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

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

type SlsClientClass = typeof SlsClient;

/** Where the SDK sends requests, and the address every name resolves to when pinned. */
interface Target {
  /** Endpoint as the SDK takes it, scheme included. */
  sdkEndpoint: string;
  https: boolean;
  /** IPv4 address every `<project>.<host>` name resolves to (IP or `localhost` endpoints). */
  pinnedAddress?: string;
}

/** What the agent saw of the one request it carried. */
interface ResponseFacts {
  status?: number;
  contentType?: string;
  requestId?: string;
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

/**
 * Splits logs into PutLogs batches: at most {@link SLS_MAX_LOGS_PER_PUT} logs and about
 * {@link SLS_MAX_BATCH_BYTES} bytes each (a single larger log goes alone). Order is kept.
 */
export function splitIntoBatches(
  logs: readonly SlsLog[],
  maxLogs: number = SLS_MAX_LOGS_PER_PUT,
  maxBytes: number = SLS_MAX_BATCH_BYTES,
): SlsLog[][] {
  const batches: SlsLog[][] = [];
  let current: SlsLog[] = [];
  let bytes = 0;
  for (const log of logs) {
    const size = estimateLogBytes(log);
    if (current.length > 0 && (current.length >= maxLogs || bytes + size > maxBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(log);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

interface Settings {
  project: string;
  logstore: string;
  attemptTimeoutMs: number;
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** One batch, retried. Rejects with an OutcomeStoreError describing the last attempt. */
async function putWithRetry(
  Client: SlsClientClass,
  target: Target,
  settings: Settings,
  data: SlsClient.PostLogsData,
  credentials: Credentials,
  deadlineMs: number,
): Promise<void> {
  let attempts = 0;
  try {
    await pRetry(
      async () => {
        const left = deadlineMs - Date.now();
        if (left < SLS_MIN_ATTEMPT_MS) {
          throw storeError(
            new Error(
              `${Math.max(0, left)} ms left before the deadline, too little for an attempt`,
            ),
            'DeadlineExceeded',
            true,
          );
        }
        attempts++;
        await putOnce(
          Client,
          target,
          settings,
          data,
          credentials,
          Math.min(settings.attemptTimeoutMs, left),
        );
      },
      {
        retries: settings.maxAttempts - 1,
        minTimeout: 0,
        maxTimeout: 0,
        randomize: false,
        // The delay is ours (equal jitter, deadline-aware); p-retry waits 0 ms.
        onFailedAttempt: async ({ error, retriesLeft }) => {
          const failure = error as OutcomeStoreError;
          if (!failure.retryable || retriesLeft <= 0) throw failure;
          const delay = equalJitterDelay(attempts, settings.baseDelayMs, settings.maxDelayMs);
          if (Date.now() + delay + SLS_MIN_ATTEMPT_MS > deadlineMs) {
            throw storeError(
              new Error(`${failure.message}; no time for another attempt before the deadline`),
              failure.code ?? 'Unknown',
              true,
            );
          }
          await new Promise((resolve) => setTimeout(resolve, delay));
        },
      },
    );
  } catch (error) {
    const failure =
      error instanceof OutcomeStoreError ? error : storeError(toError(error), 'Unknown', false);
    const tries = `after ${attempts} attempt${attempts === 1 ? '' : 's'}`;
    throw new OutcomeStoreError(`${failure.message} (${tries})`, {
      store: 'sls',
      code: failure.code ?? 'Unknown',
      retryable: failure.retryable,
      cause: failure.cause ?? failure,
    });
  }
}

/** One PutLogs attempt. Resolves only on a real 2xx; otherwise rejects with a classified OutcomeStoreError. */
async function putOnce(
  Client: SlsClientClass,
  target: Target,
  settings: Settings,
  data: SlsClient.PostLogsData,
  credentials: Credentials,
  timeoutMs: number,
): Promise<void> {
  const client = new Client({
    accessKeyId: credentials.accessKeyId,
    accessKeySecret: credentials.accessKeySecret,
    ...(credentials.securityToken ? { securityToken: credentials.securityToken } : {}),
    endpoint: target.sdkEndpoint,
  });
  const { agent, facts } = createObservingAgent(target);
  let guard: NodeJS.Timeout | undefined;
  try {
    let pending: Promise<unknown>;
    try {
      pending = client.postLogStoreLogs(settings.project, settings.logstore, data, {
        agent,
        timeout: timeoutMs,
      });
    } catch (thrown) {
      // protobufjs verify failures, thrown synchronously as bare strings.
      throw storeError(
        new Error(`a log value was refused: ${toError(thrown).message}`),
        'InvalidLog',
        false,
      );
    }
    pending.catch(() => {});
    // httpx times out on its own; this guard only covers a request that never settles.
    const timeout = new Promise<never>((_, reject) => {
      guard = setTimeout(
        () => reject(storeError(new Error(`no answer within ${timeoutMs} ms`), 'Timeout', true)),
        timeoutMs + 200,
      );
    });
    let reply: unknown;
    try {
      reply = await Promise.race([pending, timeout]);
    } catch (thrown) {
      if (thrown instanceof OutcomeStoreError) throw thrown;
      throw classifyRejection(toError(thrown), facts);
    }
    const status = facts.status;
    if (status !== undefined && status >= 200 && status < 300) {
      // Success means SLS said so: its replies always carry x-log-requestid. A 2xx without it
      // (a captive proxy's `200 text/html`, a misrouted endpoint) stored nothing we know of.
      if (facts.requestId) return;
      throw storeError(
        new Error(
          `HTTP ${status} (${facts.contentType || 'no content-type'}) without x-log-requestid: not an SLS reply`,
        ),
        'NotSlsReply',
        false,
      );
    }
    throw classifyReply(reply, facts);
  } finally {
    if (guard) clearTimeout(guard);
    agent.destroy();
  }
}

/** A reply the SDK resolved although it is not a success (no status seen, or non-2xx). */
function classifyReply(reply: unknown, facts: ResponseFacts): OutcomeStoreError {
  const status = facts.status;
  if (status === undefined) {
    return storeError(
      new Error('the request resolved without an HTTP response'),
      'NoResponse',
      true,
    );
  }
  const text = typeof reply === 'string' ? reply : JSON.stringify(reply);
  const snippet = (text ?? '')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 120);
  const type = facts.contentType || 'no content-type';
  const retryable = status >= 500 || status === 429 || status === 408;
  return storeError(
    new Error(`HTTP ${status} (${type})${snippet ? `: ${snippet}` : ''}${requestIdNote(facts)}`),
    `HTTP${status}`,
    retryable,
  );
}

/** A rejection of the SDK call: an SLS error reply, a timeout, a socket error, a bad JSON body. */
function classifyRejection(error: Error, facts: ResponseFacts): OutcomeStoreError {
  const rawCode = (error as { code?: unknown }).code;
  const code = typeof rawCode === 'string' && rawCode !== '' ? rawCode : undefined;
  const status = facts.status;
  if (error.name.includes('RequestTimeout')) {
    return storeError(new Error(`timed out: ${error.message}`), 'Timeout', true);
  }
  if (status === undefined) {
    const networkCode = code ?? 'NetworkError';
    return storeError(
      new Error(`network error: ${error.message}`),
      networkCode,
      !PERMANENT_NETWORK_CODES.has(networkCode),
    );
  }
  if (code === undefined) {
    // A reply the SDK could not parse (invalid JSON under application/json).
    return storeError(
      new Error(`HTTP ${status}: unreadable reply (${error.message})${requestIdNote(facts)}`),
      `HTTP${status}`,
      status >= 500 || (status >= 200 && status < 300) || status === 429,
    );
  }
  let retryable: boolean;
  if (RETRYABLE_CODES.has(code)) retryable = true;
  else if (status === 401 || status === 403) retryable = false;
  else retryable = status >= 500 || status === 429;
  return storeError(
    new Error(`HTTP ${status} ${code}: ${error.message}${requestIdNote(facts)}`),
    code,
    retryable,
  );
}

function requestIdNote(facts: ResponseFacts): string {
  return facts.requestId ? ` [x-log-requestid ${facts.requestId}]` : '';
}

function storeError(error: Error, code: string, retryable: boolean): OutcomeStoreError {
  return new OutcomeStoreError(error.message, { store: 'sls', code, retryable, cause: error });
}

interface AgentInternals {
  addRequest(req: ClientRequest, options: unknown): void;
}

/**
 * A fresh agent for one attempt: no keep-alive, `lookup` pinned for IP/localhost endpoints, and
 * the status, content-type and request id of the response it carries recorded in `facts`
 * (through `addRequest`, which every request made with an agent passes through).
 */
function createObservingAgent(target: Target): { agent: http.Agent; facts: ResponseFacts } {
  const facts: ResponseFacts = {};
  const options: http.AgentOptions = { keepAlive: false };
  const address = target.pinnedAddress;
  if (address !== undefined) {
    options.lookup = (
      _hostname: string,
      lookupOptions: LookupOptions,
      callback: (
        error: NodeJS.ErrnoException | null,
        address: string | LookupAddress[],
        family?: number,
      ) => void,
    ): void => {
      if (lookupOptions.all) callback(null, [{ address, family: 4 }]);
      else callback(null, address, 4);
    };
  }
  const agent = target.https ? new https.Agent(options) : new http.Agent(options);
  const internals = agent as unknown as AgentInternals;
  const addRequest = internals.addRequest.bind(agent);
  internals.addRequest = (req, requestOptions) => {
    req.once('response', (res: IncomingMessage) => {
      facts.status = res.statusCode;
      const type = res.headers['content-type'];
      if (type) facts.contentType = type;
      const id = res.headers['x-log-requestid'];
      if (typeof id === 'string') facts.requestId = id;
    });
    addRequest(req, requestOptions);
  };
  return { agent, facts };
}

/**
 * Parses the endpoint. A bare host means HTTPS (the SDK would use plain HTTP; STS tokens travel
 * in a header). An IPv4 or `localhost` host is pinned: the SDK's `<project>.<host>` names all
 * resolve to it.
 */
function parseEndpoint(endpoint: string): Target {
  const text = endpoint.trim();
  const withScheme = /^https?:\/\//i.test(text) ? text : `https://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw invalidEndpoint(endpoint);
  }
  if (
    (url.pathname !== '/' && url.pathname !== '') ||
    url.search ||
    url.username ||
    !url.hostname
  ) {
    throw invalidEndpoint(endpoint);
  }
  const isHttps = url.protocol === 'https:';
  const host = url.hostname;
  const target: Target = {
    sdkEndpoint: `${isHttps ? 'https' : 'http'}://${host}${url.port ? `:${url.port}` : ''}`,
    https: isHttps,
  };
  if (isIPv4(host)) target.pinnedAddress = host;
  else if (host === 'localhost') target.pinnedAddress = '127.0.0.1';
  else if (host.startsWith('[')) throw invalidEndpoint(endpoint);
  return target;
}

function invalidEndpoint(endpoint: string): OutcomeStoreError {
  return new OutcomeStoreError(
    `SLS endpoint "${endpoint}" is not a host (cn-hangzhou.log.aliyuncs.com) or http(s)://host[:port] (IPv6 literals are not supported)`,
    { store: 'sls', code: 'InvalidEndpoint' },
  );
}

let sdk: SlsClientClass | undefined;

/**
 * Loads @alicloud/log on first use (it reads lib/sls.proto from disk when loaded). Works from
 * ESM (createRequire) and from an esbuild CommonJS bundle, where `require` exists and
 * `import.meta.url` does not: there `require('@alicloud/log')` is either bundled (then ship
 * sls.proto next to the bundle) or left external (then ship the package in node_modules).
 */
function loadSdk(): SlsClientClass {
  if (sdk) return sdk;
  try {
    sdk = (
      typeof require === 'function'
        ? require('@alicloud/log')
        : createRequire(import.meta.url)('@alicloud/log')
    ) as SlsClientClass;
  } catch (error) {
    throw new OutcomeStoreError(
      `the @alicloud/log SDK could not be loaded: ${toError(error).message}`,
      {
        store: 'sls',
        code: 'SdkUnavailable',
        cause: error,
      },
    );
  }
  return sdk;
}

/** Removes the secret and the security token from a message, should a lower layer echo them. */
function scrub(message: string, credentials: Credentials): string {
  let text = message;
  for (const secret of [credentials.accessKeySecret, credentials.securityToken]) {
    if (secret && secret.length >= 4) text = text.split(secret).join('***');
  }
  return text;
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

/** Re-exported: the one backoff formula of the project (shared/core/backoff.ts). */
export { equalJitterDelay };
