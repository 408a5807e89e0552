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
 */
export class InFlightChanges {
  private readonly active = new Set<string>();
  private readonly accepted = new Map<string, number>();

  /**
   * @param rememberMs how long an accepted abort is kept for overlapping invocations, ms
   *   (default 10 minutes: longer than any invocation's timeout)
   */
  constructor(
    private readonly rememberMs = 10 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Claims the id. Returns undefined when claimed, or the outcome to record instead: `skipped`
   * while another invocation of this instance is mid-call for it; `already_aborting` when
   * another one had AbortChange accepted for it after this invocation started reading Web+ (its
   * read predates that abort).
   * @param readsStartedAtMs epoch ms this invocation's request started reading Web+
   */
  claim(
    changeId: string,
    readsStartedAtMs: number,
  ): { outcome: 'skipped' | 'already_aborting'; detail: string } | undefined {
    if (this.active.has(changeId)) {
      return {
        outcome: 'skipped',
        detail: 'another invocation in this instance is aborting this change right now',
      };
    }
    const at = this.accepted.get(changeId);
    if (at !== undefined && at >= readsStartedAtMs) {
      return {
        outcome: 'already_aborting',
        detail: `an overlapping invocation in this instance had AbortChange accepted for this change at ${new Date(at).toISOString()}, after this one read it`,
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
    this.accepted.set(changeId, now);
    if (this.accepted.size > 1000) {
      for (const [id, at] of this.accepted)
        if (now - at > this.rememberMs) this.accepted.delete(id);
    }
  }
}
