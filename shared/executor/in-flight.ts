/**
 * ChangeIds this instance is aborting right now. FC 3.0 standard runtimes run one request per
 * instance at a time, but the CLI's `serve`, tests and custom runtimes overlap invocations in
 * one process: this keeps two of them from calling AbortChange for one change at the same
 * moment. It remembers nothing once a call ends: a later request for the same change is decided
 * from a fresh read of Web+, never from this instance's memory (issue 10, kind 7).
 */
export class InFlightChanges {
  private readonly active = new Set<string>();

  /**
   * Claims the id. Returns undefined when claimed, or the outcome to record instead (`skipped`)
   * while another invocation of this instance is mid-call for it.
   */
  claim(changeId: string): { outcome: 'skipped'; detail: string } | undefined {
    if (this.active.has(changeId)) {
      return {
        outcome: 'skipped',
        detail: 'another invocation in this instance is aborting this change right now',
      };
    }
    this.active.add(changeId);
    return undefined;
  }

  /** Releases the claim (whatever the call's outcome: nothing is remembered). */
  release(changeId: string): void {
    this.active.delete(changeId);
  }

  /** ChangeIds claimed right now. */
  get size(): number {
    return this.active.size;
  }
}
