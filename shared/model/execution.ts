import type { Decision } from './decision.js';
import type { Outcome } from './record.js';

/** The end of one decision: what happened, how many AbortChange calls it took, and when. */
export interface Execution {
  decision: Decision;
  outcome: Outcome;
  detail: string;
  /** AbortChange requests sent (0 when none). */
  attempts: number;
  errorCode?: string;
  errorMessage?: string;
  webplusRequestId?: string;
  /** The `recordId` of the abort's intent record, when one was handed to the store (records-first.ts). */
  intentId?: string;
  /** epoch ms the decision was made / the outcome known */
  decidedAtMs: number;
  doneAtMs: number;
}
