/**
 * The platform seam: what webplus-abort needs from an application platform that runs
 * deployment changes (Web+ "changes", SAE and EDAS "change orders"), in one small interface.
 *
 * Designed from all three APIs (docs/reference/sae-edas.md, docs/reference/webplus-api.md):
 * - statuses are numbers on SAE/EDAS (`Status: 8`), flags on Web+ (`ChangePaused: true`): the
 *   seam gives a normalized {@link ChangeState} and keeps the platform's raw status text;
 * - "paused-equivalents" differ (Web+ paused; SAE 8 manual batch, 11 approval, 12 queued; EDAS 8);
 * - times come as epoch-ms numbers, epoch-ms strings, or zone-less date strings: the seam gives
 *   epoch ms or `'unknown'`, never 0 and never a guessed time zone;
 * - abort may offer a rollback (SAE and EDAS `AbortAndRollbackChangeOrder`; Web+ has none);
 * - list pages may lack totals (EDAS `ListApplication`): a page says whether another follows.
 *
 * Every method makes exactly one request (one attempt, no retry, no pacing): the caller's
 * gateway paces, retries by {@link PlatformErrorKind} and keeps the deadline. Every failure is a
 * `PlatformError` (./errors.ts).
 *
 * @example
 * ```ts
 * import { saePlatform } from '../sae/platform.js';
 *
 * const sae = saePlatform({ endpoint: 'https://sae.cn-hangzhou.aliyuncs.com', credentials });
 * const apps = await sae.listApps({ pageNumber: 1, pageSize: 100 }, { timeoutMs: 5000 });
 * for (const app of apps.items) {
 *   const found = await sae.findInFlight(app, { pageNumber: 1, pageSize: 100 }, { timeoutMs: 5000 });
 *   for (const ref of found.items) {
 *     const change = await sae.readChange(ref, { timeoutMs: 5000 });
 *     if (change.state === 'in_flight' && change.lastProgressAtMs !== 'unknown') {
 *       // judge it; abort only with a known state and known times
 *       await sae.abortChange(ref, { rollback: false }, { timeoutMs: 5000 });
 *     }
 *   }
 * }
 * sae.close();
 * ```
 */

import type { ListedOrder } from './listing-facts.js';

/** The platforms webplus-abort acts on; also the `platform` field of every outcome record. */
export type PlatformName = 'webplus' | 'sae' | 'edas';

/** Every platform name, in the order the docs list them. */
export const PLATFORM_NAMES: readonly PlatformName[] = ['webplus', 'sae', 'edas'];

/**
 * A change's state, normalized.
 * - `in_flight`: running (or preparing, or between automatic batches): it moves on by itself.
 * - `paused`: waiting for a person (Web+ paused; SAE 8 manual batch confirmation, 11 approval,
 *   12 approved and queued; EDAS 8 manual batch confirmation).
 * - `finished`: succeeded, failed, aborted: nothing to abort.
 * - `unknown`: a status this code does not know or could not read. Never aborted.
 */
export type ChangeState = 'in_flight' | 'paused' | 'finished' | 'unknown';

/** Epoch milliseconds, or `'unknown'` when the platform did not give a readable time. */
export type EpochMsOrUnknown = number | 'unknown';

/** One page to ask for: `pageNumber` is 1-based; `pageSize` in items. */
export interface PageRequest {
  pageNumber: number;
  pageSize: number;
}

/** Per-request options. */
export interface RequestOptions {
  /** Connect + read timeout of this one request, ms. */
  timeoutMs: number;
}

/**
 * One page of a list. Pages may lack totals (EDAS `ListApplication`): `readAllPages`
 * (./paging.ts) then reads until an empty page, so a silently capped page size loses nothing.
 */
export interface PlatformPage<T> {
  items: T[];
  /** Entries in the platform's whole list, when the platform says; `'unknown'` otherwise. */
  totalCount: number | 'unknown';
  /**
   * Entries of the platform's list this page held, before any filtering to `items` (Web+
   * `findInFlight` lists environments and keeps those applying a change).
   * @default items.length
   */
  listed?: number;
  /** The platform's RequestId of this page's reply. */
  requestId?: string;
}

/** An application (Web+ application, SAE application, EDAS application) a sweep looks into. */
export interface PlatformApp {
  platform: PlatformName;
  appId: string;
  appName?: string;
  /** SAE `NamespaceId` (`cn-beijing:demo`), EDAS `RegionId`/`NamespaceId` (logical region). */
  namespaceId?: string;
}

/** Names one change on one platform, with what the finder already knew of it. */
export interface ChangeRef {
  platform: PlatformName;
  /** Web+ ChangeId, SAE or EDAS ChangeOrderId. */
  changeId: string;
  appId?: string;
  /** Web+ only: the environment the change runs in. */
  envId?: string;
  /** True when the listing already showed an abort under way (Web+ `AbortingChange`). */
  aborting?: boolean;
  /**
   * SAE / EDAS `findInFlight` only, set when the listing entry itself does not name the
   * application listed (`appId` above): `appId` the application it names instead (absent: it
   * names none, where docs/reference/sae-edas.md documents one), `field` its path in the reply
   * (`ChangeOrderList.ChangeOrder[0].AppId`, `Data.AppId`), `action` the listing. The listing
   * then says two things about the order: targeting never judges it (red-team 25 G9).
   */
  listedAs?: { action: string; field: string; appId?: string };
  /**
   * SAE / EDAS: what the listing that found the order said of it (./listing-facts.ts): the
   * order's read must agree (red-team 25 G14). Absent when no listing found it (by id).
   */
  listed?: ListedOrder;
}

/** A change as the platform reports it now. */
export interface PlatformChange {
  platform: PlatformName;
  changeId: string;
  appId?: string;
  envId?: string;
  state: ChangeState;
  /**
   * The platform's own status, as text: SAE/EDAS `Status` (`"8"`, with `SubStatus` after a slash
   * when SAE gives one: `"1/1"`), Web+ the flags that decided (`"paused"`, `"running"`, ...).
   * `"(unreadable)"` when the status field was missing or of the wrong type.
   */
  rawStatus: string;
  /** How a finished change ended (SAE/EDAS 2 succeeded, 3 and 10 failed, 6 aborted). */
  finishedAs?: 'succeeded' | 'failed' | 'aborted';
  /** True while an abort of this change is under way; `'unknown'` when the platform cannot say. */
  aborting: boolean | 'unknown';
  /** When the change started (Web+ CreateTime; SAE/EDAS first batch StartTime). */
  startedAtMs: EpochMsOrUnknown;
  /** Its last recorded progress (Web+ UpdateTime; SAE/EDAS latest batch UpdateTime). */
  lastProgressAtMs: EpochMsOrUnknown;
  /** Web+ ActionName, SAE/EDAS `CoTypeCode` (`CoDeploy`, ...). */
  changeType?: string;
  description?: string;
  /** The platform says the change can be rolled back (SAE/EDAS `SupportRollback`). */
  supportsRollback: boolean | 'unknown';
  /** The platform's RequestId of the read. */
  requestId?: string;
  /**
   * SAE / EDAS: fields of the read that are unreadable or contradict the rest of it, each a
   * phrase naming the field (shared/platform/parse.ts `orderReplyFaults`). A change with any is
   * never aborted (`skipped`, naming them) and never taken as proof of an abort. @default none
   */
  replyFaults?: readonly string[];
  /**
   * SAE / EDAS: the read's own values of the fields a listing also gives (by the read's names,
   * as they came: `Status`, `CreateTime`, ...), for ./listing-facts.ts. @default none
   */
  readFacts?: Readonly<Record<string, unknown>>;
  /**
   * SAE / EDAS: where the listing that found the order and its read disagree, or the listing
   * contradicts itself (red-team 25 G14), each naming the field and both values. A change with
   * any is never aborted (`skipped`). @default none
   */
  listingFaults?: readonly string[];
  /**
   * SAE / EDAS: why `startedAtMs` / `lastProgressAtMs` are `'unknown'` when the batch times
   * contradict each other (parse.ts `batchSpan`). @default none
   */
  timesWhy?: string;
  /**
   * SAE / EDAS: `CreateTime` (zone-less) read as if UTC, epoch ms; the instant is within
   * −14 h / +12 h of it (parse.ts `WALL_TIME_EAST_MS`). @default absent or unreadable
   */
  createdWallMs?: number;
}

/** What an accepted abort returned. */
export interface AbortAccepted {
  changeId: string;
  /** True when the abort asked for a rollback too (`AbortAndRollbackChangeOrder`). */
  rollback: boolean;
  requestId?: string;
}

/** What a platform can do beyond the common calls. */
export interface PlatformCapabilities {
  /** The platform can abort and roll back in one call. */
  rollback: boolean;
}

/**
 * One platform in one region with one invocation's credentials. Build one per invocation and
 * `close()` it at the end (its keep-alive sockets die with it).
 */
export interface ChangePlatform {
  readonly name: PlatformName;
  readonly capabilities: PlatformCapabilities;

  /**
   * One page of the applications in the account and region.
   * @throws PlatformError
   */
  listApps(page: PageRequest, opts: RequestOptions): Promise<PlatformPage<PlatformApp>>;

  /**
   * One page of the changes of `app` that may be in flight (paused and unknown ones included:
   * the read decides). SAE and EDAS answer in one page.
   * @throws PlatformError
   */
  findInFlight(
    app: PlatformApp,
    page: PageRequest,
    opts: RequestOptions,
  ): Promise<PlatformPage<ChangeRef>>;

  /**
   * The change now.
   * @throws PlatformError (`not_found` for an unknown or foreign id)
   */
  readChange(ref: ChangeRef, opts: RequestOptions): Promise<PlatformChange>;

  /**
   * Asks the platform to abort the change (and roll it back when `rollback` is true and the
   * platform has it).
   * @throws PlatformError: `already_finished` when the change no longer runs,
   *   `already_aborting`, `not_found`, `permanent` for a rollback the platform lacks, ...
   */
  abortChange(
    ref: ChangeRef,
    how: { rollback: boolean },
    opts: RequestOptions,
  ): Promise<AbortAccepted>;

  /**
   * The platform's clock minus the function's, ms (positive: the platform is ahead), from the
   * latest reply's `Date` header (shared/webplus/server-clock.ts); undefined before any reply
   * with a readable one.
   */
  clockSkewMs(): number | undefined;

  /**
   * Why the platform's clock is unknown although replies carried `Date` headers (two of them
   * disagreed: server-clock.ts), in words; undefined otherwise. @default none (not measured)
   */
  clockUnknownWhy?(): string | undefined;

  /** Closes the keep-alive sockets. */
  close(): void;
}
