/**
 * ChangeIds this instance is aborting, or had an abort accepted for while another invocation
 * was running. FC 3.0 standard runtimes run one request per instance at a time, but the CLI's
 * `serve`, tests and custom runtimes overlap invocations in one process: this keeps two of them
 * from calling AbortChange for one change when both read it before either aborted it.
 *
 * It only stops concurrent duplicates (issue 10, kind 7): an accepted abort is held against an
 * invocation only when it was accepted after that invocation started reading Web+. A later
 * request (its reads start after the abort) is decided from its own fresh read of Web+, never
 * from this memory.
 *
 * "After" is decided by one counter of this instance, never by comparing clock readings: two
 * events in the same millisecond (an abort released, the next request starting its reads) are
 * still strictly ordered, so a sequential request is never taken for an overlapping one.
 */

/** When an invocation started reading: its place in this instance's order of events. */
export interface ReadsStart {
  /** position in the instance's event order (larger is later) */
  readonly seq: number;
  /** epoch ms, for the record's wording only */
  readonly atMs: number;
}

export class InFlightChanges {
  private readonly active = new Set<string>();
  private readonly accepted = new Map<string, { seq: number; atMs: number }>();
  private seq = 0;

  /**
   * @param rememberMs how long an accepted abort is kept for overlapping invocations, ms
   *   (default 10 minutes: longer than any invocation's timeout)
   */
  constructor(
    private readonly rememberMs = 10 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Marks the moment an invocation starts reading: pass the result to {@link claim}. */
  startReads(): ReadsStart {
    this.seq += 1;
    return { seq: this.seq, atMs: this.now() };
  }

  /**
   * Claims the id. Returns undefined when claimed, or the outcome to record instead: `skipped`
   * while another invocation of this instance is mid-call for it; `already_aborting` when
   * another one had AbortChange accepted for it after this invocation started reading Web+ (its
   * read predates that abort).
   * @param readsStarted what {@link startReads} returned when this invocation began reading
   */
  claim(
    changeId: string,
    readsStarted: ReadsStart,
  ): { outcome: 'skipped' | 'already_aborting'; detail: string } | undefined {
    if (this.active.has(changeId)) {
      return {
        outcome: 'skipped',
        detail: 'another invocation in this instance is aborting this change right now',
      };
    }
    const at = this.accepted.get(changeId);
    if (at !== undefined && at.seq > readsStarted.seq) {
      return {
        outcome: 'already_aborting',
        detail: `an overlapping invocation in this instance had AbortChange accepted for this change at ${new Date(at.atMs).toISOString()}, after this one read it`,
      };
    }
    this.active.add(changeId);
    return undefined;
  }

  /** Releases the claim; `aborted` notes the accepted abort for overlapping invocations. */
  release(changeId: string, aborted: boolean): void {
    this.active.delete(changeId);
    if (!aborted) return;
    const now = this.now();
    this.seq += 1;
    this.accepted.set(changeId, { seq: this.seq, atMs: now });
    if (this.accepted.size > 1000) {
      for (const [id, at] of this.accepted)
        if (now - at.atMs > this.rememberMs) this.accepted.delete(id);
    }
  }
}
