import type { Deadline } from '../core/deadline.js';
import type { ReadFreshness } from '../executor/read-age.js';
import type { Candidate } from '../model/candidate.js';
import type { Decision } from '../model/decision.js';

/**
 * Reads a change again for {@link SweepReadAge}: the new candidate (its facts from the new read,
 * the rest the first read's), or why it cannot stand (the read failed, or it shows another
 * change), in words. Never throws.
 */
export type Reread = (first: Candidate) => Promise<Candidate | string>;

/**
 * When each change of a sweep was last read, on the monotonic clock, and the freshness the
 * executor checks before an abort (executor/read-age.ts; docs/policy.md, Fail closed 9,
 * `sweep.maxReadAgeSeconds`; red-team 24 F10). A stale read is read again once and decided
 * again with the same rules (`judge`); a second stale read, a failed re-read, or one that does
 * not fit with its abort before the deadline gives a `skipped` decision naming the stale read.
 */
export class SweepReadAge {
  private readonly ends = new Map<Candidate, number>();

  /**
   * @param mono the monotonic clock, ms (`Runtime.monoNow`)
   * @param maxAgeS `sweep.maxReadAgeSeconds`
   * @param deadline the invocation's work deadline
   * @param attemptMs `ATTEMPT_TIMEOUT_MS`: a re-read starts only if it and the abort after it
   *   fit, each taking its whole attempt
   * @param judge decides a candidate with the sweep's rules, on the clock facts of now
   * @param reread reads a change again (DescribeChange, DescribeChangeOrder, GetChangeOrderInfo)
   * @param readName the read's action in words, for the records
   */
  constructor(
    private readonly mono: () => number,
    readonly maxAgeS: number,
    private readonly deadline: Deadline,
    private readonly attemptMs: number,
    private readonly judge: (c: Candidate) => Decision,
    private readonly reread: Reread,
    private readonly readName: string,
  ) {}

  /** Notes that `c`'s read ended now. */
  readEnded(c: Candidate): void {
    this.ends.set(c, this.mono());
  }

  /** Whether `c` was read by this sweep and its read is already older than the bound. */
  stale(c: Candidate): boolean {
    const end = this.ends.get(c);
    return end !== undefined && this.mono() - end > this.maxAgeS * 1000;
  }

  /** The freshness of `c`'s last read for the executor; undefined when this sweep did not read it. */
  freshnessOf(c: Candidate): ReadFreshness | undefined {
    return this.ends.has(c) ? this.freshness(c, 0) : undefined;
  }

  private freshness(c: Candidate, rereads: number): ReadFreshness {
    return {
      maxAgeMs: this.maxAgeS * 1000,
      ageMs: () => this.mono() - (this.ends.get(c) ?? Number.NEGATIVE_INFINITY),
      reread: async (ageMs) => {
        if (rereads > 0)
          return { decision: this.skip(c, ageMs, 'and its re-read was already that old again') };
        if (!this.deadline.fits(2 * this.attemptMs))
          return {
            decision: this.skip(
              c,
              ageMs,
              `re-read failed: no time left for a ${this.readName} and the abort after it (each up to ATTEMPT_TIMEOUT_MS ${this.attemptMs} ms)`,
            ),
          };
        const again = await this.reread(c);
        if (typeof again === 'string')
          return { decision: this.skip(c, ageMs, `re-read failed: ${again}`) };
        this.readEnded(again);
        const d = this.judge(again);
        const detail = `read again ${Math.round(ageMs / 1000)} s after the first read (older than sweep.maxReadAgeSeconds ${this.maxAgeS}): ${d.detail}`;
        return d.kind === 'abort'
          ? { decision: { ...d, detail }, freshness: this.freshness(again, rereads + 1) }
          : { decision: { ...d, detail } };
      },
    };
  }

  private skip(c: Candidate, ageMs: number, why: string): Decision {
    return {
      kind: 'record',
      candidate: c,
      mode: 'enforce',
      outcome: 'skipped',
      detail: `read ${Math.round(ageMs / 1000)} s before the abort (sweep.maxReadAgeSeconds ${this.maxAgeS}), ${why}; not aborted (fail closed), the next sweep re-checks`,
    };
  }
}
