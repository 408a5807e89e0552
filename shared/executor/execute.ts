import type { Candidate } from '../model/candidate.js';
import type { Decision } from '../model/decision.js';
import type { Execution } from '../model/execution.js';
import type { WebplusGateway } from '../webplus/gateway.js';
import { abortChange } from './abort.js';
import type { InFlightChanges } from './in-flight.js';

/**
 * Carries out one decision: a `record` decision becomes its execution as it is; an `abort`
 * decision claims the ChangeId in the instance's in-flight set (a concurrent invocation already
 * aborting it answers for it), calls AbortChange through the gateway and releases the claim.
 * @param decidedAtMs epoch ms when the policy decided (the record's `latencyMs` counts from it)
 * @param readsStartedAtMs epoch ms the request started reading Web+ (an abort another
 *   invocation had accepted since then answers for this one: in-flight.ts)
 */
export async function execute(
  decision: Decision,
  gateway: WebplusGateway,
  inFlight: InFlightChanges,
  decidedAtMs: number,
  readsStartedAtMs: number = decidedAtMs,
): Promise<Execution> {
  if (decision.kind === 'record') {
    const settled = decision.candidate.settled;
    return {
      decision,
      outcome: decision.outcome,
      detail: decision.detail,
      attempts: 0,
      errorCode: settled?.errorCode,
      errorMessage: settled?.errorMessage,
      webplusRequestId: settled?.webplusRequestId,
      decidedAtMs,
      doneAtMs: Date.now(),
    };
  }
  const changeId = decision.candidate.changeId!;
  const held = inFlight.claim(changeId, readsStartedAtMs);
  if (held) {
    return {
      decision,
      outcome: held.outcome,
      detail: held.detail,
      attempts: 0,
      decidedAtMs,
      doneAtMs: Date.now(),
    };
  }
  let aborted = false;
  try {
    const result = await abortChange(
      gateway,
      changeId,
      decision.candidate.envId ?? decision.candidate.change?.envId,
    );
    aborted = result.outcome === 'aborted';
    return {
      decision,
      ...result,
      detail: result.outcome === 'aborted' ? `${decision.detail}; ${result.detail}` : result.detail,
      decidedAtMs,
      doneAtMs: Date.now(),
    };
  } finally {
    inFlight.release(changeId, aborted);
  }
}

/** One candidate per ChangeId (an EnvId can lead to a change also named by id). */
export function dedupe(candidates: Candidate[]): Candidate[] {
  const seen = new Set<string>();
  return candidates.filter((c) => {
    if (!c.changeId) return true;
    if (seen.has(c.changeId)) return false;
    seen.add(c.changeId);
    return true;
  });
}
