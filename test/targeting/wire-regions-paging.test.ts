/**
 * Issue 12 through the real handler and the strict sandbox: regions (each on its own, records
 * carry regionId), required parameters learned before they are needed, paging that trusts
 * neither PageSize nor a short page, a retired API ending in one record, and the 401 identity
 * codes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '#shared/config/config.js';
import { resolveRegions } from '#shared/pipeline/runtime.js';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, type HarnessOptions, startHarness } from '../helpers/harness.js';
import {
  appId,
  calls,
  change,
  changeId,
  envId,
  httpEvent,
  scenario,
  summaryOf,
  timerEvent,
} from '../helpers/world.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function start(s: Record<string, unknown>, options: HarnessOptions = {}) {
  h = await startHarness(s, options);
  return h;
}

/** Two apps: app 0 (env 0) in cn-hangzhou, app 1 (env 1) in cn-shanghai, a stuck change in each. */
function twoRegions(): Record<string, unknown> {
  const s = scenario(
    [1, 1],
    [0, 1].map((i) => change({ n: i, env: i, idleMin: 90, ageMin: 95 })),
  );
  const apps = s.apps as Record<string, unknown>[];
  apps[1]!.RegionId = 'cn-shanghai';
  return s;
}

describe('regions', () => {
  it('WEBPLUS_REGIONS: each region is swept with its own region header; records carry regionId', async () => {
    const harness = await start(twoRegions(), {
      env: { WEBPLUS_REGIONS: 'cn-hangzhou,cn-shanghai' },
    });

    await harness.handler(timerEvent(), fakeContext());

    const journal = harness.sandbox.journal();
    // every request carried a region the sandbox knows, and strict mode refused none
    expect(journal.every((j) => j.regionId === 'cn-hangzhou' || j.regionId === 'cn-shanghai')).toBe(
      true,
    );
    expect(journal.filter((j) => j.fault === 'strict')).toEqual([]);
    const aborts = calls(journal, 'AbortChange').map((j) => [j.changeId, j.regionId]);
    expect(aborts.sort()).toEqual([
      [changeId(0), 'cn-hangzhou'],
      [changeId(1), 'cn-shanghai'],
    ]);
    const records = harness.records();
    expect(records.map((r) => [r.changeId, r.regionId, r.outcome]).sort()).toEqual([
      [changeId(0), 'cn-hangzhou', 'aborted'],
      [changeId(1), 'cn-shanghai', 'aborted'],
    ]);
  });

  it('one region only (the default): the other region is not seen at all', async () => {
    const harness = await start(twoRegions());

    await harness.handler(timerEvent(), fakeContext());

    expect(harness.records().map((r) => [r.changeId, r.regionId])).toEqual([
      [changeId(0), 'cn-hangzhou'],
    ]);
  });

  it('a manual abort of a ChangeId in another region is found there and recorded once', async () => {
    const harness = await start(twoRegions(), {
      env: { WEBPLUS_REGIONS: 'cn-hangzhou,cn-shanghai' },
    });

    const result = await harness.handler(
      httpEvent({ path: '/abort', body: JSON.stringify({ changeIds: [changeId(1)] }) }),
      fakeContext(),
    );

    expect(summaryOf(result).results.map((r) => [r.changeId, r.outcome])).toEqual([
      [changeId(1), 'aborted'],
    ]);
    expect(harness.records()[0]?.regionId).toBe('cn-shanghai');
  });

  it('a region the SDK endpoint maps do not list is refused at cold start, naming the variable', () => {
    const config = loadConfig({ WEBPLUS_REGIONS: 'cn-hangzhou,cn-guangzhou' });
    expect(() => resolveRegions(config)).toThrow(
      /invalid WEBPLUS_REGIONS: no Web\+ endpoint is known for region cn-guangzhou/,
    );
    expect(() => resolveRegions(loadConfig({ FC_REGION: 'cn-guangzhou' }))).toThrow(
      /invalid FC_REGION/,
    );
    // the four regions that share the cn-hangzhou host, by the table
    expect(resolveRegions(loadConfig({ WEBPLUS_REGIONS: 'cn-shenzhen' }))).toEqual([
      {
        regionId: 'cn-shenzhen',
        endpoint: 'https://webplus.cn-hangzhou.aliyuncs.com',
        endpointSource: 'table',
      },
    ]);
  });

  it('HTTP tokens shorter than 16 or outside the URL-safe alphabet are refused, naming the variable, never the token', () => {
    for (const bad of ['short-token', 'has space in it 123456', 'plus+sign+is+not+url+safe']) {
      let message = '';
      try {
        loadConfig({ HTTP_AUTH_TOKENS: `good-token-0123456789,${bad}` });
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toMatch(/^invalid HTTP_AUTH_TOKENS: token 2 of 2/);
      expect(message).not.toContain(bad);
    }
    expect(loadConfig({ HTTP_AUTH_TOKENS: 'A-z_0.9~A-z_0.9~' }).httpAuthTokens).toEqual([
      'A-z_0.9~A-z_0.9~',
    ]);
  });

  it('a region without a known endpoint is refused at cold start, naming the variable', () => {
    expect(() => loadConfig({ WEBPLUS_REGIONS: 'cn-hangzhou,Not A Region' })).toThrow(
      /WEBPLUS_REGIONS/,
    );
  });
});

describe('required parameters are learned before they are needed', () => {
  it('a manual abort naming only a ChangeId: DescribeChange carries its EnvId', async () => {
    const harness = await start(
      scenario([1, 1], [change({ n: 0, env: 1, idleMin: 90, ageMin: 95 })]),
    );

    await harness.handler(
      httpEvent({ path: '/abort', body: JSON.stringify({ changeIds: [changeId(0)] }) }),
      fakeContext(),
    );

    const reads = calls(harness.sandbox.journal(), 'DescribeChange');
    expect(reads.map((j) => j.query)).toEqual([
      { ChangeId: changeId(0), EnvId: envId(1), RegionId: 'cn-hangzhou' },
    ]);
    // every DescribeAppEnvs carried its AppId
    for (const j of calls(harness.sandbox.journal(), 'DescribeAppEnvs')) {
      expect(j.query.AppId).toMatch(/^wa-/);
    }
    expect(harness.records().map((r) => r.outcome)).toEqual(['aborted']);
  });

  it('a ChangeId that is no environment latest change: not_found saying why, no DescribeChange, no abort', async () => {
    const s = scenario(
      [1],
      [
        change({
          n: 0,
          env: 0,
          idleMin: 500,
          ageMin: 600,
          extra: { finished: true, succeed: true },
        }),
        change({ n: 1, env: 0, idleMin: 90, ageMin: 95 }),
      ],
    );
    const harness = await start(s);

    await harness.handler(
      httpEvent({ path: '/abort', body: JSON.stringify({ changeIds: [changeId(0)] }) }),
      fakeContext(),
    );

    const [record] = harness.records();
    expect(record?.outcome).toBe('not_found');
    expect(record?.detail).toContain(
      'is the LatestChangeId of no environment DescribeAppEnvs lists',
    );
    expect(calls(harness.sandbox.journal(), 'DescribeChange')).toHaveLength(0);
    expect(calls(harness.sandbox.journal(), 'AbortChange')).toHaveLength(0);
  });

  it('an alarm with a changeId and one envId dimension reads the change in that environment directly', async () => {
    const harness = await start(scenario([1], [change({ n: 0, env: 0, idleMin: 90, ageMin: 95 })]));
    const dims = `{changeId=${changeId(0)}, envId=${envId(0)}}`;

    await harness.handler(
      httpEvent({
        path: '/cms-callback',
        query: { token: 'local-dev-token-0001' },
        token: null,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          alertState: 'ALERT',
          alertName: 'deploy-5xx',
          dimensions: dims,
          timestamp: String(Date.now()),
        }).toString(),
      }),
      fakeContext(),
    );

    const journal = harness.sandbox.journal();
    expect(calls(journal, 'DescribeApplications')).toHaveLength(0);
    expect(calls(journal, 'DescribeChange').map((j) => j.query.EnvId)).toEqual([envId(0)]);
  });

  it('a sweep of named EnvIds reads each with DescribeAppEnvStatus (EnvId is its one required parameter)', async () => {
    const harness = await start(scenario([2], [change({ n: 0, env: 1, idleMin: 90, ageMin: 95 })]));

    await harness.handler(timerEvent({ envIds: [envId(1)] }), fakeContext());

    const journal = harness.sandbox.journal();
    expect(calls(journal, 'DescribeAppEnvs')).toHaveLength(0);
    expect(calls(journal, 'DescribeAppEnvStatus').map((j) => j.query)).toEqual([
      { EnvId: envId(1), RegionId: 'cn-hangzhou' },
    ]);
    expect(harness.records().map((r) => r.outcome)).toEqual(['aborted']);
  });
});

describe('paging you do not trust', () => {
  /** 7 apps, one environment each, a stuck change in app 6 (on the last page). */
  function sevenApps(extra: Record<string, unknown>) {
    return scenario(
      [1, 1, 1, 1, 1, 1, 1],
      [change({ n: 6, env: 6, idleMin: 90, ageMin: 95 })],
      extra,
    );
  }

  it('a server that cuts pages to 3 but echoes PageSize 100: every page is still read', async () => {
    const harness = await start(sevenApps({ pageSizeMax: 3, pageSizeEcho: 'asked' }));

    await harness.handler(timerEvent(), fakeContext());

    const pages = calls(harness.sandbox.journal(), 'DescribeApplications').map((j) => [
      j.query.PageNumber,
      j.query.PageSize,
    ]);
    expect(pages).toEqual([
      ['1', '100'],
      ['2', '3'],
      ['3', '3'],
    ]);
    expect(harness.records().map((r) => [r.changeId, r.outcome])).toEqual([
      [changeId(6), 'aborted'],
    ]);
  });

  it('a later page that fails keeps the pages before it (their changes are decided) and records the rest as unread', async () => {
    const s = scenario(
      [1, 1, 1, 1],
      [
        change({ n: 0, env: 0, idleMin: 90, ageMin: 95 }),
        change({ n: 3, env: 3, idleMin: 90, ageMin: 95 }),
      ],
      {
        pageSizeMax: 2,
        faults: [
          {
            action: 'DescribeApplications',
            responses: ['ok', { status: 400, code: 'OperationFailed', message: 'page two broke' }],
          },
        ],
      },
    );
    const harness = await start(s);

    await harness.handler(timerEvent(), fakeContext());

    const records = harness.records();
    expect(records.find((r) => r.changeId === changeId(0))?.outcome).toBe('aborted');
    const unread = records.find((r) => !r.changeId);
    expect(unread?.outcome).toBe('failed');
    expect(unread?.errorCode).toBe('OperationFailed');
    expect(unread?.detail).toMatch(
      /page 2 .*2 item\(s\) of 4 from the pages before it were used, the rest was not read/,
    );
    expect(records.some((r) => r.changeId === changeId(3))).toBe(false);
  });

  it('TotalCount says more than the pages give: the items read are used and the gap is recorded', async () => {
    const s = scenario([1, 1], [change({ n: 0, env: 0, idleMin: 90, ageMin: 95 })], {
      faults: [
        {
          action: 'DescribeApplications',
          responses: [
            {
              status: 200,
              contentType: 'application/json',
              body: JSON.stringify({
                Code: 'OK',
                RequestId: 'R1',
                TotalCount: 5,
                PageSize: 100,
                PageNumber: 1,
                Applications: { Application: [{ AppId: appId(0), AppName: 'app-0' }] },
              }),
            },
            {
              status: 200,
              contentType: 'application/json',
              body: JSON.stringify({
                Code: 'OK',
                RequestId: 'R2',
                TotalCount: 5,
                PageSize: 1,
                PageNumber: 2,
                Applications: { Application: [] },
              }),
            },
          ],
        },
      ],
    });
    const harness = await start(s);

    await harness.handler(timerEvent(), fakeContext());

    const records = harness.records();
    expect(records.find((r) => r.changeId === changeId(0))?.outcome).toBe('aborted');
    const gap = records.find((r) => !r.changeId);
    expect(gap?.errorCode).toBe('PagingUnreconciled');
    expect(gap?.detail).toContain('TotalCount says 5 but page 2 brought nothing after 1');
  });
});

describe('a retired or unavailable API', () => {
  it('retired Web+: one record for the region (endpoint, what came back), one request, no retries', async () => {
    const harness = await start(
      { ...scenario([1], [change({ n: 0, env: 0, idleMin: 90, ageMin: 95 })]), retired: true },
      { env: { WEBPLUS_REGIONS: 'cn-hangzhou' } },
    );

    const result = await harness.handler(timerEvent(), fakeContext());

    expect(harness.sandbox.journal()).toHaveLength(1);
    const records = harness.records();
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      outcome: 'failed',
      regionId: 'cn-hangzhou',
      errorCode: 'InvalidApi.NotFound',
    });
    expect(records[0]?.detail).toContain(
      `Web+ is not available in region cn-hangzhou at ${harness.sandbox.url}`,
    );
    expect(records[0]?.detail).toContain('HTTP 404');
    expect(summaryOf(result).results).toHaveLength(1);
  });

  it('an alarm batch naming several changes: still one record and one request', async () => {
    const harness = await start({
      ...scenario(
        [2],
        [0, 1].map((i) => change({ n: i, env: i, idleMin: 90, ageMin: 95 })),
      ),
      retired: true,
    });

    await harness.handler(
      httpEvent({
        path: '/abort',
        body: JSON.stringify({ changeIds: [changeId(0), changeId(1)] }),
      }),
      fakeContext(),
    );

    expect(harness.sandbox.journal()).toHaveLength(1);
    expect(harness.records().map((r) => r.errorCode)).toEqual(['InvalidApi.NotFound']);
  });

  it('the endpoint host does not resolve (ENOTFOUND): one record, no retries', async () => {
    const harness = await start(scenario([1], []), {
      env: { WEBPLUS_ENDPOINT: 'http://webplus.invalid' },
    });

    await harness.handler(timerEvent(), fakeContext());

    const records = harness.records();
    expect(records).toHaveLength(1);
    expect(records[0]?.errorCode).toBe('ENOTFOUND');
    expect(records[0]?.attempts).toBe(0);
    expect(records[0]?.detail).toContain(
      'Web+ is not available in region cn-hangzhou at http://webplus.invalid',
    );
  });
});

describe('401 identity codes of the common error table', () => {
  it('UserTypeInvalid: the record says Web+ refuses STS keys', async () => {
    const harness = await start(
      scenario([1], [change({ n: 0, env: 0, idleMin: 90, ageMin: 95 })], {
        faults: [
          {
            action: 'DescribeApplications',
            responses: [
              {
                status: 401,
                code: 'UserTypeInvalid',
                message: 'WebPlus has temporarily disabled the access method of the STS.',
              },
            ],
          },
        ],
      }),
    );

    await harness.handler(timerEvent(), fakeContext());

    const [record] = harness.records();
    expect(record?.outcome).toBe('failed');
    expect(record?.errorCode).toBe('UserTypeInvalid');
    expect(record?.detail).toContain('Web+ refuses STS keys');
    // not retried: a refused identity does not change on a second try
    expect(calls(harness.sandbox.journal(), 'DescribeApplications')).toHaveLength(1);
  });
});
