import type { Credentials } from '../core/credentials.js';
import { ReplyFieldError, readReplyField } from '../core/ids.js';
import { createRedactor, type Redactor } from '../core/redact.js';
import { WEBPLUS_ACTIONS, type WebplusAction } from './actions.js';
import { FUTURE_SLACK_MS, implausibleTime } from './epoch-ms.js';
import { WebplusResponseError } from './errors.js';
import { toAppEnv, toApplication, toChange, toNumber, unwrapList } from './normalize.js';
import { readReply, stringOrUndefined, type WebplusBody } from './reply.js';
import { RoaTransport } from './transport.js';
import type { AbortChangeResult, AppEnv, Application, Change, Page } from './types.js';

/** Per-call options. */
export interface CallOptions {
  /**
   * Connect + read timeout of this one attempt, in milliseconds (the gateway passes
   * `ATTEMPT_TIMEOUT_MS`, default 3000, or less when the deadline is near). No default here:
   * every call names its own.
   */
  timeoutMs: number;
}

/** One page of a list call. Web+ documents no maximum page size (docs/reference/webplus-api.md). */
export interface PageQuery {
  /** 1-based page number. */
  pageNumber: number;
  /** Items per page; the targeting stage asks for `MAX_PAGE_SIZE` (100, shared/webplus/actions.ts). */
  pageSize: number;
}

/** Called once per request sent, for counting and tracing (never given credentials). */
export type CallObserver = (action: WebplusAction) => void;

/** Where one client's calls go: the region (sent on every call) and its endpoint. */
export interface WebplusTarget {
  /** e.g. `cn-shanghai`; sent as the `x-acs-region-id` header and the `RegionId` query. */
  regionId: string;
  /** Base URL, e.g. `https://webplus.cn-hangzhou.aliyuncs.com` (endpoints.ts); no trailing slash. */
  endpoint: string;
}

/**
 * A typed Web+ client for one region: one attempt per call, no retries, no pacing (the gateway
 * adds those). Build one per invocation and region with that invocation's credentials and
 * `close()` it at the end. Every failure is a `WebplusError` (see errors.ts); results are plain
 * objects.
 *
 * Every call carries the region twice, as the `x-acs-region-id` header (required by the common
 * request headers table) and the `RegionId` query (offered by every action in the API metadata),
 * and each action the parameters its docs mark required: DescribeChange `EnvId`, DescribeAppEnvs
 * `AppId`, DescribeChanges and DescribeAppEnvStatus `EnvId`, AbortChange `ChangeId` in the form
 * body (test/wire/webplus-audit-rows.ts lists the sources; docs/reference/webplus-api.md).
 *
 * @example
 * ```ts
 * const client = new WebplusClient(
 *   { regionId: 'cn-shanghai', endpoint: 'https://webplus.cn-hangzhou.aliyuncs.com' },
 *   context.credentials!,
 * );
 * try {
 *   const { change } = await client.describeChange(
 *     { changeId: 'wc-5d3a963d5802611c4ddc0001', envId: 'we-5d39b8ba6786bd4b14950001' },
 *     { timeoutMs: 3000 },
 *   );
 *   if (!change.finished) await client.abortChange(change.changeId, { timeoutMs: 3000 });
 * } catch (err) {
 *   if (err instanceof WebplusError && err.kind === 'already_finished') {
 *     // the change finished on its own: nothing to do
 *   } else throw err;
 * } finally {
 *   client.close();
 * }
 * ```
 */
export class WebplusClient {
  private readonly transport: RoaTransport;
  private readonly redactor: Redactor;
  readonly regionId: string;
  readonly endpoint: string;
  /** The endpoint's host name, lower case (a read's `HostId` may name it). */
  private readonly endpointHost: string;

  /**
   * @param target the region and its endpoint
   * @param credentials this invocation's keys; their secret and token are removed from every
   *   error text the client makes (and `extraSecrets`, e.g. the HTTP tokens)
   * @param observe called once per request sent (tests and the bench count calls). @default none
   * @param extraSecrets more secrets to remove from error texts. @default none
   */
  constructor(
    target: WebplusTarget,
    credentials: Credentials,
    private readonly observe?: CallObserver,
    extraSecrets: readonly string[] = [],
  ) {
    this.regionId = target.regionId;
    this.endpoint = target.endpoint.replace(/\/+$/, '');
    this.endpointHost = hostOf(this.endpoint);
    this.redactor = createRedactor([
      credentials.accessKeySecret,
      credentials.securityToken,
      ...extraSecrets,
    ]);
    this.transport = new RoaTransport(
      this.endpoint,
      credentials,
      this.regionId,
      (t) => this.redactor.text(t),
      // Each request's own signature, removed from every later text (red-team 24 F5).
      (signature) => this.redactor.add(signature),
    );
  }

  private async call(
    action: WebplusAction,
    query: Record<string, string | number | undefined>,
    opts: CallOptions,
    form?: Record<string, string>,
  ): Promise<WebplusBody> {
    return (await this.callWithReply(action, query, opts, form)).body;
  }

  /** {@link call}, keeping the reply's status and content type (AbortChange checks them). */
  private async callWithReply(
    action: WebplusAction,
    query: Record<string, string | number | undefined>,
    opts: CallOptions,
    form?: Record<string, string>,
  ): Promise<{ body: WebplusBody; status: number; contentType: string }> {
    const { method, path } = WEBPLUS_ACTIONS[action];
    const clean: Record<string, string> = {};
    for (const [k, v] of Object.entries(query))
      if (v !== undefined && v !== '') clean[k] = String(v);
    clean.RegionId = this.regionId;
    this.observe?.(action);
    const reply = await this.transport.send(action, method, path, clean, form, opts.timeoutMs);
    const body = readReply(action, reply, (t) => this.redactor.text(t));
    const names = READ_REPLY_NAMES[action];
    if (names) {
      // A read's envelope is held to the AbortChange affirmation's rules (red-team 25 G16).
      const problem = readEnvelopeProblem(body, names, {
        regionId: this.regionId,
        endpointHost: this.endpointHost,
      });
      if (problem !== undefined)
        throw malformed(action, this.redactor.text(`the reply ${problem}`), body, this.redactor);
    }
    return { body, status: reply.status, contentType: reply.contentType };
  }

  /**
   * AbortChange (POST /pop/v1/wam/change/abort, form body `ChangeId`). Web+ lets the running
   * step finish, then stops the change: the abort is asynchronous.
   * A reply is an accepted abort only when it is exactly the documented success body
   * (docs/reference/webplus-api.md, "AbortChange", S1), as {@link abortAffirmationProblem}
   * checks: HTTP 200, a JSON content type, one JSON object whose names are only `Code` (the
   * string `"OK"`), `RequestId` (a non-empty string), `Message` (absent or `"success"`) and
   * `EnvChange` (an object whose `ChangeId` is the change asked for, whose `EnvId`, when present,
   * is a string and is `envId`, and whose `StartTime`, when present, is a number or a string of
   * digits). Anything else in a 2xx is ambiguous: the abort may or may not have landed, so it is
   * never sent again as a fresh abort and the caller re-reads the change instead of trusting it
   * (shared/executor/abort.ts).
   * @param changeId `wc-` + 24 hex digits; sent as the form body `ChangeId=…`.
   * @param opts `timeoutMs`: this attempt's connect + read timeout, ms. A timed-out abort may have
   *   reached Web+: the caller re-reads the change before retrying (shared/executor/abort.ts).
   * @param envId the change's environment, checked against the reply's `EnvChange.EnvId`.
   *   @default not checked
   * @param facts what DescribeChange read of the change: `createTime` (epoch ms, Web+'s clock)
   *   bounds the reply's `EnvChange.StartTime` from below (red-team 25 G12: a StartTime more
   *   than the 60 s slack before it cannot be this change's). @default not bounded
   * @returns the accepted change (`changeId`, `envId?`, `startTime?` epoch ms, `requestId`).
   * @throws WebplusError: `already_aborting` (400 ChangeOnAborting), `already_finished`
   *   (400 ChangeFinished), `not_found` (500 ResourceAuthFailed: never retried despite the 500),
   *   `retryable` (5xx, 429, `Throttling*`, resets, timeouts), `clock`, `credentials`,
   *   `permanent`; `permanent` + `ambiguous` for a 2xx that does not affirm the abort (reply.ts:
   *   unreadable, unknown code, failure field; here: code {@link AMBIGUOUS_ABORT_REPLY}, a
   *   WebplusResponseError): never retried, the change is re-read instead.
   */
  async abortChange(
    changeId: string,
    opts: CallOptions,
    envId?: string,
    facts: { createTime?: number } = {},
  ): Promise<AbortChangeResult> {
    const { body, status, contentType } = await this.callWithReply('AbortChange', {}, opts, {
      ChangeId: changeId,
    });
    // Judged against the later of the two clocks (judging-clock.ts): this reply's own Date
    // header has just updated the platform's (red-team 24 F9).
    const latestNowMs = Date.now() + Math.max(0, this.transport.serverClock.skewMs() ?? 0);
    const problem = abortAffirmationProblem(body, {
      changeId,
      envId,
      status,
      contentType,
      latestNowMs,
      ...(facts.createTime === undefined ? {} : { createTime: facts.createTime }),
    });
    const requestId =
      typeof body.RequestId === 'string' && body.RequestId.trim() !== ''
        ? body.RequestId
        : undefined;
    if (problem !== undefined) {
      throw new WebplusResponseError(this.redactor.text(`AbortChange reply ${problem}`), {
        action: 'AbortChange',
        kind: 'permanent',
        code: AMBIGUOUS_ABORT_REPLY,
        httpStatus: status,
        ambiguous: true,
        requestId: requestId === undefined ? undefined : this.redactor.text(requestId),
        rawBody: this.redactor.text(JSON.stringify(body)).slice(0, 2048),
      });
    }
    const ec = body.EnvChange as Record<string, unknown>;
    return {
      changeId,
      envId: stringOrUndefined(ec.EnvId),
      requestId,
      startTime: toNumber(ec.StartTime),
    };
  }

  /**
   * DescribeChange (GET /pop/v1/wam/changeInfo, query `ChangeId` and `EnvId`: the docs mark EnvId
   * required, so the caller must know it; targeting learns it first).
   * @throws WebplusError `not_found` for an unknown id (ChangeNotExists 404, ResourceAuthFailed 403)
   */
  async describeChange(
    ids: { changeId: string; envId: string },
    opts: CallOptions,
  ): Promise<{ change: Change; requestId?: string }> {
    const body = await this.call(
      'DescribeChange',
      { ChangeId: ids.changeId, EnvId: ids.envId },
      opts,
    );
    const change = fieldsOf('DescribeChange', body, this.redactor, () =>
      toChange(body.Change, 'Change'),
    );
    if (!change) throw malformed('DescribeChange', 'no Change in the reply', body, this.redactor);
    return { change, requestId: stringOrUndefined(body.RequestId) };
  }

  /**
   * DescribeChanges (GET /pop/v1/wam/change, query `EnvId`, `PageNumber`, `PageSize`): one page of
   * an environment's changes.
   * @returns the page; `totalCount` is Web+'s `TotalCount` (the items' count when absent).
   * @throws WebplusError (`not_found` for an unknown environment; others as for every call).
   */
  async describeChanges(envId: string, page: PageQuery, opts: CallOptions): Promise<Page<Change>> {
    const body = await this.call(
      'DescribeChanges',
      { EnvId: envId, PageNumber: page.pageNumber, PageSize: page.pageSize },
      opts,
    );
    return toPage(
      'DescribeChanges',
      body,
      listItems('DescribeChanges', body, ['Changes', 'Change'], toChange, this.redactor),
      page,
      this.redactor,
    );
  }

  /**
   * DescribeAppEnvs (GET /pop/v1/wam/appEnv): one page of an application's environments
   * (`AppId` is required by the docs), optionally only one `EnvId`.
   */
  async describeAppEnvs(
    filter: { appId: string; envId?: string },
    page: PageQuery,
    opts: CallOptions,
  ): Promise<Page<AppEnv>> {
    const body = await this.call(
      'DescribeAppEnvs',
      {
        AppId: filter.appId,
        EnvId: filter.envId,
        PageNumber: page.pageNumber,
        PageSize: page.pageSize,
      },
      opts,
    );
    return toPage(
      'DescribeAppEnvs',
      body,
      listItems('DescribeAppEnvs', body, ['AppEnvs', 'AppEnv'], toAppEnv, this.redactor),
      page,
      this.redactor,
    );
  }

  /**
   * DescribeAppEnvStatus (GET /pop/v1/wam/appEnv/status, query `EnvId`). The reply carries no AppId.
   * @throws WebplusError: a reply without `EnvStatus` is `retryable` `MalformedReply`; others as
   *   for every call.
   */
  async describeAppEnvStatus(envId: string, opts: CallOptions): Promise<AppEnv> {
    const body = await this.call('DescribeAppEnvStatus', { EnvId: envId }, opts);
    const env = fieldsOf('DescribeAppEnvStatus', body, this.redactor, () =>
      toAppEnv(body.EnvStatus, 'EnvStatus'),
    );
    if (!env)
      throw malformed('DescribeAppEnvStatus', 'no EnvStatus in the reply', body, this.redactor);
    return env;
  }

  /**
   * DescribeApplications (GET /pop/v1/wam/application, query `PageNumber`, `PageSize`): one page of
   * the account's applications, the entry point of a sweep over everything.
   * @throws WebplusError as for every call.
   */
  async describeApplications(page: PageQuery, opts: CallOptions): Promise<Page<Application>> {
    const body = await this.call(
      'DescribeApplications',
      { PageNumber: page.pageNumber, PageSize: page.pageSize },
      opts,
    );
    return toPage(
      'DescribeApplications',
      body,
      listItems(
        'DescribeApplications',
        body,
        ['Applications', 'Application'],
        toApplication,
        this.redactor,
      ),
      page,
      this.redactor,
    );
  }

  /**
   * Web+'s clock minus the function's, ms, from the `Date` headers of this client's replies so
   * far (server-clock.ts); undefined when none carried one.
   */
  clockSkewMs(): number | undefined {
    return this.transport.serverClock.skewMs();
  }

  /**
   * Why Web+'s clock is unknown although replies carried `Date` headers (two of them disagreed
   * beyond their transit and rounding: server-clock.ts), in words; undefined otherwise.
   */
  clockUnknownWhy(): string | undefined {
    return this.transport.serverClock.unknownWhy();
  }

  /** Closes the keep-alive sockets of this client; do not use it afterwards. Never throws. */
  close(): void {
    this.transport.close();
  }
}

/**
 * One listing page, its paging fields read fail closed (red-team 12 F7, 25 G11): `PageNumber`
 * must be the JSON integer asked for (absent, the string `"1"` or another page: not this page),
 * `TotalCount` a JSON number that is a whole count (absent, `-1`, `null`, `"0"`, `1.5` are not),
 * and not 0 beside items, `PageSize` a positive JSON integer (absent or `"100"` is not) no
 * smaller than the items the page holds, and the page may hold no more items than asked.
 * Otherwise the page is `MalformedReply`: what it holds is not read as a count of changes (never
 * "no changes"). Whether the pages add up to TotalCount is the listing's check
 * (shared/targeting/read.ts `ListingTally`). Source of the fields: docs/reference/webplus-api.md
 * (DescribeAppEnvs reply: PageNumber, PageSize, TotalCount Integer).
 * @throws WebplusResponseError `MalformedReply` (retryable: read again, then recorded)
 */
function toPage<T>(
  action: string,
  body: WebplusBody,
  items: (T | undefined)[],
  page: PageQuery,
  redactor: Redactor,
): Page<T> {
  const list = items.filter((x): x is T => x !== undefined);
  const bad = (why: string) => malformed(action, why, body, redactor);
  const total = body.TotalCount;
  if (!(typeof total === 'number' && Number.isInteger(total) && total >= 0))
    throw bad(
      `TotalCount is ${describeValue(total, 'absent')}, not a whole count: the page's count of items is unknown`,
    );
  if (total === 0 && list.length > 0)
    throw bad(`TotalCount is 0 beside ${list.length} item(s): the counts contradict each other`);
  const echoed = body.PageNumber;
  if (echoed !== page.pageNumber)
    throw bad(
      `PageNumber ${describeValue(echoed, 'absent')} answered for page ${page.pageNumber}: not the page asked for`,
    );
  const size = body.PageSize;
  if (!(typeof size === 'number' && Number.isInteger(size) && size >= 1))
    throw bad(
      `PageSize is ${describeValue(size, 'absent')}, not a whole count of items per page: the page's size is unknown`,
    );
  if (list.length > size)
    throw bad(
      `PageSize ${size} beside ${list.length} item(s): the page holds more than its size, so the paging is unknown`,
    );
  if (list.length > page.pageSize)
    throw bad(
      `${list.length} item(s) on a page of ${page.pageSize} asked: the page holds more than asked, so the paging is unknown`,
    );
  return {
    items: list,
    pageNumber: page.pageNumber,
    pageSize: size,
    totalCount: total,
    requestId: stringOrUndefined(body.RequestId),
  };
}

/**
 * The code of an AbortChange 2xx that does not affirm the abort (see `abortChange`): the
 * executor re-reads the change and decides from what it says.
 */
export const AMBIGUOUS_ABORT_REPLY = 'AmbiguousAbortReply';

/** The names the documented success body's `EnvChange` carries (S1), and no other. */
const ENV_CHANGE_NAMES: ReadonlySet<string> = new Set(['ChangeId', 'EnvId', 'StartTime']);

/** The names the documented AbortChange success body carries (S1), and no other. */
const ABORT_REPLY_NAMES: ReadonlySet<string> = new Set([
  'Code',
  'Message',
  'RequestId',
  'EnvChange',
]);

/**
 * Why an AbortChange reply that readReply let through is not exactly the documented affirmation
 * (`{"Code":"OK","Message":"success","RequestId":"…","EnvChange":{"ChangeId":"wc-…","EnvId":"we-…","StartTime":1557911256210}}`,
 * docs/reference/webplus-api.md "AbortChange", S1), in words for the record; undefined when it is.
 * Checked in this order: the status (exactly 200: a 202 or 206 is not the documented answer),
 * the content type (`application/json`, any parameters: an `text/html` OK is a proxy's page),
 * `Code` (the string `"OK"`), any other name at the top level (`Success`, `HttpStatusCode`,
 * `Error`, `Data`, …: not in the documented body), `Message` (absent or `"success"`),
 * `EnvChange` (an object naming the change; its `EnvId`, when present, a string equal to
 * `envId` when that is known; its `StartTime`, when present, a number or digits), `RequestId`
 * (a non-empty string: every Web+ reply has one).
 * @param body the parsed reply
 * @param expect the change asked for, its environment when known, and the reply's status and
 *   content type
 */
export function abortAffirmationProblem(
  body: WebplusBody,
  expect: {
    changeId: string;
    envId?: string;
    status: number;
    contentType: string;
    /** the later of the two clocks, epoch ms: `StartTime` is judged as a time. @default not judged */
    latestNowMs?: number;
    /**
     * the change's CreateTime as DescribeChange read it, epoch ms (Web+'s clock): a `StartTime`
     * more than the 60 s slack before it is not this change's (red-team 25 G12). @default not judged
     */
    createTime?: number;
  },
): string | undefined {
  if (expect.status !== 200) return `came with HTTP ${expect.status}, not 200`;
  const media = expect.contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (media !== 'application/json')
    return `came as ${JSON.stringify(expect.contentType.slice(0, 60)) || 'no content type'}, not application/json`;
  if (body.Code !== 'OK') return `Code is ${describeValue(body.Code, 'absent')}, not "OK"`;
  const extra = Object.keys(body).find((k) => !ABORT_REPLY_NAMES.has(k));
  if (extra !== undefined)
    return `carried ${JSON.stringify(extra.slice(0, 40))} ${describeValue(body[extra], 'absent')} beside Code "OK" (not in the documented body)`;
  if (body.Message !== undefined && body.Message !== 'success')
    return `Message is ${describeValue(body.Message, 'absent')}, not "success"`;
  const envChange = body.EnvChange;
  if (typeof envChange !== 'object' || envChange === null || Array.isArray(envChange))
    return `EnvChange is ${describeValue(envChange, 'absent')}, not an object`;
  const ec = envChange as Record<string, unknown>;
  // Only the documented names inside EnvChange too: an `Aborted: false` or an `Error` beside
  // them says something the documented body does not (red-team 12b F6).
  const extraInside = Object.keys(ec).find((k) => !ENV_CHANGE_NAMES.has(k));
  if (extraInside !== undefined)
    return `carried EnvChange.${extraInside.slice(0, 40)} ${describeValue(ec[extraInside], 'absent')} (not in the documented body)`;
  if (ec.ChangeId !== expect.changeId)
    return typeof ec.ChangeId === 'string' && ec.ChangeId
      ? `named change ${ec.ChangeId.slice(0, 64)}`
      : `named no change (EnvChange.ChangeId ${describeValue(ec.ChangeId, 'absent')})`;
  if (ec.EnvId !== undefined && typeof ec.EnvId !== 'string')
    return `named environment ${describeValue(ec.EnvId, 'absent')}, not a string`;
  const envIdRead = readReplyField('EnvId', ec.EnvId, 'EnvChange.EnvId');
  if (!envIdRead.ok) return `carried ${envIdRead.message}`;
  if (expect.envId !== undefined && ec.EnvId !== undefined && ec.EnvId !== expect.envId)
    return `named environment ${describeValue(ec.EnvId, 'absent')}, not ${expect.envId}`;
  if (
    ec.StartTime !== undefined &&
    !(typeof ec.StartTime === 'number' && Number.isSafeInteger(ec.StartTime)) &&
    !(typeof ec.StartTime === 'string' && /^[0-9]{1,16}$/.test(ec.StartTime))
  )
    return `carried EnvChange.StartTime ${describeValue(ec.StartTime, 'absent')}, not a time`;
  if (ec.StartTime !== undefined && expect.latestNowMs !== undefined) {
    // The same judgment as every other time (epoch-ms.ts): not before 2001-09-09, not beyond
    // the 60 s slack in the future (red-team 24 F9).
    const why = implausibleTime('EnvChange.StartTime', ec.StartTime, expect.latestNowMs);
    if (why !== undefined) return `carried ${why}: not a plausible time`;
  }
  if (ec.StartTime !== undefined && expect.createTime !== undefined) {
    // Whether it is the change's start or the abort's, it cannot lie before the change was
    // created (both are Web+'s times; the 60 s slack of every time judgment).
    const start = Number(ec.StartTime);
    if (start < expect.createTime - FUTURE_SLACK_MS)
      return `carried EnvChange.StartTime ${start}, ${Math.round((expect.createTime - start) / 1000)} s before the change's CreateTime ${expect.createTime} (slack ${FUTURE_SLACK_MS / 1000} s): not this change's start`;
  }
  // A blank RequestId names no request: it is no RequestId (rt12 L1).
  if (typeof body.RequestId !== 'string' || body.RequestId.trim() === '')
    return 'carried no RequestId (every Web+ reply has one)';
  return undefined;
}

/** The names every Web+ read reply may carry beside its payload (docs/reference/webplus-api.md). */
const ENVELOPE_NAMES = ['Code', 'Message', 'RequestId', 'HostId'] as const;
/** The paging names of a list reply. */
const PAGING_NAMES = ['PageNumber', 'PageSize', 'TotalCount'] as const;

/**
 * The top-level names each Web+ read's documented success body carries, and no other
 * (docs/reference/webplus-api.md, "The change object", "Environment status"; red-team 25 G16).
 * AbortChange has its own, exact list ({@link abortAffirmationProblem}).
 */
export const READ_REPLY_NAMES: Partial<Record<WebplusAction, ReadonlySet<string>>> = {
  DescribeChange: new Set([...ENVELOPE_NAMES, 'Change']),
  DescribeChanges: new Set([...ENVELOPE_NAMES, ...PAGING_NAMES, 'Changes']),
  DescribeAppEnvs: new Set([...ENVELOPE_NAMES, ...PAGING_NAMES, 'AppEnvs']),
  DescribeAppEnvStatus: new Set([...ENVELOPE_NAMES, 'EnvStatus']),
  DescribeApplications: new Set([...ENVELOPE_NAMES, ...PAGING_NAMES, 'Applications']),
};

/**
 * Why a Web+ read reply that readReply let through is not a documented success envelope, in
 * words for the record; undefined when it is (red-team 25 G16: the AbortChange affirmation's
 * rules, for every read). Checked in this order: `Code` the string `"OK"` (not absent, `"200"`,
 * `200`), no name but the action's documented ones (`names`: a `Success`, an `EnvChange` beside
 * `Change`, … is not in the documented body), `Message` absent or `"success"` (`"Change does not
 * exist."` beside `"OK"` says two things), `RequestId` a non-empty string (every Web+ reply has
 * one), `HostId`, when present, a string naming this region's host (`webplus.<regionId>.aliyuncs.com`)
 * or the endpoint's host (an answer from another region's host is not this region's).
 * Ids echoed inside the payload are checked by the caller against the ids asked for
 * (targeting/read.ts, explicit.ts, directory.ts, `toPage`'s PageNumber).
 * @param names the action's top-level names ({@link READ_REPLY_NAMES})
 * @param where the client's region and its endpoint's host name
 */
export function readEnvelopeProblem(
  body: WebplusBody,
  names: ReadonlySet<string>,
  where: { regionId: string; endpointHost: string },
): string | undefined {
  if (body.Code !== 'OK') return `Code is ${describeValue(body.Code, 'absent')}, not "OK"`;
  const extra = Object.keys(body).find((k) => !names.has(k));
  if (extra !== undefined)
    return `carried ${JSON.stringify(extra.slice(0, 40))} ${describeValue(body[extra], 'absent')} beside Code "OK" (not in the documented body)`;
  if (body.Message !== undefined && body.Message !== 'success')
    return `Message is ${describeValue(body.Message, 'absent')}, not "success"`;
  if (typeof body.RequestId !== 'string' || body.RequestId.trim() === '')
    return 'carried no RequestId (every Web+ reply has one)';
  if (body.HostId !== undefined) {
    const host = typeof body.HostId === 'string' ? body.HostId.toLowerCase() : undefined;
    if (host !== `webplus.${where.regionId}.aliyuncs.com` && host !== where.endpointHost)
      return `HostId ${typeof body.HostId === 'string' ? JSON.stringify(body.HostId.slice(0, 80)) : describeValue(body.HostId, 'absent')} is not the host of region ${where.regionId} (webplus.${where.regionId}.aliyuncs.com) nor the endpoint's (${where.endpointHost})`;
  }
  return undefined;
}

/** The host name of an endpoint URL, lower case; '' when it is no URL. */
function hostOf(endpoint: string): string {
  try {
    return new URL(endpoint).hostname.toLowerCase();
  } catch {
    return '';
  }
}

/** Words for a reply value in a record: its JSON type and a short, redacted-safe form. */
function describeValue(value: unknown, absent: string): string {
  if (value === undefined) return absent;
  if (value === null) return 'null';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.slice(0, 40))}`;
  if (typeof value === 'number' || typeof value === 'boolean')
    return `the ${typeof value} ${value}`;
  return Array.isArray(value) ? 'an array' : `an ${typeof value}`;
}

/**
 * The items of a listing reply, read fail closed: a reply without its list (`AppEnvs.AppEnv`,
 * …) is `MalformedReply` unless it says `TotalCount: 0` (an absent list is never read as an empty
 * account), and an item that cannot be identified (no id) makes the whole page malformed rather
 * than silently shorter (red-team 12b: a DescribeAppEnvs without `AppEnvs` swept nothing and
 * recorded nothing).
 * @throws WebplusResponseError `MalformedReply` (retryable: the listing is read again, then its
 *   failure is recorded)
 */
function listItems<T>(
  action: string,
  body: WebplusBody,
  [outer, inner]: [string, string],
  map: (raw: unknown, path: string) => T | undefined,
  redactor: Redactor,
): T[] {
  const wrapper = body[outer];
  const present =
    Array.isArray(wrapper) ||
    (typeof wrapper === 'object' &&
      wrapper !== null &&
      (wrapper as Record<string, unknown>)[inner] !== undefined &&
      (wrapper as Record<string, unknown>)[inner] !== null);
  if (!present) {
    // Only a JSON 0 says the list is empty (a string "0" is not a count: toPage).
    if (body.TotalCount === 0) return [];
    throw malformed(action, `no ${outer}.${inner} list in the reply`, body, redactor);
  }
  const raw = unwrapList(body, outer, inner);
  const items = fieldsOf(action, body, redactor, () =>
    raw.map((item, i) => map(item, `${outer}.${inner}[${i}]`)),
  );
  const unnamed = items.filter((x) => x === undefined).length;
  if (unnamed > 0)
    throw malformed(action, `${unnamed} item(s) of ${outer} without an id`, body, redactor);
  return items as T[];
}

/**
 * Runs a normalizer (./normalize.ts) over a reply; an id or name field it refused
 * (ReplyFieldError: wrong type or form, shared/core/ids.ts `readReplyField`) becomes the
 * action's `MalformedReply`, its message naming the field's path (`DescribeChange: Change.ActionName
 * is an array, not a string`): nothing is read or aborted from that reply.
 * @throws WebplusResponseError `MalformedReply` (retryable)
 */
function fieldsOf<T>(action: string, body: WebplusBody, redactor: Redactor, read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof ReplyFieldError) throw malformed(action, err.message, body, redactor);
    throw err;
  }
}

function malformed(
  action: string,
  what: string,
  body: WebplusBody,
  redactor: Redactor,
): WebplusResponseError {
  return new WebplusResponseError(`${action}: ${what}`, {
    action,
    kind: 'retryable',
    code: 'MalformedReply',
    httpStatus: 200,
    requestId: stringOrUndefined(body.RequestId),
    rawBody: redactor.text(JSON.stringify(body)).slice(0, 2048),
  });
}
