import type { Credentials } from '../core/credentials.js';
import type { Deadline } from '../core/deadline.js';
import type { Trigger } from '../model/record.js';

/** What every stage may know about the current invocation. */
export interface Invocation {
  /** FC request id. */
  invocationId: string;
  trigger: Trigger;
  /** epoch ms */
  startMs: number;
  /** Work deadline (timeout − margin; tighter for a CloudMonitor callback). */
  deadline: Deadline;
  /** Epoch ms by which the records must be written. */
  writeDeadlineMs: number;
  credentials?: Credentials;
  functionName: string;
  region: string;
  /** Connect + read timeout per Web+ attempt for this invocation, ms. */
  attemptTimeoutMs: number;
  /**
   * Aborted when the invocation returns: Web+ calls it queued in the instance's pacer, or that
   * sleep in a backoff, are then never sent (so they cannot run after it, or crowd out the next
   * invocation of the instance).
   */
  signal: AbortSignal;
}
