/**
 * Where SLS requests go: the endpoint parsed into a target, and the one-request agent that
 * pins `<project>.<host>` names to a loopback or IP endpoint and records what the reply said
 * (status, content-type, `x-log-requestid`) for `sls-attempt.ts` (docs/reference/sls.md), with
 * the reply's size bounded ({@link SLS_MAX_REPLY_BYTES}) and a compressed reply never inflated.
 */
import type { LookupAddress, LookupOptions } from 'node:dns';
import http, { type ClientRequest, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIPv4 } from 'node:net';
import { endpointProblem } from '../core/endpoint.js';
import { signatureOfAuthorization } from '../core/redact.js';
import { watchReplySize } from '../core/reply-size.js';
import { OutcomeStoreError } from './errors.js';

/**
 * Largest PutLogs reply read, bytes (64 KiB, headers included): SLS answers PutLogs with an
 * empty body, an error with a small JSON `{errorCode, errorMessage}` (PutLogs API reference).
 */
export const SLS_MAX_REPLY_BYTES = 64 * 1024;

/** Where the SDK sends requests, and the address every name resolves to when pinned. */
export interface Target {
  /** Endpoint as the SDK takes it, scheme included. */
  sdkEndpoint: string;
  https: boolean;
  /** IPv4 address every `<project>.<host>` name resolves to (IP or `localhost` endpoints). */
  pinnedAddress?: string;
}

/** What the agent saw of the one request it carried. */
export interface ResponseFacts {
  status?: number;
  contentType?: string;
  requestId?: string;
  /** Set when the reply was cut at the size limit: what was seen (ReplyTooLargeError message). */
  oversized?: string;
  /** The `content-encoding` of a compressed reply (never inflated: read as raw bytes, then refused). */
  encoding?: string;
  /**
   * The request's own signature (its `Authorization: LOG <AccessKeyId>:<Signature>`, computed by
   * the SDK), taken when the request left: removed from the attempt's error text (red-team 24 F5).
   */
  signature?: string;
}

interface AgentInternals {
  addRequest(req: ClientRequest, options: unknown): void;
}

/**
 * A fresh agent for one attempt: no keep-alive, `lookup` pinned for IP/localhost endpoints, and
 * the status, content-type and request id of the response it carries recorded in `facts`
 * (through `addRequest`, which every request made with an agent passes through). The reply is
 * cut once its content-length or the bytes on its socket pass `limitBytes` (default
 * {@link SLS_MAX_REPLY_BYTES}; `facts.oversized` says so), and a `content-encoding` other than
 * `identity` is recorded in `facts.encoding` and hidden from the SDK so that it never inflates.
 */
export function createObservingAgent(
  target: Target,
  limitBytes: number = SLS_MAX_REPLY_BYTES,
): { agent: http.Agent; facts: ResponseFacts } {
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
    const signature = signatureOfAuthorization(req.getHeader('authorization'));
    if (signature) facts.signature = signature;
    req.once('response', (res: IncomingMessage) => {
      facts.status = res.statusCode;
      const type = res.headers['content-type'];
      if (type) facts.contentType = type;
      const id = res.headers['x-log-requestid'];
      if (typeof id === 'string') facts.requestId = id;
      const encoding = res.headers['content-encoding'];
      if (encoding && encoding.trim().toLowerCase() !== 'identity') {
        // httpx 2.3.3 (lib/index.js `decompress`) would gunzip/inflate it whatever we asked for
        // (we send no accept-encoding), and a small compressed body can inflate to gigabytes.
        // Hidden from httpx, the raw bytes are read (bounded below) and the attempt refused.
        facts.encoding = encoding;
        delete res.headers['content-encoding'];
      }
      watchReplySize(res, limitBytes, (error) => {
        facts.oversized = error.message;
      });
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
export function parseEndpoint(endpoint: string): Target {
  const text = endpoint.trim();
  // User info, a path or a query is refused before parsing (red-team 12 F5), and no message
  // quotes the value: it may hold a password.
  if (endpointProblem(text, true)) throw invalidEndpoint();
  const withScheme = /^https?:\/\//i.test(text) ? text : `https://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw invalidEndpoint();
  }
  if (
    (url.pathname !== '/' && url.pathname !== '') ||
    url.search ||
    url.username ||
    url.password ||
    !url.hostname
  ) {
    throw invalidEndpoint();
  }
  const isHttps = url.protocol === 'https:';
  const host = url.hostname;
  const target: Target = {
    sdkEndpoint: `${isHttps ? 'https' : 'http'}://${host}${url.port ? `:${url.port}` : ''}`,
    https: isHttps,
  };
  if (isIPv4(host)) target.pinnedAddress = host;
  else if (host === 'localhost') target.pinnedAddress = '127.0.0.1';
  else if (host.startsWith('[')) throw invalidEndpoint();
  return target;
}

function invalidEndpoint(): OutcomeStoreError {
  return new OutcomeStoreError(
    `SLS endpoint (SLS_ENDPOINT, its value not shown) is not a host (cn-hangzhou.log.aliyuncs.com) or http(s)://host[:port] (IPv6 literals are not supported)`,
    { store: 'sls', code: 'InvalidEndpoint' },
  );
}
