import type { AppEnv } from '../webplus/types.js';

/**
 * How long a region's environment listing is remembered by an instance: 5 minutes (ms). Only a
 * hint: a remembered EnvId is used to read a change (DescribeChange, which must confirm it) and
 * the environment's flags are read fresh (DescribeAppEnvStatus); a stale entry costs one
 * re-list, never a decision.
 */
export const DIRECTORY_CACHE_TTL_MS = 5 * 60_000;

/** What a remembered listing says about a ChangeId: the environment it was the latest of. */
export interface RememberedEnv {
  envId: string;
  /** The AppId the listing item carried for its own application; absent when it did not. */
  appId?: string;
}

interface RegionEntry {
  /** epoch ms (the instance's clock) the listing was read */
  readAtMs: number;
  byChange: Map<string, RememberedEnv>;
}

/**
 * The instance's memory of each region's last complete environment listing (DescribeApplications
 * + DescribeAppEnvs), kept for `ttlMs` so that an alarm naming only a ChangeId does not list the
 * region again to learn its EnvId. Holds only ChangeId → (EnvId, AppId) of each environment's
 * `LatestChangeId` when it was listed; a ChangeId two environments named is not remembered
 * (ambiguous). Never a fact a decision rests on: the caller confirms the EnvId with DescribeChange
 * and reads the environment's flags fresh (shared/targeting/explicit.ts).
 */
export class DirectoryCache {
  private readonly regions = new Map<string, RegionEntry>();

  /**
   * @param ttlMs how long a listing is used (default `DIRECTORY_CACHE_TTL_MS`)
   * @param now the clock, epoch ms (default `Date.now`; wall time, so a frozen-and-thawed
   *   instance sees the time that passed)
   */
  constructor(
    private readonly ttlMs: number = DIRECTORY_CACHE_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Remembers a complete listing of `regionId` read at `readAtMs` (replacing the last one). */
  remember(regionId: string, envs: readonly AppEnv[], readAtMs: number = this.now()): void {
    const byChange = new Map<string, RememberedEnv>();
    const twice = new Set<string>();
    for (const env of envs) {
      const changeId = env.latestChangeId;
      if (!changeId || twice.has(changeId)) continue;
      if (byChange.has(changeId)) {
        byChange.delete(changeId);
        twice.add(changeId);
        continue;
      }
      byChange.set(
        changeId,
        env.appId ? { envId: env.envId, appId: env.appId } : { envId: env.envId },
      );
    }
    this.regions.set(regionId, { readAtMs, byChange });
  }

  /**
   * The environment whose latest change `changeId` was in the region's remembered listing, or
   * undefined (nothing remembered, older than `ttlMs`, read in the future by a clock that went
   * back, or not listed then).
   */
  envOfChange(regionId: string, changeId: string): RememberedEnv | undefined {
    const entry = this.regions.get(regionId);
    if (!entry) return undefined;
    const age = this.now() - entry.readAtMs;
    if (age < 0 || age >= this.ttlMs) {
      this.regions.delete(regionId);
      return undefined;
    }
    return entry.byChange.get(changeId);
  }

  /** Drops what is remembered of `regionId` (a remembered EnvId the platform did not confirm). */
  forget(regionId: string): void {
    this.regions.delete(regionId);
  }
}
