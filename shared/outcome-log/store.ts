import type { Credentials } from '../core/credentials.js';
import type { OutcomeRecord } from '../model/record.js';

/** Where a batch of records goes, and what the store needs to know about the invocation. */
export interface WriteContext {
  invocationId: string;
  trigger: string;
  functionName: string;
  region: string;
  /** Credentials of this invocation (FC's STS keys); never cached across invocations. */
  credentials?: Credentials;
  /** Epoch ms by which the write must be over (the invocation's deadline). */
  deadlineMs: number;
  /**
   * The invocation's redactor (its keys and the HTTP tokens, shared/core/redact.ts), applied to a
   * store's error text before it is printed. @default one built from `credentials`
   */
  redact?: (text: string) => string;
}

/**
 * A log store. `write` either stores every record of the batch or throws an
 * `OutcomeStoreError` (never a bare value). Stores do not fall back: `OutcomeLog` does.
 */
export interface OutcomeStore {
  readonly name: 'sls' | 'file' | 'stdout';
  /** Human-readable target, for the CLI ("file .webplus-abort/outcomes.jsonl"). */
  readonly target: string;
  write(records: readonly OutcomeRecord[], ctx: WriteContext): Promise<void>;
}
