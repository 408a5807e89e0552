import type { Candidate } from './candidate.js';
import type { Mode, Outcome } from './record.js';

/** What the policy decided for one candidate. */
export type Decision =
  | {
      kind: 'abort';
      candidate: Candidate;
      mode: 'enforce';
      reason: string;
      detail: string;
      /** SAE / EDAS: abort and roll back (`onAbort: rollback`); never set for Web+. */
      rollback?: boolean;
    }
  | {
      kind: 'record';
      candidate: Candidate;
      mode?: Mode;
      reason?: string;
      outcome: Outcome;
      detail: string;
    };
