import { describe, expect, it } from 'vitest';
import { WebplusAccount } from '../../sandbox/webplus/account.js';
import { WebplusApiError } from '../../sandbox/webplus/errors.js';
import { parseScenario } from '../../sandbox/webplus/scenario.js';

const T0 = Date.UTC(2026, 4, 20, 2, 0, 0);
const MIN = 60_000;

function account(changes: unknown[], envs?: unknown[]) {
  return new WebplusAccount(
    parseScenario({
      apps: [{ AppId: 'wa-1', AppName: 'shop' }],
      envs: envs ?? [
        { EnvId: 'we-1', AppId: 'wa-1', EnvName: 'prod' },
        { EnvId: 'we-2', AppId: 'wa-1', EnvName: 'old', EnvStatus: 'TERMINATED' },
      ],
      changes,
    }),
    T0,
  );
}

function apiError(fn: () => unknown): WebplusApiError {
  try {
    fn();
  } catch (err) {
    if (err instanceof WebplusApiError) return err;
    throw err;
  }
  throw new Error('expected a WebplusApiError');
}

describe('WebplusAccount', () => {
  it('resolves relative times against the start and absolute ones as given', () => {
    const a = account([
      { ChangeId: 'wc-1', EnvId: 'we-1', startedMinutesAgo: 95, idleMinutes: 90 },
      {
        ChangeId: 'wc-2',
        EnvId: 'we-1',
        CreateTime: 1_000,
        UpdateTime: 5_000,
        finished: true,
        succeed: true,
      },
      { ChangeId: 'wc-3', EnvId: 'we-1', startedMinutesAgo: 20 },
    ]);

    expect(a.change('wc-1', T0)).toMatchObject({
      CreateTime: T0 - 95 * MIN,
      UpdateTime: T0 - 90 * MIN,
    });
    expect(a.change('wc-2', T0)).toMatchObject({
      CreateTime: 1_000,
      UpdateTime: 5_000,
      FinishTime: 5_000,
    });
    expect(a.change('wc-3', T0)).toMatchObject({
      CreateTime: T0 - 20 * MIN,
      UpdateTime: T0 - 20 * MIN,
    });
  });

  it('moves running → aborting → aborted after abortStepSeconds', () => {
    const a = account([{ ChangeId: 'wc-1', EnvId: 'we-1', idleMinutes: 40, abortStepSeconds: 5 }]);

    const started = a.abort('wc-1', T0 + 1_000);
    const during = a.change('wc-1', T0 + 5_999);
    const envDuring = a.envStatus('we-1', T0 + 5_999);
    const after = a.change('wc-1', T0 + 6_000);
    const envAfter = a.envStatus('we-1', T0 + 6_000);

    expect(started).toEqual({ ChangeId: 'wc-1', EnvId: 'we-1', StartTime: T0 + 1_000 });
    expect(during).toMatchObject({ ChangeFinished: false, ChangeAborted: false });
    expect(during?.FinishTime).toBeUndefined();
    expect(envDuring).toMatchObject({
      AbortingChange: true,
      ApplyingChange: true,
      LatestChangeId: 'wc-1',
    });
    expect(after).toMatchObject({
      ChangeFinished: true,
      ChangeAborted: true,
      ChangeSucceed: false,
      FinishTime: T0 + 6_000,
    });
    expect(envAfter).toMatchObject({ AbortingChange: false, ApplyingChange: false });
  });

  it('aborts a paused change, and a null abortStepSeconds keeps it aborting', () => {
    const a = account([{ ChangeId: 'wc-1', EnvId: 'we-1', paused: true, abortStepSeconds: null }]);

    a.abort('wc-1', T0);

    expect(a.phaseOf('wc-1', T0 + 3_600_000)).toBe('aborting');
    expect(a.change('wc-1', T0)?.ChangePaused).toBe(false);
  });

  it('refuses aborting twice, finished changes and unknown or foreign ones with the documented codes', () => {
    const a = account([
      { ChangeId: 'wc-1', EnvId: 'we-1', aborting: true },
      { ChangeId: 'wc-2', EnvId: 'we-1', finished: true },
      { ChangeId: 'wc-3', EnvId: 'we-x', foreign: true },
    ]);

    expect(apiError(() => a.abort('wc-1', T0))).toMatchObject({
      status: 400,
      code: 'ChangeOnAborting',
    });
    expect(apiError(() => a.abort('wc-2', T0))).toMatchObject({
      status: 400,
      code: 'ChangeFinished',
    });
    expect(apiError(() => a.abort('wc-3', T0))).toMatchObject({
      status: 500,
      code: 'ResourceAuthFailed',
    });
    expect(apiError(() => a.abort('wc-9', T0))).toMatchObject({
      status: 500,
      code: 'ResourceAuthFailed',
    });
    expect(apiError(() => a.describeChange('wc-3', undefined, T0))).toMatchObject({
      status: 403,
      code: 'ResourceAuthFailed',
    });
    expect(apiError(() => a.describeChange('wc-9', undefined, T0))).toMatchObject({
      status: 404,
      code: 'ChangeNotExists',
    });
    expect(apiError(() => a.envStatus('we-9', T0))).toMatchObject({
      status: 404,
      code: 'EnvNotExists',
    });
  });

  it('takes the newest CreateTime as LatestChangeId and lists changes newest first', () => {
    const a = account([
      { ChangeId: 'wc-old', EnvId: 'we-1', startedMinutesAgo: 300, finished: true, succeed: true },
      { ChangeId: 'wc-new', EnvId: 'we-1', startedMinutesAgo: 5, finished: true },
      { ChangeId: 'wc-mid', EnvId: 'we-1', startedMinutesAgo: 60, ActionName: 'RestartApp' },
    ]);

    const page = a.pageChanges('we-1', undefined, 0, 10, T0);
    const restarts = a.pageChanges('we-1', 'RestartApp', 0, 10, T0);

    expect(page.items.map((c) => c.ChangeId)).toEqual(['wc-new', 'wc-mid', 'wc-old']);
    expect(restarts.items.map((c) => c.ChangeId)).toEqual(['wc-mid']);
    // the in-flight change is not the latest: the env is not applying
    expect(a.appEnv('we-1', T0)).toMatchObject({ LatestChangeId: 'wc-new', ApplyingChange: false });
  });

  it('hides TERMINATED environments unless asked', () => {
    const a = account([]);

    expect(a.listEnvIds({ includeTerminated: false })).toEqual(['we-1']);
    expect(a.listEnvIds({ includeTerminated: true })).toEqual(['we-1', 'we-2']);
    expect(a.appEnv('we-1', T0)?.LatestChangeId).toBeUndefined();
  });
});
