/**
 * Issue 12, b12 item 3, and bresend (field cases C06(d), C07, C09): an answer to an abort that
 * does not prove the request was refused is ambiguous: the change is re-read before anything
 * else is sent, and the abort is never sent again unless the re-read proves the change still
 * running with no abort under way (then a retryable answer is re-sent as the next attempt).
 * Before b12, a `502 text/html` (a proxy page), a 5xx with a JSON `InternalError` or
 * `ServiceUnavailable`, an empty or cut body on an error status, a bare 429 were read as
 * transient and AbortChange was re-sent; the second answer ("already aborting") then made the
 * record `already_aborting` while the first call had aborted the change. Only a throttling code
 * (`Throttling.User`: the gateway refused it) may be followed by another abort.
 *
 * Through the real handler, pop-core's signing over real HTTP and the loopback sandbox (Web+,
 * SAE, EDAS emulators, scripted raw replies; `applied: true` when the abort really happened).
 * Each case counts the abort requests the sandbox saw.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type EdasSandbox, startEdasSandbox } from '../../sandbox/edas/server.js';
import { type SaeSandbox, startSaeSandbox } from '../../sandbox/sae/server.js';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { calls, change, changeId, scenario, summaryOf, timerEvent } from '../helpers/world.js';

let h: Harness | undefined;
let sae: SaeSandbox | undefined;
let edas: EdasSandbox | undefined;
afterEach(async () => {
  await h?.close();
  await sae?.close();
  await edas?.close();
  h = sae = edas = undefined;
});

const JSON_CT = 'application/json;charset=utf-8';
const raw = (status: number, contentType: string, body: string) => ({ status, contentType, body });

/** The answers that do not prove the abort was refused (each answered after it was applied). */
const AMBIGUOUS: [string, Record<string, unknown>][] = [
  [
    '502 text/html (a proxy page)',
    raw(502, 'text/html', '<html><body>502 Bad Gateway</body></html>'),
  ],
  ['504 text/html', raw(504, 'text/html', '<html>Gateway Time-out</html>')],
  [
    '500 JSON InternalError',
    raw(500, JSON_CT, '{"Code":"InternalError","Message":"internal error","RequestId":"R-1"}'),
  ],
  [
    '503 JSON ServiceUnavailable',
    raw(503, JSON_CT, '{"Code":"ServiceUnavailable","Message":"busy","RequestId":"R-2"}'),
  ],
  ['502 with an empty body', raw(502, JSON_CT, '')],
  ['500 with a cut JSON body', raw(500, JSON_CT, '{"Code":"InternalErr')],
  ['200 with a cut JSON body', raw(200, JSON_CT, '{"Code":"OK","RequestId":"R-3","EnvCh')],
  ['429 text/plain without a code', raw(429, 'text/plain', 'Too Many Requests')],
  [
    '400 JSON with a code no doc names',
    raw(400, JSON_CT, '{"Code":"Gateway.Oops","Message":"?","RequestId":"R-4"}'),
  ],
  ['a reset after the request was written', { reset: true }],
  ['no answer in time after the request was written', { reset: true, delayMs: 1500 }],
];

const ENV = { RETRY_MAX_ATTEMPTS: '4', RETRY_BASE_MS: '10', ATTEMPT_TIMEOUT_MS: '500' };

async function webplusAbort(responses: unknown[], rereadFaults: Record<string, unknown>[] = []) {
  h = await startHarness(
    scenario([1], [change({ n: 1, env: 0, idleMin: 90, ageMin: 95 })], {
      faults: [{ action: 'AbortChange', changeId: changeId(1), responses }, ...rereadFaults],
    }),
    { env: ENV },
  );
  const s = summaryOf(await h.handler(timerEvent(), fakeContext()));
  return { result: s.results[0], sent: calls(h.sandbox.journal(), 'AbortChange').length };
}

describe('Web+ AbortChange: an ambiguous answer is re-read, never re-sent unless the re-read proves it running', () => {
  for (const [name, reply] of AMBIGUOUS) {
    it(`${name}, the abort applied: 1 AbortChange, aborted after the re-read`, async () => {
      // Arrange / Act: the later entries are what a re-sent abort would meet
      const { result, sent } = await webplusAbort([{ ...reply, applied: true }, 'ok', 'ok', 'ok']);

      // Assert
      expect(sent).toBe(1);
      expect(result).toMatchObject({ outcome: 'aborted', attempts: 1 });
      expect(result?.detail).toContain('DescribeChange shows the abort took effect');
      expect(h?.sandbox.journal().some((e) => e.action === 'DescribeChange')).toBe(true);
    });
  }

  it('a 502 page, the abort NOT applied: re-read proves it running, re-sent once, aborted (attempts 2)', async () => {
    // Arrange / Act
    const { result, sent } = await webplusAbort([AMBIGUOUS[0]![1], 'ok', 'ok', 'ok']);

    // Assert: AbortChange, DescribeChange, DescribeAppEnvStatus, then AbortChange again
    expect(sent).toBe(2);
    expect(result).toMatchObject({ outcome: 'aborted', attempts: 2 });
    const order = h!.sandbox
      .journal()
      .map((e) => e.action)
      .filter((a) => a === 'AbortChange' || a === 'DescribeChange' || a === 'DescribeAppEnvStatus');
    const first = order.indexOf('AbortChange');
    expect(order.slice(first, first + 4)).toEqual([
      'AbortChange',
      'DescribeChange',
      'DescribeAppEnvStatus',
      'AbortChange',
    ]);
    expect(calls(h!.sandbox.journal(), 'AbortChange').map((e) => e.status)).toEqual([502, 200]);
  });

  it('a 502 page, the abort NOT applied, the re-read unreadable (DescribeChange 500): 1 AbortChange, failed, nothing re-sent', async () => {
    // Arrange / Act
    const { result, sent } = await webplusAbort(
      [AMBIGUOUS[0]![1], 'ok', 'ok', 'ok'],
      [
        {
          action: 'DescribeChange',
          changeId: changeId(1),
          // The sweep's own read first, then every re-read fails
          responses: ['ok', ...Array(8).fill({ status: 500, code: 'InternalError' })],
        },
      ],
    );

    // Assert
    expect(sent).toBe(1);
    expect(result).toMatchObject({ outcome: 'failed', attempts: 1, errorCode: 'HTTP502' });
    expect(result?.detail).toContain('could not be re-read');
  });

  it('a 502 page, the re-read proves it running, but the abort and another re-read do not fit: not re-sent, timeout', async () => {
    // Arrange: 10 s function (8 s of work after the 2 s margin), 3 s attempts: the first abort
    // fits, a re-send needs 3 s + a 6 s re-read
    h = await startHarness(
      scenario([1], [change({ n: 1, env: 0, idleMin: 90, ageMin: 95 })], {
        faults: [
          { action: 'AbortChange', changeId: changeId(1), responses: [AMBIGUOUS[0]![1], 'ok'] },
        ],
      }),
      { env: { ...ENV, ATTEMPT_TIMEOUT_MS: '3000' } },
    );
    const context = fakeContext({
      function: { name: 'f', handler: 'index.handler', memory: 256, timeout: 10 },
    });

    // Act
    const s = summaryOf(await h.handler(timerEvent(), context));

    // Assert
    const result = s.results[0];
    expect(calls(h.sandbox.journal(), 'AbortChange')).toHaveLength(1);
    expect(calls(h.sandbox.journal(), 'DescribeAppEnvStatus').length).toBeGreaterThanOrEqual(1);
    expect(result).toMatchObject({ outcome: 'timeout', attempts: 1, errorCode: 'HTTP502' });
    expect(result?.detail).toMatch(
      /not sent again: \d+ ms left before the deadline.*a re-send and its re-read need .*9000 ms/,
    );
    expect(result?.detail).toContain('the last re-read showed it still running');
  });

  it('a 200 with a cut body (not a fault), the abort NOT applied: 1 AbortChange, failed (still running), nothing re-sent', async () => {
    // Arrange / Act
    const { result, sent } = await webplusAbort([AMBIGUOUS[6]![1], 'ok', 'ok', 'ok']);

    // Assert
    expect(sent).toBe(1);
    expect(result).toMatchObject({ outcome: 'failed', attempts: 1 });
    expect(result?.detail).toContain('still running');
    expect(h?.sandbox.change(changeId(1))?.ChangeFinished).toBe(false);
  });

  it('a 503 four times, the abort never applied: 4 AbortChange (each after a re-read), failed naming ServiceUnavailable', async () => {
    // Arrange / Act
    const busy = raw(
      503,
      JSON_CT,
      '{"Code":"ServiceUnavailable","Message":"busy","RequestId":"R-9"}',
    );
    const { result, sent } = await webplusAbort([busy, busy, busy, busy, 'ok']);

    // Assert
    expect(sent).toBe(4);
    expect(calls(h!.sandbox.journal(), 'DescribeChange').length).toBeGreaterThanOrEqual(4);
    expect(result).toMatchObject({
      outcome: 'failed',
      attempts: 4,
      errorCode: 'ServiceUnavailable',
    });
    expect(result?.detail).toContain('retries spent: 4 attempt(s), last ServiceUnavailable');
  });

  it('Throttling.User (the gateway refused it) is re-sent: 2 AbortChange, aborted', async () => {
    // Arrange / Act
    const { result, sent } = await webplusAbort([
      {
        status: 400,
        code: 'Throttling.User',
        message: 'Request was denied due to user flow control.',
      },
      'ok',
    ]);

    // Assert
    expect(sent).toBe(2);
    expect(result).toMatchObject({ outcome: 'aborted', attempts: 2 });
  });
});

const SAE_APP = '7171a6ca-d1cd-4928-8642-7d5cfe69c0a1';
const SAE_ORDER = 'ba8e6c3c-9b1a-4ad2-9e1f-5f0e5c5ec0a1';
const EDAS_APP = '6826ccd2-5c57-46c0-a2e5-6caca07cc0a1';
const EDAS_ORDER = '28ab8de8-22b9-430d-9952-00f67693c0a1';

async function platformAbort(platform: 'sae' | 'edas', responses: unknown[]) {
  const order = platform === 'sae' ? SAE_ORDER : EDAS_ORDER;
  const section = {
    apps: [
      platform === 'sae'
        ? { AppId: SAE_APP, AppName: 'checkout' }
        : { AppId: EDAS_APP, Name: 'orders' },
    ],
    changeOrders: [
      {
        ChangeOrderId: order,
        AppId: platform === 'sae' ? SAE_APP : EDAS_APP,
        Status: 1,
        startedMinutesAgo: 150,
        idleMinutes: 120,
      },
    ],
    faults: [{ action: 'AbortChangeOrder', changeOrderId: order, responses }],
  };
  const world = { apps: [], envs: [], changes: [], [platform]: section };
  if (platform === 'sae') sae = await startSaeSandbox(world);
  else edas = await startEdasSandbox(world);
  h = await startHarness(
    { apps: [], envs: [], changes: [] },
    {
      env: {
        ...ENV,
        PLATFORMS: platform,
        ...(platform === 'sae'
          ? { SAE_ENDPOINT: sae!.url, SAE_QPS: '1000' }
          : { EDAS_ENDPOINT: edas!.url, EDAS_QPS: '1000' }),
      },
    },
  );
  await h.handler(timerEvent({}), fakeContext());
  const record = h.records().find((r) => r.changeId === order);
  const sent =
    platform === 'sae' ? sae!.calls('AbortChangeOrder') : edas!.calls('AbortChangeOrder');
  return { record, sent };
}

describe('SAE / EDAS AbortChangeOrder: an ambiguous answer is re-read, never re-sent (no re-read proves "no abort under way")', () => {
  for (const platform of ['sae', 'edas'] as const) {
    for (const [name, reply] of AMBIGUOUS) {
      it(`${platform}: ${name}, the abort applied: 1 AbortChangeOrder, aborted after the re-read`, async () => {
        // Arrange / Act
        const { record, sent } = await platformAbort(platform, [
          { ...reply, applied: true },
          'ok',
          'ok',
          'ok',
        ]);

        // Assert
        expect(sent).toBe(1);
        expect(record).toMatchObject({ outcome: 'aborted', attempts: 1 });
        expect(record?.detail).toContain('a re-read shows the order aborted');
      });
    }

    it(`${platform}: a 502 page, the abort NOT applied: 1 AbortChangeOrder, failed, nothing re-sent`, async () => {
      // Arrange / Act
      const { record, sent } = await platformAbort(platform, [AMBIGUOUS[0]![1], 'ok', 'ok', 'ok']);

      // Assert
      expect(sent).toBe(1);
      expect(record).toMatchObject({ outcome: 'failed', attempts: 1 });
    });

    it(`${platform}: Throttling.User is re-sent: 2 AbortChangeOrder, aborted`, async () => {
      // Arrange / Act
      const { record, sent } = await platformAbort(platform, [
        {
          status: 400,
          code: 'Throttling.User',
          message: 'Request was denied due to user flow control.',
        },
        'ok',
      ]);

      // Assert
      expect(sent).toBe(2);
      expect(record).toMatchObject({ outcome: 'aborted', attempts: 2 });
    });
  }
});
