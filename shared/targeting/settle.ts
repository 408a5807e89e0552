import { CallFailedError, DeadlineReachedError } from '../executor/errors.js';
import { WebplusError } from '../webplus/errors.js';
import type { Settled } from './candidate.js';

/**
 * The outcome of a Web+ read that failed: `not_found` for unknown or foreign ids, `timeout`
 * when the deadline stopped it (the next sweep re-checks), `failed` otherwise.
 * @param what e.g. `DescribeChange` or `listing environments of wa-...`
 */
export function settledFromError(err: unknown, what: string): Settled {
  if (err instanceof DeadlineReachedError) {
    return {
      outcome: 'timeout',
      detail: `${what}: the invocation's deadline came first; the next sweep re-checks`,
      ...(err.lastError
        ? { errorCode: err.lastError.code, errorMessage: err.lastError.message }
        : {}),
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

/** Words for an error kind, for record details. */
export function describeKind(e: WebplusError): string {
  switch (e.kind) {
    case 'clock':
      return `the clock is off by more than 15 minutes (${e.code}); fix the time source`;
    case 'credentials':
      return `credentials or RAM permissions refused (${e.code})`;
    case 'retryable':
      return `transient error (${e.code}), retries spent`;
    default:
      return `${e.code}`;
  }
}
