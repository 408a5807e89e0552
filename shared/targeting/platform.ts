import { parseId } from '../core/ids.js';
import type { Candidate, Settled } from '../model/candidate.js';
import type { PlatformRequest } from '../model/request.js';
import { PlatformError } from '../platform/errors.js';
import {
  PlatformCallError,
  PlatformDeadlineError,
  type PlatformGateway,
} from '../platform/gateway.js';
import { listingDisagreements } from '../platform/listing-facts.js';
import { readAllPages } from '../platform/paging.js';
import type { ChangeRef, PlatformApp, PlatformChange } from '../platform/platform.js';

/** Items asked per list page of SAE / EDAS. */
const PAGE_SIZE = 100;

/**
 * The candidates of an SAE / EDAS request, read through the platform seam (one request per
 * seam call, paced and retried by the gateway):
 * - sweep: the applications (`appIds`, else the policy's `sweepAppIds`, else every page of
 *   `listApps`), each application's orders that may be in flight (`findInFlight`), and each of
 *   those read (`readChange`);
 * - manual / alarm: each named ChangeOrderId read; each named application's in-flight orders
 *   read, or one settled candidate when it has none (`ignored` for an alarm, `skipped` for an
 *   operator).
 * A read that fails becomes one settled candidate naming the id, so nothing is lost.
 * @param onCandidate called with each candidate as soon as its read (or failure) ends, before
 *   the whole list resolves: the caller writes the records that need no wait (issue 11, records
 *   streamed). Every candidate it sees is also in the resolved list.
 */
export async function platformCandidates(
  gateway: PlatformGateway,
  request: PlatformRequest,
  sweepAppIds: readonly string[] | undefined,
  onCandidate: (candidate: Candidate) => void = () => {},
): Promise<Candidate[]> {
  const platform = request.platform;
  const base = {
    source: request.source,
    platform,
    ...(request.reason ? { reason: request.reason } : {}),
    ...(request.note ? { note: request.note } : {}),
  } as const;
  const seen = (c: Candidate): Candidate => {
    onCandidate(c);
    return c;
  };
  const read = async (ref: ChangeRef, claimed = false): Promise<Candidate> =>
    seen(await readOne(ref, claimed));
  /**
   * `claimed`: `ref.appId` comes from outside (an event's `data.appId`), not from a listing of
   * that application: it is no fact about the order until the platform says so. The order is
   * read without it (EDAS GetChangeOrderInfo carries no AppId, and its view would otherwise
   * echo the claim), and when the read names no application, the claimed application's
   * listing (ListRecentChangeOrder / DescribeApplicationStatus, docs/reference/sae-edas.md)
   * must list the order; else it is `skipped` naming the unproven pair (red-team s24 F15).
   */
  const readAction = platform === 'sae' ? 'DescribeChangeOrder' : 'GetChangeOrderInfo';
  /**
   * The read with what the listing that found it said (red-team 25 G14): every field both give
   * must agree, and the listing must not contradict itself; else `listingFaults` names them
   * (decidePlatform: `skipped`).
   */
  const checkedAgainst = (listed: ChangeRef['listed'], value: PlatformChange): PlatformChange => {
    if (!listed) return value;
    const faults = listingDisagreements(listed, value.readFacts ?? {}, readAction);
    return faults.length > 0
      ? { ...value, listingFaults: [...(value.listingFaults ?? []), ...faults] }
      : value;
  };
  const readOne = async (ref: ChangeRef, claimed: boolean): Promise<Candidate> => {
    try {
      let { value } = await gateway.call(
        platform === 'sae' ? 'DescribeChangeOrder' : 'GetChangeOrderInfo',
        (o) =>
          gateway.platform.readChange(
            claimed ? { platform: ref.platform, changeId: ref.changeId } : ref,
            o,
          ),
      );
      value = checkedAgainst(ref.listed, value);
      if (claimed && ref.appId && value.appId === undefined) {
        const proof = await listedUnder(ref.appId, ref.changeId);
        if (typeof proof === 'string')
          return {
            ...base,
            changeId: ref.changeId,
            appId: ref.appId,
            settled: {
              outcome: 'skipped',
              detail: `the request names application ${ref.appId} for change order ${ref.changeId}, but ${proof}: the order's application is unknown; not aborted (fail closed)`,
              ...(value.requestId ? { webplusRequestId: value.requestId } : {}),
            },
          };
        // The listing that proves the application must agree with the read too.
        value = { ...checkedAgainst(proof.listed, value), appId: ref.appId };
      }
      if (ref.appId && value.appId && ref.appId !== value.appId)
        // Not the change the request meant (or the platform answers two things): never acted on.
        return {
          ...base,
          changeId: ref.changeId,
          appId: ref.appId,
          settled: {
            outcome: 'skipped',
            detail: `ambiguous application: change order ${ref.changeId} was found under ${ref.appId}, but its own read names ${value.appId}`,
            ...(value.requestId ? { webplusRequestId: value.requestId } : {}),
          },
        };
      const said = value.appId;
      const parsed = said === undefined ? undefined : parseId('PlatformAppId', said);
      if (parsed !== undefined && !(parsed.ok && parsed.id === said))
        // An AppId that is not a lower-case UUID cannot be matched against protect or apps.
        return {
          ...base,
          changeId: ref.changeId,
          ...(ref.appId ? { appId: ref.appId } : {}),
          settled: {
            outcome: 'skipped',
            detail: `AppId ${JSON.stringify(String(said).slice(0, 60))} of change order ${ref.changeId} is not an application id (a lower-case UUID): its application is unknown; not aborted (fail closed)`,
            ...(value.requestId ? { webplusRequestId: value.requestId } : {}),
          },
        };
      const appId = value.appId ?? ref.appId;
      return {
        ...base,
        changeId: ref.changeId,
        ...(appId ? { appId } : {}),
        platformChange: { ...value, ...(appId ? { appId } : {}) },
        ...(value.requestId ? { webplusRequestId: value.requestId } : {}),
      };
    } catch (err) {
      return {
        ...base,
        changeId: ref.changeId,
        ...(ref.appId ? { appId: ref.appId } : {}),
        settled: settledFrom(err, `reading change order ${ref.changeId}`),
      };
    }
  };
  /**
   * `appId`'s in-flight listing's entry for `changeId`, when that entry itself names `appId`;
   * else why none (one clause, red-team 25 G9: an entry naming another application, or none,
   * proves nothing).
   */
  const listedUnder = async (appId: string, changeId: string): Promise<ChangeRef | string> => {
    const action = platform === 'sae' ? 'DescribeApplicationStatus' : 'ListRecentChangeOrder';
    try {
      const refs = await readAllPages(
        platform,
        'findInFlight',
        (page) =>
          gateway
            .call(action, (o) => gateway.platform.findInFlight({ platform, appId }, page, o))
            .then((r) => r.value),
        (r) => r.changeId,
        PAGE_SIZE,
      );
      const hit = refs.find((r) => r.changeId === changeId);
      if (hit?.listedAs) return `${listingFault(hit, appId, 'it')}: the listing contradicts itself`;
      return (
        hit ?? `${action}(${appId}) does not list it as one of that application's orders in flight`
      );
    } catch (err) {
      return `${action}(${appId}), which would place it, failed (${settledFrom(err, 'listing').detail})`;
    }
  };
  const inFlightOf = async (app: PlatformApp): Promise<Candidate[]> => {
    let refs: ChangeRef[];
    try {
      refs = await readAllPages(
        platform,
        'findInFlight',
        (page) =>
          gateway
            .call(platform === 'sae' ? 'DescribeApplicationStatus' : 'ListRecentChangeOrder', (o) =>
              gateway.platform.findInFlight(app, page, o),
            )
            .then((r) => r.value),
        (r) => r.changeId,
        PAGE_SIZE,
      );
    } catch (err) {
      return [
        seen({
          ...base,
          appId: app.appId,
          settled: settledFrom(err, `listing the change orders of ${app.appId}`),
        }),
      ];
    }
    if (refs.length === 0) {
      if (request.source === 'sweep') return [];
      return [
        seen({
          ...base,
          appId: app.appId,
          settled: {
            outcome: request.source === 'alarm' ? 'ignored' : 'skipped',
            detail: `${platform} application ${app.appId} has no change order in flight`,
          },
        }),
      ];
    }
    return Promise.all(
      refs.map((r) =>
        r.listedAs
          ? // The listing says the order is another application's (or names none): never judged
            // as this application's, nor read as the other's (red-team 25 G9).
            Promise.resolve(
              seen({
                ...base,
                changeId: r.changeId,
                appId: app.appId,
                settled: {
                  outcome: 'skipped',
                  detail: `${listingFault(r, app.appId, `change order ${r.changeId}`)}: ${CONTRADICTED}`,
                },
              }),
            )
          : read(r),
      ),
    );
  };

  if (request.source !== 'sweep') {
    const byOrder = request.changeOrderIds.map((id) =>
      read(
        {
          platform,
          changeId: id,
          // An event naming the order and its application: the order must be in that
          // application, proven by the platform (readOne), never taken from the event.
          ...(request.expectAppId ? { appId: request.expectAppId } : {}),
        },
        request.expectAppId !== undefined,
      ),
    );
    const byApp = (request.appIds ?? []).map((appId) => inFlightOf({ platform, appId }));
    return [...(await Promise.all(byOrder)), ...(await Promise.all(byApp)).flat()];
  }
  let apps: PlatformApp[];
  const scope = request.appIds ?? (sweepAppIds ? [...sweepAppIds] : undefined);
  if (scope) apps = scope.map((appId) => ({ platform, appId }));
  else {
    try {
      apps = await readAllPages(
        platform,
        'listApps',
        (page) =>
          gateway
            .call(platform === 'sae' ? 'ListApplications' : 'ListApplication', (o) =>
              gateway.platform.listApps(page, o),
            )
            .then((r) => r.value),
        (a) => a.appId,
        PAGE_SIZE,
      );
    } catch (err) {
      return [seen({ ...base, settled: settledFrom(err, `listing ${platform} applications`) })];
    }
  }
  return (await Promise.all(apps.map(inFlightOf))).flat();
}

const CONTRADICTED =
  "the listing contradicts itself: the order's application is unknown; not aborted (fail closed)";

/**
 * What a listing entry with `listedAs` says, one clause: `ListRecentChangeOrder(A) lists <order>
 * with AppId B (ChangeOrderList.ChangeOrder[0].AppId), not A` or `... with no AppId (<field> is
 * absent)`.
 */
function listingFault(ref: ChangeRef, listedApp: string, order: string): string {
  const l = ref.listedAs!;
  return l.appId === undefined
    ? `${l.action}(${listedApp}) lists ${order} with no AppId (${l.field} is absent)`
    : `${l.action}(${listedApp}) lists ${order} with AppId ${l.appId} (${l.field}), not ${listedApp}`;
}

/**
 * The outcome of a failed read: `not_found` for an unknown or foreign id, `timeout` when the
 * deadline stopped it (the next sweep re-checks), `failed` otherwise (the detail names the kind).
 */
export function settledFrom(err: unknown, what: string): Settled {
  if (err instanceof PlatformDeadlineError)
    return {
      outcome: 'timeout',
      detail: `${what}: the invocation's deadline came first; the next sweep re-checks`,
      ...(err.lastError
        ? { errorCode: err.lastError.code, errorMessage: err.lastError.message }
        : {}),
    };
  const e = err instanceof PlatformCallError ? err.error : err;
  if (e instanceof PlatformError)
    return {
      outcome: e.kind === 'not_found' ? 'not_found' : 'failed',
      detail:
        e.kind === 'not_found'
          ? `${what}: ${e.platform} does not know this id in this account (${e.code})`
          : e.code === 'DuplicateKeyReply'
            ? `${what} failed: ${e.message}; what it says is unknown, nothing is decided from it`
            : e.message.includes('absence is not proven')
              ? `${what} failed: ${e.message}; nothing is aborted on it`
              : // A MalformedReply's message names what could not be read (the field's path,
                // shared/core/ids.ts readReplyField): the record says it, as Web+'s do (settle.ts).
                e.code === 'MalformedReply'
                ? `${what} failed: ${e.kind} (${e.code}: ${e.message})`
                : `${what} failed: ${e.kind} (${e.code})`,
      errorCode: e.code,
      errorMessage: e.rawBody ? `${e.message} | body: ${e.rawBody}` : e.message,
      ...(e.requestId ? { webplusRequestId: e.requestId } : {}),
    };
  return { outcome: 'failed', detail: `${what} failed: ${String((e as Error)?.message ?? e)}` };
}
