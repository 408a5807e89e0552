import type { Candidate } from '../model/candidate.js';
import type { Decision } from '../model/decision.js';
import type { Execution } from '../model/execution.js';
import type { WebplusGateway } from '../webplus/gateway.js';
import { abortChange } from './abort.js';
import type { InFlightChanges, ReadsStart } from './in-flight.js';
import type { AbortRecordGate } from './records-first.js';

/**
 * Carries out one decision: a `record` decision becomes its execution as it is; an `abort`
 * decision claims the ChangeId in the instance's in-flight set (a concurrent invocation already
 * aborting it answers for it), calls AbortChange through the gateway and releases the claim.
 * @param decidedAtMs epoch ms when the policy decided (the record's `latencyMs` counts from it)
 * @param readsStarted when the request started reading Web+ (`inFlight.startReads()`): an abort
 *   another invocation had accepted since then answers for this one (in-flight.ts)
 * @param gate the invocation's abort-record gate (records-first.ts, red-team 24 F6): no
 *   AbortChange request is sent while another answered abort has no written record. Default: none.
 */
export async function execute(
  decision: Decision,
  gateway: WebplusGateway,
  inFlight: InFlightChanges,
  decidedAtMs: number,
  readsStarted: ReadsStart,
  gate?: AbortRecordGate,
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
  const held = inFlight.claim(changeId, readsStarted);
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
    const c = decision.candidate;
    const result = await abortChange(
      gateway,
      changeId,
      c.envId ?? c.change?.envId,
      gate,
      c.change ? { change: c.change, readAtMs: c.changeReadAtMs } : undefined,
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

/** What {@link dedupe} made of a request's candidates. */
export interface Deduped {
  /**
   * One candidate per ChangeId, in the order given; a ChangeId that candidates of two
   * containers claim (two EnvIds, or two SAE/EDAS applications) is replaced by one settled
   * `skipped` candidate per container, each naming the conflict (red-team 12 F1).
   */
  unique: Candidate[];
  /**
   * The other candidates for a ChangeId already in `unique` from the same container (an EnvId
   * leading to a change also named by id): decided once, each still gets a record (a repeat of
   * the first one's).
   */
  repeats: Candidate[];
}

/**
 * One decision per ChangeId, and never a candidate dropped without a record. Two candidates for
 * one ChangeId through the same container are one change named twice: the first is decided, the
 * rest are `repeats`. Through different containers (environment `we-a` and `we-b` both naming
 * it as their LatestChangeId) it is ambiguous which environment the change is in, so neither is
 * aborted: each becomes `skipped`, naming the other containers.
 * @param containerOf the container a candidate was reached through (Web+: its EnvId; SAE/EDAS:
 *   its AppId); undefined when unknown
 * @param what the container's name in words (`environments`, `applications`)
 */
export function dedupe(
  candidates: Candidate[],
  containerOf: (c: Candidate) => string | undefined = (c) => c.envId ?? c.change?.envId,
  what = 'environments',
): Deduped {
  const containers = new Map<string, Set<string>>();
  for (const c of candidates) {
    if (!c.changeId) continue;
    const k = containerOf(c);
    if (k === undefined) continue;
    const set = containers.get(c.changeId) ?? new Set<string>();
    set.add(k);
    containers.set(c.changeId, set);
  }
  const seen = new Set<string>();
  const unique: Candidate[] = [];
  const repeats: Candidate[] = [];
  for (const c of candidates) {
    if (!c.changeId) {
      unique.push(c);
      continue;
    }
    const claimed = containers.get(c.changeId);
    if (claimed && claimed.size > 1) {
      const mine = containerOf(c);
      const key = `${c.changeId} ${mine ?? ''}`;
      if (seen.has(key)) {
        repeats.push(c);
        continue;
      }
      seen.add(key);
      const others = [...claimed].filter((k) => k !== mine);
      unique.push({
        ...c,
        settled: {
          outcome: 'skipped',
          detail: `ChangeId ${c.changeId} is claimed by ${what} ${[...claimed].join(' and ')}: reached through ${mine ?? 'an unknown one'}, also named by ${others.join(' and ')}, so which one it is in is ambiguous; not aborted for any of them (fail closed)`,
          ...(c.webplusRequestId ? { webplusRequestId: c.webplusRequestId } : {}),
        },
      });
      continue;
    }
    if (seen.has(c.changeId)) {
      repeats.push(c);
      continue;
    }
    seen.add(c.changeId);
    unique.push(c);
  }
  return { unique, repeats };
}
