import type { WebplusError } from './errors.js';

/** Words for an error kind, for record details. */
export function describeKind(e: WebplusError): string {
  if (e.code === 'DuplicateKeyReply') {
    // reply.ts: which name the reply repeats; the message starts with the action.
    const why = e.message.startsWith(`${e.action}: `)
      ? e.message.slice(e.action.length + 2)
      : e.message;
    return `${e.action}: ${why}; what it says is unknown, nothing is decided from it`;
  }
  switch (e.kind) {
    case 'clock':
      return `the clock is off by more than 15 minutes (${e.code}); fix the time source`;
    case 'credentials':
      if (e.code === 'UserTypeInvalid')
        return 'Web+ refuses STS keys (UserTypeInvalid: "WebPlus has temporarily disabled the access method of the STS"); this function signs with its role\'s STS keys, so nothing can be read or aborted until Web+ accepts STS again (ask Alibaba Cloud support) or the function runs with a RAM user\'s AccessKey';
      if (e.code === 'UserInvalid')
        return 'Web+ found no usable identity for this account (UserInvalid): check that WebPlus is activated and that its STS authorisation was not cancelled';
      if (e.code === 'TenantInvalid' || e.code === 'AuthMissingUid')
        return `Web+ does not know this account (${e.code})`;
      return `credentials or RAM permissions refused (${e.code})`;
    case 'unavailable':
      return `the Web+ API is not available here (${e.code}${e.httpStatus ? `, HTTP ${e.httpStatus}` : ''}): retired, not activated, or the wrong endpoint`;
    case 'retryable':
      return `transient error (${e.code}), retries spent`;
    default:
      return `${e.code}`;
  }
}
