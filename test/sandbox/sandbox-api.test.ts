import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { startWebplusSandbox, type WebplusSandbox } from '../../sandbox/webplus/server.js';

interface Roa {
  request(
    method: string,
    path: string,
    query?: Record<string, string | number>,
    body?: string,
    headers?: Record<string, string>,
    opts?: Record<string, unknown>,
  ): Promise<unknown>;
}
const { ROAClient } = createRequire(import.meta.url)('@alicloud/pop-core') as {
  ROAClient: new (config: Record<string, unknown>) => Roa;
};
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const MIN = 60_000;

let sandbox: WebplusSandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

const scenario = {
  apps: [
    { AppId: 'wa-1', AppName: 'shop' },
    { AppId: 'wa-2', AppName: 'billing' },
  ],
  envs: [
    { EnvId: 'we-1', AppId: 'wa-1', EnvName: 'shop-prod' },
    { EnvId: 'we-2', AppId: 'wa-2', EnvName: 'billing-prod' },
    { EnvId: 'we-3', AppId: 'wa-2', EnvName: 'billing-old', EnvStatus: 'TERMINATED' },
  ],
  changes: [
    {
      ChangeId: 'wc-1',
      EnvId: 'we-1',
      startedMinutesAgo: 95,
      idleMinutes: 90,
      abortStepSeconds: 1,
    },
    { ChangeId: 'wc-0', EnvId: 'we-1', startedMinutesAgo: 2000, finished: true, succeed: true },
    { ChangeId: 'wc-2', EnvId: 'we-2', paused: true, idleMinutes: 120, abortStepSeconds: 0 },
    { ChangeId: 'wc-f', EnvId: 'we-x', foreign: true },
  ],
};

async function start(s: unknown = scenario): Promise<{ sb: WebplusSandbox; c: Roa }> {
  sandbox = await startWebplusSandbox(s);
  const c = new ROAClient({
    endpoint: sandbox.url,
    apiVersion: '2019-03-20',
    accessKeyId: 'sandbox-ak',
    accessKeySecret: 'sandbox-secret',
  });
  return { sb: sandbox, c };
}

/** json-bigint results have a null prototype: compare plain copies. */
function plain<T = Record<string, unknown>>(value: unknown): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

async function failure(
  p: Promise<unknown>,
): Promise<{ statusCode: number; code: string; result: Record<string, unknown> }> {
  try {
    await p;
  } catch (err) {
    const e = err as { statusCode: number; code: string; result: unknown };
    return { statusCode: e.statusCode, code: e.code, result: plain(e.result) };
  }
  throw new Error('expected the call to fail');
}

const abort = (c: Roa, id: string) =>
  c.request('POST', '/pop/v1/wam/change/abort', {}, `ChangeId=${id}`, FORM);

describe('Web+ sandbox envelopes (real ROAClient)', () => {
  it('answers DescribeApplications like Web+', async () => {
    const { c } = await start();

    const r = plain(await c.request('GET', '/pop/v1/wam/application', {}));

    expect(r).toMatchObject({
      Applications: {
        Application: [
          { AppId: 'wa-1', AppName: 'shop' },
          { AppId: 'wa-2', AppName: 'billing' },
        ],
      },
      PageNumber: 1,
      PageSize: 10,
      TotalCount: 2,
      Code: 'OK',
      Message: 'success',
    });
    expect(r['RequestId']).toMatch(/^[0-9A-F-]{36}$/);
  });

  it('answers DescribeAppEnvs with the in-flight flags, filters and hides TERMINATED envs', async () => {
    const { c } = await start();

    const all = plain(await c.request('GET', '/pop/v1/wam/appEnv', {}));
    const billing = plain(
      await c.request('GET', '/pop/v1/wam/appEnv', { AppId: 'wa-2', IncludeTerminated: 'true' }),
    );

    expect(all).toMatchObject({
      PageNumber: 1,
      PageSize: 10,
      TotalCount: 2,
      Code: 'OK',
      Message: 'success',
    });
    expect(plain(all['AppEnvs'])).toEqual({
      AppEnv: [
        {
          EnvId: 'we-1',
          AppId: 'wa-1',
          EnvName: 'shop-prod',
          EnvDescription: '',
          EnvStatus: 'RUNNING',
          LastEnvStatus: 'RUNNING',
          ApplyingChange: true,
          AbortingChange: false,
          LatestChangeId: 'wc-1',
        },
        {
          EnvId: 'we-2',
          AppId: 'wa-2',
          EnvName: 'billing-prod',
          EnvDescription: '',
          EnvStatus: 'RUNNING',
          LastEnvStatus: 'RUNNING',
          ApplyingChange: true,
          AbortingChange: false,
          LatestChangeId: 'wc-2',
        },
      ],
    });
    expect(billing['TotalCount']).toBe(2);
  });

  it('answers DescribeAppEnvStatus, DescribeChanges and DescribeChange like Web+', async () => {
    const { c, sb } = await start();

    const status = plain(await c.request('GET', '/pop/v1/wam/appEnv/status', { EnvId: 'we-1' }));
    const list = plain(await c.request('GET', '/pop/v1/wam/change', { EnvId: 'we-1' }));
    const one = plain(
      await c.request('GET', '/pop/v1/wam/changeInfo', { ChangeId: 'wc-1', EnvId: 'we-1' }),
    );

    expect(status).toMatchObject({
      EnvStatus: {
        EnvId: 'we-1',
        EnvName: 'shop-prod',
        EnvStatus: 'RUNNING',
        LastEnvStatus: 'RUNNING',
        ApplyingChange: true,
        AbortingChange: false,
        LatestChangeId: 'wc-1',
      },
      Code: 'OK',
    });
    expect(
      typeof plain<{ EnvStatus: { ChangeBanner: string } }>(status).EnvStatus.ChangeBanner,
    ).toBe('string');
    expect(list).toMatchObject({
      PageNumber: 1,
      PageSize: 10,
      TotalCount: 2,
      Code: 'OK',
      Message: 'success',
    });
    const changes = plain<{ Changes: { Change: Record<string, unknown>[] } }>(list).Changes.Change;
    expect(changes.map((x) => x['ChangeId'])).toEqual(['wc-1', 'wc-0']);
    expect(changes[1]).toMatchObject({ ChangeFinished: true, ChangeSucceed: true });
    expect(typeof changes[1]?.['FinishTime']).toBe('number');
    expect(one['Code']).toBe('OK');
    expect(one['Change']).toEqual({
      ChangeId: 'wc-1',
      EnvId: 'we-1',
      ChangeName: 'apply.env',
      ActionName: 'Apply',
      ChangeDescription: 'Apply (sandbox)',
      ChangeMessage: 'Change is in progress.',
      ChangeFinished: false,
      ChangeSucceed: false,
      ChangeAborted: false,
      ChangePaused: false,
      ChangeTimedout: false,
      CreateTime: sb.startedAt - 95 * MIN,
      UpdateTime: sb.startedAt - 90 * MIN,
      CreateUsername: 'sandbox-user',
    });
  });

  it('answers the documented errors for unknown and foreign resources and missing parameters', async () => {
    const { c } = await start();

    const unknownChange = await failure(
      c.request('GET', '/pop/v1/wam/changeInfo', { ChangeId: 'wc-9' }),
    );
    const foreignChange = await failure(
      c.request('GET', '/pop/v1/wam/changeInfo', { ChangeId: 'wc-f' }),
    );
    const unknownEnv = await failure(c.request('GET', '/pop/v1/wam/change', { EnvId: 'we-9' }));
    const unknownEnvStatus = await failure(
      c.request('GET', '/pop/v1/wam/appEnv/status', { EnvId: 'we-9' }),
    );
    const missingEnv = await failure(c.request('GET', '/pop/v1/wam/change', {}));
    const badPage = await failure(c.request('GET', '/pop/v1/wam/application', { PageNumber: 0 }));
    const unknownRoute = await failure(c.request('GET', '/pop/v1/wam/nope', {}));

    expect(unknownChange).toMatchObject({ statusCode: 404, code: 'ChangeNotExists' });
    expect(foreignChange).toMatchObject({ statusCode: 403, code: 'ResourceAuthFailed' });
    expect(unknownEnv).toMatchObject({ statusCode: 404, code: 'EnvNotExists' });
    expect(unknownEnvStatus).toMatchObject({ statusCode: 404, code: 'EnvNotExists' });
    expect(missingEnv).toMatchObject({ statusCode: 400, code: 'MissingParameter' });
    expect(badPage).toMatchObject({ statusCode: 400, code: 'InvalidParameter' });
    expect(unknownRoute).toMatchObject({ statusCode: 404, code: 'InvalidAction.NotFound' });
    expect(Object.keys(unknownChange.result).sort()).toEqual([
      'Code',
      'HostId',
      'Message',
      'RequestId',
    ]);
  });
});

describe('Web+ sandbox change lifecycle', () => {
  it('moves running → aborting → aborted and refuses a second abort with ChangeOnAborting', async () => {
    const { c, sb } = await start();

    const accepted = plain(await abort(c, 'wc-1'));
    const second = await failure(abort(c, 'wc-1'));
    const aborting = plain(await c.request('GET', '/pop/v1/wam/appEnv/status', { EnvId: 'we-1' }));
    const during = plain(await c.request('GET', '/pop/v1/wam/changeInfo', { ChangeId: 'wc-1' }));
    await new Promise((r) => setTimeout(r, 1_100));
    const after = plain<{ Change: Record<string, unknown> }>(
      await c.request('GET', '/pop/v1/wam/changeInfo', { ChangeId: 'wc-1' }),
    );
    const finished = await failure(abort(c, 'wc-1'));

    expect(accepted).toMatchObject({
      Code: 'OK',
      Message: 'success',
      EnvChange: { ChangeId: 'wc-1', EnvId: 'we-1' },
    });
    const startTime = plain<{ EnvChange: { StartTime: number } }>(accepted).EnvChange.StartTime;
    expect(typeof startTime).toBe('number');
    expect(second).toMatchObject({ statusCode: 400, code: 'ChangeOnAborting' });
    expect(aborting).toMatchObject({ EnvStatus: { AbortingChange: true, ApplyingChange: true } });
    expect(during).toMatchObject({ Change: { ChangeFinished: false, ChangeAborted: false } });
    expect(after.Change).toMatchObject({
      ChangeFinished: true,
      ChangeAborted: true,
      ChangeSucceed: false,
      FinishTime: startTime + 1_000,
    });
    expect(finished).toMatchObject({ statusCode: 400, code: 'ChangeFinished' });
    expect(sb.change('wc-1')?.ChangeAborted).toBe(true);
    expect(sb.appEnv('we-1')).toMatchObject({ AbortingChange: false, ApplyingChange: false });
    expect(sb.abortCalls('wc-1')).toBe(3);
  });

  it('aborts a paused change (abortStepSeconds 0: aborted at once)', async () => {
    const { c, sb } = await start();

    await abort(c, 'wc-2');

    expect(sb.change('wc-2')).toMatchObject({
      ChangeFinished: true,
      ChangeAborted: true,
      ChangePaused: false,
    });
  });

  it('answers 500 ResourceAuthFailed for an unknown or foreign change, and 400 without ChangeId', async () => {
    const { c, sb } = await start();

    const unknown = await failure(abort(c, 'wc-9'));
    const foreign = await failure(abort(c, 'wc-f'));
    const missing = await failure(c.request('POST', '/pop/v1/wam/change/abort', {}, '', FORM));

    expect(unknown).toMatchObject({ statusCode: 500, code: 'ResourceAuthFailed' });
    expect(foreign).toMatchObject({ statusCode: 500, code: 'ResourceAuthFailed' });
    expect(missing).toMatchObject({ statusCode: 400, code: 'MissingParameter' });
    expect(sb.change('wc-f')?.ChangeFinished).toBe(false);
    expect(sb.abortCalls()).toBe(3);
  });
});

describe('Web+ sandbox paging and scale', () => {
  it('pages lists and cuts PageSize to pageSizeMax', async () => {
    const envs = Array.from({ length: 25 }, (_, i) => ({
      EnvId: `we-${i}`,
      AppId: 'wa-1',
      EnvName: `e${i}`,
    }));
    const { c } = await start({
      apps: [{ AppId: 'wa-1', AppName: 'a' }],
      envs,
      changes: [],
      pageSizeMax: 10,
    });

    const p3 = plain(await c.request('GET', '/pop/v1/wam/appEnv', { PageNumber: 3, PageSize: 50 }));
    const p9 = plain(await c.request('GET', '/pop/v1/wam/appEnv', { PageNumber: 9, PageSize: 5 }));

    expect(p3).toMatchObject({ PageNumber: 3, PageSize: 10, TotalCount: 25 });
    expect(
      plain<{ AppEnvs: { AppEnv: { EnvId: string }[] } }>(p3).AppEnvs.AppEnv.map((e) => e.EnvId),
    ).toEqual(['we-20', 'we-21', 'we-22', 'we-23', 'we-24']);
    expect(p9).toMatchObject({
      AppEnvs: { AppEnv: [] },
      PageNumber: 9,
      PageSize: 5,
      TotalCount: 25,
    });
  });

  it('serves 2,000 environments and 6,000 changes through paging quickly', async () => {
    const envs = Array.from({ length: 2_000 }, (_, i) => ({
      EnvId: `we-${i}`,
      AppId: 'wa-1',
      EnvName: `e${i}`,
    }));
    const changes = envs.flatMap((e, i) => [
      {
        ChangeId: `wc-${i}-a`,
        EnvId: e.EnvId,
        startedMinutesAgo: 500,
        finished: true,
        succeed: true,
      },
      { ChangeId: `wc-${i}-b`, EnvId: e.EnvId, startedMinutesAgo: 300, finished: true },
      { ChangeId: `wc-${i}-c`, EnvId: e.EnvId, startedMinutesAgo: 40, idleMinutes: i % 40 },
    ]);
    const { c } = await start({ apps: [{ AppId: 'wa-1', AppName: 'a' }], envs, changes });
    const began = Date.now();

    let applying = 0;
    for (let page = 1; page <= 20; page++) {
      const r = plain<{
        AppEnvs: { AppEnv: { ApplyingChange: boolean; LatestChangeId: string }[] };
      }>(await c.request('GET', '/pop/v1/wam/appEnv', { PageNumber: page, PageSize: 100 }));
      applying += r.AppEnvs.AppEnv.filter((e) => e.ApplyingChange).length;
    }
    const elapsed = Date.now() - began;

    expect(applying).toBe(2_000);
    expect(elapsed).toBeLessThan(5_000);
  });

  it('closes promptly while a keep-alive client holds its socket', async () => {
    const { c, sb } = await start();
    await c.request('GET', '/pop/v1/wam/application', {});
    const began = Date.now();

    await sb.close();
    sandbox = undefined;

    expect(Date.now() - began).toBeLessThan(1_000);
  });
});
