import type { Settled } from '../model/candidate.js';
import type { WebplusGateway } from '../webplus/gateway.js';
import type { AppEnv } from '../webplus/types.js';
import type { DirectoryCache, RememberedEnv } from './directory-cache.js';
import { duplicateDetail, type EnvSighting } from './duplicates.js';
import { readAllPages } from './read.js';
import { settledFromError } from './settle.js';

/** Every environment of one region, and why the list may be incomplete. */
export interface DirectoryListing {
  envs: AppEnv[];
  /** Set when some application (or the application list) could not be read whole. */
  incomplete?: Settled;
}

/**
 * What a look-up found: the environment, or the outcome to record instead. `appIdUnknown` says
 * why `env.appId` is blank (the listing item's own AppId was missing or named another
 * application: the AppId asked for is never put in its place).
 */
export type Lookup =
  | { env: AppEnv; appIdUnknown?: string; settled?: undefined }
  | { env?: undefined; appIdUnknown?: undefined; settled: Settled };

/** Web+'s `EnvStatus` of an environment that is gone (DescribeAppEnvs hides it by default). */
export const TERMINATED = 'TERMINATED';

/**
 * The outcome of an environment whose `EnvStatus` is `TERMINATED` (docs/reference/webplus-api.md,
 * "Environment status"). A terminated environment has nothing in flight: `not_found`, saying so.
 * One that still reads `ApplyingChange: true` with a `LatestChangeId` says two things that cannot
 * both hold: `skipped`, naming both facts (red-team 24 F3: never resolved silently, in a sweep
 * or a request by id).
 * @param env the environment as read
 * @param read the read that gave it (`DescribeAppEnvs`, `DescribeAppEnvStatus`)
 * @param regionId the region it was read in
 */
export function terminatedOutcome(env: AppEnv, read: string, regionId: string): Settled {
  if (env.applyingChange === true && env.latestChangeId) {
    return {
      outcome: 'skipped',
      detail: `${read}: environment ${env.envId} is ${TERMINATED} in region ${regionId} but reads ApplyingChange true with LatestChangeId ${env.latestChangeId}: the two contradict each other (a TERMINATED environment applies no change); not aborted (fail closed)`,
    };
  }
  return {
    outcome: 'not_found',
    detail: `environment ${env.envId} is ${TERMINATED} in region ${regionId}: nothing is in flight there`,
  };
}

/**
 * The outcome of a DescribeAppEnvs item whose own `AppId` is not the one the listing asked for
 * (another application's, or none): the item contradicts the listing it came in, so which
 * application the environment is in is unknown. `skipped`, naming `AppId` and both values;
 * never read, never aborted, whatever `sweep.appIds` or `protect.appIds` say (red-team 25 G3).
 * @param envId the item's EnvId
 * @param asked the AppId the listing asked for
 * @param carried the item's own AppId as read (`''` when it had none)
 */
export function appIdContradiction(envId: string, asked: string, carried: string): Settled {
  return {
    outcome: 'skipped',
    detail: `DescribeAppEnvs of ${asked} listed ${envId} ${carried ? `with AppId ${JSON.stringify(carried)}` : 'without its AppId'}: the item's own AppId contradicts the application asked for (${asked}), so which application it is in is unknown; not aborted (fail closed)`,
  };
}

/**
 * The outcome of an environment whose application's DescribeAppEnvs listing is incomplete (a
 * later page failed, or its pages do not add up to one TotalCount: shared/targeting/read.ts
 * `ListingTally`): its item is not relied on for an abort (another item of the unread or
 * unreconciled pages might name the same EnvId or change), `skipped` naming the listing's
 * problem (red-team 25 G11).
 * @param envId the environment
 * @param appId the application whose listing it came in
 * @param why the listing's problem, in words
 */
export function incompleteListing(envId: string, appId: string, why: string): Settled {
  return {
    outcome: 'skipped',
    detail: `${why}: the listing of ${appId} is incomplete, so what it says of ${envId} is not relied on; not aborted (fail closed)`,
  };
}

/**
 * What an environment's `EnvStatus` (env-status.ts `readEnvStatus`) says for its change, or
 * undefined when it is a documented live status (RUNNING, INITIALIZING) and the change may be
 * judged. `TERMINATED`: {@link terminatedOutcome}. Any other documented status (TERMINATING,
 * ABNORMAL), an undocumented one, or one that is absent, not a string or blank: `skipped`,
 * naming `EnvStatus` and what was read; never aborted (red-team 25 G1; docs/policy.md, "Fail
 * closed").
 * @param env the environment as read
 * @param read the read that gave it (`DescribeAppEnvs`, `DescribeAppEnvStatus`)
 * @param regionId the region it was read in
 */
export function envStatusOutcome(env: AppEnv, read: string, regionId: string): Settled | undefined {
  const status = env.envStatusRead;
  if (status.kind === 'live') return undefined;
  if (status.kind === 'terminated') return terminatedOutcome(env, read, regionId);
  const change = env.latestChangeId ? ` (LatestChangeId ${env.latestChangeId})` : '';
  return {
    outcome: 'skipped',
    detail: `${read}: environment ${env.envId} reads ${status.why}, so ${status.kind === 'unknown' ? `whether its change${change} is live is unknown` : `its change${change} is not judged`} in region ${regionId}; not aborted (fail closed)`,
  };
}

/**
 * The environments of one region, listed once per invocation and only when needed, to learn
 * the ids Web+ requires but a request may not carry: the `EnvId` of a named ChangeId
 * (DescribeChange needs it) and the `AppId` of a named EnvId (DescribeAppEnvs needs it).
 * Listing = the pages of DescribeApplications + the pages of DescribeAppEnvs (with `AppId`) per
 * application. A change can be in flight only as its environment's `LatestChangeId` (one change
 * at a time per environment: `EnvOnChanging`), so a ChangeId that is no environment's latest is
 * not in flight here.
 */
export class EnvDirectory {
  private listing?: Promise<DirectoryListing>;
  /** EnvId → the AppId its listing item carried, for items whose AppId was not the listed app. */
  private blankAppIds = new Map<string, string>();
  /**
   * Listing item → where it was listed (application, page, the item as listed), for the
   * record's words. Every item is kept, an EnvId listed twice included (red-team 12 H1).
   */
  private sightingOf = new WeakMap<AppEnv, EnvSighting>();
  /** EnvId → every item listing it (two or more: its facts are unknown). */
  private sightings = new Map<string, EnvSighting[]>();
  /** AppId → the problem of its DescribeAppEnvs listing, for listings read only in part (G11). */
  private incompleteApps = new Map<string, string>();

  /**
   * @param gateway the region's gateway
   * @param cache the instance's memory of complete listings (shared/targeting/directory-cache.ts):
   *   a complete listing read here is remembered there; `remembered` reads it. Never used by
   *   `list`, `findEnv` or `envOfChange`, which always read this invocation's own listing.
   */
  constructor(
    private readonly gateway: WebplusGateway,
    private readonly cache?: DirectoryCache,
  ) {}

  /** The region's environments (memoized). Never throws: failures become `incomplete`. */
  list(): Promise<DirectoryListing> {
    this.listing ??= this.read().then((listing) => {
      if (!listing.incomplete) this.cache?.remember(this.gateway.client.regionId, listing.envs);
      return listing;
    });
    return this.listing;
  }

  /**
   * The environment an earlier complete listing of this instance (at most
   * `DIRECTORY_CACHE_TTL_MS` old) named as `changeId`'s, or undefined. A hint to be confirmed
   * (DescribeChange's EnvId, the environment's fresh `LatestChangeId`), never a fact; undefined
   * once this invocation has listed (its own listing is then the better source).
   */
  remembered(changeId: string): RememberedEnv | undefined {
    if (this.listing) return undefined;
    return this.cache?.envOfChange(this.gateway.client.regionId, changeId);
  }

  /** Forgets the remembered listing of the region (a hint that the platform did not confirm). */
  forgetRemembered(): void {
    this.cache?.forget(this.gateway.client.regionId);
  }

  private async read(): Promise<DirectoryListing> {
    const { gateway } = this;
    let apps: { appId: string }[];
    const problems: Settled[] = [];
    try {
      const listing = await readAllPages(
        gateway,
        'DescribeApplications',
        'listing applications',
        (page, timeoutMs) => gateway.client.describeApplications(page, { timeoutMs }),
        (a) => a.appId,
      );
      apps = listing.items;
      if (listing.problem) problems.push(listing.problem);
    } catch (err) {
      return { envs: [], incomplete: settledFromError(err, 'listing applications') };
    }
    const envs: AppEnv[] = [];
    const blankAppIds = new Map<string, string>();
    const sightingOf = new WeakMap<AppEnv, EnvSighting>();
    const sightings = new Map<string, EnvSighting[]>();
    const incompleteApps = new Map<string, string>();
    const keep = (env: AppEnv, appId: string, page: number) => {
      // The item's own AppId must confirm the application it was listed under: a missing
      // or different one stays unknown (blank), never filled in from the request.
      if (env.appId !== appId) blankAppIds.set(env.envId, env.appId);
      const listed = { ...env, appId: env.appId === appId ? appId : '' };
      const sighting = { env, under: appId, page };
      envs.push(listed);
      sightingOf.set(listed, sighting);
      sightings.set(env.envId, [...(sightings.get(env.envId) ?? []), sighting]);
    };
    await Promise.all(
      apps.map(async ({ appId }) => {
        const what = `listing environments of ${appId}`;
        try {
          const listing = await readAllPages(
            gateway,
            'DescribeAppEnvs',
            what,
            (page, timeoutMs) => gateway.client.describeAppEnvs({ appId }, page, { timeoutMs }),
            (e) => e.envId,
          );
          for (const [i, env] of listing.items.entries()) keep(env, appId, listing.pageOf[i] ?? 1);
          // An item repeating an EnvId (same page or a later one) is kept too: the EnvId is
          // then ambiguous, whichever facts its items carry.
          for (const r of listing.repeated) keep(r.item, appId, r.page);
          if (listing.problem) {
            problems.push(listing.problem);
            incompleteApps.set(appId, listing.problem.detail);
          }
        } catch (err) {
          problems.push(settledFromError(err, what));
        }
      }),
    );
    const first = problems[0];
    this.blankAppIds = blankAppIds;
    this.sightingOf = sightingOf;
    this.sightings = sightings;
    this.incompleteApps = incompleteApps;
    return first
      ? {
          envs,
          incomplete: {
            ...first,
            detail:
              problems.length > 1
                ? `${first.detail} (and ${problems.length - 1} more listing problem(s))`
                : first.detail,
          },
        }
      : { envs };
  }

  /**
   * The environment with this EnvId (for its AppId and flags). Fails closed: an EnvId listed
   * twice (in one page, two pages, under two applications; the items alike or not) is
   * ambiguous, an item of an application whose listing is incomplete is not relied on
   * ({@link incompleteListing}), an item whose own AppId is not the application it was listed under is a
   * contradiction ({@link appIdContradiction}), a TERMINATED environment has nothing in flight,
   * any other status but a documented live one is skipped ({@link envStatusOutcome}).
   */
  async findEnv(envId: string): Promise<Lookup> {
    const { envs, incomplete } = await this.list();
    const found = envs.filter((e) => e.envId === envId);
    if (found.length > 1) return { settled: this.duplicated(envId) };
    const env = found[0];
    if (env) return this.lookup(env);
    return {
      settled: this.missing(
        `environment ${envId}`,
        'is in no application DescribeAppEnvs lists',
        incomplete,
        ' (the listing leaves TERMINATED environments out)',
      ),
    };
  }

  /**
   * The environment whose latest change is this ChangeId (its only way to be in flight). Two
   * environments naming the same LatestChangeId are ambiguous: neither is used.
   */
  async envOfChange(changeId: string): Promise<Lookup> {
    const { envs, incomplete } = await this.list();
    const found = envs.filter((e) => e.latestChangeId === changeId);
    // The environment named is listed twice (perhaps once with another change): unknown.
    const twice = found.find((e) => (this.sightings.get(e.envId)?.length ?? 0) > 1);
    if (twice) return { settled: this.duplicated(twice.envId) };
    if (found.length > 1) return { settled: this.ambiguous(`ChangeId ${changeId}`, found) };
    const env = found[0];
    if (env) return this.lookup(env);
    return {
      settled: this.missing(
        `ChangeId ${changeId}`,
        'is the LatestChangeId of no environment DescribeAppEnvs lists',
        incomplete,
        // What is true: the listing (sent without IncludeTerminated) leaves TERMINATED
        // environments out, so this also covers a change of a terminated one (red-team 24 F3).
        " (the listing leaves TERMINATED environments out): only an environment's latest change can be in flight, so it is not in flight here (and Web+ needs its EnvId to read it)",
      ),
    };
  }

  private lookup(env: AppEnv): Lookup {
    const listedUnder = this.sightingOf.get(env)?.under;
    const partial = listedUnder === undefined ? undefined : this.incompleteApps.get(listedUnder);
    if (listedUnder !== undefined && partial !== undefined)
      return { settled: incompleteListing(env.envId, listedUnder, partial) };
    if (!env.appId) {
      // The item's own AppId did not confirm the application it was listed under (red-team 25
      // G3): a contradiction, whatever the rules need.
      const under = this.sightingOf.get(env)?.under ?? 'its application';
      return {
        settled: appIdContradiction(env.envId, under, this.blankAppIds.get(env.envId) ?? ''),
      };
    }
    const status = envStatusOutcome(env, 'DescribeAppEnvs', this.gateway.client.regionId);
    if (status) return { settled: status };
    return { env };
  }

  private ambiguous(what: string, found: AppEnv[]): Settled {
    return {
      outcome: 'skipped',
      detail: `${what} matches ${found.length} environments in region ${this.gateway.client.regionId} (${found
        .map((e) => `${e.envId} of ${this.sightingOf.get(e)?.under ?? '?'}`)
        .join(', ')}): which environment is meant is ambiguous; nothing was aborted for it`,
    };
  }

  /** The outcome of an EnvId listed more than once, naming each item and where it came. */
  private duplicated(envId: string): Settled {
    return {
      outcome: 'skipped',
      detail: duplicateDetail(envId, this.sightings.get(envId) ?? [], this.gateway.client.regionId),
    };
  }

  private missing(what: string, why: string, incomplete: Settled | undefined, after = ''): Settled {
    const where = `region ${this.gateway.client.regionId}`;
    if (incomplete) {
      // Not found in a partial list proves nothing: fail closed, naming what was not read.
      return {
        ...incomplete,
        outcome: incomplete.outcome === 'timeout' ? 'timeout' : 'failed',
        detail: `${what} could not be looked up in ${where}: the environment list is incomplete (${incomplete.detail}); nothing was aborted for it`,
      };
    }
    return { outcome: 'not_found', detail: `${what} ${why} in ${where}${after}` };
  }
}
