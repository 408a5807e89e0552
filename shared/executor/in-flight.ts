/**
 * ChangeIds this instance is aborting, or aborted a short while ago. FC 3.0 standard runtimes
 * run one request per instance at a time, but the CLI's `serve`, tests and custom runtimes
 * overlap invocations in one process: this keeps them from calling AbortChange twice for one
 * change (the second would only meet `ChangeOnAborting`).
 */
export class InFlightChanges {
  private readonly active = new Set<string>();
  private readonly recent = new Map<string, number>();

  /**
   * @param rememberMs how long an accepted abort is remembered, ms (default 10 minutes)
   */
  constructor(
    private readonly rememberMs = 10 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Claims the id. Returns undefined when claimed, or the outcome to record instead: `skipped`
   * while another invocation is mid-call, `already_aborting` after an accepted abort.
   */
  claim(changeId: string): { outcome: 'skipped' | 'already_aborting'; detail: string } | undefined {
    if (this.active.has(changeId)) {
      return {
        outcome: 'skipped',
        detail: 'another invocation in this instance is aborting this change right now',
      };
    }
    const at = this.recent.get(changeId);
    if (at !== undefined && this.now() - at < this.rememberMs) {
      return {
        outcome: 'already_aborting',
        detail: `this instance had AbortChange accepted for this change at ${new Date(at).toISOString()}`,
      };
    }
    this.active.add(changeId);
    return undefined;
  }

  /** Releases the claim; `aborted` remembers an accepted abort. */
  release(changeId: string, aborted: boolean): void {
    this.active.delete(changeId);
    if (aborted) {
      this.recent.set(changeId, this.now());
      if (this.recent.size > 10_000) this.prune();
    }
  }

  private prune(): void {
    const cutoff = this.now() - this.rememberMs;
    for (const [id, at] of this.recent) if (at < cutoff) this.recent.delete(id);
  }
}
