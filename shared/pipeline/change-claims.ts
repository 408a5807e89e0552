/**
 * The changes one invocation's sweep decides, over all its regions (red-team 11 F5).
 *
 * Several regions can return the same change: cn-beijing, cn-shanghai, cn-shenzhen and
 * cn-zhangjiakou call the cn-hangzhou Web+ host (shared/webplus/endpoints.ts), and a backend or
 * proxy that ignores `x-acs-region-id` answers every region alike. Within one invocation a
 * change (by platform and ChangeId / ChangeOrderId) is decided once: the first region whose read
 * of it ends claims it ({@link ChangeClaims.claim}); any other region's read of it is dropped
 * (no second record, no second AbortChange).
 *
 * Which region it belongs to: Web+ replies carry no `RegionId` (docs/reference/webplus-api.md),
 * so a change listed by two regions has no known region. An abort (or a dry run's `would_abort`)
 * of such a change waits until every region has listed ({@link ChangeClaims.waitForListings},
 * bounded by the read deadline) and is then `skipped`, naming the regions (fail closed:
 * docs/operator-guide.md, "Several regions"). Real Web+ lists an environment only in its own
 * region, so this blocks nothing there; it blocks every abort only where the region header is
 * ignored, which is exactly where the region of a change is unknown. Environments are claimed
 * too ({@link ChangeClaims.envKey}): one EnvId listed by two regions, each naming its own
 * change, leaves both changes' region unknown (red-team 12 H1).
 */
export class ChangeClaims {
  private readonly listedBy = new Map<string, string[]>();
  /** Regions whose listing failed or is incomplete, with why (red-team 25 G6). */
  private readonly incomplete = new Map<string, string>();
  private readonly decidedBy = new Map<string, string>();
  private readonly waiting = new Set<string>();
  private readonly waiters: (() => void)[] = [];

  /** @param regions every region of the sweep (each must call {@link listed} once) */
  constructor(private readonly regions: readonly string[]) {
    for (const r of regions) this.waiting.add(r);
  }

  /** The claim key of a change: `platform:id` (Web+ `webplus:<ChangeId>`). */
  static key(platform: string, changeId: string): string {
    return `${platform}:${changeId}`;
  }

  /**
   * The claim key of an environment: `platform:env:id` (Web+ `webplus:env:<EnvId>`). A region
   * lists it for every environment it listed, so that one EnvId two regions list (each naming
   * its own change, or the same) is seen as region-ambiguous too, not only one ChangeId
   * (red-team 12 H1).
   */
  static envKey(platform: string, envId: string): string {
    return `${platform}:env:${envId}`;
  }

  /**
   * A region's listing ended: these changes are in flight there. Call once per region, also when
   * its listing failed (with none), so that {@link waitForListings} does not wait for it.
   * @param incompleteWhy set when the listing failed or was read only in part (words for the
   *   record): what it did not list is unknown, so a change another region lists may be there
   *   too ({@link unknownBeside}, red-team 25 G6). @default complete
   */
  listed(regionId: string, keys: Iterable<string>, incompleteWhy?: string): void {
    if (incompleteWhy !== undefined) this.incomplete.set(regionId, incompleteWhy);
    for (const k of keys) {
      const by = this.listedBy.get(k) ?? [];
      if (!by.includes(regionId)) by.push(regionId);
      this.listedBy.set(k, by);
    }
    this.waiting.delete(regionId);
    if (this.waiting.size === 0) for (const w of this.waiters.splice(0)) w();
  }

  /** The regions whose listing returned this change so far, in the order they listed. */
  regionsListing(key: string): readonly string[] {
    return this.listedBy.get(key) ?? [];
  }

  /**
   * True when `regionId` is the first to decide this change in the invocation (it then owns the
   * change's one record); false when another region (or this one, for a second environment
   * naming the same change) already did.
   */
  claim(key: string, regionId: string): boolean {
    if (this.decidedBy.has(key)) return false;
    this.decidedBy.set(key, regionId);
    return true;
  }

  /** The region that decided the change, if one did. */
  decidedIn(key: string): string | undefined {
    return this.decidedBy.get(key);
  }

  /**
   * The regions other than `regionId` whose listing failed, was incomplete, or has not ended,
   * with why, in the order they were given (red-team 25 G6): a change `regionId` lists may be
   * in one of them too (Web+ replies carry no RegionId), so its region is unknown.
   */
  unknownBeside(regionId: string): { regionId: string; why: string }[] {
    const out: { regionId: string; why: string }[] = [];
    for (const r of this.regions) {
      if (r === regionId) continue;
      const why = this.incomplete.get(r);
      if (why !== undefined) out.push({ regionId: r, why });
      else if (this.waiting.has(r))
        out.push({ regionId: r, why: 'its listing had not ended in time' });
    }
    return out;
  }

  /** The regions that have not finished listing. */
  notListed(): string[] {
    return [...this.waiting];
  }

  /**
   * Resolves when every region has listed, or at `untilMs` (epoch ms) at the latest.
   * @returns true when every region had listed
   */
  waitForListings(untilMs: number): Promise<boolean> {
    if (this.waiting.size === 0) return Promise.resolve(true);
    const waitMs = untilMs - Date.now();
    if (waitMs <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(this.waiting.size === 0), waitMs);
      timer.unref?.();
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}
