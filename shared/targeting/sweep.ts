import type { Candidate } from '../model/candidate.js';
import type { SweepRequest } from '../model/request.js';
import type { WebplusGateway } from '../webplus/gateway.js';
import type { AppEnv } from '../webplus/types.js';
import { candidateForChange, readAllPages, readEnv } from './read.js';
import type { TargetingScope } from './scope.js';
import { settledFromError } from './settle.js';

/**
 * The sweep's candidates: every in-flight change in scope. Web+ calls made: the pages of
 * DescribeApplications (only when no AppIds are given) + the pages of DescribeAppEnvs per
 * application + one DescribeChange per environment whose `ApplyingChange` is true. Quiet
 * environments cost nothing more. Scope: the request's `envIds`, else its `appIds`, else the
 * scope's `sweepAppIds` (the policy's `sweep.appIds`), else every application.
 * A listing that fails becomes one settled candidate naming the application, so nothing is lost.
 */
export async function sweepCandidates(
  gateway: WebplusGateway,
  scope: TargetingScope,
  request: SweepRequest,
): Promise<Candidate[]> {
  const envs: AppEnv[] = [];
  /** App names from the listing a sweep over every app makes anyway (display only). */
  const appNames = new Map<string, string>();
  const failures: Candidate[] = [];
  /** Environments whose AppId a by-application listing could not confirm, and why. */
  const appIdUnknown = new Map<string, string>();

  if (request.envIds) {
    await Promise.all(
      request.envIds.map(async (envId) => {
        try {
          const env = await readEnv(gateway, envId);
          if (env) envs.push(env);
          else {
            failures.push({
              source: 'sweep',
              envId,
              settled: {
                outcome: 'not_found',
                detail: `environment ${envId} not found in this account`,
              },
            });
          }
        } catch (err) {
          failures.push({
            source: 'sweep',
            envId,
            settled: settledFromError(err, 'DescribeAppEnvs'),
          });
        }
      }),
    );
  } else {
    let appIds = request.appIds ?? scope.sweepAppIds;
    if (!appIds) {
      try {
        const apps = await readAllPages(gateway, 'DescribeApplications', (page, timeoutMs) =>
          gateway.client.describeApplications(page, { timeoutMs }),
        );
        appIds = apps.map((a) => a.appId);
        for (const a of apps) if (a.appName) appNames.set(a.appId, a.appName);
      } catch (err) {
        return [{ source: 'sweep', settled: settledFromError(err, 'listing applications') }];
      }
    }
    await Promise.all(
      appIds.map(async (appId) => {
        try {
          const list = await readAllPages(gateway, 'DescribeAppEnvs', (page, timeoutMs) =>
            gateway.client.describeAppEnvs({ appId }, page, { timeoutMs }),
          );
          for (const env of list) {
            // The item's own AppId must confirm the listing's: a missing or different one is
            // unknown, never replaced by the AppId asked for.
            if (env.appId !== appId) {
              appIdUnknown.set(
                env.envId,
                env.appId
                  ? `DescribeAppEnvs for ${appId} listed ${env.envId} with AppId ${env.appId}`
                  : `DescribeAppEnvs for ${appId} listed ${env.envId} without an AppId`,
              );
            }
            envs.push({ ...env, appId: env.appId === appId ? appId : '' });
          }
        } catch (err) {
          failures.push({
            source: 'sweep',
            appId,
            settled: settledFromError(err, `listing environments of ${appId}`),
          });
        }
      }),
    );
  }

  const inFlight = envs.filter((e) => e.applyingChange && e.latestChangeId);
  const candidates = await Promise.all(
    inFlight.map((env) =>
      candidateForChange(gateway, env.latestChangeId!, {
        source: 'sweep',
        envId: env.envId,
        appId: env.appId || undefined,
        appIdUnknown: appIdUnknown.get(env.envId),
        ...(env.envName ? { envName: env.envName } : {}),
        ...(appNames.has(env.appId) ? { appName: appNames.get(env.appId) } : {}),
        envAborting: env.abortingChange,
      }),
    ),
  );
  return [...failures, ...candidates];
}
