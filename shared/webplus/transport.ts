import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import ROAClient from '@alicloud/pop-core/lib/roa.js';
import {
  type CapturedReply,
  CapturingAgents,
  dropIdleSockets,
  MIN_RETRY_MS,
} from '../core/capturing-agents.js';
import type { Credentials } from '../core/credentials.js';
import { provesNeverSent } from '../core/never-sent.js';
import { signatureOfAuthorization } from '../core/redact.js';
import { separateGluedMessages } from '../core/text.js';
import { WebplusError } from './errors.js';
import { MAX_REPLY_BYTES } from './reply-size.js';
import { ServerClock } from './server-clock.js';

/** Web+ API version (ROA). Source: Web+ API reference. */
export const WEBPLUS_API_VERSION = '2019-03-20';

/** A reply as it came off the wire: status, content type and body, nothing lost. */
export interface RawReply {
  status: number;
  contentType: string;
  body: string;
}

/** What the agent saw of one reply (shared/core/capturing-agents.ts). */
type Captured = CapturedReply;

/**
 * The instance's Web+ agents: keep-alive, every reply's status captured and its body bounded at
 * MAX_REPLY_BYTES (shared/core/capturing-agents.ts; one per instance, issue 16).
 */
const agents = new CapturingAgents(MAX_REPLY_BYTES);

/**
 * Signs and sends Web+ ROA requests through `@alicloud/pop-core`'s ROAClient with one
 * invocation's credentials. Always asks pop-core for the raw body (`rawBody: true`) so that no
 * reply shape can crash it (XML without HostId) or hide as success (an HTML 502).
 * One transport per invocation (its credentials); the sockets belong to the instance's
 * keep-alive agent (shared/core/capturing-agents.ts) and outlive it.
 */
export class RoaTransport {
  private readonly client: ROAClient;
  private readonly agent: http.Agent;
  private readonly isHttps: boolean;
  private readonly captures = agents.captures;
  /** Reads retried on a new socket after a reused socket was reset (for tests and summaries). */
  staleSocketRetries = 0;
  /** Web+'s clock as this transport's replies showed it (their `Date` headers). */
  readonly serverClock = new ServerClock();

  /**
   * @param endpoint base URL such as `https://webplus.cn-hangzhou.aliyuncs.com` (no trailing slash)
   * @param credentials this invocation's keys (FC STS keys, or the environment's)
   * @param regionId sent as `x-acs-region-id` on every request (signed with the other x-acs- headers)
   * @param redact applied to every transport error text (the invocation's redactor)
   * @param signed told the signature of each request as soon as it was sent (from its
   *   `Authorization: acs <AccessKeyId>:<Signature>`, which pop-core computes), before its reply
   *   or failure is read: the client adds it to its redactor, so a server echoing the request's
   *   own signature never has it shown (red-team 24 F5). Default: nothing.
   */
  constructor(
    endpoint: string,
    credentials: Credentials,
    private readonly regionId: string,
    private readonly redact: (text: string) => string = (t) => t,
    private readonly signed: (signature: string) => void = () => {},
  ) {
    this.isHttps = endpoint.startsWith('https://');
    this.agent = agents.instance(this.isHttps);
    this.client = roaClientFor(endpoint.replace(/\/+$/, ''), credentials, this.agent);
  }

  /**
   * One attempt. A read (GET) sent on a reused keep-alive socket that was reset before any reply
   * came (ECONNRESET, EPIPE: the connection was dropped while idle, e.g. across an FC freeze)
   * is sent once more on a new socket, within what is left of `timeoutMs`; the instance's other
   * idle sockets are closed too. Anything else, and every AbortChange (POST), is not re-sent
   * here: an AbortChange on a reset socket is ambiguous and re-read (core/paced-call.ts).
   * @param action the Web+ action name, for errors
   * @param timeoutMs connect and read timeout of this attempt, ms
   * @returns the raw reply, whatever its status
   * @throws WebplusError (kind `retryable`, `ambiguous`) on timeout or socket error
   */
  async send(
    action: string,
    method: 'GET' | 'POST',
    path: string,
    query: Record<string, string>,
    formBody: Record<string, string> | undefined,
    timeoutMs: number,
  ): Promise<RawReply> {
    const startedAt = Date.now();
    try {
      return await this.sendOn(undefined, action, method, path, query, formBody, timeoutMs);
    } catch (err) {
      const stale = (err as { staleSocket?: boolean }).staleSocket === true;
      const left = timeoutMs - (Date.now() - startedAt);
      if (!stale || method !== 'GET' || left < MIN_RETRY_MS) throw err;
      dropIdleSockets(this.agent);
      this.staleSocketRetries += 1;
      const fresh = agents.fresh(this.isHttps);
      try {
        return await this.sendOn(fresh, action, method, path, query, formBody, left);
      } finally {
        fresh.destroy();
      }
    }
  }

  private async sendOn(
    agent: http.Agent | undefined,
    action: string,
    method: 'GET' | 'POST',
    path: string,
    query: Record<string, string>,
    formBody: Record<string, string> | undefined,
    timeoutMs: number,
  ): Promise<RawReply> {
    const nonce = signatureNonce();
    const sentAtMs = Date.now();
    const headers: Record<string, string> = {
      'x-acs-signature-nonce': nonce,
      'x-acs-region-id': this.regionId,
    };
    let body = '';
    if (formBody) {
      body = new URLSearchParams(formBody).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const registerSignature = (): void => {
      const signature = signatureOfAuthorization(agents.authorizationOf(nonce));
      if (signature) this.signed(signature);
    };
    try {
      const reply = await this.client.request(method, path, query, body, headers, {
        timeout: timeoutMs,
        rawBody: true,
        ...(agent ? { agent } : {}),
      });
      registerSignature();
      const captured = this.captures.get(nonce);
      return {
        status: captured?.status ?? 0,
        contentType: captured?.contentType ?? '',
        body: typeof reply === 'string' ? reply : String(reply ?? ''),
      };
    } catch (thrown) {
      registerSignature();
      const error = transportError(action, thrown, this.captures.get(nonce), this.redact);
      const code = (thrown as { code?: unknown } | undefined)?.code;
      const staleSocket = agents.resetBeforeReply(nonce, code);
      throw staleSocket ? Object.assign(error, { staleSocket: true }) : error;
    } finally {
      const captured = this.captures.get(nonce);
      if (captured) this.serverClock.observe(captured.date, captured.receivedAtMs, sentAtMs);
      agents.forget(nonce);
    }
  }

  /**
   * Ends this invocation's use of the transport. The instance's keep-alive sockets stay open
   * for the next invocation (issue 16); nothing of this invocation (credentials) stays with them.
   */
  close(): void {}
}

/** Nonces drawn from one `randomBytes` call ({@link signatureNonce}). */
const NONCES_PER_DRAW = 256;
let noncePool: Buffer | undefined;
let nonceAt = 0;

/**
 * A request's `x-acs-signature-nonce`: 16 bytes of node's CSPRNG as 32 hex digits, as before,
 * but drawn 256 at a time (each `randomBytes(16)` call cost ~25 µs on the alarm path before its
 * AbortChange; issue 16). Every byte is used once, so no two requests of an instance share a
 * nonce (the capture of each reply is keyed by it).
 */
function signatureNonce(): string {
  if (!noncePool || nonceAt + 16 > noncePool.length) {
    noncePool = randomBytes(16 * NONCES_PER_DRAW);
    nonceAt = 0;
  }
  const nonce = noncePool.toString('hex', nonceAt, nonceAt + 16);
  nonceAt += 16;
  return nonce;
}

/** How many pop-core clients (endpoint and keys) an instance keeps ({@link roaClientFor}). */
const KEPT_ROA_CLIENTS = 4;
/** pop-core clients by endpoint and keys, the most recently used last. */
const roaClients = new Map<string, ROAClient>();

/**
 * The pop-core ROAClient of this endpoint and keys, made once and reused by the next
 * invocations with the same keys (FC gives every invocation of an instance the same STS keys
 * until they rotate). Making one per invocation parsed the endpoint with the legacy `url.parse`
 * and made a keep-alive agent that is never used (ours is passed on every request) before each
 * alarm's first call (issue 16). A client keeps nothing of a request between requests
 * (node_modules/@alicloud/pop-core/lib/roa.js: `request` reads only the fields the constructor
 * set). `agent` is the instance's keep-alive agent of the endpoint's scheme (one per instance:
 * the key's endpoint names the scheme). At most {@link KEPT_ROA_CLIENTS}, the least recently
 * used dropped first.
 */
function roaClientFor(endpoint: string, credentials: Credentials, agent: http.Agent): ROAClient {
  const key = [
    endpoint,
    credentials.accessKeyId,
    credentials.accessKeySecret,
    credentials.securityToken ?? '',
  ].join('\u0000');
  const kept = roaClients.get(key);
  if (kept) {
    roaClients.delete(key);
    roaClients.set(key, kept);
    return kept;
  }
  const client = new ROAClient({
    endpoint,
    apiVersion: WEBPLUS_API_VERSION,
    accessKeyId: credentials.accessKeyId,
    accessKeySecret: credentials.accessKeySecret,
    securityToken: credentials.securityToken,
    opts: { agent },
  });
  roaClients.delete(key);
  roaClients.set(key, client);
  if (roaClients.size > KEPT_ROA_CLIENTS)
    roaClients.delete(roaClients.keys().next().value as string);
  return client;
}

/** Turns whatever httpx threw (Error with `code`, RequestTimeoutError, plain objects) into a WebplusError. */
function transportError(
  action: string,
  thrown: unknown,
  captured: Captured | undefined,
  redact: (text: string) => string,
): WebplusError {
  const err = (thrown ?? {}) as { name?: string; code?: string; message?: string };
  const name = typeof err.name === 'string' ? err.name : '';
  const timedOut = name.includes('RequestTimeout') || err.code === 'ETIMEDOUT';
  const code = timedOut
    ? 'RequestTimeout'
    : typeof err.code === 'string'
      ? err.code
      : name || 'NetworkError';
  const status = captured?.status ?? 0;
  if (captured?.oversized) {
    // Cut off, never buffered whole: not retried (the next reply would be as big), and
    // ambiguous, since the request did reach Web+ (an AbortChange is re-read).
    return new WebplusError(`${action}: ${captured.oversized}`, {
      action,
      kind: 'permanent',
      code: 'ReplyTooLarge',
      httpStatus: status,
      ambiguous: true,
    });
  }
  const message = redact(
    separateGluedMessages(typeof err.message === 'string' ? err.message : String(thrown)),
  ).slice(0, 300);
  // ENOTFOUND: the host does not resolve (EAI_AGAIN, a DNS hiccup, stays retryable).
  const hostNotFound = code === 'ENOTFOUND';
  return new WebplusError(
    `${action}: ${timedOut ? 'no answer in time' : 'connection failed'}: ${message}`,
    {
      action,
      // A transport failure is retryable whatever status line came before it: a reply cut after
      // its headers (status 200 or 400, then ECONNRESET) says nothing about the request itself.
      kind: hostNotFound ? 'unavailable' : 'retryable',
      code: redact(code),
      httpStatus: status,
      // The request may have reached Web+ unless the failure proves it never left (refused,
      // unresolved, the TLS handshake failed): an AbortChange so answered is re-read, not re-sent.
      ambiguous: !provesNeverSent(code, typeof err.message === 'string' ? err.message : ''),
    },
  );
}
