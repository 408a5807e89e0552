/**
 * What a run's notification did, in one line for the run output and, when a delivery failed, one
 * line for stderr. From the notifier's per-target results (shared/notify/notifier.ts): names,
 * kinds and details only (no URL, no secret: the notifier has redacted them).
 */
import { failureWords } from '#shared/notify/failure-words.js';
import type { TargetResult } from '#shared/notify/notifier.js';

/** `connection failed (ECONNREFUSED), 2 attempts` from a result that did not deliver. */
function failure(r: TargetResult): string {
  return failureWords(r.detail, r.attempts);
}

/**
 * `notified: dingtalk delivered; webhook NOT delivered (connection failed (ECONNREFUSED), 2
 * attempts)`: one part per target, in the order of the policy.
 */
export function notifiedLine(targets: readonly TargetResult[]): string {
  return `notified: ${targets
    .map((r) => (r.delivered ? `${r.name} delivered` : `${r.name} NOT delivered (${failure(r)})`))
    .join('; ')}`;
}

/**
 * The stderr line for the targets that did not deliver, or `undefined` when all did. The exit
 * status does not change (docs/reference/notifications.md, "Delivery: bounded, never fatal").
 */
export function notifyFailureLine(targets: readonly TargetResult[]): string | undefined {
  const failed = targets.filter((r) => !r.delivered);
  if (failed.length === 0) return undefined;
  return `webplus-abort: notification NOT delivered to ${failed.map((r) => `${r.name} (${failure(r)})`).join(', ')}; recorded as notify_failed (\`webplus-abort log --outcome notify_failed\`); the exit status is unchanged: a notification never fails a run`;
}
