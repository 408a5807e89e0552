import type { Credentials } from '../core/credentials.js';
import { PlatformError, type PlatformErrorKind } from '../platform/errors.js';
import { epochMs } from '../platform/parse.js';
import type {
  AbortAccepted,
  ChangePlatform,
  ChangeRef,
  ChangeState,
  PageRequest,
  PlatformApp,
  PlatformChange,
  PlatformPage,
  RequestOptions,
} from '../platform/platform.js';
import { type CallObserver, WebplusClient } from './client.js';
import { WebplusError } from './errors.js';
import type { Change } from './types.js';

/** What a Web+ platform needs. */
export interface WebplusPlatformOptions {
  /** e.g. `https://webplus.cn-hangzhou.aliyuncs.com` (endpoints.ts) */
  endpoint: string;
  /** the region sent on every call (`x-acs-region-id`, `RegionId`); default `cn-hangzhou` */
  regionId?: string;
  credentials: Credentials;
  observe?: CallObserver;
}

/**
 * Web+ as a {@link ChangePlatform}, over the existing {@link WebplusClient} (unchanged):
 * DescribeApplications pages, DescribeAppEnvs pages per application (environments applying a
 * change give their `LatestChangeId`), DescribeChange, AbortChange. Web+ has no rollback.
 * Every WebplusError becomes a PlatformError of the matching kind (`credentials` and `clock`
 * are `auth`; a retryable error that may have landed is `ambiguous`; `Throttling*` is
 * `throttled`).
 * @example
 * ```ts
 * const webplus = webplusPlatform({ endpoint, credentials });
 * const change = await webplus.readChange({ platform: 'webplus', changeId }, { timeoutMs: 5000 });
 * ```
 */
export function webplusPlatform(options: WebplusPlatformOptions): ChangePlatform {
  const client = new WebplusClient(
    { regionId: options.regionId ?? 'cn-hangzhou', endpoint: options.endpoint },
    options.credentials,
    options.observe,
  );
  return {
    name: 'webplus',
    capabilities: { rollback: false },

    listApps: (page: PageRequest, opts: RequestOptions) =>
      mapped(async (): Promise<PlatformPage<PlatformApp>> => {
        const got = await client.describeApplications(page, opts);
        return {
          items: got.items.map((a) => ({
            platform: 'webplus',
            appId: a.appId,
            appName: a.appName,
          })),
          totalCount: got.totalCount ?? 'unknown',
          requestId: got.requestId,
        };
      }),

    findInFlight: (app: PlatformApp, page: PageRequest, opts: RequestOptions) =>
      mapped(async (): Promise<PlatformPage<ChangeRef>> => {
        const got = await client.describeAppEnvs({ appId: app.appId }, page, opts);
        const items: ChangeRef[] = got.items
          .filter((e) => e.applyingChange && e.latestChangeId)
          .map((e) => ({
            platform: 'webplus',
            changeId: e.latestChangeId!,
            envId: e.envId,
            appId: e.appId || app.appId,
            aborting: e.abortingChange,
          }));
        return {
          items,
          totalCount: got.totalCount ?? 'unknown',
          listed: got.items.length,
          requestId: got.requestId,
        };
      }),

    readChange: (ref: ChangeRef, opts: RequestOptions) =>
      mapped(async () => {
        if (!ref.envId)
          throw new PlatformError(
            'DescribeChange: the EnvId is unknown (the docs mark it required)',
            {
              platform: 'webplus',
              action: 'DescribeChange',
              kind: 'permanent',
              code: 'EnvIdUnknown',
              httpStatus: 0,
            },
          );
        const { change, requestId } = await client.describeChange(
          { changeId: ref.changeId, envId: ref.envId },
          opts,
        );
        return webplusChange(change, ref, requestId);
      }),

    async abortChange(
      ref: ChangeRef,
      how: { rollback: boolean },
      opts: RequestOptions,
    ): Promise<AbortAccepted> {
      if (how.rollback)
        throw new PlatformError('AbortChange: Web+ has no abort with rollback', {
          platform: 'webplus',
          action: 'AbortChange',
          kind: 'permanent',
          code: 'RollbackUnsupported',
          httpStatus: 0,
        });
      return mapped(async () => {
        const result = await client.abortChange(ref.changeId, opts);
        return { changeId: result.changeId, rollback: false, requestId: result.requestId };
      });
    },

    clockSkewMs: () => client.clockSkewMs(),
    clockUnknownWhy: () => client.clockUnknownWhy(),
    close: () => client.close(),
  };
}

/** The normalized view of a Web+ Change. A CreateTime of 0 (absent) is unknown. */
export function webplusChange(change: Change, ref: ChangeRef, requestId?: string): PlatformChange {
  const state: ChangeState = change.finished ? 'finished' : change.paused ? 'paused' : 'in_flight';
  const rawStatus = change.finished
    ? change.aborted
      ? 'finished/aborted'
      : change.succeed
        ? 'finished/succeeded'
        : 'finished/failed'
    : change.paused
      ? 'paused'
      : 'running';
  return {
    platform: 'webplus',
    changeId: change.changeId,
    appId: ref.appId,
    envId: change.envId || ref.envId,
    state,
    rawStatus,
    ...(change.finished
      ? { finishedAs: change.aborted ? 'aborted' : change.succeed ? 'succeeded' : 'failed' }
      : {}),
    aborting: change.finished ? false : (ref.aborting ?? 'unknown'),
    startedAtMs: epochMs(change.createTime),
    lastProgressAtMs: epochMs(change.updateTime),
    changeType: change.actionName || undefined,
    description: change.changeDescription,
    supportsRollback: false,
    requestId,
  };
}

/** The platform kind of a WebplusError. */
export function webplusKind(e: WebplusError): PlatformErrorKind {
  switch (e.kind) {
    case 'credentials':
    case 'clock':
      return 'auth';
    case 'unavailable':
      return 'api_unavailable';
    case 'retryable':
      if (e.ambiguous) return 'ambiguous';
      return e.code.startsWith('Throttling') ? 'throttled' : 'retryable';
    case 'permanent':
      // An AbortChange 2xx that does not affirm the abort: re-read, never re-sent.
      return e.ambiguous ? 'unconfirmed' : 'permanent';
    default:
      return e.kind;
  }
}

async function mapped<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (!(err instanceof WebplusError)) throw err;
    throw new PlatformError(err.message, {
      platform: 'webplus',
      action: err.action,
      kind: webplusKind(err),
      code: err.code,
      httpStatus: err.httpStatus,
      requestId: err.requestId,
      rawBody: err.rawBody,
      cause: err,
    });
  }
}
