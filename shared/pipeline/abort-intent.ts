import type { AbortRecordGate } from '../executor/records-first.js';
import type { Decision } from '../model/decision.js';
import type { Mode } from '../model/record.js';
import type { Emit, Invocation } from './invocation.js';
import { intentRecordOf, type JudgeClock, type RecordBase } from './records.js';

/**
 * The gate one decision is executed with (red-team 25 G15): for an `abort` decision, the
 * invocation's gate (abort-record-gate.ts) with this abort's intent record, emitted through
 * `emit` (the caller's: region and redaction as its decision record gets them) with
 * `{ now: true, track: true }` right before the first request, which waits until the store has
 * it; `undefined` for any other decision (nothing is sent for it) or without an invocation gate
 * (a stage driven alone in a test).
 * Used by every path that aborts: the Web+ sweep (sweep-run.ts), Web+ alarms and manual
 * requests (process-request.ts), SAE / EDAS (process-platform-request.ts).
 * @param decidedAtMs epoch ms of the decision (the intent's `latencyMs` counts from it)
 */
export function decisionGate(
  inv: Pick<Invocation, 'abortGate'>,
  d: Decision,
  emit: Emit,
  base: RecordBase,
  runMode: Mode,
  clock: JudgeClock,
  decidedAtMs: number,
): AbortRecordGate | undefined {
  if (!inv.abortGate || d.kind !== 'abort') return undefined;
  return inv.abortGate.withIntent(() =>
    emit(intentRecordOf(d, base, runMode, clock, decidedAtMs, Date.now()), {
      now: true,
      track: true,
    }),
  );
}
