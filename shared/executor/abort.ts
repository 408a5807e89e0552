import { CallFailedError, DeadlineReachedError } from '../webplus/call-errors.js';
import { describeKind } from '../webplus/describe.js';
import type { WebplusError } from '../webplus/errors.js';
import type { WebplusGateway } from '../webplus/gateway.js';
import type { AbortChangeResult } from '../webplus/types.js';

/** How one AbortChange (with its retries) ended. */
export interface AbortResult {
  outcome: 'aborted' | 'already_aborting' | 'already_finished' | 'not_found' | 'failed' | 'timeout';
  detail: string;
  attempts: number;
  errorCode?: string;
  errorMessage?: string;
  webplusRequestId?: string;
}

/**
 * Aborts one change: AbortChange with retries by error kind, paced, inside the deadline.
 * `ChangeOnAborting` and `ChangeFinished` are normal ends, not failures. After an ambiguous
 * failure (timeout, reset: the request may have reached Web+) the change is re-read before
 * retrying, so an abort that happened is recorded as `aborted`.
 * Never throws.
 */
export async function abortChange(
  gateway: WebplusGateway,
  changeId: string,
  envId: string | undefined,
): Promise<AbortResult> {
  let attempts = 0;
  try {
    const { value, attempts: n } = await gateway.call<
      AbortChangeResult | { confirmedByRead: true }
    >(
      'AbortChange',
      (opts) => {
        attempts += 1;
        return gateway.client.abortChange(changeId, opts);
      },
      async () =>
        envId && (await abortTookEffect(gateway, changeId, envId))
          ? { confirmedByRead: true }
          : undefined,
    );
    attempts = n;
    const confirmed = 'confirmedByRead' in value;
    return {
      outcome: 'aborted',
      detail: confirmed
        ? 'AbortChange reply was lost, but DescribeChange shows the abort took effect'
        : 'Web+ accepted AbortChange; the running step finishes, then the change stops',
      attempts,
      webplusRequestId: 'requestId' in value ? value.requestId : undefined,
    };
  } catch (err) {
    if (err instanceof DeadlineReachedError) {
      return {
        outcome: 'timeout',
        detail:
          err.attempts === 0
            ? `AbortChange ${err.why ?? 'not sent: the deadline came first'}; the next sweep re-checks`
            : `deadline reached after ${err.attempts} AbortChange attempt(s)${err.why ? ` (${err.why})` : ''}; state unknown, the next sweep re-checks`,
        attempts: err.attempts,
        errorCode: err.lastError?.code,
        errorMessage: err.lastError?.message,
        webplusRequestId: err.lastError?.requestId,
      };
    }
    if (err instanceof CallFailedError) return fromWebplusError(err.error, err.attempts);
    return {
      outcome: 'failed',
      detail: `unexpected error: ${String((err as Error)?.message ?? err)}`,
      attempts,
    };
  }
}

function fromWebplusError(e: WebplusError, attempts: number): AbortResult {
  const base = {
    attempts,
    errorCode: e.code,
    errorMessage: e.message,
    webplusRequestId: e.requestId,
  };
  switch (e.kind) {
    case 'already_aborting':
      return {
        ...base,
        outcome: 'already_aborting',
        detail: 'Web+ says an abort of this change is already in progress',
      };
    case 'already_finished':
      return {
        ...base,
        outcome: 'already_finished',
        detail: 'the change finished on its own before the abort',
      };
    case 'not_found':
      return {
        ...base,
        outcome: 'not_found',
        detail: `Web+ does not know this change in this account (${e.code})`,
      };
    default:
      return {
        ...base,
        outcome: 'failed',
        detail:
          e.kind === 'retryable'
            ? `retries spent: ${attempts} attempt(s), last ${e.code}`
            : describeKind(e),
        ...(e.rawBody ? { errorMessage: `${e.message} | body: ${e.rawBody}` } : {}),
      };
  }
}

/**
 * One DescribeChange (with the change's EnvId, which the docs require) after a lost reply: did
 * the abort land? (aborting or aborted). Without the EnvId it cannot tell, and says no.
 */
async function abortTookEffect(
  gateway: WebplusGateway,
  changeId: string,
  envId: string,
): Promise<boolean> {
  const read = await gateway.tryOnce((o) => gateway.client.describeChange({ changeId, envId }, o));
  if (!read) return false;
  const c = read.change;
  if (c.aborted) return true;
  if (c.finished) return false;
  // Web+ shows an aborting change only through its environment's AbortingChange flag.
  const env = await gateway.tryOnce((o) =>
    gateway.client.describeAppEnvStatus(c.envId || envId, o),
  );
  return Boolean(env?.abortingChange && env.latestChangeId === changeId);
}
