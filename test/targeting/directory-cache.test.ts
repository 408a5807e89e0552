/**
 * The instance's memory of the region's listing (shared/targeting/directory-cache.ts): an alarm
 * naming only a ChangeId reads the change in the environment an earlier listing named, with
 * DescribeChange confirming the EnvId and DescribeAppEnvStatus read fresh; anything not
 * confirmed (a stale or wrong memory) costs one re-list and decides as a cold instance would.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DirectoryCache } from '#shared/targeting/directory-cache.js';
import type { AppEnv } from '#shared/webplus/types.js';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import {
  calls,
  change,
  changeId,
  envId,
  eventBridgeEvent,
  scenario,
  summaryOf,
} from '../helpers/world.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Two applications of two environments; stuck changes 1 (env 1) and 2 (env 2). */
const world = (changes = [1, 2].map((n) => change({ n, env: n, idleMin: 90, ageMin: 95 }))) =>
  scenario([2, 2], changes);

let seq = 0;
const alarm = (n: number, dims = `{userId=1, changeId=${changeId(n)}}`) =>
  eventBridgeEvent(`evt-cache-${++seq}`, dims);

const actions = (harness: Harness) => harness.sandbox.journal().map((j) => j.action);

describe('remembered listing for alarms naming only a ChangeId', () => {
  it('the second alarm reads its change in the remembered environment: three calls, aborted', async () => {
    // Arrange
    h = await startHarness(world());
    summaryOf(await h.handler(alarm(1), fakeContext()));
    const before = h.sandbox.journal().length;

    // Act
    const s = summaryOf(await h.handler(alarm(2), fakeContext()));

    // Assert
    expect(s.results).toEqual([
      expect.objectContaining({ changeId: changeId(2), envId: envId(2), outcome: 'aborted' }),
    ]);
    expect(actions(h).slice(before)).toEqual([
      'DescribeChange',
      'DescribeAppEnvStatus',
      'AbortChange',
    ]);
    const abort = calls(h.sandbox.journal(), 'AbortChange', changeId(2));
    expect(abort.map((j) => j.envId)).toEqual([envId(2)]);
    // The AppId the listing carried names the environment's application in the record.
    expect(h.records().at(-1)).toMatchObject({ changeId: changeId(2), appId: expect.any(String) });
  });

  it('a change started since the listing is not remembered: the region is listed again', async () => {
    // Arrange
    h = await startHarness(world([change({ n: 1, env: 1, idleMin: 90, ageMin: 95 })]));
    summaryOf(await h.handler(alarm(1), fakeContext()));
    h.sandbox.reseed(
      world([
        change({ n: 1, env: 1, idleMin: 90, ageMin: 95, extra: { aborted: true } }),
        change({ n: 3, env: 3, idleMin: 90, ageMin: 95 }),
      ]),
    );

    // Act
    const s = summaryOf(await h.handler(alarm(3), fakeContext()));

    // Assert
    expect(s.results).toEqual([
      expect.objectContaining({ changeId: changeId(3), envId: envId(3), outcome: 'aborted' }),
    ]);
    expect(actions(h)).toContain('DescribeApplications');
  });

  it('a remembered change that is no longer its environment’s latest: re-listed, not in flight, no abort', async () => {
    // Arrange: change 1 was env 1's latest; now a newer change 5 runs there and 1 still reads unfinished.
    h = await startHarness(world());
    summaryOf(await h.handler(alarm(2), fakeContext()));
    h.sandbox.reseed(
      world([
        change({ n: 1, env: 1, idleMin: 90, ageMin: 95 }),
        change({ n: 5, env: 1, idleMin: 1, ageMin: 2 }),
      ]),
    );

    // Act
    const s = summaryOf(await h.handler(alarm(1), fakeContext()));

    // Assert
    expect(s.results).toEqual([
      expect.objectContaining({ changeId: changeId(1), outcome: 'not_found' }),
    ]);
    expect(h.sandbox.abortCalls()).toBe(0);
    expect(actions(h)).toEqual(
      expect.arrayContaining(['DescribeChange', 'DescribeAppEnvStatus', 'DescribeApplications']),
    );
  });

  it('a remembered EnvId that DescribeChange does not confirm: re-listed, aborted in its real environment', async () => {
    // Arrange: the memory says change 1 is in env 1; in this world it runs in env 3.
    h = await startHarness(world());
    summaryOf(await h.handler(alarm(2), fakeContext()));
    h.sandbox.reseed(world([change({ n: 1, env: 3, idleMin: 90, ageMin: 95 })]));

    // Act
    const s = summaryOf(await h.handler(alarm(1), fakeContext()));

    // Assert
    expect(s.results).toEqual([
      expect.objectContaining({ changeId: changeId(1), envId: envId(3), outcome: 'aborted' }),
    ]);
    const described = calls(h.sandbox.journal(), 'DescribeChange', changeId(1));
    expect(described.map((j) => j.envId)).toEqual([envId(1), envId(3)]);
    expect(calls(h.sandbox.journal(), 'AbortChange').map((j) => j.envId)).toEqual([envId(3)]);
  });

  it('an AppId rule (an appId dimension) never uses the memory: the region is listed', async () => {
    // Arrange
    h = await startHarness(world());
    summaryOf(await h.handler(alarm(1), fakeContext()));
    const before = h.sandbox.journal().length;
    const app = h.sandbox.appEnv(envId(2))?.AppId;

    // Act
    const s = summaryOf(
      await h.handler(alarm(2, `{userId=1, changeId=${changeId(2)}, appId=${app}}`), fakeContext()),
    );

    // Assert
    expect(s.results).toEqual([
      expect.objectContaining({ changeId: changeId(2), outcome: 'aborted' }),
    ]);
    expect(actions(h).slice(before)).toContain('DescribeApplications');
  });
});

describe('DirectoryCache', () => {
  const env = (e: number, latest?: string): AppEnv => ({
    envId: envId(e),
    appId: 'wa-1',
    envName: `env-${e}`,
    envStatusRead: { kind: 'live' },
    applyingChange: true,
    abortingChange: false,
    ...(latest ? { latestChangeId: latest } : {}),
  });

  it('remembers each latest change for ttlMs, then forgets the region', () => {
    // Arrange
    let now = 1_000_000;
    const cache = new DirectoryCache(60_000, () => now);
    cache.remember('cn-hangzhou', [env(1, changeId(1)), env(2)]);

    // Act
    const fresh = cache.envOfChange('cn-hangzhou', changeId(1));
    now += 60_000;
    const expired = cache.envOfChange('cn-hangzhou', changeId(1));

    // Assert
    expect(fresh).toEqual({ envId: envId(1), appId: 'wa-1' });
    expect(cache.envOfChange('cn-shanghai', changeId(1))).toBeUndefined();
    expect(expired).toBeUndefined();
  });

  it('a ChangeId two environments named is not remembered; a clock that went back forgets', () => {
    // Arrange
    let now = 5_000_000;
    const cache = new DirectoryCache(60_000, () => now);
    cache.remember('r', [env(1, changeId(9)), env(2, changeId(9)), env(3, changeId(9))]);
    cache.remember('s', [env(4, changeId(4))]);

    // Act
    const twice = cache.envOfChange('r', changeId(9));
    now -= 1;
    const back = cache.envOfChange('s', changeId(4));

    // Assert
    expect(twice).toBeUndefined();
    expect(back).toBeUndefined();
  });
});
