import { PlatformError } from './errors.js';
import type { PageRequest, PlatformName, PlatformPage } from './platform.js';

/** Pages read at most from one list before it is called endless (100 000 items at 100 a page). */
export const MAX_PAGES = 1000;

/** A list that did not end within `MAX_PAGES`, or a server that answered the same page twice. */
export class EndlessListError extends PlatformError {
  override readonly name = 'EndlessListError';
}

/**
 * Reads a whole list, one page after the other from page 1.
 * - With a total (SAE `TotalSize`, Web+ `TotalCount`): stops once the items received cover it.
 * - Without one (EDAS `ListApplication`): stops only at an EMPTY page. A short page is not
 *   trusted as the last one, because a server that silently caps the page size below the one
 *   asked for (the caps are UNVERIFIED, docs/reference/sae-edas.md §8 item 5) would make every
 *   page "short" and lose the rest. The cost is one extra request.
 * - A total below 0, or 0 beside items, fails the listing (the counts cannot be read).
 * - The counts must reconcile (red-team 25 G11, as the Web+ listings): every page that gives a
 *   total gives the same one, no page holds more entries than the `pageSize` asked, and the
 *   entries received never exceed the total; otherwise the listing fails (`PagingUnreconciled`)
 *   instead of ending early on a total that moved, so no application is silently left out.
 * - A page whose items are exactly the previous page's (a server ignoring the page number)
 *   fails the listing instead of looping: the caller records the scope as unread.
 * @param fetch reads one page (the caller wraps its pacing and retries around it)
 * @param key an item's id, for the repeat check
 * @param pageSize items asked per page
 * @throws EndlessListError (kind `permanent`), and whatever `fetch` throws
 */
export async function readAllPages<T>(
  platform: PlatformName,
  action: string,
  fetch: (page: PageRequest) => Promise<PlatformPage<T>>,
  key: (item: T) => string,
  pageSize: number,
): Promise<T[]> {
  const all: T[] = [];
  let previous = '';
  let seen = 0;
  let total: number | undefined;
  const unreconciled = (pageNumber: number, why: string, requestId?: string) =>
    new EndlessListError(`${action}: page ${pageNumber} ${why}: the counts cannot be read`, {
      platform,
      action,
      kind: 'permanent',
      code: 'PagingUnreconciled',
      httpStatus: 200,
      requestId,
    });
  for (let pageNumber = 1; pageNumber <= MAX_PAGES; pageNumber++) {
    const page = await fetch({ pageNumber, pageSize });
    const listed = page.listed ?? page.items.length;
    if (page.totalCount !== 'unknown') {
      if (total !== undefined && page.totalCount !== total)
        throw unreconciled(
          pageNumber,
          `says the total is ${page.totalCount}, an earlier page said ${total}`,
          page.requestId,
        );
      total = page.totalCount;
    }
    if (listed === 0) {
      if (total !== undefined && seen !== total)
        throw unreconciled(
          pageNumber,
          `is empty after ${seen} of a total of ${total} item(s)`,
          page.requestId,
        );
      return all;
    }
    if (listed > pageSize)
      throw unreconciled(
        pageNumber,
        `holds ${listed} item(s), more than the ${pageSize} asked`,
        page.requestId,
      );
    if (page.totalCount !== 'unknown' && (page.totalCount < 0 || page.totalCount === 0)) {
      // A total of -1, or of 0 beside items, is no count (red-team 12 F7): never read as the
      // list's end or as "no changes".
      throw new EndlessListError(
        `${action}: page ${pageNumber} says the total is ${page.totalCount} beside ${listed} item(s): the counts cannot be read`,
        {
          platform,
          action,
          kind: 'permanent',
          code: 'PagingUnreconciled',
          httpStatus: 200,
          requestId: page.requestId,
        },
      );
    }
    const ids = page.items.map(key).join('\n');
    if (ids !== '' && ids === previous)
      throw new EndlessListError(`${action}: page ${pageNumber} repeats page ${pageNumber - 1}`, {
        platform,
        action,
        kind: 'permanent',
        code: 'PagingNotHonoured',
        httpStatus: 200,
        requestId: page.requestId,
      });
    previous = ids;
    all.push(...page.items);
    seen += listed;
    if (total !== undefined && seen > total)
      throw unreconciled(
        pageNumber,
        `brings the items to ${seen}, more than the total of ${total}`,
        page.requestId,
      );
    if (total !== undefined && seen === total) return all;
  }
  throw new EndlessListError(`${action}: no end after ${MAX_PAGES} pages`, {
    platform,
    action,
    kind: 'permanent',
    code: 'EndlessList',
    httpStatus: 200,
  });
}
