/**
 * The stand-in's failure schedule (see `SlsFailureMode`): deterministic, one decision per request.
 */
import type { SlsFailureMode } from './types.js';

export type ActiveFailure = Exclude<SlsFailureMode['kind'], 'none'>;

/** Which SLS requests fail, as the test or scenario set it (`SlsFailureMode`): deterministic, counted per request. */
export class FailureSchedule {
  private mode: SlsFailureMode = { kind: 'none' };
  private remaining = 0;
  private seen = 0;

  set(mode: SlsFailureMode): void {
    const every = mode.every ?? 'all';
    if (typeof every === 'number' && (!Number.isInteger(every) || every < 0)) {
      throw new TypeError(
        `setFailure: every must be 'all', 'half' or a whole number >= 0, got ${every}`,
      );
    }
    this.mode = { ...mode, every };
    this.remaining = typeof every === 'number' ? every : 0;
    this.seen = 0;
  }

  /** The body size of a `huge-reply` / `gzip-reply` failure, bytes (default 50 MiB). */
  get sizeBytes(): number {
    return this.mode.sizeBytes ?? 50 * 1024 * 1024;
  }

  /** The message of an `echo-message` failure. */
  get message(): string | undefined {
    return this.mode.message;
  }

  /** The failure for the request arriving now, or null to answer normally. */
  next(): { kind: ActiveFailure; delayMs: number } | null {
    const { kind, every, delayMs } = this.mode;
    if (kind === 'none') return null;
    const index = this.seen++;
    let fail: boolean;
    if (every === 'half') fail = index % 2 === 0;
    else if (typeof every === 'number') fail = this.remaining-- > 0;
    else fail = true;
    return fail ? { kind, delayMs: delayMs ?? 5000 } : null;
  }
}
