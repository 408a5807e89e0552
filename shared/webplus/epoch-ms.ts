/**
 * Strict reading of Web+ times. Web+ documents `CreateTime`, `UpdateTime` and `FinishTime` as
 * epoch milliseconds (Web+ API reference, DescribeChange; docs/reference/webplus-api.md). A
 * time the function cannot read is unknown: never 0, never replaced by another field.
 */

/**
 * Smallest accepted epoch ms: 2001-09-09T01:46:40Z (1e12). Anything smaller is taken for a
 * value in seconds (or a placeholder such as 0) and refused: read as milliseconds it would make
 * every change decades old, and so "stuck".
 */
export const MIN_EPOCH_MS = 1e12;

/**
 * How far in the future a time may lie and still be believed, ms (60 s): the one slack every
 * time read from a platform is judged with (shared/policy/facts.ts `CHANGE_TIME_SLACK_MS`,
 * alarm-age.ts), against the later of the two clocks (judging-clock.ts `latestNowMs`).
 */
export const FUTURE_SLACK_MS = 60_000;

/**
 * Why a time is not a plausible epoch-ms time, or undefined when it is: readable by
 * {@link readEpochMs} (so not before 2001-09-09) and not more than {@link FUTURE_SLACK_MS}
 * after `latestNowMs`.
 * @param field the field name, for the words
 * @param latestNowMs the later of the two clocks, epoch ms
 */
export function implausibleTime(
  field: string,
  raw: unknown,
  latestNowMs: number,
): string | undefined {
  const read = readEpochMs(field, raw);
  if (!read.known) return read.why;
  if (read.ms > latestNowMs + FUTURE_SLACK_MS)
    return `${field} ${shown(raw)} is ${Math.round((read.ms - latestNowMs) / 1000)} s in the future (slack ${FUTURE_SLACK_MS / 1000} s, judged at ${new Date(latestNowMs).toISOString()})`;
  return undefined;
}

/** A time as read: the epoch ms, or why it is unknown (for the record's `detail`). */
export type EpochMsRead = { known: true; ms: number } | { known: false; why: string };

/**
 * Reads one time field. Accepted: a JSON number that is a safe integer ≥ {@link MIN_EPOCH_MS},
 * or a string of ASCII digits without a leading zero (nothing else, no padding, no spaces, no
 * sign, no decimal point) with the same
 * value range. Everything else (absent, `null`, `""`, `"2026-05-20T02:00:00Z"`, `1.5e12 + 0.5`,
 * seconds, negative, beyond 2^53) is unknown.
 * @param field the Web+ field name, e.g. `UpdateTime` (used in `why`)
 * @param raw the value as it came off the wire (already JSON-parsed)
 */
export function readEpochMs(field: string, raw: unknown): EpochMsRead {
  if (raw === undefined) return { known: false, why: `${field} is absent` };
  let n: number | undefined;
  if (typeof raw === 'number') n = raw;
  // No leading zero: a padded string (`"01764620000000"`) is not a Web+ time (docs/policy.md).
  else if (typeof raw === 'string' && /^[1-9][0-9]{0,15}$/.test(raw)) n = Number(raw);
  if (n === undefined || !Number.isSafeInteger(n)) {
    return { known: false, why: `${field} ${shown(raw)} is not epoch milliseconds` };
  }
  if (n < MIN_EPOCH_MS) {
    return {
      known: false,
      why: `${field} ${shown(raw)} is before 2001-09-09 (seconds, or a placeholder), not epoch milliseconds`,
    };
  }
  return { known: true, ms: n };
}

function shown(raw: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(raw) ?? String(raw);
  } catch {
    text = String(raw);
  }
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
