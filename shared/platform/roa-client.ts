import type { Credentials } from '../core/credentials.js';
import { cutBody, PlatformReplyError } from './errors.js';
import { record, text } from './parse.js';
import type { AbortAccepted, ChangeRef, PlatformName, RequestOptions } from './platform.js';
import { type EnvelopeRules, type JsonBody, readRoaReply } from './roa-reply.js';
import { type Redact, type RequestObserver, RoaTransport } from './roa-transport.js';

/**
 * What the ROA products (SAE, EDAS) share on the client side: one transport (pop-core's
 * ROAClient, real signing), one attempt per call read by the product's envelope rules, the
 * "malformed reply" error and the abort-reply check. Each product keeps its own facts in its
 * folder: API version, actions (method + exact path), envelope rules, field names
 * (shared/sae/, shared/edas/; docs/reference/sae-edas.md §2 and §3).
 */

/** How one ROA action is called: method and exact path (case matters). */
export interface RoaActionSpec {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
}

/** The facts of one ROA product that its client is built from. */
export interface RoaProduct<A extends string> {
  platform: PlatformName;
  /** `x-acs-version`, e.g. `2019-05-06` */
  apiVersion: string;
  actions: Readonly<Record<A, RoaActionSpec>>;
  envelope: EnvelopeRules;
}

/** What a ROA platform (`saePlatform`, `edasPlatform`) is built from. */
export interface RoaPlatformOptions {
  /** e.g. `https://sae.cn-hangzhou.aliyuncs.com` (`saeEndpoint(regionId)`, `edasEndpoint(regionId)`) */
  endpoint: string;
  credentials: Credentials;
  /** called once per request sent */
  observe?: RequestObserver;
  /**
   * `Host` header to send instead of the endpoint's host name (an endpoint override serving
   * several regions: the region's real host).
   */
  host?: string;
}

/**
 * A reply that came back 200 but cannot be read as the action's answer (no `Data`, a list that
 * is not one, another change order echoed): `ambiguous` for an action that changes state (the
 * change may have happened: re-read), `retryable` for a read. The message and the kept body
 * (cut) pass `redact` (the transport's: this invocation's keys).
 */
export function malformedReply(
  platform: PlatformName,
  redact: Redact,
  action: string,
  what: string,
  body: JsonBody,
  mutating = false,
): PlatformReplyError {
  return new PlatformReplyError(redact(`${action}: ${what}`), {
    platform,
    action,
    kind: mutating ? 'ambiguous' : 'retryable',
    code: 'MalformedReply',
    httpStatus: 200,
    requestId: text(body.RequestId),
    rawBody: cutBody(redact(JSON.stringify(body))),
  });
}

/**
 * The base of a ROA product's typed client: one attempt per call, no retries, no pacing (the
 * caller's gateway adds those, shared/platform/gateway.ts). Build one per invocation.
 */
export abstract class RoaClient<A extends string> {
  protected readonly transport: RoaTransport;
  /** The transport's redactor (this invocation's keys): every reply text an error keeps. */
  protected readonly redact: Redact;

  /**
   * @param product the product's own facts (its actions, version and envelope)
   * @param endpoint e.g. `https://sae.cn-hangzhou.aliyuncs.com`
   * @param credentials this invocation's keys
   * @param observe called once per request sent, with its action
   * @param host the `Host` header to send instead of the endpoint's host name: the host of the
   *   region's real endpoint when `endpoint` is an override (a sandbox or proxy serving several
   *   regions tells them apart by it; see shared/pipeline/runtime.ts `resolvePlatformRegion`)
   */
  constructor(
    protected readonly product: RoaProduct<A>,
    endpoint: string,
    credentials: Credentials,
    observe?: RequestObserver,
    host?: string,
  ) {
    this.transport = new RoaTransport(
      product.platform,
      endpoint,
      product.apiVersion,
      credentials,
      observe,
      host,
    );
    this.redact = this.transport.redact;
  }

  /**
   * One request of `action` with `query`, read by the product's envelope (a PUT changes state).
   * @throws PlatformError
   */
  protected async call(
    action: A,
    query: Record<string, string | number | boolean | undefined>,
    opts: RequestOptions,
  ): Promise<JsonBody> {
    const { method, path } = this.product.actions[action];
    const reply = await this.transport.send({ action, method, path, query }, opts.timeoutMs);
    return readRoaReply(this.product.envelope, action, reply, method === 'PUT', this.redact);
  }

  /** {@link malformedReply} of this product. */
  protected malformed(action: A, what: string, body: JsonBody, mutating = false) {
    return malformedReply(this.product.platform, this.redact, action, what, body, mutating);
  }

  /**
   * The answer to an accepted abort: a reply that names another change order in
   * `Data.ChangeOrderId` is not about this one (`ambiguous`: re-read).
   * @throws PlatformReplyError
   */
  protected abortAnswer(
    action: A,
    changeOrderId: string,
    body: JsonBody,
  ): { changeOrderId: string; requestId: string | undefined } {
    const echoed = text(record(body.Data)?.ChangeOrderId);
    if (echoed !== undefined && echoed !== changeOrderId)
      throw this.malformed(action, `the reply names another change order (${echoed})`, body, true);
    return { changeOrderId, requestId: text(body.RequestId) };
  }

  /** The platform's clock minus ours, ms, from the replies' `Date` headers (roa-transport.ts). */
  clockSkewMs(): number | undefined {
    return this.transport.serverClock.skewMs();
  }

  /** Closes the keep-alive sockets. */
  close(): void {
    this.transport.close();
  }
}

/** A ROA product client's two aborts (SAE and EDAS both name them so). */
export interface RoaAborts {
  abortChangeOrder(
    changeOrderId: string,
    opts: RequestOptions,
  ): Promise<{ changeOrderId: string; requestId?: string }>;
  abortAndRollbackChangeOrder(
    changeOrderId: string,
    opts: RequestOptions,
  ): Promise<{ changeOrderId: string; requestId?: string }>;
}

/**
 * Aborts `ref` with AbortChangeOrder, or AbortAndRollbackChangeOrder when `how.rollback`.
 * @throws PlatformError from the client
 */
export async function abortOrder(
  client: RoaAborts,
  ref: ChangeRef,
  how: { rollback: boolean },
  opts: RequestOptions,
): Promise<AbortAccepted> {
  const result = how.rollback
    ? await client.abortAndRollbackChangeOrder(ref.changeId, opts)
    : await client.abortChangeOrder(ref.changeId, opts);
  return { changeId: result.changeOrderId, rollback: how.rollback, requestId: result.requestId };
}
