/**
 * The instance's keep-alive HTTP agents for the ROA products (Web+ through shared/webplus/transport.ts,
 * SAE and EDAS through shared/platform/roa-transport.ts), each agent remembering every reply's
 * status, content type and `Date` header, keyed by the request's signature nonce: pop-core,
 * asked for the raw body, resolves non-JSON replies as bare strings and drops the status, so this
 * is how the transports still see the status of every reply while pop-core signs and sends. Every
 * reply's body is bounded ({@link watchReplySize}): an oversized one is cut, never buffered whole.
 * Each request is also kept until it settles, so a transport can tell a reused socket that was
 * reset before any reply (`reusedSocket`) from any other failure.
 */
import http from 'node:http';
import https from 'node:https';
import { watchReplySize } from './reply-size.js';

/** What the agent saw of one reply, before pop-core read its body. */
export interface CapturedReply {
  status: number;
  contentType: string;
  /** The reply's `Date` header (the server's clock), when it had one. */
  date?: string;
  /** The function's clock when the reply's headers arrived, epoch ms. */
  receivedAtMs: number;
  /** Set when the body passed the limit and was cut off: why, in words (a copy). */
  oversized?: string;
}

/** Socket errors that a connection dropped while idle gives on its next use. */
export const RESET_CODES: ReadonlySet<string> = new Set(['ECONNRESET', 'EPIPE']);

/** Least time left, ms, worth one more attempt of a read on a new socket. */
export const MIN_RETRY_MS = 100;

/**
 * One family of agents (one per product family, made once per instance at module load): one
 * keep-alive agent for http and one for https, shared by every invocation so that an invocation
 * reuses the sockets of the one before; and, for a retry on a new socket, throw-away agents
 * feeding the same maps. No credentials are held (pop-core signs each request).
 */
export class CapturingAgents {
  /** Replies seen, keyed by signature nonce (each is unique); the transport deletes its own. */
  readonly captures = new Map<string, CapturedReply>();
  /** Requests handed to the agents, keyed by signature nonce, until the transport deletes them. */
  readonly requests = new Map<string, http.ClientRequest>();
  private readonly shared = new Map<'http' | 'https', http.Agent>();

  /** @param maxReplyBytes the largest reply body read, bytes; a longer one is cut off */
  constructor(private readonly maxReplyBytes: number) {}

  /** The instance's keep-alive agent for `http` or `https` (made at its first use). */
  instance(isHttps: boolean): http.Agent {
    const key = isHttps ? 'https' : 'http';
    let agent = this.shared.get(key);
    if (!agent) {
      agent = this.make(isHttps, true);
      this.shared.set(key, agent);
    }
    return agent;
  }

  /** A new agent without keep-alive (a new socket for one retry); the caller destroys it. */
  fresh(isHttps: boolean): http.Agent {
    return this.make(isHttps, false);
  }

  /**
   * Whether the request of `nonce` failed on a reused keep-alive socket that was reset before
   * any reply came (so nothing on the other side answered it).
   * @param code the failure's `code` (`ECONNRESET`, ...), when it had one
   */
  resetBeforeReply(nonce: string, code: unknown): boolean {
    return (
      this.requests.get(nonce)?.reusedSocket === true &&
      !this.captures.has(nonce) &&
      typeof code === 'string' &&
      RESET_CODES.has(code)
    );
  }

  /** The `Authorization` header pop-core signed the request of `nonce` with, when it was sent. */
  authorizationOf(nonce: string): string | undefined {
    const value = this.requests.get(nonce)?.getHeader('authorization');
    return typeof value === 'string' ? value : undefined;
  }

  /** Forgets what was kept of the request of `nonce` (call once it settled). */
  forget(nonce: string): void {
    this.captures.delete(nonce);
    this.requests.delete(nonce);
  }

  private make(isHttps: boolean, keepAlive: boolean): http.Agent {
    const Base = isHttps ? https.Agent : http.Agent;
    const agent = new Base({ keepAlive, keepAliveMsecs: 1000, maxSockets: 64 });
    const addRequest = (
      agent as unknown as { addRequest: (req: http.ClientRequest, o: unknown) => void }
    ).addRequest;
    const { captures, requests, maxReplyBytes } = this;
    (agent as unknown as { addRequest: unknown }).addRequest = function (
      this: http.Agent,
      req: http.ClientRequest,
      options: unknown,
    ) {
      const nonce = String(req.getHeader('x-acs-signature-nonce') ?? '');
      requests.set(nonce, req);
      req.once('response', (res: http.IncomingMessage) => {
        const date = res.headers.date;
        const captured: CapturedReply = {
          status: res.statusCode ?? 0,
          contentType: String(res.headers['content-type'] ?? ''),
          ...(typeof date === 'string' ? { date } : {}),
          receivedAtMs: Date.now(),
        };
        captures.set(nonce, captured);
        watchReplySize(res, maxReplyBytes, (error) => {
          captured.oversized = error.message;
        });
      });
      addRequest.call(this, req, options);
    };
    return agent;
  }
}

/** Closes the idle sockets of an agent (those in use finish their request). */
export function dropIdleSockets(agent: http.Agent): void {
  for (const list of Object.values(agent.freeSockets))
    for (const socket of list ?? []) socket.destroy();
}
