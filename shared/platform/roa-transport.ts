import { randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import ROAClient from '@alicloud/pop-core/lib/roa.js';
import type { Credentials } from '../core/credentials.js';
import { provesNeverSent } from '../core/never-sent.js';
import { createRedactor } from '../core/redact.js';
import { separateGluedMessages } from '../core/text.js';
import { ServerClock } from '../webplus/server-clock.js';
import { PlatformError } from './errors.js';
import type { PlatformName } from './platform.js';

/** A reply as it came off the wire: status, content type and body, nothing lost. */
export interface RoaReply {
  status: number;
  contentType: string;
  body: string;
}

/** One ROA request: method, exact path, query parameters (signed decoded), no body. */
export interface RoaRequest {
  /** The platform's action name, for errors and observers. */
  action: string;
  method: 'GET' | 'POST' | 'PUT';
  /** Exact path, case included, e.g. `/pop/v1/sam/changeorder/AbortChangeOrder`. */
  path: string;
  /** Query parameters; `undefined` and `''` values are left out (pop-core would sign "undefined"). */
  query: Record<string, string | number | boolean | undefined>;
}

/** A redactor's `text` (shared/core/redact.ts): a copy of an outside text without any secret. */
export type Redact = (text: string) => string;

/** Called once per request sent, with its action (never with credentials). */
export type RequestObserver = (action: string) => void;

interface Captured {
  status: number;
  contentType: string;
  /** The reply's `Date` header, when it had one. */
  date?: string;
  /** The function's clock when the reply's headers arrived, epoch ms. */
  receivedAtMs: number;
}

/**
 * An agent that remembers each reply's status and content type, keyed by the request's
 * signature nonce, so that pop-core (asked for the raw body) still signs and sends while the
 * status of every reply stays visible; and each request until it settles (its `reusedSocket`).
 * Same technique as shared/webplus/transport.ts.
 */
function capturingAgent(
  isHttps: boolean,
  captures: Map<string, Captured>,
  requests: Map<string, http.ClientRequest>,
  keepAlive: boolean,
): http.Agent {
  const Base = isHttps ? https.Agent : http.Agent;
  const agent = new Base({ keepAlive, keepAliveMsecs: 1000, maxSockets: 64 });
  const addRequest = (
    agent as unknown as { addRequest: (req: http.ClientRequest, o: unknown) => void }
  ).addRequest;
  (agent as unknown as { addRequest: unknown }).addRequest = function (
    this: http.Agent,
    req: http.ClientRequest,
    options: unknown,
  ) {
    const nonce = String(req.getHeader('x-acs-signature-nonce') ?? '');
    requests.set(nonce, req);
    req.once('response', (res: http.IncomingMessage) => {
      const date = res.headers.date;
      captures.set(nonce, {
        status: res.statusCode ?? 0,
        contentType: String(res.headers['content-type'] ?? ''),
        ...(typeof date === 'string' ? { date } : {}),
        receivedAtMs: Date.now(),
      });
    });
    addRequest.call(this, req, options);
  };
  return agent;
}

/** Replies seen by the instance's SAE/EDAS agents, keyed by signature nonce (each is unique). */
const instanceCaptures = new Map<string, Captured>();
/** Requests handed to the instance's SAE/EDAS agents, keyed by signature nonce, until they settle. */
const instanceRequests = new Map<string, http.ClientRequest>();
/** The instance's keep-alive agents for SAE and EDAS, one for http and one for https (issue 16). */
const instanceAgents = new Map<'http' | 'https', http.Agent>();

/**
 * The instance's keep-alive agent for `http` or `https`: one per instance, shared by every
 * invocation and by both products (the sockets are per host), so that an invocation reuses the
 * sockets of the one before instead of connecting again. It holds no credentials (pop-core signs
 * each request). A socket kept across an FC freeze may have been dropped meanwhile: see
 * {@link RoaTransport.send}.
 */
function instanceAgent(isHttps: boolean): http.Agent {
  const key = isHttps ? 'https' : 'http';
  let agent = instanceAgents.get(key);
  if (!agent) {
    agent = capturingAgent(isHttps, instanceCaptures, instanceRequests, true);
    instanceAgents.set(key, agent);
  }
  return agent;
}

/** Closes the idle sockets of an agent (those in use finish their request). */
function dropIdleSockets(agent: http.Agent): void {
  for (const list of Object.values(agent.freeSockets))
    for (const socket of list ?? []) socket.destroy();
}

/** Socket errors that a connection dropped while idle gives on its next use. */
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE']);

/** Least time left, ms, worth one more attempt of a read on a new socket. */
const MIN_RETRY_MS = 100;

/**
 * Signs and sends ROA requests of one product through `@alicloud/pop-core` 1.8.0's ROAClient
 * (`new ROAClient({endpoint, apiVersion, accessKeyId, accessKeySecret, securityToken})`, the form
 * devsapp/sae uses; docs/reference/sae-edas.md §4). Parameters go in the query string and the
 * body stays empty (`content-md5 1B2M2Y8AsgTpgAmY7PhCfg==`, no content-type), as the reference
 * tables place them. Always asks for the raw body so that no reply shape can crash pop-core or
 * hide as success. One transport per invocation (its credentials); the sockets belong to the
 * instance's keep-alive agent ({@link instanceAgent}) and outlive it (issue 16).
 */
export class RoaTransport {
  private readonly client: ROAClient;
  private readonly agent: http.Agent;
  private readonly isHttps: boolean;
  private readonly captures = instanceCaptures;
  /** Reads retried on a new socket after a reused socket was reset (for tests and summaries). */
  staleSocketRetries = 0;
  /**
   * The platform's clock as its replies' `Date` headers show it (the Web+ rule, issue 10 kind 3:
   * stuck ages are judged on the platform's clock when it is more than a minute from ours).
   */
  readonly serverClock = new ServerClock();
  /**
   * The redactor of this transport's keys (AccessKey secret, STS token, and `extraSecrets`):
   * every outside text an error keeps (transport messages here; reply codes, messages and bodies
   * in roa-reply.ts and the clients) passes it, as the Web+ transport's do.
   */
  readonly redact: Redact;

  /**
   * @param platform for errors
   * @param endpoint base URL, e.g. `https://sae.cn-hangzhou.aliyuncs.com` (a trailing slash is cut)
   * @param apiVersion `x-acs-version`, e.g. `2019-05-06`
   * @param credentials this invocation's keys
   * @param observe called once per request sent
   * @param host `Host` header sent instead of the endpoint's host name (pop-core's default):
   *   with an endpoint override, the host of the region's real endpoint. The ROA string to sign
   *   does not cover `Host` (pop-core 1.8.0 `lib/roa.js` `buildStringToSign`: method, accept,
   *   content-md5, content-type, date, the `x-acs-*` headers, path and query), so nothing else
   *   on the wire changes.
   * @param extraSecrets more values never to quote (the HTTP tokens)
   */
  constructor(
    private readonly platform: PlatformName,
    endpoint: string,
    apiVersion: string,
    credentials: Credentials,
    private readonly observe?: RequestObserver,
    private readonly host?: string,
    extraSecrets: readonly string[] = [],
  ) {
    const redactor = createRedactor([
      credentials.accessKeySecret,
      credentials.securityToken,
      ...extraSecrets,
    ]);
    this.redact = (text) => redactor.text(text);
    this.isHttps = endpoint.startsWith('https://');
    this.agent = instanceAgent(this.isHttps);
    this.client = new ROAClient({
      endpoint: endpoint.replace(/\/+$/, ''),
      apiVersion,
      accessKeyId: credentials.accessKeyId,
      accessKeySecret: credentials.accessKeySecret,
      securityToken: credentials.securityToken,
      opts: { agent: this.agent },
    });
  }

  /**
   * One attempt. A read (GET, or EDAS's POST reads: anything but a PUT, the products' aborts)
   * sent on a reused keep-alive socket that was reset before any reply came (ECONNRESET, EPIPE:
   * the connection was dropped while idle, e.g. across an FC freeze) is sent once more on a new
   * socket, within what is left of `timeoutMs`; the instance's other idle sockets are closed too.
   * Anything else, and every abort (PUT), is not re-sent here: an abort on a reset socket is
   * ambiguous and re-read (core/paced-call.ts), as on Web+ (shared/webplus/transport.ts).
   * @param timeoutMs connect and read timeout of this attempt, ms
   * @returns the raw reply, whatever its status
   * @throws PlatformError `ambiguous` on a timeout or a reset (the request may have landed),
   *   `retryable` when the connection was refused or the host unknown (it did not)
   */
  async send(request: RoaRequest, timeoutMs: number): Promise<RoaReply> {
    const startedAt = Date.now();
    try {
      return await this.sendOn(undefined, request, timeoutMs);
    } catch (err) {
      const stale = (err as { staleSocket?: boolean }).staleSocket === true;
      const left = timeoutMs - (Date.now() - startedAt);
      if (!stale || request.method === 'PUT' || left < MIN_RETRY_MS) throw err;
      dropIdleSockets(this.agent);
      this.staleSocketRetries += 1;
      const fresh = capturingAgent(this.isHttps, instanceCaptures, instanceRequests, false);
      try {
        return await this.sendOn(fresh, request, left);
      } finally {
        fresh.destroy();
      }
    }
  }

  private async sendOn(
    agent: http.Agent | undefined,
    request: RoaRequest,
    timeoutMs: number,
  ): Promise<RoaReply> {
    const query: Record<string, string> = {};
    for (const [k, v] of Object.entries(request.query))
      if (v !== undefined && v !== '') query[k] = String(v);
    const nonce = randomBytes(16).toString('hex');
    this.observe?.(request.action);
    const sentAtMs = Date.now();
    try {
      const reply = await this.client.request(
        request.method,
        request.path,
        query,
        '',
        { 'x-acs-signature-nonce': nonce, ...(this.host ? { host: this.host } : {}) },
        { timeout: timeoutMs, rawBody: true, ...(agent ? { agent } : {}) },
      );
      const captured = this.captures.get(nonce);
      if (captured) this.serverClock.observe(captured.date, captured.receivedAtMs, sentAtMs);
      return {
        status: captured?.status ?? 0,
        contentType: captured?.contentType ?? '',
        body: typeof reply === 'string' ? reply : String(reply ?? ''),
      };
    } catch (thrown) {
      const error = this.transportError(request.action, thrown, this.captures.get(nonce));
      const code = (thrown as { code?: unknown } | undefined)?.code;
      const staleSocket =
        instanceRequests.get(nonce)?.reusedSocket === true &&
        !this.captures.has(nonce) &&
        typeof code === 'string' &&
        RESET_CODES.has(code);
      throw staleSocket ? Object.assign(error, { staleSocket: true }) : error;
    } finally {
      this.captures.delete(nonce);
      instanceRequests.delete(nonce);
    }
  }

  /**
   * Ends this invocation's use of the transport. The instance's keep-alive sockets stay open
   * for the next invocation (issue 16); nothing of this invocation (credentials) stays with them.
   */
  close(): void {}

  private transportError(
    action: string,
    thrown: unknown,
    captured: Captured | undefined,
  ): PlatformError {
    const err = (thrown ?? {}) as { name?: string; code?: string; message?: string };
    const name = typeof err.name === 'string' ? err.name : '';
    const timedOut = name.includes('RequestTimeout') || err.code === 'ETIMEDOUT';
    const code = this.redact(
      timedOut
        ? 'RequestTimeout'
        : typeof err.code === 'string'
          ? err.code
          : name || 'NetworkError',
    );
    const message = this.redact(
      separateGluedMessages(typeof err.message === 'string' ? err.message : String(thrown)),
    ).slice(0, 300);
    const neverSent = provesNeverSent(code, typeof err.message === 'string' ? err.message : '');
    return new PlatformError(
      `${action}: ${timedOut ? 'no answer in time' : 'connection failed'}: ${message}`,
      {
        platform: this.platform,
        action,
        kind: neverSent ? 'retryable' : 'ambiguous',
        code,
        httpStatus: captured?.status ?? 0,
        cause: thrown,
      },
    );
  }
}
