import { randomUUID } from 'node:crypto';
import { redactTokens } from '../core/redact.js';
import type { OutcomeRecord } from '../model/record.js';
import type { AbortRequest } from '../model/request.js';
import type { NotifyReport } from '../notify/notifier.js';
import type { WriteReport } from '../outcome-log/outcome-log.js';
import type { Invocation } from './invocation.js';
import type { Runtime } from './runtime.js';

/**
 * Time kept after the notification for writing its record, ms (at most half of what is left):
 * enough for one SLS attempt (SLS_MIN_ATTEMPT_MS is 250).
 */
export const NOTIFY_RECORD_RESERVE_MS = 500;

/**
 * The notification step, after the invocation's records are written: sends the summary to the
 * policy's `notify.targets` (when there are any and something matches), with every delivery
 * bounded by the records' write deadline less {@link NOTIFY_RECORD_RESERVE_MS}, then writes the
 * one notification record through the outcome log (stdout fallback included).
 *
 * Never throws and never fails the invocation: an unexpected error becomes a warning line
 * without secrets. Returns `undefined` when nothing was sent.
 */
export async function notifyAfterWrite(
  records: readonly OutcomeRecord[],
  inv: Invocation,
  runtime: Runtime,
  dryRun: boolean,
  firstRequest: AbortRequest | undefined,
): Promise<{ report: NotifyReport; write: WriteReport } | undefined> {
  const notifier = runtime.notifier;
  if (!notifier) return undefined;
  const secrets = [
    ...runtime.config.httpAuthTokens,
    ...[inv.credentials?.accessKeySecret, inv.credentials?.securityToken].filter(
      (s): s is string => typeof s === 'string' && s !== '',
    ),
  ];
  try {
    const left = inv.writeDeadlineMs - Date.now();
    const reserve = Math.min(NOTIFY_RECORD_RESERVE_MS, Math.max(0, left) / 2);
    const triggerRef = firstRequest?.triggerRef ?? records.find((r) => r.triggerRef)?.triggerRef;
    const report = await notifier.notify(records, {
      invocationId: inv.invocationId,
      trigger: inv.trigger,
      ...(triggerRef ? { triggerRef } : {}),
      functionName: inv.functionName,
      region: inv.region,
      // A policy in dry-run mode marks every record dry-run without the run's flag.
      dryRun: dryRun || (records.length > 0 && records.every((r) => r.mode === 'dry-run')),
      deadlineMs: inv.writeDeadlineMs - reserve,
      secrets,
    });
    if (!report) return undefined;
    // The same one redactor as every decision record (the invocation's keys, the HTTP tokens,
    // the targets' secrets), for the record and for a store error written beside it.
    const redactor = runtime.redactorFor([
      inv.credentials?.accessKeySecret,
      inv.credentials?.securityToken,
    ]);
    // Its own recordId, like every record, so readers can drop a stored-twice copy.
    report.record = redactor.value({ recordId: randomUUID(), ...report.record });
    const write = await runtime.outcomeLog.write([report.record], {
      invocationId: inv.invocationId,
      trigger: inv.trigger,
      functionName: inv.functionName,
      region: inv.region,
      credentials: inv.credentials,
      deadlineMs: inv.writeDeadlineMs,
      redact: redactor.text,
    });
    return { report, write };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    runtime.warn(`webplus-abort: notification step failed: ${redactTokens(message, secrets)}`);
    return undefined;
  }
}
