import { WebplusAbortError } from '../core/errors.js';

/**
 * A Web+ list whose `TotalCount` implies more pages than the cap: none of it is read (fail
 * closed: an absurd count is not trusted, and reading it would not fit in memory or time).
 */
export class ListingTooLargeError extends WebplusAbortError {
  override readonly name = 'ListingTooLargeError';
  constructor(
    readonly action: string,
    readonly totalCount: number,
    readonly pageSize: number,
    readonly maxPages: number,
  ) {
    super(
      `${action}: TotalCount ${totalCount} implies ${Math.ceil(totalCount / pageSize)} pages of ${pageSize}, more than the ${maxPages}-page cap; nothing of this listing is acted on`,
    );
  }
}

/**
 * A page of a Web+ list that the paging rules refuse (shared/targeting/read.ts `ListingTally`:
 * counts that cannot be reconciled), thrown where a caller reads a single page (`doctor`) rather
 * than recording the listing's problem. `code`: the record's errorCode (`PagingUnreconciled`).
 */
export class ListingUnreadableError extends WebplusAbortError {
  override readonly name = 'ListingUnreadableError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}
