import type { Credentials } from '../core/credentials.js';
import { ReplyFieldError } from '../core/ids.js';
import { cutBody, PlatformReplyError } from './errors.js';
import { record, text } from './parse.js';
import type { AbortAccepted, ChangeRef, PlatformName, RequestOptions } from './platform.js';
import { type EnvelopeRules, type JsonBody, readRoaReply, words } from './roa-reply.js';
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

/**
 * The exact body a product's docs show for an accepted abort (AbortChangeOrder and
 * AbortAndRollbackChangeOrder): anything else in a 2xx is `unconfirmed` (re-read, never
 * re-sent). Sources: docs/reference/sae-edas.md §2.6, §2.9 (SAE), §3.3, §3.7 (EDAS).
 */
export interface AbortAffirmation {
  /** The top-level names the documented body carries, and no other. */
  names: ReadonlySet<string>;
  /** The documented success `Code` (SAE: `"200"` or `200`; EDAS: the number `200`). */
  code(value: unknown): boolean;
  /** `Success` must be the JSON `true` (SAE), or is not part of the body (EDAS). */
  success: 'true' | 'absent';
  /** `ErrorCode` values the docs show on success (absent is always accepted). */
  errorCodes: ReadonlySet<string>;
}

/** The facts of one ROA product that its client is built from. */
export interface RoaProduct<A extends string> {
  platform: PlatformName;
  /** `x-acs-version`, e.g. `2019-05-06` */
  apiVersion: string;
  actions: Readonly<Record<A, RoaActionSpec>>;
  envelope: EnvelopeRules;
  /** What an accepted abort says, exactly. */
  abortAffirmation: AbortAffirmation;
}

/**
 * Why a 2xx abort reply is not exactly the product's documented affirmation, in words for the
 * record; undefined when it is. Checked in order: HTTP 200 exactly, a JSON content type
 * (`application/json`, any parameters), the documented `Code`, no top-level name outside the
 * documented body, `Success` (SAE: the JSON `true`), `ErrorCode` (absent or a documented success
 * value), `Message` (absent or `"success"`), `RequestId` (a non-empty string), `Data` (an object
 * with exactly one name, `ChangeOrderId`, a string equal to the order asked for).
 * @param body the parsed reply
 * @param rules the product's affirmation
 * @param expect the order asked for and the reply's status and content type
 */
export function abortAffirmationProblem(
  body: JsonBody,
  rules: AbortAffirmation,
  expect: { changeOrderId: string; status: number; contentType: string },
): string | undefined {
  if (expect.status !== 200) return `came with HTTP ${expect.status}, not 200`;
  const media = expect.contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (media !== 'application/json')
    return `came as ${JSON.stringify(expect.contentType.slice(0, 60))}, not application/json`;
  if (!rules.code(body.Code)) return `carried Code ${words(body.Code)}, not the documented one`;
  const extra = Object.keys(body).find((k) => !rules.names.has(k));
  if (extra !== undefined)
    return `carried ${JSON.stringify(extra.slice(0, 40))} ${words(body[extra])} (not in the documented body)`;
  if (rules.success === 'true' && body.Success !== true)
    return `carried Success ${words(body.Success)}, not true`;
  if (
    body.ErrorCode !== undefined &&
    !(typeof body.ErrorCode === 'string' && rules.errorCodes.has(body.ErrorCode))
  )
    return `carried ErrorCode ${words(body.ErrorCode)}`;
  if (body.Message !== undefined && body.Message !== 'success')
    return `carried Message ${words(body.Message)}, not "success"`;
  // A blank RequestId names no request: it is no RequestId (rt12 L1).
  if (typeof body.RequestId !== 'string' || body.RequestId.trim() === '')
    return `carried no RequestId (RequestId ${words(body.RequestId)})`;
  const data = record(body.Data);
  if (!data) return `carried Data ${words(body.Data)}, not an object`;
  const dataExtra = Object.keys(data).find((k) => k !== 'ChangeOrderId');
  if (dataExtra !== undefined)
    return `carried Data.${dataExtra.slice(0, 40)} ${words(data[dataExtra])} (not in the documented body)`;
  if (typeof data.ChangeOrderId !== 'string')
    return `named no change order (Data.ChangeOrderId ${words(data.ChangeOrderId)})`;
  if (data.ChangeOrderId !== expect.changeOrderId)
    return `named another change order (${data.ChangeOrderId.slice(0, 64)})`;
  return undefined;
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
    kind: mutating ? 'unconfirmed' : 'retryable',
    code: 'MalformedReply',
    httpStatus: 200,
    requestId: text(body.RequestId),
    rawBody: cutBody(redact(JSON.stringify(body))),
  });
}

/**
 * Runs a reply reader whose id and name fields go through shared/core/ids.ts (`replyField`,
 * `replyText`); a field it refused (ReplyFieldError: an array, a number, null, an upper-case or
 * padded id, …) becomes {@link malformedReply}, its message naming the field's path
 * (`DescribeApplicationStatus: Data.LastChangeOrderId is an array, not a string`): nothing is
 * read or aborted from that reply.
 * @throws PlatformReplyError `MalformedReply` (retryable)
 */
export function readFields<T>(
  platform: PlatformName,
  redact: Redact,
  action: string,
  body: JsonBody,
  read: () => T,
): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof ReplyFieldError)
      throw malformedReply(platform, redact, action, err.message, body);
    throw err;
  }
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
    return (await this.callWithReply(action, query, opts)).body;
  }

  /** {@link call}, keeping the reply's status and content type (an abort checks them). */
  protected async callWithReply(
    action: A,
    query: Record<string, string | number | boolean | undefined>,
    opts: RequestOptions,
  ): Promise<{ body: JsonBody; status: number; contentType: string }> {
    const { method, path } = this.product.actions[action];
    const reply = await this.transport.send({ action, method, path, query }, opts.timeoutMs);
    const body = readRoaReply(this.product.envelope, action, reply, method === 'PUT', this.redact);
    return { body, status: reply.status, contentType: reply.contentType };
  }

  /**
   * One abort (AbortChangeOrder or AbortAndRollbackChangeOrder, a PUT) of `changeOrderId`,
   * accepted only on the product's exact documented affirmation ({@link abortAffirmationProblem}).
   * @throws PlatformError; PlatformReplyError `unconfirmed` (code `AmbiguousAbortReply`) for a
   *   2xx that does not affirm the abort: never re-sent, the order is re-read instead
   */
  protected async abortCall(
    action: A,
    changeOrderId: string,
    opts: RequestOptions,
  ): Promise<{ changeOrderId: string; requestId: string | undefined }> {
    const { body, status, contentType } = await this.callWithReply(
      action,
      { ChangeOrderId: changeOrderId },
      opts,
    );
    const problem = abortAffirmationProblem(body, this.product.abortAffirmation, {
      changeOrderId,
      status,
      contentType,
    });
    if (problem !== undefined) {
      throw new PlatformReplyError(this.redact(`${action} reply ${problem}`), {
        platform: this.product.platform,
        action,
        kind: 'unconfirmed',
        code: AMBIGUOUS_ABORT_REPLY,
        httpStatus: status,
        requestId:
          text(body.RequestId) === undefined ? undefined : this.redact(text(body.RequestId)!),
        rawBody: cutBody(this.redact(JSON.stringify(body))),
      });
    }
    return { changeOrderId, requestId: text(body.RequestId) };
  }

  /** {@link malformedReply} of this product. */
  protected malformed(action: A, what: string, body: JsonBody, mutating = false) {
    return malformedReply(this.product.platform, this.redact, action, what, body, mutating);
  }

  /** The platform's clock minus ours, ms, from the replies' `Date` headers (roa-transport.ts). */
  clockSkewMs(): number | undefined {
    return this.transport.serverClock.skewMs();
  }

  /** Why the platform's clock is unknown although replies carried `Date` headers (server-clock.ts). */
  clockUnknownWhy(): string | undefined {
    return this.transport.serverClock.unknownWhy();
  }

  /** Closes the keep-alive sockets. */
  close(): void {
    this.transport.close();
  }
}

/** The code of a 2xx abort reply that does not affirm the abort (re-read, never re-sent). */
export const AMBIGUOUS_ABORT_REPLY = 'AmbiguousAbortReply';

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
