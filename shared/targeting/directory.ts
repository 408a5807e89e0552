import type { Settled } from '../model/candidate.js';
import type { WebplusGateway } from '../webplus/gateway.js';
import type { AppEnv } from '../webplus/types.js';
import { readAllPages } from './read.js';
import { settledFromError } from './settle.js';

/** Every environment of one region, and why the list may be incomplete. */
export interface DirectoryListing {
  envs: AppEnv[];
  /** Set when some application (or the application list) could not be read whole. */
  incomplete?: Settled;
}

/** What a look-up found: the environment, or the outcome to record instead. */
export type Lookup = { env: AppEnv; settled?: undefined } | { env?: undefined; settled: Settled };

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

  constructor(private readonly gateway: WebplusGateway) {}

  /** The region's environments (memoized). Never throws: failures become `incomplete`. */
  list(): Promise<DirectoryListing> {
    this.listing ??= this.read();
    return this.listing;
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
          for (const env of listing.items) envs.push({ ...env, appId: env.appId || appId });
          if (listing.problem) problems.push(listing.problem);
        } catch (err) {
          problems.push(settledFromError(err, what));
        }
      }),
    );
    const first = problems[0];
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

  /** The environment with this EnvId (for its AppId and flags). */
  async findEnv(envId: string): Promise<Lookup> {
    const { envs, incomplete } = await this.list();
    const env = envs.find((e) => e.envId === envId);
    if (env) return { env };
    return { settled: this.missing(`environment ${envId}`, 'is in no application', incomplete) };
  }

  /** The environment whose latest change is this ChangeId (its only way to be in flight). */
  async envOfChange(changeId: string): Promise<Lookup> {
    const { envs, incomplete } = await this.list();
    const env = envs.find((e) => e.latestChangeId === changeId);
    if (env) return { env };
    return {
      settled: this.missing(
        `ChangeId ${changeId}`,
        "is the latest change of no environment: only an environment's latest change can be in flight, so it is not in flight here (and Web+ needs its EnvId to read it)",
        incomplete,
      ),
    };
  }

  private missing(what: string, why: string, incomplete: Settled | undefined): Settled {
    const where = `region ${this.gateway.client.regionId}`;
    if (incomplete) {
      // Not found in a partial list proves nothing: fail closed, naming what was not read.
      return {
        ...incomplete,
        outcome: incomplete.outcome === 'timeout' ? 'timeout' : 'failed',
        detail: `${what} could not be looked up in ${where}: the environment list is incomplete (${incomplete.detail}); nothing was aborted for it`,
      };
    }
    return { outcome: 'not_found', detail: `${what} ${why} in ${where}` };
  }
}
