import type { Candidate } from '../model/candidate.js';
import type { OutcomeRecord } from '../model/record.js';
import type { RecordBase } from './records.js';

/**
 * The changes one invocation has decided, so that a change named again by a later request of
 * the same invocation (20 items of one EventBridge batch naming one ChangeId, or one SAE/EDAS
 * ChangeOrderId) is aborted at most once: the later item gets a record of its own that points
 * at the one decision (`repeatOf`: that record's `recordId`; same outcome, `attempts` 0) and
 * makes no Web+, SAE or EDAS call for it. One record per item, one decision per change.
 *
 * Keys: the platform, the region for SAE/EDAS (an order id is a region's), and the id; a Web+
 * ChangeId is one change whichever region it was read in. Lives with the invocation only.
 */
export class DecidedChanges {
  private readonly first = new Map<string, OutcomeRecord>();

  private static key(platform: string | undefined, regionId: string | undefined, id: string) {
    return platform && platform !== 'webplus'
      ? `${platform}:${regionId ?? ''}:${id}`
      : `webplus::${id}`;
  }

  /** The record of the decision on a Web+ ChangeId, when this invocation made one. */
  webplus(changeId: string): OutcomeRecord | undefined {
    return this.first.get(DecidedChanges.key('webplus', undefined, changeId));
  }

  /** The record of the decision on this candidate's change, when this invocation made one. */
  of(c: Candidate): OutcomeRecord | undefined {
    return c.changeId
      ? this.first.get(DecidedChanges.key(c.platform, c.regionId, c.changeId))
      : undefined;
  }

  /** Notes a decision record (as written, `recordId` included); the first one per change wins. */
  note(record: OutcomeRecord): void {
    if (!record.changeId) return;
    const key = DecidedChanges.key(record.platform, record.regionId, record.changeId);
    if (!this.first.has(key)) this.first.set(key, record);
  }
}

/**
 * The record of an item that names a change this invocation already decided: the change's
 * fields and outcome from the first record, this item's trigger, `attempts` 0, `repeatOf` the
 * first record's `recordId`, and a detail that says it is a repeat and repeats the first one's.
 */
export function repeatRecord(first: OutcomeRecord, base: RecordBase, nowMs: number): OutcomeRecord {
  const from = first.triggerRef ? `${first.trigger} ${first.triggerRef}` : first.trigger;
  return {
    time: new Date(nowMs).toISOString(),
    ...(first.platform ? { platform: first.platform } : {}),
    ...(first.changeId ? { changeId: first.changeId } : {}),
    ...(first.envId ? { envId: first.envId } : {}),
    ...(first.appId ? { appId: first.appId } : {}),
    ...(first.regionId ? { regionId: first.regionId } : {}),
    ...(first.envName ? { envName: first.envName } : {}),
    ...(first.appName ? { appName: first.appName } : {}),
    trigger: base.trigger,
    ...(base.triggerRef ? { triggerRef: base.triggerRef } : {}),
    invocationId: base.invocationId,
    ...(first.reason ? { reason: first.reason } : {}),
    ...(first.mode ? { mode: first.mode } : {}),
    outcome: first.outcome,
    detail: `repeat: this invocation already decided this change (for ${from}${first.recordId ? `, record ${first.recordId}` : ''}); no call made again. That decision: ${first.detail}`,
    attempts: 0,
    ...(first.errorCode ? { errorCode: first.errorCode } : {}),
    ...(first.recordId ? { repeatOf: first.recordId } : {}),
    latencyMs: 0,
  };
}
