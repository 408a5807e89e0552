/**
 * Paging of Web+ list calls: `PageNumber` (1-based, default 1) and `PageSize` (default 10, the
 * documented default of DescribeAppEnvs; Web+ documents no maximum, the sandbox cuts to the
 * scenario's `pageSizeMax`). Source: docs/reference/webplus-api.md.
 */
import { WebplusApiError } from './errors.js';

export interface PageRequest {
  pageNumber: number;
  /** effective size, already cut to pageSizeMax */
  pageSize: number;
  /** the size the request asked for (what a server that caps silently echoes) */
  askedPageSize: number;
  /** items to skip */
  offset: number;
}

function positiveInt(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new WebplusApiError(
      400,
      'InvalidParameter',
      `Specified parameter ${name} is not valid: ${raw}.`,
    );
  return n;
}

/**
 * Read PageNumber / PageSize from a decoded query.
 * @throws WebplusApiError 400 InvalidParameter when either is not a positive integer
 */
export function pageRequest(
  query: Readonly<Record<string, string>>,
  pageSizeMax: number,
  defaultPageSize = 10,
): PageRequest {
  const pageNumber = positiveInt('PageNumber', query['PageNumber'], 1);
  const askedPageSize = positiveInt('PageSize', query['PageSize'], defaultPageSize);
  const pageSize = Math.min(askedPageSize, pageSizeMax);
  return { pageNumber, pageSize, askedPageSize, offset: (pageNumber - 1) * pageSize };
}
