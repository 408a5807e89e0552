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
import { createRedactor, signatureOfAuthorization } from '../core/redact.js';
import { separateGluedMessages } from '../core/text.js';
import { ServerClock } from '../webplus/server-clock.js';
import { PlatformError } from './errors.js';
import type { PlatformName } from './platform.js';

/**
 * Largest SAE/EDAS reply body read, bytes: a longer one is cut off and fails `ReplyTooLarge`
 * (issue 11, bounded memory), as Web+'s 1 MiB (shared/webplus/reply-size.ts). Their largest
 * documented replies (a page of 100 change orders) are a few tens of KB.
 */
export const ROA_MAX_REPLY_BYTES = 1024 * 1024;

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

/** What the agent saw of one reply (shared/core/capturing-agents.ts). */
type Captured = CapturedReply;

/**
 * The instance's SAE/EDAS agents: keep-alive, shared by both products (the sockets are per host),
 * every reply's status captured and its body bounded at {@link ROA_MAX_REPLY_BYTES}
 * (shared/core/capturing-agents.ts; one per instance, issue 16).
 */
const agents = new CapturingAgents(ROA_MAX_REPLY_BYTES);

/**
 * Signs and sends ROA requests of one product through `@alicloud/pop-core` 1.8.0's ROAClient
 * (`new ROAClient({endpoint, apiVersion, accessKeyId, accessKeySecret, securityToken})`, the form
 * devsapp/sae uses; docs/reference/sae-edas.md §4). Parameters go in the query string and the
 * body stays empty (`content-md5 1B2M2Y8AsgTpgAmY7PhCfg==`, no content-type), as the reference
 * tables place them. Always asks for the raw body so that no reply shape can crash pop-core or
 * hide as success. One transport per invocation (its credentials); the sockets belong to the
 * instance's keep-alive agent (shared/core/capturing-agents.ts) and outlive it (issue 16).
 */
export class RoaTransport {
  private readonly client: ROAClient;
  private readonly agent: http.Agent;
  private readonly isHttps: boolean;
  private readonly captures = agents.captures;
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
   * Adds the signature of each request this transport sent (from its `Authorization: acs
   * <AccessKeyId>:<Signature>`, computed by pop-core) to {@link redact}, before its reply or
   * failure is read: a product echoing the request's own signature never has it shown (red-team
   * 24 F5).
   */
  private readonly addSecret: (secret: string) => void;

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
    this.addSecret = (secret) => redactor.add(secret);
    this.isHttps = endpoint.startsWith('https://');
    this.agent = agents.instance(this.isHttps);
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
      const fresh = agents.fresh(this.isHttps);
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
      this.addSecret(signatureOfAuthorization(agents.authorizationOf(nonce)) ?? '');
      const captured = this.captures.get(nonce);
      if (captured) this.serverClock.observe(captured.date, captured.receivedAtMs, sentAtMs);
      return {
        status: captured?.status ?? 0,
        contentType: captured?.contentType ?? '',
        body: typeof reply === 'string' ? reply : String(reply ?? ''),
      };
    } catch (thrown) {
      this.addSecret(signatureOfAuthorization(agents.authorizationOf(nonce)) ?? '');
      const error = this.transportError(request, thrown, this.captures.get(nonce));
      const code = (thrown as { code?: unknown } | undefined)?.code;
      const staleSocket = agents.resetBeforeReply(nonce, code);
      throw staleSocket ? Object.assign(error, { staleSocket: true }) : error;
    } finally {
      agents.forget(nonce);
    }
  }

  /**
   * Ends this invocation's use of the transport. The instance's keep-alive sockets stay open
   * for the next invocation (issue 16); nothing of this invocation (credentials) stays with them.
   */
  close(): void {}

  private transportError(
    request: RoaRequest,
    thrown: unknown,
    captured: Captured | undefined,
  ): PlatformError {
    const action = request.action;
    if (captured?.oversized) {
      // Cut off, never buffered whole: a read is not retried (the next reply would be as big);
      // an abort (PUT) reached the product, so it is ambiguous and re-read, as on Web+.
      return new PlatformError(`${action}: ${captured.oversized}`, {
        platform: this.platform,
        action,
        kind: request.method === 'PUT' ? 'ambiguous' : 'permanent',
        code: 'ReplyTooLarge',
        httpStatus: captured.status,
        cause: thrown,
      });
    }
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
