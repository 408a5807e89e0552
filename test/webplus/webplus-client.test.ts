import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebplusAction } from '#shared/webplus/actions.js';
import { WebplusClient } from '#shared/webplus/client.js';
import { WebplusError } from '#shared/webplus/errors.js';
import { startWebplusSandbox, type WebplusSandbox } from '../../sandbox/webplus/server.js';

/** The five old changes' ids (well formed: replies are read exactly, shared/core/ids.ts). */
const OLD_IDS = [
  'wc-5339f4644108eb16d07dd448',
  'wc-08f4842947cf017095bacfb7',
  'wc-a73547035e563b7eef0fe2f9',
  'wc-0218abe91a597ffa2f7ad322',
  'wc-1f0ee4e79c100e82570a330b',
];

const MIN = 60_000;
const OPTS = { timeoutMs: 5_000 };
const ROOT_AK = { accessKeyId: 'sandbox-ak', accessKeySecret: 'sandbox-secret' };
const STS_AK = {
  accessKeyId: 'STS.sandbox-sts',
  accessKeySecret: 'sts-secret',
  securityToken: 'sts-token-1',
};

/** wc-1422eac0a5bc885fcd8b0a0f runs on we-f85b45b678822b8469f8a6ef with five finished changes before it; wc-cc5fb61bc4cb0ac5399b2e17 is paused on we-060122cbd5b0bb45b4ee0897. */
const scenario = {
  credentials: [ROOT_AK, STS_AK],
  apps: [
    { AppId: 'wa-d107d6718fb8d6c4431c5dd0', AppName: 'shop' },
    { AppId: 'wa-6e997e0f32e1f514dfe49e54', AppName: 'billing' },
    { AppId: 'wa-32b985b3da12d90b1cc0e4f0', AppName: 'search' },
  ],
  envs: [
    {
      EnvId: 'we-f85b45b678822b8469f8a6ef',
      AppId: 'wa-d107d6718fb8d6c4431c5dd0',
      EnvName: 'shop-prod',
    },
    {
      EnvId: 'we-060122cbd5b0bb45b4ee0897',
      AppId: 'wa-d107d6718fb8d6c4431c5dd0',
      EnvName: 'shop-test',
    },
    {
      EnvId: 'we-1d44a8aad805772e9f9bd855',
      AppId: 'wa-6e997e0f32e1f514dfe49e54',
      EnvName: 'billing-prod',
    },
    {
      EnvId: 'we-bde8169b7e28ad2f63930a8e',
      AppId: 'wa-6e997e0f32e1f514dfe49e54',
      EnvName: 'billing-old',
      EnvStatus: 'TERMINATED',
    },
  ],
  changes: [
    {
      ChangeId: 'wc-1422eac0a5bc885fcd8b0a0f',
      EnvId: 'we-f85b45b678822b8469f8a6ef',
      startedMinutesAgo: 95,
      idleMinutes: 90,
      abortStepSeconds: 60,
    },
    ...[1, 2, 3, 4, 5].map((n) => ({
      ChangeId: OLD_IDS[n - 1] as string,
      EnvId: 'we-f85b45b678822b8469f8a6ef',
      ActionName: 'RestartApp',
      startedMinutesAgo: 1000 + n * 100,
      idleMinutes: 1000 + n * 100,
      finished: true,
      succeed: true,
    })),
    {
      ChangeId: 'wc-cc5fb61bc4cb0ac5399b2e17',
      EnvId: 'we-060122cbd5b0bb45b4ee0897',
      startedMinutesAgo: 50,
      idleMinutes: 45,
      paused: true,
    },
    {
      ChangeId: 'wc-16bebbb448ac4091ada7d9a2',
      EnvId: 'we-3b5a15970cbc7aa709d50154',
      foreign: true,
    },
  ],
};

const sandboxes: WebplusSandbox[] = [];
const clients: WebplusClient[] = [];
const servers: Server[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(sandboxes.splice(0).map((s) => s.close()));
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise<void>((resolve) => {
          s.closeAllConnections();
          s.close(() => resolve());
        }),
    ),
  );
});

async function start(
  credentials: { accessKeyId: string; accessKeySecret: string; securityToken?: string } = ROOT_AK,
) {
  const sb = await startWebplusSandbox(scenario);
  sandboxes.push(sb);
  const seen: WebplusAction[] = [];
  const client = new WebplusClient(
    { regionId: 'cn-hangzhou', endpoint: sb.url },
    credentials,
    (action) => seen.push(action),
  );
  clients.push(client);
  return { sb, client, seen };
}

async function failure(p: Promise<unknown>): Promise<WebplusError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(WebplusError);
    return err as WebplusError;
  }
  throw new Error('expected the call to fail');
}

describe('WebplusClient against the sandbox (real HTTP, real pop-core signing)', () => {
  it('abortChange returns the typed EnvChange and starts the abort', async () => {
    // Arrange
    const { sb, client } = await start();
    const before = Date.now();

    // Act
    const result = await client.abortChange('wc-1422eac0a5bc885fcd8b0a0f', OPTS);

    // Assert
    expect(result.changeId).toBe('wc-1422eac0a5bc885fcd8b0a0f');
    expect(result.envId).toBe('we-f85b45b678822b8469f8a6ef');
    expect(result.requestId).toMatch(/^[0-9A-F-]{36}$/);
    expect(result.startTime).toBeGreaterThanOrEqual(before);
    expect(result.startTime).toBeLessThanOrEqual(Date.now());
    expect(sb.abortCalls('wc-1422eac0a5bc885fcd8b0a0f')).toBe(1);
    expect(sb.appEnv('we-f85b45b678822b8469f8a6ef')?.AbortingChange).toBe(true);
    const [entry] = sb.journal();
    expect(entry).toMatchObject({
      method: 'POST',
      path: '/pop/v1/wam/change/abort',
      action: 'AbortChange',
      query: {},
      body: 'ChangeId=wc-1422eac0a5bc885fcd8b0a0f',
      changeId: 'wc-1422eac0a5bc885fcd8b0a0f',
      status: 200,
      code: 'OK',
      accessKeyId: 'sandbox-ak',
      signatureValid: true,
    });
    expect(entry?.nonce).toMatch(/^[0-9a-f]{32}$/);
  });

  it('describeChange returns the change as plain typed values', async () => {
    // Arrange
    const { sb, client } = await start();

    // Act
    const { change, requestId } = await client.describeChange(
      { changeId: 'wc-1422eac0a5bc885fcd8b0a0f', envId: 'we-f85b45b678822b8469f8a6ef' },
      OPTS,
    );

    // Assert
    const wire = sb.change('wc-1422eac0a5bc885fcd8b0a0f');
    expect(change).toEqual({
      changeId: 'wc-1422eac0a5bc885fcd8b0a0f',
      envId: 'we-f85b45b678822b8469f8a6ef',
      changeName: wire?.ChangeName,
      actionName: 'Apply',
      changeDescription: wire?.ChangeDescription,
      finished: false,
      succeed: false,
      aborted: false,
      paused: false,
      timedOut: false,
      createTime: sb.startedAt - 95 * MIN,
      updateTime: sb.startedAt - 90 * MIN,
      finishTime: undefined,
      unreadable: {},
    });
    expect(Object.getPrototypeOf(change)).toBe(Object.prototype);
    expect(requestId).toMatch(/^[0-9A-F-]{36}$/);
    expect(sb.journal()[0]?.query).toEqual({
      ChangeId: 'wc-1422eac0a5bc885fcd8b0a0f',
      EnvId: 'we-f85b45b678822b8469f8a6ef',
      RegionId: 'cn-hangzhou',
    });
  });

  it('describeChange shows a finished change with its FinishTime', async () => {
    // Arrange
    const { sb, client } = await start();

    // Act
    const { change } = await client.describeChange(
      { changeId: 'wc-5339f4644108eb16d07dd448', envId: 'we-f85b45b678822b8469f8a6ef' },
      OPTS,
    );

    // Assert
    expect(change).toMatchObject({
      changeId: 'wc-5339f4644108eb16d07dd448',
      actionName: 'RestartApp',
      finished: true,
      succeed: true,
      aborted: false,
    });
    expect(change.finishTime).toBe(sb.change('wc-5339f4644108eb16d07dd448')?.FinishTime);
    expect(change.finishTime).toBeGreaterThan(0);
  });

  it('describeChange of an unknown or foreign change is not_found', async () => {
    // Arrange
    const { client } = await start();

    // Act
    const unknown = await failure(
      client.describeChange(
        { changeId: 'wc-a220be6f2fdcb99be8637add', envId: 'we-f85b45b678822b8469f8a6ef' },
        OPTS,
      ),
    );
    const foreign = await failure(
      client.describeChange(
        { changeId: 'wc-16bebbb448ac4091ada7d9a2', envId: 'we-3b5a15970cbc7aa709d50154' },
        OPTS,
      ),
    );

    // Assert
    expect(unknown).toMatchObject({ kind: 'not_found', code: 'ChangeNotExists', httpStatus: 404 });
    expect(foreign).toMatchObject({
      kind: 'not_found',
      code: 'ResourceAuthFailed',
      httpStatus: 403,
    });
    expect(unknown.retryable).toBe(false);
  });

  it('describeChanges pages through every change of an environment, newest first', async () => {
    // Arrange
    const { sb, client } = await start();
    const ids: string[] = [];
    const pages: { pageNumber: number; pageSize: number; totalCount?: number; n: number }[] = [];

    // Act
    for (let pageNumber = 1; ; pageNumber += 1) {
      const page = await client.describeChanges(
        'we-f85b45b678822b8469f8a6ef',
        { pageNumber, pageSize: 2 },
        OPTS,
      );
      ids.push(...page.items.map((c) => c.changeId));
      pages.push({ ...page, n: page.items.length });
      if (page.pageNumber * page.pageSize >= (page.totalCount ?? 0)) break;
    }

    // Assert
    expect(ids).toEqual([
      'wc-1422eac0a5bc885fcd8b0a0f',
      'wc-5339f4644108eb16d07dd448',
      'wc-08f4842947cf017095bacfb7',
      'wc-a73547035e563b7eef0fe2f9',
      'wc-0218abe91a597ffa2f7ad322',
      'wc-1f0ee4e79c100e82570a330b',
    ]);
    expect(
      pages.map(({ pageNumber, pageSize, totalCount, n }) => [pageNumber, pageSize, totalCount, n]),
    ).toEqual([
      [1, 2, 6, 2],
      [2, 2, 6, 2],
      [3, 2, 6, 2],
    ]);
    expect(sb.journal().map((e) => e.query)).toEqual([
      {
        EnvId: 'we-f85b45b678822b8469f8a6ef',
        PageNumber: '1',
        PageSize: '2',
        RegionId: 'cn-hangzhou',
      },
      {
        EnvId: 'we-f85b45b678822b8469f8a6ef',
        PageNumber: '2',
        PageSize: '2',
        RegionId: 'cn-hangzhou',
      },
      {
        EnvId: 'we-f85b45b678822b8469f8a6ef',
        PageNumber: '3',
        PageSize: '2',
        RegionId: 'cn-hangzhou',
      },
    ]);
  });

  it('describeChanges reports the page size Web+ applied, and an empty page past the end', async () => {
    // Arrange
    const { client } = await start();

    // Act
    const big = await client.describeChanges(
      'we-f85b45b678822b8469f8a6ef',
      { pageNumber: 1, pageSize: 500 },
      OPTS,
    );
    const past = await client.describeChanges(
      'we-f85b45b678822b8469f8a6ef',
      { pageNumber: 9, pageSize: 10 },
      OPTS,
    );
    const unknownEnv = await failure(
      client.describeChanges('we-ee500df7eb84fed15a36d854', { pageNumber: 1, pageSize: 10 }, OPTS),
    );

    // Assert
    expect(big).toMatchObject({ pageNumber: 1, pageSize: 100, totalCount: 6 });
    expect(big.items).toHaveLength(6);
    expect(past).toMatchObject({ items: [], pageNumber: 9, pageSize: 10, totalCount: 6 });
    expect(unknownEnv).toMatchObject({ kind: 'not_found', code: 'EnvNotExists', httpStatus: 404 });
  });

  it('describeAppEnvs filters by AppId and by EnvId', async () => {
    // Arrange
    const { sb, client } = await start();

    // Act
    const byApp = await client.describeAppEnvs(
      { appId: 'wa-d107d6718fb8d6c4431c5dd0' },
      { pageNumber: 1, pageSize: 10 },
      OPTS,
    );
    const byEnv = await client.describeAppEnvs(
      { appId: 'wa-6e997e0f32e1f514dfe49e54', envId: 'we-1d44a8aad805772e9f9bd855' },
      { pageNumber: 1, pageSize: 10 },
      OPTS,
    );

    // Assert
    expect(byApp.items).toEqual([
      {
        envId: 'we-f85b45b678822b8469f8a6ef',
        appId: 'wa-d107d6718fb8d6c4431c5dd0',
        envName: 'shop-prod',
        envStatus: 'RUNNING',
        envStatusRead: { kind: 'live' },
        applyingChange: true,
        abortingChange: false,
        latestChangeId: 'wc-1422eac0a5bc885fcd8b0a0f',
      },
      {
        envId: 'we-060122cbd5b0bb45b4ee0897',
        appId: 'wa-d107d6718fb8d6c4431c5dd0',
        envName: 'shop-test',
        envStatus: 'RUNNING',
        envStatusRead: { kind: 'live' },
        applyingChange: true,
        abortingChange: false,
        latestChangeId: 'wc-cc5fb61bc4cb0ac5399b2e17',
      },
    ]);
    expect(byApp).toMatchObject({ pageNumber: 1, pageSize: 10, totalCount: 2 });
    expect(byEnv.items).toEqual([
      {
        envId: 'we-1d44a8aad805772e9f9bd855',
        appId: 'wa-6e997e0f32e1f514dfe49e54',
        envName: 'billing-prod',
        envStatus: 'RUNNING',
        envStatusRead: { kind: 'live' },
        applyingChange: false,
        abortingChange: false,
      },
    ]);
    expect(byEnv.totalCount).toBe(1);
    // no undefined filter is sent (pop-core would send `AppId=` and sign `AppId=undefined`)
    expect(sb.journal().map((e) => e.query)).toEqual([
      {
        AppId: 'wa-d107d6718fb8d6c4431c5dd0',
        PageNumber: '1',
        PageSize: '10',
        RegionId: 'cn-hangzhou',
      },
      {
        AppId: 'wa-6e997e0f32e1f514dfe49e54',
        EnvId: 'we-1d44a8aad805772e9f9bd855',
        PageNumber: '1',
        PageSize: '10',
        RegionId: 'cn-hangzhou',
      },
    ]);
  });

  it('describeAppEnvStatus shows the in-flight change and, after an abort, AbortingChange', async () => {
    // Arrange
    const { client } = await start();

    // Act
    const before = await client.describeAppEnvStatus('we-f85b45b678822b8469f8a6ef', OPTS);
    await client.abortChange('wc-1422eac0a5bc885fcd8b0a0f', OPTS);
    const after = await client.describeAppEnvStatus('we-f85b45b678822b8469f8a6ef', OPTS);
    const missing = await failure(client.describeAppEnvStatus('we-ee500df7eb84fed15a36d854', OPTS));

    // Assert
    expect(before).toEqual({
      envId: 'we-f85b45b678822b8469f8a6ef',
      appId: '',
      envName: 'shop-prod',
      envStatus: 'RUNNING',
      envStatusRead: { kind: 'live' },
      applyingChange: true,
      abortingChange: false,
      latestChangeId: 'wc-1422eac0a5bc885fcd8b0a0f',
    });
    expect(after).toMatchObject({
      envId: 'we-f85b45b678822b8469f8a6ef',
      applyingChange: true,
      abortingChange: true,
    });
    expect(missing).toMatchObject({ kind: 'not_found', code: 'EnvNotExists' });
  });

  it('describeApplications pages through every application', async () => {
    // Arrange
    const { client } = await start();

    // Act
    const first = await client.describeApplications({ pageNumber: 1, pageSize: 2 }, OPTS);
    const second = await client.describeApplications({ pageNumber: 2, pageSize: 2 }, OPTS);

    // Assert
    expect(first).toMatchObject({ pageNumber: 1, pageSize: 2, totalCount: 3 });
    expect(first.items).toEqual([
      { appId: 'wa-d107d6718fb8d6c4431c5dd0', appName: 'shop' },
      { appId: 'wa-6e997e0f32e1f514dfe49e54', appName: 'billing' },
    ]);
    expect(second).toMatchObject({ pageNumber: 2, pageSize: 2, totalCount: 3 });
    expect(second.items).toEqual([{ appId: 'wa-32b985b3da12d90b1cc0e4f0', appName: 'search' }]);
    expect(first.requestId).not.toBe(second.requestId);
  });

  it('signs every action so that the sandbox accepts each signature, and tells the observer', async () => {
    // Arrange
    const { sb, client, seen } = await start();
    const page = { pageNumber: 1, pageSize: 10 };

    // Act
    await client.describeApplications(page, OPTS);
    await client.describeAppEnvs({ appId: 'wa-d107d6718fb8d6c4431c5dd0' }, page, OPTS);
    await client.describeAppEnvStatus('we-f85b45b678822b8469f8a6ef', OPTS);
    await client.describeChanges('we-f85b45b678822b8469f8a6ef', page, OPTS);
    await client.describeChange(
      { changeId: 'wc-1422eac0a5bc885fcd8b0a0f', envId: 'we-f85b45b678822b8469f8a6ef' },
      OPTS,
    );
    await client.abortChange('wc-1422eac0a5bc885fcd8b0a0f', OPTS);

    // Assert
    const journal = sb.journal();
    expect(journal.map((e) => e.action)).toEqual([
      'DescribeApplications',
      'DescribeAppEnvs',
      'DescribeAppEnvStatus',
      'DescribeChanges',
      'DescribeChange',
      'AbortChange',
    ]);
    expect(seen).toEqual(journal.map((e) => e.action));
    expect(journal.every((e) => e.signatureValid && e.status === 200 && e.code === 'OK')).toBe(
      true,
    );
    expect(new Set(journal.map((e) => e.nonce)).size).toBe(6);
  });

  it('signs with STS credentials (security token) for every action', async () => {
    // Arrange
    const { sb, client } = await start(STS_AK);
    const page = { pageNumber: 1, pageSize: 10 };

    // Act
    const apps = await client.describeApplications(page, OPTS);
    const envs = await client.describeAppEnvs(
      { appId: 'wa-d107d6718fb8d6c4431c5dd0', envId: 'we-f85b45b678822b8469f8a6ef' },
      page,
      OPTS,
    );
    const status = await client.describeAppEnvStatus('we-f85b45b678822b8469f8a6ef', OPTS);
    const changes = await client.describeChanges('we-f85b45b678822b8469f8a6ef', page, OPTS);
    const { change } = await client.describeChange(
      { changeId: 'wc-cc5fb61bc4cb0ac5399b2e17', envId: 'we-060122cbd5b0bb45b4ee0897' },
      OPTS,
    );
    const aborted = await client.abortChange('wc-cc5fb61bc4cb0ac5399b2e17', OPTS);

    // Assert
    expect(apps.totalCount).toBe(3);
    expect(envs.items.map((e) => e.envId)).toEqual(['we-f85b45b678822b8469f8a6ef']);
    expect(status.latestChangeId).toBe('wc-1422eac0a5bc885fcd8b0a0f');
    expect(changes.totalCount).toBe(6);
    expect(change).toMatchObject({
      changeId: 'wc-cc5fb61bc4cb0ac5399b2e17',
      paused: true,
      finished: false,
    });
    expect(aborted).toMatchObject({
      changeId: 'wc-cc5fb61bc4cb0ac5399b2e17',
      envId: 'we-060122cbd5b0bb45b4ee0897',
    });
    const journal = sb.journal();
    expect(journal).toHaveLength(6);
    for (const e of journal) {
      expect(e).toMatchObject({
        accessKeyId: 'STS.sandbox-sts',
        signatureValid: true,
        status: 200,
      });
    }
  });

  it('STS keys without their token are refused as a credentials problem', async () => {
    // Arrange
    const { sb, client } = await start({
      accessKeyId: STS_AK.accessKeyId,
      accessKeySecret: STS_AK.accessKeySecret,
    });

    // Act
    const err = await failure(
      client.describeChange(
        { changeId: 'wc-1422eac0a5bc885fcd8b0a0f', envId: 'we-f85b45b678822b8469f8a6ef' },
        OPTS,
      ),
    );

    // Assert
    expect(err).toMatchObject({
      kind: 'credentials',
      code: 'InvalidSecurityToken.Mismatch',
      httpStatus: 403,
      ambiguous: false,
    });
    expect(sb.journal()[0]?.signatureValid).toBe(true);
  });

  it('a wrong secret is SignatureDoesNotMatch and an unknown key InvalidAccessKeyId.NotFound: credentials', async () => {
    // Arrange
    const { sb } = await start();
    const wrongSecret = new WebplusClient(
      { regionId: 'cn-hangzhou', endpoint: sb.url },
      {
        accessKeyId: 'sandbox-ak',
        accessKeySecret: 'nope',
      },
    );
    const unknownKey = new WebplusClient(
      { regionId: 'cn-hangzhou', endpoint: sb.url },
      { accessKeyId: 'who', accessKeySecret: 'x' },
    );
    clients.push(wrongSecret, unknownKey);

    // Act
    const bad = await failure(wrongSecret.abortChange('wc-1422eac0a5bc885fcd8b0a0f', OPTS));
    const unknown = await failure(unknownKey.abortChange('wc-1422eac0a5bc885fcd8b0a0f', OPTS));

    // Assert
    expect(bad).toMatchObject({
      kind: 'credentials',
      code: 'SignatureDoesNotMatch',
      httpStatus: 400,
    });
    expect(unknown).toMatchObject({
      kind: 'credentials',
      code: 'InvalidAccessKeyId.NotFound',
      httpStatus: 404,
    });
    expect(sb.journal().map((e) => e.signatureValid)).toEqual([false, false]);
    expect(sb.change('wc-1422eac0a5bc885fcd8b0a0f')?.ChangeAborted).toBe(false);
    expect(sb.appEnv('we-f85b45b678822b8469f8a6ef')?.AbortingChange).toBe(false);
  });

  it('clients made one after another with other keys each sign with their own (pop-core clients are reused by endpoint and keys)', async () => {
    // Arrange: the instance keeps pop-core clients by endpoint and keys (transport.ts,
    // roaClientFor): a client of other keys must never sign with the kept one's.
    const { sb } = await start();
    const target = { regionId: 'cn-hangzhou', endpoint: sb.url };
    const make = (credentials: {
      accessKeyId: string;
      accessKeySecret: string;
      securityToken?: string;
    }) => {
      const c = new WebplusClient(target, credentials);
      clients.push(c);
      return c;
    };
    const read = (c: WebplusClient) =>
      c.describeAppEnvStatus('we-f85b45b678822b8469f8a6ef', OPTS).then(
        () => 'ok',
        (err: WebplusError) => err.code,
      );

    // Act
    const outcomes = [
      await read(make(ROOT_AK)),
      await read(make(STS_AK)),
      await read(make(ROOT_AK)),
      await read(make({ ...STS_AK, securityToken: 'sts-token-2' })),
      await read(make({ accessKeyId: 'sandbox-ak', accessKeySecret: 'nope' })),
      await read(make(STS_AK)),
      await read(
        make({ accessKeyId: STS_AK.accessKeyId, accessKeySecret: STS_AK.accessKeySecret }),
      ),
    ];

    // Assert
    expect(outcomes).toEqual([
      'ok',
      'ok',
      'ok',
      'InvalidSecurityToken.Mismatch',
      'SignatureDoesNotMatch',
      'ok',
      'InvalidSecurityToken.Mismatch',
    ]);
    expect(sb.journal().map((e) => [e.accessKeyId, e.signatureValid])).toEqual([
      ['sandbox-ak', true],
      ['STS.sandbox-sts', true],
      ['sandbox-ak', true],
      ['STS.sandbox-sts', true],
      ['sandbox-ak', false],
      ['STS.sandbox-sts', true],
      ['STS.sandbox-sts', true],
    ]);
  });

  it('accepts an endpoint with a trailing slash (pop-core would sign it wrong)', async () => {
    // Arrange
    const { sb } = await start();
    const client = new WebplusClient({ regionId: 'cn-hangzhou', endpoint: `${sb.url}/` }, ROOT_AK);
    clients.push(client);

    // Act
    const { change } = await client.describeChange(
      { changeId: 'wc-1422eac0a5bc885fcd8b0a0f', envId: 'we-f85b45b678822b8469f8a6ef' },
      OPTS,
    );

    // Assert
    expect(change.changeId).toBe('wc-1422eac0a5bc885fcd8b0a0f');
    expect(sb.journal()[0]).toMatchObject({ path: '/pop/v1/wam/changeInfo', signatureValid: true });
  });

  it('keeps working on its keep-alive sockets across many calls, and close() frees them', async () => {
    // Arrange
    const { sb, client } = await start();

    // Act
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        client.describeAppEnvStatus('we-f85b45b678822b8469f8a6ef', OPTS),
      ),
    );
    client.close();

    // Assert
    expect(results.every((r) => r.latestChangeId === 'wc-1422eac0a5bc885fcd8b0a0f')).toBe(true);
    expect(sb.journal()).toHaveLength(20);
    expect(sb.journal().every((e) => e.signatureValid && e.status === 200)).toBe(true);
  });
});

describe('the date header under another TZ (C10)', () => {
  it('is RFC 1123 GMT and accepted by the sandbox when the process runs with TZ=Asia/Shanghai', async () => {
    // Arrange: the sandbox, plus a plain server that records the date header it receives
    const { sb } = await start();
    const dates: string[] = [];
    const capture = createServer((req, res) => {
      dates.push(String(req.headers.date));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          Code: 'OK',
          RequestId: 'capture',
          Applications: { Application: [] },
          PageNumber: 1,
          PageSize: 10,
          TotalCount: 0,
        }),
      );
    });
    servers.push(capture);
    await new Promise<void>((resolve) => capture.listen(0, '127.0.0.1', () => resolve()));
    const address = capture.address();
    const capturePort = typeof address === 'object' && address ? address.port : 0;
    const dir = await mkdtemp(join(tmpdir(), 'webplus-tz-'));
    const clientPath = join(
      fileURLToPath(new URL('../..', import.meta.url)),
      'shared/webplus/client.js',
    );
    const child = join(dir, 'child.mts');
    await writeFile(
      child,
      [
        `import { WebplusClient } from ${JSON.stringify(clientPath)};`,
        `const creds = { accessKeyId: 'sandbox-ak', accessKeySecret: 'sandbox-secret' };`,
        `const real = new WebplusClient({ regionId: 'cn-hangzhou', endpoint: ${JSON.stringify(sb.url)} }, creds);`,
        `const cap = new WebplusClient({ regionId: 'cn-hangzhou', endpoint: 'http://127.0.0.1:${capturePort}' }, creds);`,
        `const { change } = await real.describeChange({ changeId: 'wc-1422eac0a5bc885fcd8b0a0f', envId: 'we-f85b45b678822b8469f8a6ef' }, { timeoutMs: 5000 });`,
        `await cap.describeApplications({ pageNumber: 1, pageSize: 10 }, { timeoutMs: 5000 });`,
        'real.close();',
        'cap.close();',
        'const offset = new Date().getTimezoneOffset();',
        'console.log(JSON.stringify({ offset, changeId: change.changeId }));',
      ].join('\n'),
    );

    try {
      // Act
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', child], {
        cwd: fileURLToPath(new URL('../..', import.meta.url)),
        env: { ...process.env, TZ: 'Asia/Shanghai' },
        timeout: 20_000,
      });

      // Assert
      expect(JSON.parse(stdout.trim())).toEqual({
        offset: -480,
        changeId: 'wc-1422eac0a5bc885fcd8b0a0f',
      });
      expect(dates).toHaveLength(1);
      const date = dates[0] ?? '';
      expect(date).toMatch(
        /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/,
      );
      expect(Math.abs(Date.parse(date) - Date.now())).toBeLessThan(60_000);
      expect(sb.journal()).toMatchObject([
        { action: 'DescribeChange', status: 200, code: 'OK', signatureValid: true },
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
