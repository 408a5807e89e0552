/**
 * One PutLogs attempt through the @alicloud/log SDK, and the classification of its failure
 * (retryable or not, with SLS's error code). Facts: docs/reference/sls.md; @alicloud/log 1.2.6
 * lib/client.js and httpx 2.3.3 lib/index.js: the SDK never checks the HTTP status, so a
 * success is a 2xx carrying `x-log-requestid`; a bad value throws synchronously, as a string.
 */
import type SlsClient from '@alicloud/log';
import type { Credentials } from '../core/credentials.js';
import { createRedactor } from '../core/redact.js';
import { OutcomeStoreError, toError } from './errors.js';
import { createObservingAgent, type ResponseFacts, type Target } from './sls-endpoint.js';
import type { SlsClientClass } from './sls-sdk.js';

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

/** Where one attempt writes. */
export interface SlsDestination {
  project: string;
  logstore: string;
}

/** One PutLogs attempt. Resolves only on a real 2xx; otherwise rejects with a classified OutcomeStoreError. */
export async function putOnce(
  Client: SlsClientClass,
  target: Target,
  settings: SlsDestination,
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
      throw (
        unreadReply(facts) ??
        (thrown instanceof OutcomeStoreError ? thrown : classifyRejection(toError(thrown), facts))
      );
    }
    const refused = unreadReply(facts);
    if (refused) throw refused;
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
  } catch (error) {
    throw withoutOwnSignature(error, facts);
  } finally {
    if (guard) clearTimeout(guard);
    agent.destroy();
  }
}

/**
 * The attempt's error with its request's own signature removed from the message (red-team 24
 * F5: SLS's `SignatureNotMatch` echoes it: "signature LOG <AccessKeyId>:<Signature> not match"),
 * through the one redactor, added as a signature (any dress of it and of its HMAC bytes: hex,
 * base64url, red-team 25 G8). Other values pass unchanged.
 */
function withoutOwnSignature(error: unknown, facts: ResponseFacts): unknown {
  if (!facts.signature || !(error instanceof OutcomeStoreError)) return error;
  const redactor = createRedactor([]);
  redactor.add(facts.signature);
  const message = redactor.text(error.message);
  if (message === error.message) return error;
  return new OutcomeStoreError(message, {
    store: error.store,
    ...(error.code === undefined ? {} : { code: error.code }),
    retryable: error.retryable,
    written: error.written,
    pending: error.pending,
  });
}

/**
 * A reply this attempt would not read: cut at the size limit (`ReplyTooLarge`), or compressed
 * (`CompressedReply`, never inflated). Neither is retried: the next reply would be the same.
 * Whether SLS stored the logs is unknown, so the batch goes to the fallback (at least once).
 */
function unreadReply(facts: ResponseFacts): OutcomeStoreError | undefined {
  const status = facts.status === undefined ? '' : `HTTP ${facts.status} `;
  if (facts.oversized) {
    return storeError(
      new Error(`${status}reply not read: ${facts.oversized}${requestIdNote(facts)}`),
      'ReplyTooLarge',
      false,
    );
  }
  if (facts.encoding) {
    return storeError(
      new Error(
        `${status}reply refused: compressed (content-encoding ${facts.encoding.slice(0, 40)}), not inflated${requestIdNote(facts)}`,
      ),
      'CompressedReply',
      false,
    );
  }
  return undefined;
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

/**
 * An SLS write failure as the store reports it, the SDK's error kept as `cause`.
 * @param code the SLS error code (or the transport's, e.g. `ECONNRESET`)
 * @param retryable whether another attempt may succeed (throttling, 5xx, socket errors)
 */
export function storeError(error: Error, code: string, retryable: boolean): OutcomeStoreError {
  return new OutcomeStoreError(error.message, { store: 'sls', code, retryable, cause: error });
}
