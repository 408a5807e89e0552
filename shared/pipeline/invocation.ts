import type { Credentials } from '../core/credentials.js';
import type { Deadline } from '../core/deadline.js';
import type { OutcomeRecord, Trigger } from '../model/record.js';
import type { EnvDirectory } from '../targeting/directory.js';
import type { WebplusRegion } from '../webplus/endpoints.js';
import type { UnavailableLatch, WebplusGateway } from '../webplus/gateway.js';
import type { InvocationAbortGate } from './abort-record-gate.js';
import type { DecidedChanges } from './repeats.js';
import type { SweepAbortBudget } from './sweep-abort-budget.js';

/** One Web+ region as this invocation uses it: one client, one gateway, one listing, one latch. */
export interface RegionContext {
  region: WebplusRegion;
  gateway: WebplusGateway;
  /** The region's environments, listed at most once per invocation (to learn EnvIds/AppIds). */
  directory: EnvDirectory;
  /** Set once the region answered "no such API here": nothing more is sent there. */
  latch: UnavailableLatch;
  /** The one record about `latch` was written (later requests of the invocation add none). */
  reported: boolean;
}

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
  /** The Web+ regions (config order); empty without credentials. */
  webplus: RegionContext[];
  /**
   * Aborted when the invocation returns: Web+ calls it queued in the instance's pacer, or that
   * sleep in a backoff, are then never sent (so they cannot run after it, or crowd out the next
   * invocation of the instance).
   */
  signal: AbortSignal;
  /** The changes this invocation decided: a change named again is not acted on twice. */
  decided: DecidedChanges;
  /**
   * No abort request is sent while an answered abort has no written record (red-team 24 F6),
   * nor before its own intent record was stored (red-team 25 G15): each abort decision's gate
   * (`abortGate.withIntent`, abort-intent.ts) is passed to the executor; the emitter ends each
   * hold when the abort's record was written. Absent: no gate (tests driving a stage alone).
   */
  abortGate?: InvocationAbortGate;
  /**
   * `sweep.maxAbortsPerRun` counted across every platform and region this invocation sweeps
   * (sweep-abort-budget.ts). Absent: each call caps on its own (tests driving a stage alone).
   */
  sweepAborts?: SweepAbortBudget;
}

/** Options of one {@link Emit} call. */
export interface EmitOptions {
  /**
   * Hand the record to the store at once, not in the next batch: the record of an abort, which
   * a kill must not lose (red-team 24 F6). @default false
   */
  now?: boolean;
  /**
   * The record stream tracks whether this record reached the store (record-stream.ts `stored`):
   * the intent record of an abort, which must be stored before the abort is sent (red-team 25
   * G15). @default false
   */
  track?: boolean;
}

/**
 * Hands one record to the invocation's record stream (outcome-log/record-stream.ts) and returns
 * it as it will be written (`recordId` set).
 */
export type Emit = (record: OutcomeRecord, options?: EmitOptions) => OutcomeRecord;
