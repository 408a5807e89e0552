/**
 * Issue 16, keep-alive: the instance keeps one keep-alive agent, so an invocation reuses the
 * sockets of the one before. A socket kept across an FC freeze may have been dropped by Web+ or
 * a NAT meanwhile; the sandbox plays that (`dropIdleConnections`: the next request on each idle
 * connection is answered with a TCP reset, never acted on). Real signing over real HTTP.
 * - A read on such a socket is sent once more on a new socket and succeeds.
 * - An AbortChange on such a socket is never re-sent: the failure is ambiguous (the change is
 *   re-read by paced-call, test/core/paced-call.test.ts), and the sandbox saw one AbortChange.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebplusClient } from '#shared/webplus/client.js';
import { WebplusError } from '#shared/webplus/errors.js';
import { startWebplusSandbox, type WebplusSandbox } from '../../sandbox/webplus/server.js';

const AK = { accessKeyId: 'sandbox-ak', accessKeySecret: 'sandbox-secret' };
const OPTS = { timeoutMs: 5_000 };
const scenario = {
  credentials: [AK],
  apps: [{ AppId: 'wa-d107d6718fb8d6c4431c5dd0', AppName: 'shop' }],
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
  ],
  changes: [
    {
      ChangeId: 'wc-1422eac0a5bc885fcd8b0a0f',
      EnvId: 'we-f85b45b678822b8469f8a6ef',
      startedMinutesAgo: 95,
      idleMinutes: 90,
    },
    {
      ChangeId: 'wc-cc5fb61bc4cb0ac5399b2e17',
      EnvId: 'we-060122cbd5b0bb45b4ee0897',
      startedMinutesAgo: 95,
      idleMinutes: 90,
    },
  ],
};

const sandboxes: WebplusSandbox[] = [];
afterEach(async () => {
  await Promise.all(sandboxes.splice(0).map((s) => s.close()));
});

async function start() {
  const sb = await startWebplusSandbox(scenario);
  sandboxes.push(sb);
  /** One client per invocation, as the pipeline makes them; the agent is the instance's. */
  const invocation = () => new WebplusClient({ regionId: 'cn-hangzhou', endpoint: sb.url }, AK);
  return { sb, invocation };
}

describe('keep-alive agent per instance: a socket reset after a freeze', () => {
  it('the next invocation reuses the socket of the one before (no new connection per call)', async () => {
    const { sb, invocation } = await start();
    const first = invocation();
    await first.describeChange(
      { changeId: 'wc-1422eac0a5bc885fcd8b0a0f', envId: 'we-f85b45b678822b8469f8a6ef' },
      OPTS,
    );
    first.close();
    // Every connection the sandbox holds idle now is one the first invocation left open.
    const kept = sb.dropIdleConnections();
    expect(kept).toBeGreaterThanOrEqual(1);
  });

  it('a read on a reused socket that was reset is sent once more on a new socket and succeeds', async () => {
    const { sb, invocation } = await start();
    const first = invocation();
    await first.describeChange(
      { changeId: 'wc-1422eac0a5bc885fcd8b0a0f', envId: 'we-f85b45b678822b8469f8a6ef' },
      OPTS,
    );
    first.close();
    expect(sb.dropIdleConnections()).toBeGreaterThanOrEqual(1);

    const second = invocation();
    const { change } = await second.describeChange(
      { changeId: 'wc-cc5fb61bc4cb0ac5399b2e17', envId: 'we-060122cbd5b0bb45b4ee0897' },
      OPTS,
    );

    expect(change.changeId).toBe('wc-cc5fb61bc4cb0ac5399b2e17');
    const journal = sb.journal().slice(1);
    expect(journal.map((j) => [j.action, j.code, j.fault ?? null])).toEqual([
      ['DescribeChange', 'SocketReset', 'idle-reset'],
      ['DescribeChange', 'OK', null],
    ]);
    expect(journal[1]!.signatureValid).toBe(true);
  });

  it('an AbortChange on a reused socket that was reset is not re-sent: ambiguous, one AbortChange seen', async () => {
    const { sb, invocation } = await start();
    const first = invocation();
    await first.describeChange(
      { changeId: 'wc-1422eac0a5bc885fcd8b0a0f', envId: 'we-f85b45b678822b8469f8a6ef' },
      OPTS,
    );
    first.close();
    expect(sb.dropIdleConnections()).toBeGreaterThanOrEqual(1);

    const second = invocation();
    let caught: unknown;
    try {
      await second.abortChange('wc-1422eac0a5bc885fcd8b0a0f', OPTS, 'we-f85b45b678822b8469f8a6ef');
    } catch (err) {
      caught = err;
    }

    expect(caught).toBeInstanceOf(WebplusError);
    expect((caught as WebplusError).ambiguous).toBe(true);
    expect((caught as WebplusError).code).toBe('ECONNRESET');
    expect(sb.abortCalls('wc-1422eac0a5bc885fcd8b0a0f')).toBe(0);
    expect(sb.abortCalls()).toBe(1);
    expect(sb.journal().filter((j) => j.action === 'AbortChange')).toHaveLength(1);
    // The change was not acted on: a re-read finds it still running, and it can then be decided.
    const { change } = await second.describeChange(
      { changeId: 'wc-1422eac0a5bc885fcd8b0a0f', envId: 'we-f85b45b678822b8469f8a6ef' },
      OPTS,
    );
    expect(change.finished).toBe(false);
  });
});
