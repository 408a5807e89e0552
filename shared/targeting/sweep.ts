import type { Deadline } from '../core/deadline.js';
import type { Candidate } from '../model/candidate.js';
import type { SweepRequest } from '../model/request.js';
import type { WebplusGateway } from '../webplus/gateway.js';
import type { AppEnv } from '../webplus/types.js';
import {
  appIdContradiction,
  EnvDirectory,
  envStatusOutcome,
  incompleteListing,
} from './directory.js';
import { duplicateDetail, duplicatedEnvIds, type EnvSighting } from './duplicates.js';
import { envStatus } from './explicit.js';
import { abortingFacts, candidateForChange, readAllPages } from './read.js';
import type { TargetingScope } from './scope.js';
import { settledFromError } from './settle.js';
import type { ListingShape } from './sweep-plan.js';

/** Why an environment whose `ApplyingChange` is not a JSON boolean is not acted on. */
export const UNKNOWN_APPLYING =
  'ApplyingChange is not a JSON boolean (absent, null, a string): whether a change is in flight is unknown';

/** Why an environment applying a change it does not name is not acted on. */
export const UNNAMED_CHANGE =
  'ApplyingChange is true but LatestChangeId is absent: which change is in flight is unknown';

/** The listing of a sweep: environments with a change in flight, and what could not be listed. */
export interface SweepListing {
  /** Environments whose `ApplyingChange` is true and that name their `LatestChangeId`. */
  inFlight: AppEnv[];
  /**
   * One settled candidate per listing that failed (an application, an EnvId, the app list), and
   * one `skipped` per environment left out for a contradiction in its own item (ApplyingChange
   * not a boolean, applying without a LatestChangeId, TERMINATED yet applying a named change,
   * applying one in an EnvStatus that is not a documented live one, or listed under an
   * application its own AppId does not name, or in an application whose listing is incomplete).
   */
  failures: Candidate[];
  /**
   * `skipped` candidates of changes whose environment is ambiguous, one per (EnvId, ChangeId):
   * an EnvId listed more than once (red-team 12 H1, L1), or an in-flight environment whose
   * LatestChangeId another listed environment (applying or not, TERMINATED too) also names
   * (red-team 12 F1, M4). Written as they are, never read, never aborted; none is in `inFlight`.
   */
  ambiguous: Candidate[];
  /** Every EnvId the listing named (each once), for the regions' EnvId claims (change-claims.ts). */
  listedEnvIds: string[];
  /** App names from the listing a sweep over every app makes anyway (display only). */
  appNames: ReadonlyMap<string, string>;
  /**
   * What could not be listed whole (the application list, an application's environments, a
   * named EnvId), each with the reason: the environments in it are not covered by this run.
   * Empty when the listing is complete.
   */
  notListed: { what: string; why: string }[];
  /** The listing's Web+ calls and the longest run of them one after another (sweep-plan.ts). */
  shape: ListingShape;
}

/**
 * Lists the sweep's environments in the gateway's region. Web+ calls made: the pages of
 * DescribeApplications (only when no AppIds are given) + the pages of DescribeAppEnvs per
 * application (with its `AppId`, which the docs mark required). Named EnvIds are each read with
 * DescribeAppEnvStatus (EnvId is its one required parameter), or from the region's listing when
 * the AppId is needed. Scope: the request's `envIds`, else its `appIds`, else the scope's
 * `sweepAppIds` (the policy's `sweep.appIds`), else every application.
 * A listing that fails becomes one settled candidate naming the application; a list read only
 * in part keeps what was read and adds one settled candidate saying what was not read.
 */
export async function listSweepEnvs(
  gateway: WebplusGateway,
  scope: TargetingScope,
  request: SweepRequest,
  directory: EnvDirectory = new EnvDirectory(gateway),
): Promise<SweepListing> {
  const regionId = gateway.client.regionId;
  const envs: AppEnv[] = [];
  /** Every listing item as listed, with its application and page (an EnvId may come twice). */
  const sightings: EnvSighting[] = [];
  /** App names from the listing a sweep over every app makes anyway (display only). */
  const appNames = new Map<string, string>();
  const failures: Candidate[] = [];
  /** EnvId → the AppId asked for and the one its item carried, where the two differ (G3). */
  const otherApp = new Map<string, { asked: string; carried: string }>();
  /** EnvId → its application and the problem of that application's incomplete listing (G11). */
  const partial = new Map<string, { appId: string; why: string }>();
  const notListed: { what: string; why: string }[] = [];
  const callsBefore = gateway.callsMade;
  /** Env lists read in parallel after the app list (chain: the app list's pages + one list's). */
  let parallelLists = 0;
  const shape = (): ListingShape => {
    const calls = gateway.callsMade - callsBefore;
    // Named EnvIds: counted as if one after the other (the lookups may list the region first).
    const chain = request.envIds ? calls : calls - Math.max(0, parallelLists - 1);
    return { calls, chain: Math.max(Math.min(calls, 1), chain) };
  };

  if (request.envIds) {
    await Promise.all(
      request.envIds.map(async (envId) => {
        const found = scope.needAppId
          ? await directory.findEnv(envId)
          : await envStatus(gateway, envId);
        if (found.env) envs.push(found.env);
        else {
          failures.push({ source: 'sweep', regionId, envId, settled: found.settled });
          if (found.settled.outcome === 'timeout' || found.settled.outcome === 'failed')
            notListed.push({ what: envId, why: found.settled.detail });
        }
      }),
    );
  } else {
    let appIds = request.appIds ?? scope.sweepAppIds;
    if (!appIds) {
      try {
        const apps = await readAllPages(
          gateway,
          'DescribeApplications',
          'listing applications',
          (page, timeoutMs) => gateway.client.describeApplications(page, { timeoutMs }),
          (a) => a.appId,
        );
        appIds = apps.items.map((a) => a.appId);
        for (const a of apps.items) if (a.appName) appNames.set(a.appId, a.appName);
        if (apps.problem) {
          failures.push({ source: 'sweep', regionId, settled: apps.problem });
          notListed.push({ what: 'the application list', why: apps.problem.detail });
        }
      } catch (err) {
        const settled = settledFromError(err, 'listing applications');
        return {
          inFlight: [],
          failures: [{ source: 'sweep', regionId, settled }],
          ambiguous: [],
          listedEnvIds: [],
          appNames,
          notListed: [{ what: 'the application list', why: settled.detail }],
          shape: shape(),
        };
      }
    }
    parallelLists = appIds.length;
    await Promise.all(
      appIds.map(async (appId) => {
        const what = `listing environments of ${appId}`;
        try {
          const list = await readAllPages(
            gateway,
            'DescribeAppEnvs',
            what,
            (page, timeoutMs) => gateway.client.describeAppEnvs({ appId }, page, { timeoutMs }),
            (e) => e.envId,
          );
          list.items.forEach((env, i) => {
            // The item's own AppId must confirm the listing's: a missing or different one
            // contradicts it (red-team 25 G3: recorded below, never replaced by the AppId
            // asked for, never in flight).
            if (env.appId !== appId) otherApp.set(env.envId, { asked: appId, carried: env.appId });
            envs.push({ ...env, appId: env.appId === appId ? appId : '' });
            sightings.push({ env, under: appId, page: list.pageOf[i] ?? 1 });
          });
          for (const r of list.repeated)
            sightings.push({ env: r.item, under: appId, page: r.page });
          if (list.problem) {
            // Read in part: none of its items is relied on for an abort (red-team 25 G11).
            for (const env of list.items)
              partial.set(env.envId, { appId, why: list.problem.detail });
            failures.push({ source: 'sweep', regionId, appId, settled: list.problem });
            notListed.push({ what: appId, why: list.problem.detail });
          }
        } catch (err) {
          const settled = settledFromError(err, what);
          failures.push({ source: 'sweep', regionId, appId, settled });
          notListed.push({ what: appId, why: settled.detail });
        }
      }),
    );
  }

  // An EnvId listed more than once (one page, two pages, two applications): its facts are
  // unknown. One record per change its items name (or one naming none); nothing read or aborted.
  const duplicated = duplicatedEnvIds(sightings);
  const ambiguous: Candidate[] = [];
  for (const [envId, seen] of duplicated) {
    const detail = duplicateDetail(envId, seen, regionId);
    const changes = [
      ...new Set(seen.map((s) => s.env.latestChangeId).filter((c): c is string => !!c)),
    ];
    for (const changeId of changes.length > 0 ? changes : [undefined]) {
      ambiguous.push({
        source: 'sweep',
        regionId,
        envId,
        ...(changeId ? { changeId } : {}),
        settled: { outcome: 'skipped', detail },
      });
    }
  }
  const single = envs.filter((e) => !duplicated.has(e.envId));

  // A LatestChangeId that two listed environments name (whether each applies it, is quiet or is
  // TERMINATED): which environment the change is in is ambiguous, so it is read for neither and
  // aborted for neither; each in-flight one gets its record naming the others (red-team 12 F1,
  // M4: the manual path's rule, in a sweep too).
  const namedBy = new Map<string, Set<string>>();
  for (const env of [...envs, ...sightings.map((s) => s.env)]) {
    const c = env.latestChangeId;
    if (!c) continue;
    const set = namedBy.get(c) ?? new Set<string>();
    set.add(env.envId);
    namedBy.set(c, set);
  }
  // Only an environment in a documented live status can have its change judged (red-team 25
  // G1); the others applying a named change get their record below.
  const applying = single.filter(
    (e) =>
      e.applyingChange === true &&
      e.latestChangeId &&
      !otherApp.has(e.envId) &&
      !partial.has(e.envId) &&
      envStatusOutcome(e, 'DescribeAppEnvs', regionId) === undefined,
  );
  const inFlight: AppEnv[] = [];
  for (const e of applying) {
    const named = namedBy.get(e.latestChangeId!) ?? new Set([e.envId]);
    if (named.size < 2) {
      inFlight.push(e);
      continue;
    }
    const others = [...named].filter((x) => x !== e.envId);
    ambiguous.push({
      source: 'sweep',
      regionId,
      changeId: e.latestChangeId!,
      envId: e.envId,
      ...(e.appId ? { appId: e.appId } : {}),
      ...(e.envName ? { envName: e.envName } : {}),
      settled: {
        outcome: 'skipped',
        detail: `ChangeId ${e.latestChangeId} is claimed by environments ${[...named].join(' and ')}: DescribeAppEnvs lists ${e.envId} applying it, and also ${others.join(' and ')} as its LatestChangeId, so which one it is in is ambiguous; not aborted for any of them (fail closed)`,
      },
    });
  }

  for (const env of single) {
    const mismatch = otherApp.get(env.envId);
    const unlisted = partial.get(env.envId);
    const status =
      env.applyingChange === true && env.latestChangeId
        ? unlisted
          ? incompleteListing(env.envId, unlisted.appId, unlisted.why)
          : mismatch
            ? appIdContradiction(env.envId, mismatch.asked, mismatch.carried)
            : envStatusOutcome(env, 'DescribeAppEnvs', regionId)
        : undefined;
    if (status) {
      // Listed in an incomplete listing (red-team 25 G11), under another application than its
      // own AppId says (red-team 25 G3), TERMINATED
      // yet applying a named change (contradictory: red-team 24 F3), or applying it in a status
      // that is not a documented live one (red-team 25 G1). Left out of `inFlight`
      // (never read, never aborted), but never silently: one record naming the facts.
      failures.push({
        source: 'sweep',
        regionId,
        changeId: env.latestChangeId,
        envId: env.envId,
        ...(env.appId ? { appId: env.appId } : {}),
        ...(env.envName ? { envName: env.envName } : {}),
        settled: status,
      });
      continue;
    }
    const why =
      env.applyingChange === undefined
        ? UNKNOWN_APPLYING
        : env.applyingChange && !env.latestChangeId
          ? UNNAMED_CHANGE
          : undefined;
    if (why === undefined) continue;
    // Whether (or which) a change is in flight is unknown: one record naming the fact.
    failures.push({
      source: 'sweep',
      regionId,
      envId: env.envId,
      ...(env.appId ? { appId: env.appId } : {}),
      ...(env.envName ? { envName: env.envName } : {}),
      settled: {
        outcome: 'skipped',
        detail: `DescribeAppEnvs: ${why}; not aborted (fail closed)`,
      },
    });
  }
  return {
    // A TERMINATED environment is never in flight; one that reads applying has its record above.
    inFlight,
    failures,
    ambiguous,
    listedEnvIds: [...new Set(envs.map((e) => e.envId))],
    appNames,
    notListed,
    shape: shape(),
  };
}

/** The candidate of one in-flight environment: its change, read with DescribeChange. */
function readInFlight(
  gateway: WebplusGateway,
  env: AppEnv,
  appNames: ReadonlyMap<string, string>,
): Promise<Candidate> {
  return candidateForChange(
    gateway,
    { changeId: env.latestChangeId!, envId: env.envId },
    {
      source: 'sweep',
      appId: env.appId || undefined,
      // A listing item whose AppId did not confirm the application listed (missing, or another
      // one) carries none: the policy fails closed when protect.appIds needs it.
      ...(env.appId
        ? {}
        : {
            appIdUnknown: `DescribeAppEnvs listed ${env.envId} without its AppId (or with another application's)`,
          }),
      ...(env.envName ? { envName: env.envName } : {}),
      ...(appNames.has(env.appId) ? { appName: appNames.get(env.appId) } : {}),
      ...abortingFacts(env),
    },
  );
}

/**
 * Reads the changes of in-flight environments in the given order, `workers` at a time (the
 * pacer keeps the rate), and stops starting reads once one attempt no longer fits before
 * `stopAt`. The environments not reached, and those whose read was never sent (the deadline
 * came while it waited in the pacer's queue), are `left` for later sweeps, not recorded. A read
 * that was sent and then met the deadline is a settled `timeout` candidate.
 * @param onRead called with each candidate as soon as its read ends (not for one left), so that
 *   its record can be written before the other reads end (red-team 11 F7)
 * @returns the candidates in `order`'s order, and the environments left (in order)
 */
export async function readInOrder(
  gateway: WebplusGateway,
  order: readonly AppEnv[],
  stopAt: Deadline,
  workers: number,
  appNames: ReadonlyMap<string, string> = new Map(),
  onRead?: (candidate: Candidate, env: AppEnv) => void,
): Promise<{ candidates: Candidate[]; left: AppEnv[] }> {
  const out: (Candidate | undefined)[] = new Array(order.length);
  let next = 0;
  let stopped = false;
  const attemptMs = gateway.retry.attemptTimeoutMs;
  const worker = async (): Promise<void> => {
    while (!stopped && next < order.length) {
      if (!stopAt.fits(attemptMs)) {
        stopped = true;
        return;
      }
      const i = next++;
      const c = await readInFlight(gateway, order[i]!, appNames);
      out[i] = c;
      if (onRead && !c.settled?.unsent) onRead(c, order[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, workers) }, worker));
  const candidates: Candidate[] = [];
  const left: AppEnv[] = [];
  order.forEach((env, i) => {
    const c = out[i];
    if (c === undefined || c.settled?.unsent) left.push(env);
    else candidates.push(c);
  });
  return { candidates, left };
}

/**
 * Every candidate of a sweep, all read at once: the listing's failures, then one DescribeChange
 * per in-flight environment. Quiet environments cost nothing more. (The pipeline's sweep reads
 * in rotation order under the deadline instead: `listSweepEnvs` + `readInOrder`.)
 */
export async function sweepCandidates(
  gateway: WebplusGateway,
  scope: TargetingScope,
  request: SweepRequest,
  directory: EnvDirectory = new EnvDirectory(gateway),
): Promise<Candidate[]> {
  const { inFlight, failures, ambiguous, appNames } = await listSweepEnvs(
    gateway,
    scope,
    request,
    directory,
  );
  const candidates = await Promise.all(inFlight.map((env) => readInFlight(gateway, env, appNames)));
  return [...failures, ...ambiguous, ...candidates];
}
