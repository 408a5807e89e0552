/**
 * The Web+ adapter of the platform seam over the unchanged Web+ client, against the Web+
 * sandbox (real signing, real HTTP): listing, finding in-flight changes by environment,
 * normalized states, and Web+ error kinds mapped to the common ones.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PlatformError } from '#shared/platform/errors.js';
import { readAllPages } from '#shared/platform/paging.js';
import type { ChangePlatform } from '#shared/platform/platform.js';
import { webplusPlatform } from '#shared/webplus/platform.js';
import { startWebplusSandbox, type WebplusSandbox } from '../../sandbox/webplus/server.js';

const KEYS = { accessKeyId: 'sandbox-ak', accessKeySecret: 'sandbox-secret' };
const OPTS = { timeoutMs: 5000 };

const scenario = {
  apps: [
    { AppId: 'wa-d107d6718fb8d6c4431c5dd0', AppName: 'shop' },
    { AppId: 'wa-6e997e0f32e1f514dfe49e54', AppName: 'billing' },
  ],
  envs: [
    { EnvId: 'we-f85b45b678822b8469f8a6ef', AppId: 'wa-d107d6718fb8d6c4431c5dd0', EnvName: 'prod' },
    { EnvId: 'we-060122cbd5b0bb45b4ee0897', AppId: 'wa-d107d6718fb8d6c4431c5dd0', EnvName: 'test' },
    { EnvId: 'we-1d44a8aad805772e9f9bd855', AppId: 'wa-6e997e0f32e1f514dfe49e54', EnvName: 'prod' },
  ],
  changes: [
    {
      ChangeId: 'wc-acd359ac14885f87c5229987',
      EnvId: 'we-f85b45b678822b8469f8a6ef',
      startedMinutesAgo: 95,
      idleMinutes: 90,
    },
    {
      ChangeId: 'wc-b8660d71021fc25412d3564d',
      EnvId: 'we-060122cbd5b0bb45b4ee0897',
      startedMinutesAgo: 50,
      idleMinutes: 45,
      paused: true,
    },
    {
      ChangeId: 'wc-0d6b2a1694855fb8a31eb1c5',
      EnvId: 'we-1d44a8aad805772e9f9bd855',
      startedMinutesAgo: 50,
      finished: true,
      succeed: true,
    },
    {
      ChangeId: 'wc-16bebbb448ac4091ada7d9a2',
      EnvId: 'we-3b5a15970cbc7aa709d50154',
      foreign: true,
    },
  ],
};

let sb: WebplusSandbox | undefined;
let platform: ChangePlatform | undefined;
afterEach(async () => {
  platform?.close();
  await sb?.close();
});

async function failure(p: Promise<unknown>): Promise<PlatformError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(PlatformError);
    return err as PlatformError;
  }
  throw new Error('expected the call to fail');
}

describe('Web+ through the platform seam', () => {
  it('finds in-flight changes per environment, reads and aborts them', async () => {
    sb = await startWebplusSandbox(scenario);
    platform = webplusPlatform({ endpoint: sb.url, credentials: KEYS });
    const p = platform;
    const apps = await readAllPages(
      'webplus',
      'DescribeApplications',
      (pg) => p.listApps(pg, OPTS),
      (a) => a.appId,
      100,
    );
    const refs = [];
    for (const app of apps)
      refs.push(
        ...(await readAllPages(
          'webplus',
          'DescribeAppEnvs',
          (pg) => p.findInFlight(app, pg, OPTS),
          (r) => r.changeId,
          1,
        )),
      );
    expect(refs).toEqual([
      {
        platform: 'webplus',
        changeId: 'wc-acd359ac14885f87c5229987',
        envId: 'we-f85b45b678822b8469f8a6ef',
        appId: 'wa-d107d6718fb8d6c4431c5dd0',
        aborting: false,
      },
      {
        platform: 'webplus',
        changeId: 'wc-b8660d71021fc25412d3564d',
        envId: 'we-060122cbd5b0bb45b4ee0897',
        appId: 'wa-d107d6718fb8d6c4431c5dd0',
        aborting: false,
      },
    ]);
    const run = await p.readChange(refs[0]!, OPTS);
    expect(run).toMatchObject({
      state: 'in_flight',
      rawStatus: 'running',
      aborting: false,
      envId: 'we-f85b45b678822b8469f8a6ef',
    });
    expect(Date.now() - (run.lastProgressAtMs as number)).toBeGreaterThanOrEqual(90 * 60_000);
    expect((await p.readChange(refs[1]!, OPTS)).state).toBe('paused');
    expect(
      (
        await p.readChange(
          {
            platform: 'webplus',
            changeId: 'wc-0d6b2a1694855fb8a31eb1c5',
            envId: 'we-1d44a8aad805772e9f9bd855',
          },
          OPTS,
        )
      ).rawStatus,
    ).toBe('finished/succeeded');
    await p.abortChange(refs[0]!, { rollback: false }, OPTS);
    expect(sb.appEnv('we-f85b45b678822b8469f8a6ef')?.AbortingChange).toBe(true);
    const again = await failure(p.abortChange(refs[0]!, { rollback: false }, OPTS));
    expect(again.kind).toBe('already_aborting');
  });

  it('maps Web+ errors: foreign is not_found, no rollback is permanent, throttling is throttled', async () => {
    sb = await startWebplusSandbox({
      ...scenario,
      faults: [
        {
          action: 'DescribeChange',
          changeId: 'wc-acd359ac14885f87c5229987',
          responses: [{ status: 400, code: 'Throttling.User' }],
        },
      ],
    });
    platform = webplusPlatform({ endpoint: sb.url, credentials: KEYS });
    const foreign = await failure(
      platform.abortChange(
        { platform: 'webplus', changeId: 'wc-16bebbb448ac4091ada7d9a2' },
        { rollback: false },
        OPTS,
      ),
    );
    expect([foreign.kind, foreign.code]).toEqual(['not_found', 'ResourceAuthFailed']);
    const rollback = await failure(
      platform.abortChange(
        { platform: 'webplus', changeId: 'wc-acd359ac14885f87c5229987' },
        { rollback: true },
        OPTS,
      ),
    );
    expect([rollback.kind, rollback.code]).toEqual(['permanent', 'RollbackUnsupported']);
    expect(sb.abortCalls('wc-acd359ac14885f87c5229987')).toBe(0);
    const throttled = await failure(
      platform.readChange(
        {
          platform: 'webplus',
          changeId: 'wc-acd359ac14885f87c5229987',
          envId: 'we-f85b45b678822b8469f8a6ef',
        },
        OPTS,
      ),
    );
    expect(throttled.kind).toBe('throttled');
    // DescribeChange needs the EnvId (the docs mark it required): without it, nothing is sent
    const before = sb.journal().length;
    const noEnv = await failure(
      platform.readChange({ platform: 'webplus', changeId: 'wc-acd359ac14885f87c5229987' }, OPTS),
    );
    expect([noEnv.kind, noEnv.code]).toEqual(['permanent', 'EnvIdUnknown']);
    expect(sb.journal()).toHaveLength(before);
  });
});
