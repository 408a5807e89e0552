import { afterEach, describe, expect, it } from 'vitest';
import { type RawRequestSpec, sendRawRequest } from '../../sandbox/webplus/raw-client.js';
import { startWebplusSandbox, type WebplusSandbox } from '../../sandbox/webplus/server.js';

/** Two regions: wa-1 in cn-hangzhou (the default), wa-2 in cn-shanghai. */
const scenario = {
  strict: true,
  apps: [
    { AppId: 'wa-1', AppName: 'shop' },
    { AppId: 'wa-2', AppName: 'billing', RegionId: 'cn-shanghai' },
  ],
  envs: [
    { EnvId: 'we-1', AppId: 'wa-1', EnvName: 'shop-prod' },
    { EnvId: 'we-2', AppId: 'wa-2', EnvName: 'billing-prod' },
  ],
  changes: [
    { ChangeId: 'wc-1', EnvId: 'we-1', idleMinutes: 40 },
    { ChangeId: 'wc-2', EnvId: 'we-2', idleMinutes: 40 },
  ],
};

const AK = { accessKeyId: 'sandbox-ak', accessKeySecret: 'sandbox-secret' };

let sb: WebplusSandbox;
afterEach(async () => {
  await sb?.close();
});

function spec(
  method: 'GET' | 'POST',
  path: string,
  query: Record<string, string>,
  region: string | undefined,
  body?: string,
): RawRequestSpec {
  return {
    method,
    path,
    query,
    body,
    ...AK,
    headers: region === undefined ? {} : { 'x-acs-region-id': region },
  };
}

async function answer(s: RawRequestSpec) {
  const res = await sendRawRequest(sb.url, s);
  return { status: res.status, code: res.json?.Code, message: String(res.json?.Message ?? '') };
}

describe('Web+ sandbox strict mode: refuses what the docs mark required', () => {
  it.each([
    [
      'DescribeChange without EnvId',
      spec('GET', '/pop/v1/wam/changeInfo', { ChangeId: 'wc-1' }, 'cn-hangzhou'),
      'EnvId',
    ],
    [
      'DescribeAppEnvs without AppId',
      spec('GET', '/pop/v1/wam/appEnv', { EnvId: 'we-1' }, 'cn-hangzhou'),
      'AppId',
    ],
    [
      'DescribeChanges without EnvId',
      spec('GET', '/pop/v1/wam/change', {}, 'cn-hangzhou'),
      'EnvId',
    ],
    [
      'DescribeAppEnvStatus without EnvId',
      spec('GET', '/pop/v1/wam/appEnv/status', {}, 'cn-hangzhou'),
      'EnvId',
    ],
    [
      'AbortChange with ChangeId in the query instead of the form body',
      spec('POST', '/pop/v1/wam/change/abort', { ChangeId: 'wc-1' }, 'cn-hangzhou'),
      'ChangeId',
    ],
    [
      'a request without x-acs-region-id',
      spec('GET', '/pop/v1/wam/application', {}, undefined),
      'x-acs-region-id',
    ],
  ])('%s → 400 MissingParameter naming it', async (_what, s, name) => {
    sb = await startWebplusSandbox(scenario);
    const a = await answer(s);
    expect(a.status).toBe(400);
    expect(a.code).toBe('MissingParameter');
    expect(a.message).toContain(name);
    expect(sb.journal()[0]?.fault).toBe('strict');
    // nothing was aborted by the refused AbortChange
    expect(sb.change('wc-1')?.ChangeAborted).toBe(false);
  });

  it('accepts the same calls with every required parameter and the region', async () => {
    sb = await startWebplusSandbox(scenario);
    const ok = [
      spec('GET', '/pop/v1/wam/changeInfo', { ChangeId: 'wc-1', EnvId: 'we-1' }, 'cn-hangzhou'),
      spec('GET', '/pop/v1/wam/appEnv', { AppId: 'wa-1', EnvId: 'we-1' }, 'cn-hangzhou'),
      spec('GET', '/pop/v1/wam/application', { RegionId: 'cn-hangzhou' }, 'cn-hangzhou'),
    ];
    for (const s of ok) expect((await answer(s)).status).toBe(200);
  });

  it('a region the scenario does not hold, or a RegionId query that contradicts the header → 400 InvalidRegionId', async () => {
    sb = await startWebplusSandbox(scenario);
    expect(await answer(spec('GET', '/pop/v1/wam/application', {}, 'eu-west-1'))).toMatchObject({
      status: 400,
      code: 'InvalidRegionId',
    });
    expect(
      await answer(
        spec('GET', '/pop/v1/wam/application', { RegionId: 'cn-shanghai' }, 'cn-hangzhou'),
      ),
    ).toMatchObject({ status: 400, code: 'InvalidRegionId' });
  });

  it('a request sees only its region: listings, reads and aborts of another region find nothing', async () => {
    sb = await startWebplusSandbox(scenario);
    const apps = await sendRawRequest(
      sb.url,
      spec('GET', '/pop/v1/wam/application', {}, 'cn-shanghai'),
    );
    expect(apps.json?.Applications).toEqual({
      Application: [{ AppId: 'wa-2', AppName: 'billing', Description: '' }],
    });
    expect(
      await answer(
        spec('GET', '/pop/v1/wam/changeInfo', { ChangeId: 'wc-1', EnvId: 'we-1' }, 'cn-shanghai'),
      ),
    ).toMatchObject({ status: 404, code: 'ChangeNotExists' });
    expect(
      await answer(spec('GET', '/pop/v1/wam/appEnv', { AppId: 'wa-1' }, 'cn-shanghai')),
    ).toMatchObject({ status: 400, code: 'AppNotExist' });
    expect(
      await answer(spec('POST', '/pop/v1/wam/change/abort', {}, 'cn-shanghai', 'ChangeId=wc-1')),
    ).toMatchObject({ status: 500, code: 'ResourceAuthFailed' });
    expect(sb.change('wc-1')?.ChangeAborted).toBe(false);
    expect(
      await answer(spec('POST', '/pop/v1/wam/change/abort', {}, 'cn-shanghai', 'ChangeId=wc-2')),
    ).toMatchObject({ status: 200, code: 'OK' });
  });

  it('lax mode (the default) ignores the region and missing documented parameters', async () => {
    sb = await startWebplusSandbox({ ...scenario, strict: false });
    expect(
      (await answer(spec('GET', '/pop/v1/wam/changeInfo', { ChangeId: 'wc-2' }, undefined))).status,
    ).toBe(200);
  });
});

describe('Web+ sandbox retired mode', () => {
  it('every request, known route or not, answers 404 InvalidApi.NotFound; settings can switch it', async () => {
    sb = await startWebplusSandbox({ ...scenario, retired: true });
    for (const s of [
      spec('GET', '/pop/v1/wam/application', {}, 'cn-hangzhou'),
      spec('POST', '/pop/v1/wam/change/abort', {}, 'cn-hangzhou', 'ChangeId=wc-1'),
      spec('GET', '/pop/v1/wam/nothing-here', {}, 'cn-hangzhou'),
    ]) {
      expect(await answer(s)).toEqual({
        status: 404,
        code: 'InvalidApi.NotFound',
        message: 'Specified api is not found, please check your url and method.',
      });
    }
    expect(sb.change('wc-1')?.ChangeAborted).toBe(false);
    sb.update({ retired: false });
    expect((await answer(spec('GET', '/pop/v1/wam/application', {}, 'cn-hangzhou'))).status).toBe(
      200,
    );
  });
});
