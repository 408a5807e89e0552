import type { Candidate, CandidateSource, Settled } from '../model/candidate.js';
import { MAX_PAGE_SIZE } from '../webplus/actions.js';
import type { WebplusGateway } from '../webplus/gateway.js';
import type { AppEnv, Page } from '../webplus/types.js';
import { ListingTooLargeError } from './errors.js';
import { settledFromError } from './settle.js';

/**
 * Most pages one listing reads (10,000 items at 100 per page), whatever `TotalCount` says:
 * a first page whose TotalCount implies more is refused, never allocated
 * (docs/operator-guide.md, account sizes).
 */
export const MAX_LIST_PAGES = 100;
/** The same bound under its paging name. */
export const MAX_PAGES_PER_LIST = MAX_LIST_PAGES;

/** Everything a list call gave, and what kept it from being whole. */
export interface Listing<T> {
  items: T[];
  /**
   * Set when the list could not be read whole: a later page failed (the pages before it are
   * kept, the rest is unread) or the counts cannot be reconciled (TotalCount says more than the
   * pages give, or the pages add up to more, or disagree). The items read are kept (for the
   * duplicate and claim checks, and to name in-flight ones), but nothing is aborted on the
   * evidence of an incomplete listing (red-team 25 G11); this becomes one record.
   */
  problem?: Settled;
  /** The page number (the request's `PageNumber`) each of `items` came on, in `items`' order. */
  pageOf: number[];
  /**
   * The items whose id had already been read (in the same page or an earlier one), with the
   * page each came on: kept out of `items` (paging counts unique ids) but never dropped
   * silently, since a listing naming one id twice leaves that id's facts unknown (red-team 12
   * H1, L1). Empty when every id came once.
   */
  repeated: { item: T; page: number }[];
}

/**
 * The paging rules of a Web+ list, one page at a time (the one place they live: the sweep's
 * {@link readAllPages} and `doctor`'s first-page reads both go through it):
 * - it asks for `MAX_PAGE_SIZE` items and advances by the items it received: a page shorter
 *   than asked while `TotalCount` says more means the server's page is smaller, so the next
 *   page number is counted in the size that came back (Web+ documents no maximum page size);
 * - the first page's `TotalCount` may not imply more than `MAX_LIST_PAGES` pages
 *   (ListingTooLargeError: none of the listing is acted on);
 * - it is done when it holds exactly `TotalCount` items; every page must carry a TotalCount
 *   and the same one (red-team 25 G11: none, or one that changed, leaves the listing unknown);
 * - items are kept once by `idOf` in `items`; every later item with an id already read (in the
 *   same page or an earlier one) is returned in `repeated` with its page, for the caller to fail
 *   closed on (one id listed twice: which item's facts hold is unknown);
 * - counts that cannot be reconciled (an empty or repeated page while TotalCount says more, more
 *   items than TotalCount, a TotalCount absent or changed between pages, or `MAX_PAGES_PER_LIST`
 *   pages) become `problem` (`PagingUnreconciled`), and so does a later page that failed: the
 *   pages read before it are kept, and the caller relies on none of them for an abort (the
 *   listing is incomplete: red-team 25 G11).
 */
export class ListingTally<T> {
  readonly items: T[] = [];
  /** The page number each of `items` came on. */
  readonly pageOf: number[] = [];
  /** Items whose id had already been read, with their page (see Listing.repeated). */
  readonly repeated: { item: T; page: number }[] = [];
  private readonly seen = new Set<string>();
  /** Offsets already read (page, size, index): a page read again (in another size) repeats none. */
  private readonly positions = new Set<number>();
  /** The page to ask for next (1-based) and its size. */
  pageNumber = 1;
  pageSize = MAX_PAGE_SIZE;
  /** `TotalCount` of the first page (every later page must say the same); undefined before it. */
  total: number | undefined;
  /** The page `total` was read on. */
  private totalPage = 1;
  /** Pages taken so far. */
  pagesRead = 0;

  /**
   * @param action the list action, e.g. `DescribeApplications` (for ListingTooLargeError)
   * @param what words for the records, e.g. `listing environments of wa-…`
   */
  constructor(
    private readonly action: string,
    private readonly what: string,
    private readonly idOf: (item: T) => string,
  ) {}

  /** The listing as read so far, with a problem when the page cap is reached; else undefined. */
  capReached(): Listing<T> | undefined {
    if (this.pagesRead < MAX_PAGES_PER_LIST) return undefined;
    const { items, pageOf, repeated, total } = this;
    return {
      items,
      pageOf,
      repeated,
      problem: {
        outcome: 'failed',
        detail: `${this.what}: stopped after ${MAX_PAGES_PER_LIST} pages (${items.length} item(s)${total !== undefined ? ` of the ${total} TotalCount announced` : ''}); the rest was not read`,
        errorCode: 'PagingUnreconciled',
      },
    };
  }

  /**
   * Takes the page just read (asked as {@link pageNumber} / {@link pageSize}).
   * @returns the listing when it is done (whole, or with the `problem` that ended it);
   *   undefined when more pages are to be read (ask for {@link pageNumber} next)
   * @throws ListingTooLargeError when the FIRST page's TotalCount implies more than
   *   MAX_LIST_PAGES pages
   */
  take(page: Page<T>): Listing<T> | undefined {
    const first = this.pagesRead === 0;
    this.pagesRead += 1;
    const { items, pageOf, repeated } = this;
    const unreconciled = (why: string): Listing<T> => ({
      items,
      pageOf,
      repeated,
      problem: {
        outcome: 'failed',
        detail: `${this.what}: ${why}; the counts cannot be reconciled, the rest was not read`,
        errorCode: 'PagingUnreconciled',
      },
    });
    // The listing is whole only when its items add up to one TotalCount (red-team 25 G11).
    if (page.totalCount === undefined)
      return unreconciled(
        `page ${this.pageNumber} carried no TotalCount, so whether the listing is whole is unknown`,
      );
    if (this.total !== undefined && page.totalCount !== this.total)
      return unreconciled(
        `TotalCount said ${this.total} on page ${this.totalPage} but ${page.totalCount} on page ${this.pageNumber}`,
      );
    if (this.total === undefined) {
      this.total = page.totalCount;
      this.totalPage = this.pageNumber;
    }
    const total = this.total;
    if (first) {
      const pages = Math.ceil(total / Math.max(1, this.pageSize));
      if (!Number.isFinite(pages) || pages > MAX_LIST_PAGES)
        throw new ListingTooLargeError(this.action, total, this.pageSize, MAX_LIST_PAGES);
    }
    let fresh = 0;
    for (const [index, item] of page.items.entries()) {
      const id = this.idOf(item);
      const position = (this.pageNumber - 1) * this.pageSize + index;
      const again = this.positions.has(position);
      this.positions.add(position);
      if (this.seen.has(id)) {
        if (!again) repeated.push({ item, page: this.pageNumber });
        continue;
      }
      this.seen.add(id);
      items.push(item);
      pageOf.push(this.pageNumber);
      fresh += 1;
    }
    if (items.length > total)
      return unreconciled(
        `TotalCount says ${total} but the pages brought ${items.length} item(s) (by page ${this.pageNumber}): the counts contradict each other`,
      );
    if (items.length === total) return { items, pageOf, repeated };
    if (page.items.length === 0 || fresh === 0)
      return unreconciled(
        `TotalCount says ${total} but page ${this.pageNumber} brought ${page.items.length === 0 ? 'nothing' : 'only items already read'} after ${items.length}`,
      );
    // Advance by what came back: a short page while more are announced is the server's size.
    if (page.items.length < this.pageSize) this.pageSize = page.items.length;
    this.pageNumber = Math.floor(items.length / this.pageSize) + 1;
    return undefined;
  }

  /** The listing after a LATER page failed: the pages before it are kept, the rest is unread. */
  failed(err: unknown): Listing<T> {
    const { items, pageOf, repeated, total } = this;
    const failed = settledFromError(err, `${this.what}: page ${this.pageNumber}`);
    return {
      items,
      pageOf,
      repeated,
      problem: {
        ...failed,
        outcome: failed.outcome === 'timeout' ? 'timeout' : 'failed',
        detail: `${failed.detail}; ${items.length} item(s)${total !== undefined ? ` of ${total}` : ''} from the pages before it were used, the rest was not read`,
      },
    };
  }
}

/**
 * Reads a Web+ list page by page by the rules of {@link ListingTally}, trusting neither the
 * echoed `PageSize` nor a short page. Pages are read one after the other (each through the
 * gateway: paced, retried, deadline-bound).
 * @param what words for the records, e.g. `listing environments of wa-…`
 * @throws CallFailedError, DeadlineReachedError when the FIRST page fails (nothing was read);
 *   ListingTooLargeError when the first page's TotalCount implies more than MAX_LIST_PAGES pages
 */
export async function readAllPages<T>(
  gateway: WebplusGateway,
  action: string,
  what: string,
  fetch: (page: { pageNumber: number; pageSize: number }, timeoutMs: number) => Promise<Page<T>>,
  idOf: (item: T) => string,
): Promise<Listing<T>> {
  const tally = new ListingTally(action, what, idOf);
  for (;;) {
    const capped = tally.capReached();
    if (capped) return capped;
    let page: Page<T>;
    try {
      const { pageNumber, pageSize } = tally;
      ({ value: page } = await gateway.call(action, (o) =>
        fetch({ pageNumber, pageSize }, o.timeoutMs),
      ));
    } catch (err) {
      if (tally.pagesRead === 0) throw err;
      return tally.failed(err);
    }
    const done = tally.take(page);
    if (done) return done;
  }
}

/**
 * The candidate for one change of a known environment: DescribeChange with both ids (the docs
 * mark EnvId required), settled as `not_found` / `failed` / `timeout` when the read fails, and
 * `skipped` when the reply is about another ChangeId (its facts are not this change's).
 */
export async function candidateForChange(
  gateway: WebplusGateway,
  ids: { changeId: string; envId: string },
  base: {
    source: CandidateSource;
    reason?: string;
    note?: string;
    appId?: string;
    appIdUnknown?: string;
    envName?: string;
    appName?: string;
    envAborting?: boolean;
    envUnread?: string;
  },
): Promise<Candidate> {
  const { changeId, envId } = ids;
  const regionId = gateway.client.regionId;
  try {
    const { value } = await gateway.call('DescribeChange', (o) =>
      gateway.client.describeChange({ changeId, envId }, o),
    );
    const changeReadAtMs = Date.now();
    if (value.change.changeId !== changeId) {
      // A reply about another change (a proxy's cache, a mix-up): none of its facts are this
      // change's. Unknown, never aborted.
      return {
        ...base,
        regionId,
        changeId,
        envId,
        webplusRequestId: value.requestId,
        settled: {
          outcome: 'skipped',
          detail: `DescribeChange for ${changeId} answered about change ${JSON.stringify(value.change.changeId.slice(0, 64))}: its facts are not this change's; not aborted (fail closed)`,
          ...(value.requestId ? { webplusRequestId: value.requestId } : {}),
        },
      };
    }
    return {
      ...base,
      regionId,
      changeId,
      // The environment it was reached through wins; the policy checks it against the change's own.
      envId,
      change: value.change,
      changeReadAtMs,
      webplusRequestId: value.requestId,
    };
  } catch (err) {
    return { ...base, regionId, changeId, envId, settled: settledFromError(err, 'DescribeChange') };
  }
}

/**
 * What a candidate learns from its environment's `AbortingChange`: the flag when it is a JSON
 * boolean, otherwise `envUnread` naming the field and what was read
 * (`DescribeAppEnvs: AbortingChange is not a JSON boolean (got "false")`), so the record says
 * which fact was unknown (docs/policy.md, "Fail closed").
 */
export function abortingFacts(env: AppEnv): {
  envAborting?: boolean;
  envUnread?: string;
  envApplying?: string;
  envQuiet?: string;
  envApplyingUnread?: string;
} {
  // The environment says a change is being applied, and names it (red-team 12 F2: the policy
  // checks this against the change's own flags).
  const applying =
    env.applyingChange === true && env.latestChangeId
      ? { envApplying: env.latestChangeId }
      : env.applyingChange === false && env.latestChangeId
        ? { envQuiet: env.latestChangeId }
        : env.applyingChange === undefined
          ? // Absent or not a JSON boolean (red-team 26 H1): whether the environment is
            // applying a change is unknown, on every path that read the listing.
            {
              envApplyingUnread: `DescribeAppEnvs: ApplyingChange is absent or not a JSON boolean for ${env.envId}`,
            }
          : {};
  if (env.abortingChange !== undefined) return { envAborting: env.abortingChange, ...applying };
  return {
    envUnread: `DescribeAppEnvs: ${env.abortingUnread ?? 'AbortingChange is not a JSON boolean'} for ${env.envId}`,
    ...applying,
  };
}
