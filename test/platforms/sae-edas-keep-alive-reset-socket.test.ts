/**
 * Issue 16, keep-alive on SAE and EDAS: the instance keeps one keep-alive agent
 * (shared/platform/roa-transport.ts), so an invocation reuses the sockets of the one before. A
 * socket kept across an FC freeze may have been dropped meanwhile; the emulators play that
 * (`dropIdleConnections`: the next request on each idle connection is answered with a TCP reset,
 * never acted on). Real pop-core signing over real HTTP, as test/webplus/keep-alive-reset-socket.
 * - A read on such a socket (SAE's GET, EDAS's POST reads) is sent once more on a new socket.
 * - An abort (PUT) on such a socket is never re-sent: ambiguous, and the order is untouched.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { edasPlatform } from '#shared/edas/platform.js';
import { PlatformError } from '#shared/platform/errors.js';
import type { ChangePlatform } from '#shared/platform/platform.js';
import { saePlatform } from '#shared/sae/platform.js';
import { startEdasSandbox } from '../../sandbox/edas/server.js';
import type { RoaEmulator } from '../../sandbox/roa/server.js';
import { startSaeSandbox } from '../../sandbox/sae/server.js';

const KEYS = { accessKeyId: 'sandbox-ak', accessKeySecret: 'sandbox-secret' };
const OPTS = { timeoutMs: 5_000 };

const emulators: RoaEmulator[] = [];
afterEach(async () => {
  await Promise.all(emulators.splice(0).map((s) => s.close()));
});

interface Product {
  name: 'sae' | 'edas';
  read: string;
  abort: string;
  start(): Promise<{
    sb: RoaEmulator & { statusOf(id: string): number | undefined };
    invocation: () => ChangePlatform;
  }>;
}

const PRODUCTS: Product[] = [
  {
    name: 'sae',
    read: 'DescribeChangeOrder',
    abort: 'AbortChangeOrder',
    async start() {
      const sb = await startSaeSandbox({
        credentials: [KEYS],
        apps: [],
        envs: [],
        changes: [],
        sae: {
          apps: [{ AppId: '2dce461d-3214-fa85-aeb4-178e09075ccd', AppName: 'shop' }],
          changeOrders: [
            {
              ChangeOrderId: '817dd426-4ed7-a2f3-4215-66c10a217210',
              AppId: '2dce461d-3214-fa85-aeb4-178e09075ccd',
              Status: 1,
              idleMinutes: 90,
            },
            {
              ChangeOrderId: '20a74c26-ffd0-d52f-3559-f0a999e95c4c',
              AppId: '2dce461d-3214-fa85-aeb4-178e09075ccd',
              Status: 1,
              idleMinutes: 90,
            },
          ],
        },
      });
      emulators.push(sb);
      return { sb, invocation: () => saePlatform({ endpoint: sb.url, credentials: KEYS }) };
    },
  },
  {
    name: 'edas',
    read: 'GetChangeOrderInfo',
    abort: 'AbortChangeOrder',
    async start() {
      const sb = await startEdasSandbox({
        apps: [],
        envs: [],
        changes: [],
        edas: {
          apps: [{ AppId: '7d65504d-fc7b-5c7f-92fe-2cb2b58660bd', Name: 'orders' }],
          changeOrders: [
            {
              ChangeOrderId: '817dd426-4ed7-a2f3-4215-66c10a217210',
              AppId: '7d65504d-fc7b-5c7f-92fe-2cb2b58660bd',
              Status: 1,
              idleMinutes: 90,
            },
            {
              ChangeOrderId: '20a74c26-ffd0-d52f-3559-f0a999e95c4c',
              AppId: '7d65504d-fc7b-5c7f-92fe-2cb2b58660bd',
              Status: 1,
              idleMinutes: 90,
            },
          ],
        },
      });
      emulators.push(sb);
      return { sb, invocation: () => edasPlatform({ endpoint: sb.url, credentials: KEYS }) };
    },
  },
];

describe.each(PRODUCTS)(
  '$name keep-alive agent per instance: a socket reset after a freeze',
  (p) => {
    const ref = (changeId: string) => ({ platform: p.name, changeId });

    it('the next invocation reuses the socket of the one before (no new connection per call)', async () => {
      const { sb, invocation } = await p.start();
      const first = invocation();
      await first.readChange(ref('817dd426-4ed7-a2f3-4215-66c10a217210'), OPTS);
      first.close();
      // Every connection the emulator holds idle now is one the first invocation left open.
      expect(sb.dropIdleConnections()).toBeGreaterThanOrEqual(1);
    });

    it('a read on a reused socket that was reset is sent once more on a new socket and succeeds', async () => {
      const { sb, invocation } = await p.start();
      const first = invocation();
      await first.readChange(ref('817dd426-4ed7-a2f3-4215-66c10a217210'), OPTS);
      first.close();
      expect(sb.dropIdleConnections()).toBeGreaterThanOrEqual(1);

      const second = invocation();
      const change = await second.readChange(ref('20a74c26-ffd0-d52f-3559-f0a999e95c4c'), OPTS);
      second.close();

      expect(change.changeId).toBe('20a74c26-ffd0-d52f-3559-f0a999e95c4c');
      const journal = sb.journal().slice(1);
      expect(journal.map((j) => [j.action, j.code, j.fault ?? null])).toEqual([
        [p.read, 'SocketReset', 'idle-reset'],
        [p.read, '200', null],
      ]);
      expect(journal[1]!.signatureValid).toBe(true);
    });

    it('an abort on a reused socket that was reset is not re-sent: ambiguous, one abort seen, the order untouched', async () => {
      const { sb, invocation } = await p.start();
      const first = invocation();
      await first.readChange(ref('817dd426-4ed7-a2f3-4215-66c10a217210'), OPTS);
      first.close();
      expect(sb.dropIdleConnections()).toBeGreaterThanOrEqual(1);

      const second = invocation();
      let caught: unknown;
      try {
        await second.abortChange(
          ref('817dd426-4ed7-a2f3-4215-66c10a217210'),
          { rollback: false },
          OPTS,
        );
      } catch (err) {
        caught = err;
      }

      expect(caught).toBeInstanceOf(PlatformError);
      expect((caught as PlatformError).kind).toBe('ambiguous');
      expect((caught as PlatformError).code).toBe('ECONNRESET');
      const aborts = sb.journal().filter((j) => j.action === p.abort);
      expect(aborts.map((j) => [j.code, j.fault ?? null])).toEqual([['SocketReset', 'idle-reset']]);
      expect(sb.statusOf('817dd426-4ed7-a2f3-4215-66c10a217210')).toBe(1);
      // The order was not acted on: a re-read finds it still running.
      const change = await second.readChange(ref('817dd426-4ed7-a2f3-4215-66c10a217210'), OPTS);
      second.close();
      expect(change.state).toBe('in_flight');
    });
  },
);
