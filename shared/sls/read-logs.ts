import type { SlsAdmin } from './admin-client.js';
import { SlsApiError } from './errors.js';

/** GetLogs returns at most this many logs per call (Log Service API reference, GetLogs `line`). */
export const GETLOGS_MAX_LINES = 100;
/** Pages read before giving up on an `Incomplete` answer (each retried after a short pause). */
const INCOMPLETE_RETRIES = 3;

export interface ReadLogsOptions {
  logstore: string;
  /** Epoch seconds, inclusive. */
  from: number;
  /** Epoch seconds, exclusive. */
  to: number;
  /** A search statement (no analytics), e.g. `outcome: "aborted"`. */
  query: string;
  /**
   * Most logs returned: the newest ones when set (counting only those `accept` keeps). Default:
   * all in the range.
   */
  limit?: number;
  /**
   * Called once per log, in reading order (newest first when `limit` is set): only the logs it
   * returns true for are returned and count toward `limit`, so a log stored twice (an
   * at-least-once writer retried after a slow success) or one a filter the query cannot express
   * drops never makes the answer shorter than `limit` while more logs are in the range: further
   * pages are read. Default: every log is kept.
   */
  accept?: (log: Record<string, string>) => boolean;
  /** Pages read at most (a guard against an endless range). Default 1000 (100,000 logs). */
  maxPages?: number;
  /** Pause before re-reading an Incomplete page, ms. Default 500. */
  retryPauseMs?: number;
}

/**
 * Reads the logs of a time range page by page (100 per GetLogs), newest first when `limit` is
 * set (so the newest `limit` that `accept` keeps are returned: pages are read until that many
 * are kept or the range ends), oldest first otherwise; returns them oldest first.
 * An `Incomplete` page is read again (up to 3 times), then refused: a partial answer is never
 * shown as if it were all.
 * @throws SlsApiError (`Incomplete`, `TooManyPages`, or the call's own error)
 */
export async function readLogs(
  admin: SlsAdmin,
  options: ReadLogsOptions,
): Promise<Record<string, string>[]> {
  const newestFirst = options.limit !== undefined;
  const want = options.limit ?? Number.POSITIVE_INFINITY;
  const maxPages = options.maxPages ?? 1000;
  const accept = options.accept ?? (() => true);
  const out: Record<string, string>[] = [];
  for (let page = 0; out.length < want; page++) {
    if (page >= maxPages) {
      throw new SlsApiError(
        `more than ${maxPages * GETLOGS_MAX_LINES} logs in the range: narrow it (--since) or set --limit`,
        'TooManyPages',
      );
    }
    // Whole pages, so that the offset of page n is n × 100 whatever `accept` keeps.
    const line = GETLOGS_MAX_LINES;
    let result = await admin.getLogs(options.logstore, {
      from: options.from,
      to: options.to,
      query: options.query,
      line,
      offset: page * GETLOGS_MAX_LINES,
      reverse: newestFirst,
    });
    for (let retry = 0; result.progress !== 'Complete' && retry < INCOMPLETE_RETRIES; retry++) {
      await new Promise((resolve) => setTimeout(resolve, options.retryPauseMs ?? 500));
      result = await admin.getLogs(options.logstore, {
        from: options.from,
        to: options.to,
        query: options.query,
        line,
        offset: page * GETLOGS_MAX_LINES,
        reverse: newestFirst,
      });
    }
    if (result.progress !== 'Complete') {
      throw new SlsApiError(
        `GetLogs ${options.logstore}: SLS answered ${result.progress} ${INCOMPLETE_RETRIES + 1} times; try again`,
        'Incomplete',
      );
    }
    for (const log of result.logs) {
      if (out.length >= want) break;
      if (accept(log)) out.push(log);
    }
    if (result.logs.length < line) break;
  }
  return newestFirst ? out.reverse() : out;
}
