/**
 * Issue 11 item 7 (bounded memory) on SAE and EDAS: every reply body is read up to
 * ROA_MAX_REPLY_BYTES (1 MiB, shared/platform/roa-transport.ts, through the shared capturing
 * agents of shared/core/capturing-agents.ts, as Web+). A longer reply is cut off and fails
 * `ReplyTooLarge` naming its size: a read is `permanent` (the next reply would be as big), an
 * abort (PUT) is `ambiguous` (it reached the product; the caller re-reads, never trusts it).
 * Real pop-core signing over real HTTP to the emulators, which answer the scripted raw body.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { edasPlatform } from '#shared/edas/platform.js';
import { PlatformError } from '#shared/platform/errors.js';
import type { ChangePlatform } from '#shared/platform/platform.js';
import { ROA_MAX_REPLY_BYTES } from '#shared/platform/roa-transport.js';
import { saePlatform } from '#shared/sae/platform.js';
import { startEdasSandbox } from '../../sandbox/edas/server.js';
import type { RoaEmulator } from '../../sandbox/roa/server.js';
import { startSaeSandbox } from '../../sandbox/sae/server.js';

const KEYS = { accessKeyId: 'sandbox-ak', accessKeySecret: 'sandbox-secret' };
const OPTS = { timeoutMs: 10_000 };
/** A JSON body 2 MiB long: twice the limit. */
const HUGE = JSON.stringify({ Success: true, Pad: 'x'.repeat(2 * ROA_MAX_REPLY_BYTES) });
const huge = () => [{ status: 200, contentType: 'application/json', body: HUGE }];

const emulators: RoaEmulator[] = [];
afterEach(async () => {
  await Promise.all(emulators.splice(0).map((s) => s.close()));
});

interface Product {
  name: 'sae' | 'edas';
  read: string;
  start(faults: unknown[]): Promise<ChangePlatform>;
}

const PRODUCTS: Product[] = [
  {
    name: 'sae',
    read: 'DescribeChangeOrder',
    async start(faults) {
      const sb = await startSaeSandbox({
        credentials: [KEYS],
        apps: [],
        envs: [],
        changes: [],
        sae: {
          apps: [{ AppId: 'sa-1', AppName: 'shop' }],
          changeOrders: [{ ChangeOrderId: 'co-1', AppId: 'sa-1', Status: 1, idleMinutes: 90 }],
          faults,
        },
      } as never);
      emulators.push(sb);
      return saePlatform({ endpoint: sb.url, credentials: KEYS });
    },
  },
  {
    name: 'edas',
    read: 'GetChangeOrderInfo',
    async start(faults) {
      const sb = await startEdasSandbox({
        apps: [],
        envs: [],
        changes: [],
        edas: {
          apps: [{ AppId: 'ea-1', Name: 'orders' }],
          changeOrders: [{ ChangeOrderId: 'co-1', AppId: 'ea-1', Status: 1, idleMinutes: 90 }],
          faults,
        },
      } as never);
      emulators.push(sb);
      return edasPlatform({ endpoint: sb.url, credentials: KEYS });
    },
  },
];

async function failure(run: () => Promise<unknown>): Promise<PlatformError> {
  try {
    await run();
  } catch (err) {
    expect(err).toBeInstanceOf(PlatformError);
    return err as PlatformError;
  }
  throw new Error('expected a PlatformError, the call succeeded');
}

describe.each(PRODUCTS)('$name replies are read up to 1 MiB', (p) => {
  const ref = { platform: p.name, changeId: 'co-1' };

  it('a 2 MiB read reply fails ReplyTooLarge, permanent, naming the limit', async () => {
    const platform = await p.start([{ action: p.read, responses: huge() }]);
    const e = await failure(() => platform.readChange(ref, OPTS));
    platform.close();
    expect(e.code).toBe('ReplyTooLarge');
    expect(e.kind).toBe('permanent');
    expect(e.httpStatus).toBe(200);
    expect(e.message).toContain(`${ROA_MAX_REPLY_BYTES}-byte limit`);
  });

  it('a 2 MiB abort reply fails ReplyTooLarge, ambiguous (re-read, never trusted)', async () => {
    const platform = await p.start([{ action: 'AbortChangeOrder', responses: huge() }]);
    const e = await failure(() => platform.abortChange(ref, { rollback: false }, OPTS));
    platform.close();
    expect(e.code).toBe('ReplyTooLarge');
    expect(e.kind).toBe('ambiguous');
  });
});
