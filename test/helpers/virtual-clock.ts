/** A virtual clock for the pacer's property tests (timers fire as time is moved on). */
import type { PacerClock } from '#shared/core/pacer.js';

/** Lets every pending promise callback and setImmediate run. */
export const settleMicrotasks = () => new Promise<void>((r) => setImmediate(r));

/** A virtual clock: timers fire in time order as `advanceTo` moves time forward. */
export class VirtualClock implements PacerClock {
  t = 1_000_000;
  private seq = 0;
  private timers = new Map<number, { at: number; fn: () => void }>();
  now(): number {
    return this.t;
  }
  setTimer(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + Math.max(0, ms), fn });
    return id;
  }
  clearTimer(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  /** Runs every timer due up to `at` (in order, with microtasks between), then sets now = at. */
  async advanceTo(at: number): Promise<void> {
    for (;;) {
      await settleMicrotasks();
      let first: [number, { at: number; fn: () => void }] | undefined;
      for (const e of this.timers) if (!first || e[1].at < first[1].at) first = e;
      if (!first || first[1].at > at) break;
      this.t = Math.max(this.t, first[1].at);
      this.timers.delete(first[0]);
      first[1].fn();
    }
    this.t = Math.max(this.t, at);
    await settleMicrotasks();
  }
  pending(): number {
    return this.timers.size;
  }
}
