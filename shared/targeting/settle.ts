import type { Settled } from '../model/candidate.js';
import { CallFailedError, DeadlineReachedError } from '../webplus/call-errors.js';
import { describeKind } from '../webplus/describe.js';
import { WebplusError } from '../webplus/errors.js';
import { ListingTooLargeError } from './errors.js';

/**
 * The outcome of a Web+ read that failed: `not_found` for unknown ids (a `not_found` code under
 * HTTP 403 is `failed`, naming the permission: a 403 is not absence), `timeout`
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
    if (e.kind === 'not_found' && e.httpStatus === 403) {
      // A 403 is permission, not absence (red-team 12 F7): Web+'s `ResourceAuthFailed` covers
      // "belongs to another account" and "this role may not read it" alike, so the change may
      // well exist here. Nothing is aborted on it, and the record says what to check.
      return {
        outcome: 'failed',
        detail: `${what}: Web+ answered 403 ${e.code}: permission refused, not proof that the id is absent (another account's, or this role may not read it); nothing is aborted on it: check the RAM policy (docs/ram/webplus.json) and the account`,
        errorCode: e.code,
        errorMessage: e.message,
        webplusRequestId: e.requestId,
      };
    }
    const notFound = e.kind === 'not_found';
    return {
      outcome: notFound ? 'not_found' : 'failed',
      detail: notFound
        ? `${what}: Web+ does not know this id in this account (${e.code})`
        : `${what} failed: ${describeKind(e)}${e.code === 'MalformedReply' || e.message.includes('absence is not proven') ? ` (${e.message})` : ''}`,
      errorCode: e.code,
      errorMessage: e.message,
      webplusRequestId: e.requestId,
    };
  }
  return { outcome: 'failed', detail: `${what} failed: ${String((e as Error)?.message ?? e)}` };
}
