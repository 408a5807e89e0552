import type { Candidate } from '../model/candidate.js';
import type { SweepRequest } from '../model/request.js';
import type { WebplusGateway } from '../webplus/gateway.js';
import type { AppEnv } from '../webplus/types.js';
import { EnvDirectory } from './directory.js';
import { envStatus } from './explicit.js';
import { candidateForChange, readAllPages } from './read.js';
import type { TargetingScope } from './scope.js';
import { settledFromError } from './settle.js';

/**
 * The sweep's candidates in the gateway's region: every in-flight change in scope. Web+ calls
 * made: the pages of DescribeApplications (only when no AppIds are given) + the pages of
 * DescribeAppEnvs per application (with its `AppId`, which the docs mark required) + one
 * DescribeChange (with `ChangeId` and `EnvId`) per environment whose `ApplyingChange` is true.
 * Quiet environments cost nothing more. Scope: the request's `envIds` (each read with
 * DescribeAppEnvStatus, or from the region's listing when the AppId is needed), else its
 * `appIds`, else the scope's `sweepAppIds` (the policy's `sweep.appIds`), else every application.
 * A listing that fails becomes one settled candidate naming the application; a list read only
 * in part keeps what was read (those environments are still decided) and adds one settled
 * candidate saying what was not read. Nothing is lost silently.
 */
export async function sweepCandidates(
  gateway: WebplusGateway,
  scope: TargetingScope,
  request: SweepRequest,
  directory: EnvDirectory = new EnvDirectory(gateway),
): Promise<Candidate[]> {
  const regionId = gateway.client.regionId;
  const envs: AppEnv[] = [];
  /** App names from the listing a sweep over every app makes anyway (display only). */
  const appNames = new Map<string, string>();
  const failures: Candidate[] = [];

  if (request.envIds) {
    await Promise.all(
      request.envIds.map(async (envId) => {
        const found = scope.needAppId
          ? await directory.findEnv(envId)
          : await envStatus(gateway, envId);
        if (found.env) envs.push(found.env);
        else failures.push({ source: 'sweep', regionId, envId, settled: found.settled });
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
        if (apps.problem) failures.push({ source: 'sweep', regionId, settled: apps.problem });
      } catch (err) {
        return [
          { source: 'sweep', regionId, settled: settledFromError(err, 'listing applications') },
        ];
      }
    }
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
          for (const env of list.items) envs.push({ ...env, appId: env.appId || appId });
          if (list.problem)
            failures.push({ source: 'sweep', regionId, appId, settled: list.problem });
        } catch (err) {
          failures.push({ source: 'sweep', regionId, appId, settled: settledFromError(err, what) });
        }
      }),
    );
  }

  const inFlight = envs.filter((e) => e.applyingChange && e.latestChangeId);
  const candidates = await Promise.all(
    inFlight.map((env) =>
      candidateForChange(
        gateway,
        { changeId: env.latestChangeId!, envId: env.envId },
        {
          source: 'sweep',
          appId: env.appId || undefined,
          ...(env.envName ? { envName: env.envName } : {}),
          ...(appNames.has(env.appId) ? { appName: appNames.get(env.appId) } : {}),
          envAborting: env.abortingChange,
        },
      ),
    ),
  );
  return [...failures, ...candidates];
}
