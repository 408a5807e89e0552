import type { WebplusError } from './errors.js';

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
