/**
 * When the invocation must stop working. FC 3.0 gives no remaining-time method, so the deadline
 * is the invocation start + `function.timeout` (seconds) − a safety margin (ms), leaving time to
 * write the records and return before FC kills the instance.
 * Source: FC docs, "Node.js context" (docs/reference/fc-triggers.md).
 */
export class Deadline {
  constructor(
    /** epoch ms */
    readonly atMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** ms left, never negative. */
  remainingMs(): number {
    return Math.max(0, this.atMs - this.now());
  }

  /** True when `ms` more milliseconds of work still end before the deadline. */
  fits(ms: number): boolean {
    return this.now() + ms <= this.atMs;
  }

  /** A deadline that is the earlier of this one and `epochMs`. */
  capAt(epochMs: number): Deadline {
    return epochMs < this.atMs ? new Deadline(epochMs, this.now) : this;
  }
}
