import type { Decision } from '../model/decision.js';
import { applyCap } from '../policy/decide.js';

/**
 * One invocation's `sweep.maxAbortsPerRun`, counted across every platform and region it sweeps
 * (red-team 24: each Web+ region and each SAE / EDAS platform used to get a cap of its own, so a
 * sweep of 2 regions with cap 2 aborted 4 changes although the key promises "at most this many
 * per sweep"; docs/policy.md, Keys). Each region's or platform's enforce aborts are capped, most
 * urgent first within it (decide.ts `applyCap`), to what earlier ones left; the regions and
 * platforms are served in the order they reach their decisions, so urgency is compared within
 * one region or platform, never across them. Synchronous from reading what is left to counting
 * what was kept, so regions decided concurrently never overspend.
 */
export class SweepAbortBudget {
  /** Enforce aborts kept by earlier calls of this invocation. */
  private used = 0;

  /**
   * Caps `decisions` (one region's or platform's) to what is left of `maxAbortsPerRun`, and to
   * `fit` when that is smaller (the aborts that still fit before the deadline), and counts the
   * aborts kept.
   * @param fitWhy the record detail when `fit` is what cuts (default: the cap's own words)
   * @returns the decisions in their order, and whether any abort was cut
   */
  take(
    decisions: Decision[],
    maxAbortsPerRun: number,
    fit = Number.POSITIVE_INFINITY,
    fitWhy?: string,
  ): { decisions: Decision[]; capReached: boolean } {
    const left = Math.max(0, maxAbortsPerRun - this.used);
    const limit = Math.min(left, fit);
    const why =
      fit < left
        ? fitWhy
        : this.used > 0
          ? `cap reached: sweep.maxAbortsPerRun is ${maxAbortsPerRun} for the whole sweep (every platform and region), ${this.used} of it used by the regions or platforms decided before this one; oldest changes go first, this one waits for the next sweep`
          : undefined;
    const out = applyCap(decisions, limit, why);
    this.used += out.decisions.filter((d) => d.kind === 'abort').length;
    return out;
  }
}
