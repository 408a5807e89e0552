/**
 * The emulated Web+ account: applications, environments and changes, indexed by id and by
 * environment, with the change lifecycle computed lazily from the real clock.
 *
 * Lifecycle (docs/reference/scenario.md): running → (AbortChange) aborting →
 * (abortStepSeconds later) aborted. Aborting shows `ChangeFinished: false` with the env's
 * `AbortingChange: true`; aborted shows `ChangeFinished: true, ChangeAborted: true,
 * ChangeSucceed: false` and `FinishTime` = the instant the abort completed.
 */
import { WebplusApiError } from './errors.js';
import type {
  WebplusAppEnv,
  WebplusApplication,
  WebplusChange,
  WebplusEnvChange,
  WebplusEnvStatus,
} from './model.js';
import type { Scenario, ScenarioApp, ScenarioChange, ScenarioEnv } from './scenario.js';

/** Lifecycle phase of a change at a given instant. */
export type ChangePhase = 'running' | 'paused' | 'aborting' | 'aborted' | 'succeeded' | 'failed';

interface ChangeRecord {
  readonly source: ScenarioChange;
  readonly createTime: number;
  updateTime: number;
  paused: boolean;
  /** phase before any abort; 'aborted' when the scenario says so */
  readonly initial: 'running' | 'paused' | 'aborted' | 'succeeded' | 'failed';
  readonly finishTime: number | undefined;
  /** epoch ms the abort started; null = never asked */
  abortStartedAt: number | null;
  /** ms from abort start to aborted; null = never completes */
  readonly abortStepMs: number | null;
}

interface EnvRecord {
  readonly env: ScenarioEnv;
  /** own (non-foreign) changes, newest CreateTime first */
  readonly changes: ChangeRecord[];
  /** changes with an abort started that may still be aborting */
  readonly aborts: Set<ChangeRecord>;
}

const MINUTE_MS = 60_000;

function resolveTimes(c: ScenarioChange, startedAt: number): { create: number; update: number } {
  const rel = (minutes: number | undefined) =>
    minutes === undefined ? undefined : startedAt - minutes * MINUTE_MS;
  const create =
    c.CreateTime ?? rel(c.startedMinutesAgo) ?? c.UpdateTime ?? rel(c.idleMinutes) ?? startedAt;
  const update = c.UpdateTime ?? rel(c.idleMinutes) ?? create;
  return { create, update: Math.max(update, create) };
}

/** The emulated Web+ account (applications, environments, changes) the Web+ sandbox serves; change states follow the real clock (docs/sandbox.md). */
export class WebplusAccount {
  private readonly apps: readonly ScenarioApp[];
  private readonly envs = new Map<string, EnvRecord>();
  private readonly envOrder: EnvRecord[] = [];
  private readonly changes = new Map<string, ChangeRecord>();
  /** AppId / EnvId / ChangeId → the region it lives in */
  private readonly regionOf = new Map<string, string>();
  private readonly allRegions = new Set<string>();

  /**
   * @param scenario a parsed scenario
   * @param startedAt epoch ms the sandbox started; relative scenario times count back from it
   */
  constructor(scenario: Scenario, startedAt: number) {
    this.apps = scenario.apps;
    this.allRegions.add(scenario.regionId);
    for (const app of scenario.apps) {
      const region = app.RegionId ?? scenario.regionId;
      this.regionOf.set(app.AppId, region);
      this.allRegions.add(region);
    }
    for (const env of scenario.envs) {
      this.regionOf.set(env.EnvId, this.regionOf.get(env.AppId) ?? scenario.regionId);
      const rec: EnvRecord = { env, changes: [], aborts: new Set() };
      this.envs.set(env.EnvId, rec);
      this.envOrder.push(rec);
    }
    for (const c of scenario.changes) {
      const { create, update } = resolveTimes(c, startedAt);
      const initial = c.aborted
        ? 'aborted'
        : c.finished
          ? c.succeed
            ? 'succeeded'
            : 'failed'
          : c.paused
            ? 'paused'
            : 'running';
      const rec: ChangeRecord = {
        source: c,
        createTime: create,
        updateTime: update,
        paused: c.paused,
        initial,
        finishTime: c.finished || c.aborted ? update : undefined,
        abortStartedAt: c.aborting ? startedAt : null,
        abortStepMs: c.abortStepSeconds === null ? null : c.abortStepSeconds * 1000,
      };
      this.changes.set(c.ChangeId, rec);
      this.regionOf.set(c.ChangeId, this.regionOf.get(c.EnvId) ?? scenario.regionId);
      if (c.foreign) continue;
      const env = this.envs.get(c.EnvId);
      if (!env) continue;
      env.changes.push(rec);
      if (rec.abortStartedAt !== null) env.aborts.add(rec);
    }
    for (const env of this.envOrder) env.changes.sort((a, b) => b.createTime - a.createTime);
  }

  /** Every region the scenario holds (its `regionId` and each app's `RegionId`). */
  regions(): ReadonlySet<string> {
    return this.allRegions;
  }

  /** True when `id` (an AppId, EnvId or ChangeId) is seen from `regionId` (undefined: every region). */
  private inRegion(id: string, regionId: string | undefined): boolean {
    return regionId === undefined || this.regionOf.get(id) === regionId;
  }

  /** True when the application exists in the region (undefined: any region). */
  hasApp(appId: string, regionId?: string): boolean {
    return this.apps.some((a) => a.AppId === appId) && this.inRegion(appId, regionId);
  }

  private phase(rec: ChangeRecord, now: number): ChangePhase {
    if (rec.abortStartedAt !== null) {
      return rec.abortStepMs !== null && now >= rec.abortStartedAt + rec.abortStepMs
        ? 'aborted'
        : 'aborting';
    }
    if (rec.initial === 'running' && rec.paused) return 'paused';
    return rec.initial;
  }

  private view(rec: ChangeRecord, now: number): WebplusChange {
    const c = rec.source;
    const phase = this.phase(rec, now);
    const finished = phase === 'aborted' || phase === 'succeeded' || phase === 'failed';
    let updateTime = rec.updateTime;
    let finishTime = rec.finishTime;
    if (phase === 'aborted' && rec.abortStartedAt !== null && rec.abortStepMs !== null) {
      finishTime = rec.abortStartedAt + rec.abortStepMs;
      updateTime = finishTime;
    }
    const change: WebplusChange = {
      ChangeId: c.ChangeId,
      EnvId: c.EnvId,
      ChangeName: c.ChangeName ?? `${c.ActionName.toLowerCase()}.env`,
      ActionName: c.ActionName,
      ChangeDescription: c.ChangeDescription ?? `${c.ActionName} (sandbox)`,
      ChangeMessage: CHANGE_MESSAGES[phase],
      ChangeFinished: finished,
      ChangeSucceed: phase === 'succeeded',
      ChangeAborted: phase === 'aborted',
      ChangePaused: phase === 'paused',
      ChangeTimedout: c.timedout,
      CreateTime: rec.createTime,
      UpdateTime: updateTime,
      CreateUsername: c.CreateUsername ?? 'sandbox-user',
    };
    if (finished) change.FinishTime = finishTime ?? updateTime;
    return onWire(change, c.wire, c.wireOmit) as unknown as WebplusChange;
  }

  /** Phase of a change now, or undefined when unknown. */
  phaseOf(changeId: string, now: number): ChangePhase | undefined {
    const rec = this.changes.get(changeId);
    return rec ? this.phase(rec, now) : undefined;
  }

  /** EnvId of a known change (foreign ones included), for journal and fault matching. */
  envOfChange(changeId: string): string | undefined {
    return this.changes.get(changeId)?.source.EnvId;
  }

  /** The change as DescribeChange shows it at `now` (foreign ones included), or undefined. */
  change(changeId: string, now: number): WebplusChange | undefined {
    const rec = this.changes.get(changeId);
    return rec ? this.view(rec, now) : undefined;
  }

  /**
   * DescribeChange.
   * @param regionId the request's region; a change of another region is unknown there
   * @throws WebplusApiError 404 ChangeNotExists (unknown, in another region, or EnvId given and
   *   different), 403 ResourceAuthFailed (foreign)
   */
  describeChange(
    changeId: string,
    envId: string | undefined,
    now: number,
    regionId?: string,
  ): WebplusChange {
    const found = this.changes.get(changeId);
    const rec = found && this.inRegion(changeId, regionId) ? found : undefined;
    if (rec?.source.foreign)
      throw new WebplusApiError(
        403,
        'ResourceAuthFailed',
        'You are not authorized to operate on the specified resource.',
      );
    if (!rec || (envId !== undefined && envId !== rec.source.EnvId))
      throw new WebplusApiError(404, 'ChangeNotExists', `Change ${changeId} does not exist.`);
    return this.view(rec, now);
  }

  /**
   * DescribeChanges: one page of the env's changes, newest CreateTime first, optionally only one
   * ActionName; builds the views of that page only.
   * @param offset items to skip; @param limit page size
   * @throws WebplusApiError 404 EnvNotExists
   */
  pageChanges(
    envId: string,
    actionName: string | undefined,
    offset: number,
    limit: number,
    now: number,
    regionId?: string,
  ): { items: WebplusChange[]; total: number } {
    const env = this.requireEnv(envId, regionId);
    const matching =
      actionName === undefined
        ? env.changes
        : env.changes.filter((r) => r.source.ActionName === actionName);
    return {
      items: matching.slice(offset, offset + limit).map((r) => this.view(r, now)),
      total: matching.length,
    };
  }

  /**
   * AbortChange: a running or paused change starts aborting at `now`.
   * @returns the EnvChange object Web+ answers (StartTime = now, epoch ms)
   * @throws WebplusApiError 500 ResourceAuthFailed (unknown or foreign; the documented status),
   *   400 ChangeOnAborting, 400 ChangeFinished
   */
  abort(changeId: string, now: number, regionId?: string): WebplusEnvChange {
    const rec = this.changes.get(changeId);
    if (!rec || rec.source.foreign || !this.inRegion(changeId, regionId))
      throw new WebplusApiError(
        500,
        'ResourceAuthFailed',
        'The specified change does not exist or you are not authorized to operate on it.',
      );
    const phase = this.phase(rec, now);
    if (phase === 'aborting')
      throw new WebplusApiError(
        400,
        'ChangeOnAborting',
        `Change ${changeId} is being aborted already.`,
      );
    if (phase !== 'running' && phase !== 'paused')
      throw new WebplusApiError(400, 'ChangeFinished', `Change ${changeId} has finished already.`);
    rec.abortStartedAt = now;
    rec.updateTime = Math.max(rec.updateTime, now);
    rec.paused = false;
    this.envs.get(rec.source.EnvId)?.aborts.add(rec);
    return { ChangeId: rec.source.ChangeId, EnvId: rec.source.EnvId, StartTime: now };
  }

  /** Applications in scenario order, filtered by region and exact AppId / AppName when given. */
  listApplications(appId?: string, appName?: string, regionId?: string): WebplusApplication[] {
    return this.apps
      .filter(
        (a) =>
          (appId === undefined || a.AppId === appId) &&
          (appName === undefined || a.AppName === appName) &&
          this.inRegion(a.AppId, regionId),
      )
      .map((a) => ({ AppId: a.AppId, AppName: a.AppName, Description: a.Description ?? '' }));
  }

  /**
   * Environments in scenario order, filtered by exact AppId / EnvId / EnvName; TERMINATED ones
   * only with includeTerminated. Returns ids only: build views per page with `appEnv`.
   */
  listEnvIds(filter: {
    appId?: string;
    envId?: string;
    envName?: string;
    includeTerminated: boolean;
    regionId?: string;
  }): string[] {
    if (filter.envId !== undefined) {
      const one = this.envs.get(filter.envId);
      return one && this.envMatches(one, filter) ? [filter.envId] : [];
    }
    return this.envOrder.filter((e) => this.envMatches(e, filter)).map((e) => e.env.EnvId);
  }

  private envMatches(
    e: EnvRecord,
    f: { appId?: string; envName?: string; includeTerminated: boolean; regionId?: string },
  ): boolean {
    return (
      this.inRegion(e.env.EnvId, f.regionId) &&
      (f.appId === undefined || e.env.AppId === f.appId) &&
      (f.envName === undefined || e.env.EnvName === f.envName) &&
      (f.includeTerminated || e.env.EnvStatus !== 'TERMINATED')
    );
  }

  private requireEnv(envId: string, regionId?: string): EnvRecord {
    const env = this.envs.get(envId);
    if (!env || !this.inRegion(envId, regionId))
      throw new WebplusApiError(404, 'EnvNotExists', `Environment ${envId} does not exist.`);
    return env;
  }

  private flags(env: EnvRecord, now: number) {
    const latest = env.changes[0];
    const latestPhase = latest ? this.phase(latest, now) : undefined;
    let aborting: ChangeRecord | undefined;
    for (const rec of env.aborts) {
      if (this.phase(rec, now) === 'aborting') aborting ??= rec;
      else env.aborts.delete(rec);
    }
    const applying =
      latestPhase === 'running' || latestPhase === 'paused' || latestPhase === 'aborting';
    const banner = aborting
      ? `Aborting change ${aborting.source.ChangeId}`
      : applying && latest
        ? `${latest.source.ActionName} change ${latest.source.ChangeId} is ${latestPhase}`
        : '';
    return {
      ApplyingChange: applying,
      AbortingChange: aborting !== undefined,
      LatestChangeId: latest?.source.ChangeId,
      ChangeBanner: banner,
    };
  }

  /**
   * DescribeAppEnvStatus.
   * @throws WebplusApiError 404 EnvNotExists (unknown, or in another region)
   */
  envStatus(envId: string, now: number, regionId?: string): WebplusEnvStatus {
    const env = this.requireEnv(envId, regionId);
    const f = this.flags(env, now);
    const status: WebplusEnvStatus = {
      EnvId: env.env.EnvId,
      EnvName: env.env.EnvName,
      EnvStatus: env.env.EnvStatus,
      LastEnvStatus: env.env.EnvStatus,
      ApplyingChange: f.ApplyingChange,
      AbortingChange: f.AbortingChange,
      ChangeBanner: f.ChangeBanner,
    };
    if (f.LatestChangeId !== undefined) status.LatestChangeId = f.LatestChangeId;
    const { AppId: _appId, ...wire } = env.env.wire ?? {};
    return onWire(status, wire, env.env.wireOmit) as unknown as WebplusEnvStatus;
  }

  /** A DescribeAppEnvs item at `now`, or undefined for an unknown EnvId. */
  appEnv(envId: string, now: number): WebplusAppEnv | undefined {
    const env = this.envs.get(envId);
    if (!env) return undefined;
    const f = this.flags(env, now);
    const item: WebplusAppEnv = {
      EnvId: env.env.EnvId,
      AppId: env.env.AppId,
      EnvName: env.env.EnvName,
      EnvDescription: env.env.EnvDescription ?? '',
      EnvStatus: env.env.EnvStatus,
      LastEnvStatus: env.env.EnvStatus,
      ApplyingChange: f.ApplyingChange,
      AbortingChange: f.AbortingChange,
    };
    if (f.LatestChangeId !== undefined) item.LatestChangeId = f.LatestChangeId;
    return onWire(item, env.env.wire, env.env.wireOmit) as unknown as WebplusAppEnv;
  }
}

/**
 * The object as it goes on the wire: `wire` values replace fields (any JSON, to serve malformed
 * replies), `omit` fields are left out (scenario `wire` / `wireOmit`).
 */
function onWire(
  view: object,
  wire: Readonly<Record<string, unknown>> | undefined,
  omit: readonly string[] | undefined,
): Record<string, unknown> {
  if (!wire && !omit) return view as Record<string, unknown>;
  const out: Record<string, unknown> = { ...view, ...wire };
  for (const key of omit ?? []) delete out[key];
  return out;
}

const CHANGE_MESSAGES: Record<ChangePhase, string> = {
  running: 'Change is in progress.',
  paused: 'Change is paused, waiting to be resumed.',
  aborting: 'Change is being aborted: the running step finishes first.',
  aborted: 'Change was aborted.',
  succeeded: 'Change succeeded.',
  failed: 'Change failed.',
};
