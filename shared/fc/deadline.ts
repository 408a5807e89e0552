import { Deadline } from '../core/deadline.js';
import type { FcContext } from './context.js';

/**
 * The work deadline of one invocation.
 * @param startMs epoch ms when the invocation began
 * @param marginMs `DEADLINE_MARGIN_MS`: kept for writing records and returning
 */
export function invocationDeadline(
  context: Pick<FcContext, 'function'>,
  startMs: number,
  marginMs: number,
  now: () => number = Date.now,
): Deadline {
  const timeoutS = Number(context.function?.timeout);
  const timeoutMs = Number.isFinite(timeoutS) && timeoutS > 0 ? timeoutS * 1000 : 60_000;
  return new Deadline(startMs + timeoutMs - marginMs, now);
}
