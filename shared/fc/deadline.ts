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
  return new Deadline(startMs + functionTimeoutMs(context) - marginMs, now);
}

/**
 * `function.timeout` in ms; 60 s when FC's context does not give a positive number.
 * Source: FC 3.0 Node.js context, `function.timeout` in seconds (docs/reference/fc-triggers.md).
 */
export function functionTimeoutMs(context: Pick<FcContext, 'function'>): number {
  const timeoutS = Number(context.function?.timeout);
  return Number.isFinite(timeoutS) && timeoutS > 0 ? timeoutS * 1000 : 60_000;
}
