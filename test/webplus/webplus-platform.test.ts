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
    { AppId: 'wa-1', AppName: 'shop' },
    { AppId: 'wa-2', AppName: 'billing' },
  ],
  envs: [
    { EnvId: 'we-1', AppId: 'wa-1', EnvName: 'prod' },
    { EnvId: 'we-2', AppId: 'wa-1', EnvName: 'test' },
    { EnvId: 'we-3', AppId: 'wa-2', EnvName: 'prod' },
  ],
  changes: [
    { ChangeId: 'wc-run', EnvId: 'we-1', startedMinutesAgo: 95, idleMinutes: 90 },
    { ChangeId: 'wc-paused', EnvId: 'we-2', startedMinutesAgo: 50, idleMinutes: 45, paused: true },
    { ChangeId: 'wc-done', EnvId: 'we-3', startedMinutesAgo: 50, finished: true, succeed: true },
    { ChangeId: 'wc-f', EnvId: 'we-x', foreign: true },
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
      { platform: 'webplus', changeId: 'wc-run', envId: 'we-1', appId: 'wa-1', aborting: false },
      { platform: 'webplus', changeId: 'wc-paused', envId: 'we-2', appId: 'wa-1', aborting: false },
    ]);
    const run = await p.readChange(refs[0]!, OPTS);
    expect(run).toMatchObject({
      state: 'in_flight',
      rawStatus: 'running',
      aborting: false,
      envId: 'we-1',
    });
    expect(Date.now() - (run.lastProgressAtMs as number)).toBeGreaterThanOrEqual(90 * 60_000);
    expect((await p.readChange(refs[1]!, OPTS)).state).toBe('paused');
    expect(
      (await p.readChange({ platform: 'webplus', changeId: 'wc-done', envId: 'we-3' }, OPTS))
        .rawStatus,
    ).toBe('finished/succeeded');
    await p.abortChange(refs[0]!, { rollback: false }, OPTS);
    expect(sb.appEnv('we-1')?.AbortingChange).toBe(true);
    const again = await failure(p.abortChange(refs[0]!, { rollback: false }, OPTS));
    expect(again.kind).toBe('already_aborting');
  });

  it('maps Web+ errors: foreign is not_found, no rollback is permanent, throttling is throttled', async () => {
    sb = await startWebplusSandbox({
      ...scenario,
      faults: [
        {
          action: 'DescribeChange',
          changeId: 'wc-run',
          responses: [{ status: 400, code: 'Throttling.User' }],
        },
      ],
    });
    platform = webplusPlatform({ endpoint: sb.url, credentials: KEYS });
    const foreign = await failure(
      platform.abortChange({ platform: 'webplus', changeId: 'wc-f' }, { rollback: false }, OPTS),
    );
    expect([foreign.kind, foreign.code]).toEqual(['not_found', 'ResourceAuthFailed']);
    const rollback = await failure(
      platform.abortChange({ platform: 'webplus', changeId: 'wc-run' }, { rollback: true }, OPTS),
    );
    expect([rollback.kind, rollback.code]).toEqual(['permanent', 'RollbackUnsupported']);
    expect(sb.abortCalls('wc-run')).toBe(0);
    const throttled = await failure(
      platform.readChange({ platform: 'webplus', changeId: 'wc-run', envId: 'we-1' }, OPTS),
    );
    expect(throttled.kind).toBe('throttled');
    // DescribeChange needs the EnvId (the docs mark it required): without it, nothing is sent
    const before = sb.journal().length;
    const noEnv = await failure(
      platform.readChange({ platform: 'webplus', changeId: 'wc-run' }, OPTS),
    );
    expect([noEnv.kind, noEnv.code]).toEqual(['permanent', 'EnvIdUnknown']);
    expect(sb.journal()).toHaveLength(before);
  });
});
