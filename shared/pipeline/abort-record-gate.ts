import {
  type AbortRecordGate,
  INTENT_NOT_IN_TIME,
  type IntentWrite,
} from '../executor/records-first.js';
import type { OutcomeRecord } from '../model/record.js';
import type { StoreResult } from '../outcome-log/record-stream.js';

/** The key of an abort: `<platform>:<ChangeId>` (records-first.ts). */
export function abortKeyOf(record: Pick<OutcomeRecord, 'platform' | 'changeId'>): string {
  return `${record.platform ?? 'webplus'}:${record.changeId ?? ''}`;
}

/**
 * One invocation's "no abort request while an accepted one has no written record" (red-team 24
 * F6; executor/records-first.ts). The executor marks an abort `answered` as soon as its request's
 * reply was read as accepted, inside the pacer's slot, before the next request can take the
 * slot; the pipeline hands the abort's record to the store at once (record-stream.ts,
 * `emit(…, { now })`) and calls {@link recorded} with that write, or {@link dropped} when the
 * record is folded into another (a region's one "unavailable" record). `ready` resolves when no
 * other accepted abort waits for its write, or `false` at `startBy()` (the last moment the
 * waiting request could start: the work deadline minus one attempt). Each abort decision is
 * executed with {@link withIntent}'s view, which also writes its intent record before its first
 * request and waits until the store has it (red-team 25 G15; pipeline/abort-intent.ts).
 */
export class InvocationAbortGate {
  /** Answered aborts whose record is not written yet, by key (a count: re-sends of one abort). */
  private readonly open = new Map<string, number>();
  private readonly waiters = new Set<() => void>();

  /**
   * @param startBy epoch ms after which a waiting request gives up (it would not fit)
   * @param stored whether a record emitted with `track` reached the store (record-stream.ts
   *   `stored`); default: none did (no intent is ever stored, so no abort is sent)
   */
  constructor(
    private readonly startBy: () => number,
    private readonly stored: (recordId: string) => Promise<StoreResult> = async () => ({
      stored: false,
      why: 'no record stream',
    }),
  ) {}

  /**
   * The gate of one abort decision (red-team 25 G15): this gate's holds, and
   * {@link AbortRecordGate.intent} writing the record `writeIntent` emits (it must emit the
   * intent record with `{ now: true, track: true }` and return it as emitted, `recordId` set).
   * The intent resolves when its write ended: `stored` as the record stream says, or
   * `stored: false` at `startBy()` when the write had not ended by then.
   */
  withIntent(writeIntent: () => OutcomeRecord): AbortRecordGate {
    return {
      ready: (key) => this.ready(key),
      answered: (key) => this.answered(key),
      intent: () => this.awaitIntent(writeIntent()),
    };
  }

  private async awaitIntent(record: OutcomeRecord): Promise<IntentWrite> {
    const recordId = record.recordId ?? '';
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<StoreResult>((resolve) => {
      timer = setTimeout(
        () => resolve({ stored: false, why: INTENT_NOT_IN_TIME }),
        Math.max(0, this.startBy() - Date.now()),
      );
    });
    const result = await Promise.race([this.stored(recordId), late]);
    clearTimeout(timer);
    return result.stored
      ? { recordId, stored: true }
      : { recordId, stored: false, why: result.why };
  }

  answered(key: string): void {
    this.open.set(key, (this.open.get(key) ?? 0) + 1);
  }

  /** The record of `key` was emitted; its hold ends when `written` resolves. */
  recorded(key: string, written: Promise<void>): void {
    if (!this.open.has(key)) return;
    void written.then(
      () => this.close(key),
      () => this.close(key),
    );
  }

  /** The abort of `key` gets no record of its own: its hold ends now. */
  dropped(key: string): void {
    this.close(key);
  }

  ready(key: string): Promise<boolean> {
    // A re-send of `key` itself: its earlier answer was proven not to have landed (a throttle,
    // a refused connection, a re-read showing it running: core/paced-call.ts), so that answer
    // needs no record, and its hold ends here (else two retrying aborts would wait on each other).
    this.close(key);
    if (this.clearFor(key)) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const check = (): void => {
        if (!this.clearFor(key)) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(true);
      };
      const timer = setTimeout(
        () => {
          this.waiters.delete(check);
          resolve(this.clearFor(key));
        },
        Math.max(0, this.startBy() - Date.now()),
      );
      this.waiters.add(check);
    });
  }

  /** No answered abort other than `key` itself (its own re-send) waits for its record. */
  private clearFor(key: string): boolean {
    for (const k of this.open.keys()) if (k !== key) return false;
    return true;
  }

  private close(key: string): void {
    if (!this.open.delete(key)) return;
    for (const w of [...this.waiters]) w();
  }
}
