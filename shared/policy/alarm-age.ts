/**
 * Is an alarm recent enough to act on, and is it about the change it would target?
 * A resent or late alarm about the previous deploy must not abort the fix that followed it.
 */

/** Clock slack allowed between CloudMonitor's, Web+'s and the function's clocks, ms (60 s). */
export const ALARM_CLOCK_SLACK_MS = 60_000;

const MINUTE_MS = 60_000;

/** How an alarm's time reads against now. */
export type AlarmAgeVerdict = { fresh: true; ageMs: number } | { fresh: false; detail: string };

/**
 * Judges an alarm's age. Stale (`fresh: false`) when its time is unknown, older than
 * `maxAgeMinutes` (strictly: exactly the limit is still fresh), or further in the future than
 * {@link ALARM_CLOCK_SLACK_MS}.
 * @param alarmAtMs when the alarm fired (CloudMonitor `timestamp` / rule push `time` /
 *   EventBridge `time`), epoch ms; undefined when the event carried no readable time
 * @param nowMs the clock the decision is judged on, epoch ms
 * @param maxAgeMinutes policy `alarmMaxAgeMinutes` (default 15)
 */
export function alarmAgeVerdict(
  alarmAtMs: number | undefined,
  nowMs: number,
  maxAgeMinutes: number,
): AlarmAgeVerdict {
  if (alarmAtMs === undefined) {
    return {
      fresh: false,
      detail: 'the alarm carries no readable time (timestamp, time): its age is unknown',
    };
  }
  const ageMs = nowMs - alarmAtMs;
  if (ageMs > maxAgeMinutes * MINUTE_MS) {
    return {
      fresh: false,
      detail: `the alarm fired ${span(ageMs)} ago (at ${iso(alarmAtMs)}), more than alarmMaxAgeMinutes (${maxAgeMinutes} min): too old to act on`,
    };
  }
  if (ageMs < -ALARM_CLOCK_SLACK_MS) {
    return {
      fresh: false,
      detail: `the alarm's time ${iso(alarmAtMs)} is ${span(-ageMs)} in the future, more than the ${ALARM_CLOCK_SLACK_MS / 1000} s clock slack: its age is unknown`,
    };
  }
  return { fresh: true, ageMs };
}

/**
 * Why an alarm cannot be about a change, or undefined when it can: the change was created more
 * than {@link ALARM_CLOCK_SLACK_MS} after the alarm fired (the alarm is about an earlier change).
 * @param alarmAtMs when the alarm fired, epoch ms
 * @param createTimeMs the change's `CreateTime` (Web+'s clock), epoch ms
 */
export function alarmPredatesChange(alarmAtMs: number, createTimeMs: number): string | undefined {
  if (createTimeMs <= alarmAtMs + ALARM_CLOCK_SLACK_MS) return undefined;
  return `the alarm fired at ${iso(alarmAtMs)}, ${span(createTimeMs - alarmAtMs)} before this change was created (${iso(createTimeMs)}; clock slack ${ALARM_CLOCK_SLACK_MS / 1000} s): it is about an earlier change`;
}

function iso(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}

/** `16 min 5 s`, `40 s`. */
function span(ms: number): string {
  const totalS = Math.max(0, Math.floor(ms / 1000));
  const m = Math.floor(totalS / 60);
  const s = totalS % 60;
  if (m === 0) return `${s} s`;
  return `${m} min${s ? ` ${s} s` : ''}`;
}

/**
 * Judges an alarm's age on two clocks (red-team 12 H2: neither the function's nor the
 * platform's clock is known to be right): fresh only when it is fresh on both, so a clock that
 * calls it stale (too old on the later clock, or in the future on the earlier) wins.
 * @param alarmAtMs as {@link alarmAgeVerdict}
 * @param earliestNowMs the earlier of the two clocks, epoch ms
 * @param latestNowMs the later of the two clocks, epoch ms (the same instant when one is known)
 * @param maxAgeMinutes policy `alarmMaxAgeMinutes`
 * @returns the verdict, and when stale which clock said so (`latest` / `earliest`)
 */
export function alarmAgeOnBothClocks(
  alarmAtMs: number | undefined,
  earliestNowMs: number,
  latestNowMs: number,
  maxAgeMinutes: number,
): AlarmAgeVerdict | { fresh: false; detail: string; on: 'earliest' | 'latest' } {
  const onLatest = alarmAgeVerdict(alarmAtMs, latestNowMs, maxAgeMinutes);
  if (!onLatest.fresh) return { ...onLatest, on: 'latest' };
  const onEarliest = alarmAgeVerdict(alarmAtMs, earliestNowMs, maxAgeMinutes);
  if (!onEarliest.fresh) return { ...onEarliest, on: 'earliest' };
  return onEarliest;
}
