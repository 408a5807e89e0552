/**
 * How the end of an invocation is shared between writing its last records and answering
 * (`DEADLINE_MARGIN_MS`, the time between the work deadline and `function.timeout`). Kept in
 * `core` because the configuration (which refuses a margin too small for it at cold start),
 * the outcome log (SLS attempts) and the pipeline (the write deadline) all read it.
 */

/** An SLS PutLogs attempt with less time than this before its deadline is not started, ms. */
export const SLS_MIN_ATTEMPT_MS = 250;

/** The most the handler keeps after the records' write deadline to return its answer, ms. */
export const ANSWER_RESERVE_MAX_MS = 500;

/**
 * Time kept after the records' write deadline to return, ms: half the margin, at most
 * {@link ANSWER_RESERVE_MAX_MS}. The records' writes end by `function.timeout` minus this.
 * @param marginMs `DEADLINE_MARGIN_MS`
 */
export function answerReserveMs(marginMs: number): number {
  return Math.min(ANSWER_RESERVE_MAX_MS, marginMs / 2);
}

/**
 * The smallest `DEADLINE_MARGIN_MS` (ms) that leaves, after the work deadline, one whole SLS
 * attempt ({@link SLS_MIN_ATTEMPT_MS}) for the last records and then {@link answerReserveMs}
 * to answer: `m − min(500, m / 2) ≥ 250`, so `m = 2 × 250` = 500 ms. A smaller margin is refused
 * at cold start (the last records could not be written and the handler would run past
 * `function.timeout`).
 */
export const MIN_DEADLINE_MARGIN_MS = 2 * SLS_MIN_ATTEMPT_MS;
