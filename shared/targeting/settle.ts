import type { Settled } from '../model/candidate.js';
import { CallFailedError, DeadlineReachedError } from '../webplus/call-errors.js';
import { describeKind } from '../webplus/describe.js';
import { WebplusError } from '../webplus/errors.js';
import { ListingTooLargeError } from './errors.js';

/**
 * The outcome of a Web+ read that failed: `not_found` for unknown or foreign ids, `timeout`
 * when the deadline stopped it (the next sweep re-checks), `failed` otherwise.
 * @param what e.g. `DescribeChange` or `listing environments of wa-...`
 */
export function settledFromError(err: unknown, what: string): Settled {
  if (err instanceof DeadlineReachedError) {
    return {
      outcome: 'timeout',
      detail: `${what}: the invocation's deadline came first${err.why ? ` (${err.why})` : ''}; the next sweep re-checks`,
      ...(err.lastError
        ? { errorCode: err.lastError.code, errorMessage: err.lastError.message }
        : {}),
      ...(err.attempts === 0 ? { unsent: true } : {}),
    };
  }
  if (err instanceof ListingTooLargeError) {
    return {
      outcome: 'failed',
      detail: `${what} failed: ${err.message}`,
      errorCode: 'ListingTooLarge',
    };
  }
  const e = err instanceof CallFailedError ? err.error : err;
  if (e instanceof WebplusError) {
    const notFound = e.kind === 'not_found';
    return {
      outcome: notFound ? 'not_found' : 'failed',
      detail: notFound
        ? `${what}: Web+ does not know this id in this account (${e.code})`
        : `${what} failed: ${describeKind(e)}`,
      errorCode: e.code,
      errorMessage: e.message,
      webplusRequestId: e.requestId,
    };
  }
  return { outcome: 'failed', detail: `${what} failed: ${String((e as Error)?.message ?? e)}` };
}
