import { wholeMinutes } from '../core/time.js';
import type { Rules } from './schema.js';

const MINUTE_MS = 60_000;

export type StuckVerdict =
  | { stuck: true; reason: string; detail: string }
  | { stuck: false; detail: string };

/**
 * Is a running change stuck? Stuck when it made no progress (now − UpdateTime) for longer than
 * `maxIdleMinutes`, or has run (now − CreateTime) longer than `maxDurationMinutes`. "Longer than"
 * is strict and compared in milliseconds: exactly 30 min idle is not stuck at 30.
 * @param change the change's known times (epoch ms; an unknown time never gets here)
 * @param nowMs epoch ms: the clock the decision is judged on (Web+'s when the skew is over a
 *   minute; injected only in unit tests)
 */
export function judgeStuck(
  change: { createTime: number; updateTime: number },
  rules: Pick<Rules, 'maxIdleMinutes' | 'maxDurationMinutes'>,
  nowMs: number,
): StuckVerdict {
  const idleMs = nowMs - change.updateTime;
  const ageMs = nowMs - change.createTime;
  const idle = wholeMinutes(change.updateTime, nowMs);
  const age = wholeMinutes(change.createTime, nowMs);
  if (idleMs > rules.maxIdleMinutes * MINUTE_MS) {
    return {
      stuck: true,
      reason: `idle>${rules.maxIdleMinutes}m`,
      detail: `no progress for ${minSec(idleMs, rules.maxIdleMinutes)} (more than the ${rules.maxIdleMinutes} min limit)`,
    };
  }
  if (ageMs > rules.maxDurationMinutes * MINUTE_MS) {
    return {
      stuck: true,
      reason: `duration>${rules.maxDurationMinutes}m`,
      detail: `running for ${minSec(ageMs, rules.maxDurationMinutes)} (more than the ${rules.maxDurationMinutes} min limit)`,
    };
  }
  return {
    stuck: false,
    detail: `not stuck: idle ${idle} min (limit ${rules.maxIdleMinutes}), running ${age} min (limit ${rules.maxDurationMinutes})`,
  };
}

/**
 * Whole minutes, as every other duration of the records (`idle 12 min`, `95 min`): `45 min` for
 * 45 min 5 s. Seconds are shown only when the whole minutes equal the limit (`30 min 5 s` beside
 * a 30 min limit), where `30 min (more than the 30 min limit)` would read as false.
 */
function minSec(ms: number, limitMinutes: number): string {
  const totalS = Math.max(0, Math.floor(ms / 1000));
  const m = Math.floor(totalS / 60);
  const s = totalS % 60;
  return `${m} min${m === limitMinutes && s ? ` ${s} s` : ''}`;
}
