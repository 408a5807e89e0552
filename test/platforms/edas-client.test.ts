import { createHash } from 'node:crypto';
/**
 * The EDAS client and platform against the EDAS emulator, through pop-core's real signing over
 * real HTTP: statuses mapped, business errors in HTTP 200, paging without totals, an abort of a
 * finished order classified by a re-read, fail-closed parsing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { edasPlatform } from '#shared/edas/platform.js';
import { PlatformError } from '#shared/platform/errors.js';
import { readAllPages } from '#shared/platform/paging.js';
import { type EdasSandbox, startEdasSandbox } from '../../sandbox/edas/server.js';

/** A well-formed lower-case UUID named by `name` (replies are read exactly, shared/core/ids.ts). */
function uuidOf(name: string): string {
  const x = createHash('sha1').update(name).digest('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

const KEYS = { accessKeyId: 'sandbox-ak', accessKeySecret: 'sandbox-secret' };
const OPTS = { timeoutMs: 5000 };
const MIN = 60_000;

/**
 * EDAS status codes, copied from docs/reference/sae-edas.md §3.5 (sources:
 * https://help.aliyun.com/document_detail/62072.htm, /149393.htm; `edas-20170801/main.tea`).
 */
const STATUS_TABLE = [
  { code: 0, meaning: 'Ready', state: 'in_flight' },
  { code: 1, meaning: 'In progress', state: 'in_flight' },
  { code: 2, meaning: 'Successful', state: 'finished' },
  { code: 3, meaning: 'Failed', state: 'finished' },
  { code: 6, meaning: 'Terminated', state: 'finished' },
  { code: 7, meaning: 'Partially executed (UNVERIFIED: over or not?)', state: 'unknown' },
  { code: 8, meaning: 'Waiting for manual confirmation of the next batch', state: 'paused' },
  { code: 9, meaning: 'Waiting for the next automatic batch', state: 'in_flight' },
  { code: 10, meaning: 'Failed due to a system exception', state: 'finished' },
] as const;

const sandboxes: EdasSandbox[] = [];
const closers: Array<{ close(): void }> = [];
afterEach(async () => {
  for (const c of closers.splice(0)) c.close();
  await Promise.all(sandboxes.splice(0).map((s) => s.close()));
});

async function start(edas: Record<string, unknown>) {
  const sb = await startEdasSandbox({ apps: [], envs: [], changes: [], edas });
  sandboxes.push(sb);
  const seen: string[] = [];
  const platform = edasPlatform({
    endpoint: sb.url,
    credentials: KEYS,
    observe: (a) => seen.push(a),
  });
  closers.push(platform);
  return { sb, platform, seen };
}

async function failure(p: Promise<unknown>): Promise<PlatformError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(PlatformError);
    return err as PlatformError;
  }
  throw new Error('expected the call to fail');
}

const ref = (changeId: string) => ({ platform: 'edas' as const, changeId });

describe('EDAS platform against the emulator (real signing, real HTTP)', () => {
  it('maps every status of the reference table; batch times are epoch-ms strings', async () => {
    const { platform } = await start({
      apps: [{ AppId: '7d65504d-fc7b-5c7f-92fe-2cb2b58660bd', Name: 'orders' }],
      changeOrders: STATUS_TABLE.map((row) => ({
        ChangeOrderId: uuidOf(`eo-${row.code}`),
        AppId: '7d65504d-fc7b-5c7f-92fe-2cb2b58660bd',
        Status: row.code,
        BatchCount: 2,
        currentBatch: 2,
        startedMinutesAgo: 100,
        idleMinutes: 30,
      })),
    });
    for (const row of STATUS_TABLE) {
      const change = await platform.readChange(ref(uuidOf(`eo-${row.code}`)), OPTS);
      expect({ code: row.code, state: change.state }).toEqual({ code: row.code, state: row.state });
      expect(change.rawStatus).toBe(String(row.code));
      if (row.code === 0) continue; // a "ready" current batch has not started: batch 1 is the latest
      const idleMs = Date.now() - (change.lastProgressAtMs as number);
      expect(idleMs).toBeGreaterThanOrEqual(30 * MIN);
      expect(idleMs).toBeLessThan(32 * MIN);
    }
  });

  it('reads ListApplication pages without totals until an empty page, through a silent cap', async () => {
    const { platform, sb } = await start({
      pageSizeMax: 2,
      apps: Array.from({ length: 5 }, (_, i) => ({ AppId: uuidOf(`ea-${i}`), Name: `app${i}` })),
    });
    const apps = await readAllPages(
      'edas',
      'ListApplication',
      (p) => platform.listApps(p, OPTS),
      (a) => a.appId,
      100,
    );
    expect(apps.map((a) => a.appId)).toEqual([
      'b4078db4-8b4b-e275-eda2-4fecf3852a57',
      '7d65504d-fc7b-5c7f-92fe-2cb2b58660bd',
      '28d6b33f-cc6f-3c03-9a0b-13226bb6f920',
      'a49f3d79-a785-0fa2-9f7b-af12db2033d4',
      'aae2fd82-3edd-4f50-ede5-ae8869380eb8',
    ]);
    expect(sb.journal().map((e) => e.query.CurrentPage)).toEqual(['1', '2', '3', '4']);
  });

  it('finds every order of an application that is not clearly finished', async () => {
    const { platform, seen } = await start({
      apps: [{ AppId: '7d65504d-fc7b-5c7f-92fe-2cb2b58660bd', Name: 'orders' }],
      changeOrders: [
        {
          ChangeOrderId: '825f9bfe-cd0a-a891-167c-d07ab2efeab2',
          AppId: '7d65504d-fc7b-5c7f-92fe-2cb2b58660bd',
          Status: 2,
          startedMinutesAgo: 900,
        },
        {
          ChangeOrderId: '1beebde8-cd19-a81e-ac2c-640b07bf779c',
          AppId: '7d65504d-fc7b-5c7f-92fe-2cb2b58660bd',
          Status: 7,
          startedMinutesAgo: 300,
        },
        {
          ChangeOrderId: 'd443c0c9-86ba-23da-3d42-fb6a695e9271',
          AppId: '7d65504d-fc7b-5c7f-92fe-2cb2b58660bd',
          Status: 8,
          startedMinutesAgo: 60,
        },
      ],
    });
    const found = await platform.findInFlight(
      { platform: 'edas', appId: '7d65504d-fc7b-5c7f-92fe-2cb2b58660bd' },
      { pageNumber: 1, pageSize: 100 },
      OPTS,
    );
    expect(found.items.map((r) => r.changeId)).toEqual([
      'd443c0c9-86ba-23da-3d42-fb6a695e9271',
      '1beebde8-cd19-a81e-ac2c-640b07bf779c',
    ]);
    expect(seen).toEqual(['ListRecentChangeOrder']);
  });

  it('aborts; an abort refused in HTTP 200 (an undocumented code) is unconfirmed: the executor re-reads it', async () => {
    const { platform, sb } = await start({
      apps: [{ AppId: '7d65504d-fc7b-5c7f-92fe-2cb2b58660bd', Name: 'orders' }],
      changeOrders: [
        {
          ChangeOrderId: '2d118f7c-88ec-737b-1dbb-7e71874435e0',
          AppId: '7d65504d-fc7b-5c7f-92fe-2cb2b58660bd',
          Status: 8,
          idleMinutes: 90,
        },
      ],
    });
    await platform.abortChange(
      ref('2d118f7c-88ec-737b-1dbb-7e71874435e0'),
      { rollback: false },
      OPTS,
    );
    expect(sb.statusOf('2d118f7c-88ec-737b-1dbb-7e71874435e0')).toBe(6);
    const again = await failure(
      platform.abortChange(ref('2d118f7c-88ec-737b-1dbb-7e71874435e0'), { rollback: false }, OPTS),
    );
    // EDAS documents no error codes (sae-edas.md §3.6): a non-200 Code in a 2xx abort reply is
    // neither the affirmation nor a named refusal (platform-execute re-reads the order).
    expect([again.kind, again.code, again.httpStatus]).toEqual(['unconfirmed', '400', 200]);
    expect(sb.journal().map((e) => `${e.action} ${e.status} ${e.code}`)).toEqual([
      'AbortChangeOrder 200 200',
      'AbortChangeOrder 200 400',
    ]);
  });

  // EDAS publishes no error codes (sae-edas.md §3.6): a `Code` in an error reply to an abort does
  // not prove the abort was refused, so it is `ambiguous` (b12 item 3): the executor re-reads the
  // order and never re-sends (test/executor/abort-never-resent-on-ambiguity.test.ts).
  it('an abort refused with HTTP 400 on a finished order is ambiguous (the executor re-reads it)', async () => {
    const { platform, sb } = await start({
      businessErrorStatus: 400,
      apps: [{ AppId: '7d65504d-fc7b-5c7f-92fe-2cb2b58660bd', Name: 'orders' }],
      changeOrders: [
        {
          ChangeOrderId: '2d118f7c-88ec-737b-1dbb-7e71874435e0',
          AppId: '7d65504d-fc7b-5c7f-92fe-2cb2b58660bd',
          Status: 8,
          idleMinutes: 90,
        },
      ],
    });
    await platform.abortChange(
      ref('2d118f7c-88ec-737b-1dbb-7e71874435e0'),
      { rollback: false },
      OPTS,
    );
    const again = await failure(
      platform.abortChange(ref('2d118f7c-88ec-737b-1dbb-7e71874435e0'), { rollback: false }, OPTS),
    );
    expect([again.kind, again.code, again.httpStatus]).toEqual(['ambiguous', '400', 400]);
    expect(sb.journal().map((e) => `${e.action} ${e.status} ${e.code}`)).toEqual([
      'AbortChangeOrder 200 200',
      'AbortChangeOrder 400 400',
    ]);
  });

  it('a refused abort of a running order is never read as a refusal: ambiguous with an error status, unconfirmed in a 200', async () => {
    for (const businessErrorStatus of [200, 400] as const) {
      const { platform } = await start({
        businessErrorStatus,
        apps: [{ AppId: '7d65504d-fc7b-5c7f-92fe-2cb2b58660bd', Name: 'orders' }],
        changeOrders: [
          {
            ChangeOrderId: '2d118f7c-88ec-737b-1dbb-7e71874435e0',
            AppId: '7d65504d-fc7b-5c7f-92fe-2cb2b58660bd',
            Status: 1,
            idleMinutes: 90,
          },
        ],
        faults: [
          {
            action: 'AbortChangeOrder',
            responses: [
              { status: businessErrorStatus, code: '400', message: 'ex.app.deploy.group.empty' },
            ],
          },
        ],
      });
      const e = await failure(
        platform.abortChange(
          ref('2d118f7c-88ec-737b-1dbb-7e71874435e0'),
          { rollback: false },
          OPTS,
        ),
      );
      expect([e.kind, e.code]).toEqual([
        businessErrorStatus === 200 ? 'unconfirmed' : 'ambiguous',
        '400',
      ]);
    }
  });

  it('aborts with rollback through AbortAndRollbackChangeOrder', async () => {
    const { platform, sb } = await start({
      apps: [{ AppId: '7d65504d-fc7b-5c7f-92fe-2cb2b58660bd', Name: 'orders' }],
      changeOrders: [
        {
          ChangeOrderId: '2d118f7c-88ec-737b-1dbb-7e71874435e0',
          AppId: '7d65504d-fc7b-5c7f-92fe-2cb2b58660bd',
          Status: 1,
        },
      ],
    });
    await platform.abortChange(
      ref('2d118f7c-88ec-737b-1dbb-7e71874435e0'),
      { rollback: true },
      OPTS,
    );
    expect(sb.journal().map((e) => `${e.method} ${e.action}`)).toEqual([
      'PUT AbortAndRollbackChangeOrder',
    ]);
    expect(sb.rolledBack('2d118f7c-88ec-737b-1dbb-7e71874435e0')).toBe(true);
  });

  it('a numeric Code of 500 in HTTP 200 is retryable; an unknown id is a refusal, not an abort', async () => {
    const { platform } = await start({
      faults: [
        {
          action: 'GetChangeOrderInfo',
          responses: [
            { status: 200, contentType: 'application/json', body: '{"Code":500,"Message":"busy"}' },
          ],
        },
      ],
    });
    const busy = await failure(
      platform.readChange(ref('e19c956c-055c-2e41-0ddc-53b19c5afd24'), OPTS),
    );
    expect([busy.kind, busy.code, busy.httpStatus]).toEqual(['retryable', '500', 200]);
    const unknown = await failure(
      platform.readChange(ref('e19c956c-055c-2e41-0ddc-53b19c5afd24'), OPTS),
    );
    expect([unknown.kind, unknown.code]).toEqual(['permanent', '400']);
  });
});

describe('EDAS replies are read fail-closed', () => {
  const info = (o: Record<string, unknown>) =>
    JSON.stringify({
      Code: 200,
      RequestId: 'R',
      changeOrderInfo: { ChangeOrderId: '2d118f7c-88ec-737b-1dbb-7e71874435e0', ...o },
    });
  const batch = (start: unknown, update: unknown, status = 1) => ({
    PipelineInfoList: {
      PipelineInfo: [
        { PipelineId: 'p', PipelineStatus: status, StartTime: start, UpdateTime: update },
      ],
    },
  });
  const cases: Array<[string, string, Record<string, unknown>]> = [
    [
      'epoch-ms strings',
      info({ Status: 1, ...batch('1583911702158', '1583911743633') }),
      { state: 'in_flight', startedAtMs: 1583911702158, lastProgressAtMs: 1583911743633 },
    ],
    [
      'Code as the string "200"',
      JSON.stringify({
        Code: '200',
        changeOrderInfo: { Status: 8, ...batch('1583911702158', '1583911743633') },
      }),
      { state: 'paused' },
    ],
    [
      'an ISO time',
      info({ Status: 1, ...batch('1583911702158', '2020-03-11T07:28:49Z') }),
      { lastProgressAtMs: 'unknown' },
    ],
    [
      'a time with spaces',
      info({ Status: 1, ...batch('1583911702158', ' 1583911743633') }),
      { lastProgressAtMs: 'unknown' },
    ],
    [
      'a status as text',
      info({ Status: 'RUNNING', ...batch('1583911702158', '1583911743633') }),
      { state: 'unknown', rawStatus: '(unreadable)' },
    ],
    ['no batch list', info({ Status: 1 }), { state: 'in_flight', lastProgressAtMs: 'unknown' }],
  ];
  for (const [what, body, expected] of cases) {
    it(`GetChangeOrderInfo with ${what}`, async () => {
      const { platform } = await start({
        faults: [
          {
            action: 'GetChangeOrderInfo',
            responses: [{ status: 200, contentType: 'application/json', body }],
          },
        ],
      });
      expect(
        await platform.readChange(ref('2d118f7c-88ec-737b-1dbb-7e71874435e0'), OPTS),
      ).toMatchObject(expected);
    });
  }

  it('an upper-case ChangeOrderInfo key is malformed (the documented key is lower-case)', async () => {
    const { platform } = await start({
      faults: [
        {
          action: 'GetChangeOrderInfo',
          responses: [
            {
              status: 200,
              contentType: 'application/json',
              body: '{"Code":200,"ChangeOrderInfo":{"Status":1}}',
            },
          ],
        },
      ],
    });
    const e = await failure(platform.readChange(ref('2d118f7c-88ec-737b-1dbb-7e71874435e0'), OPTS));
    expect([e.kind, e.code]).toEqual(['retryable', 'MalformedReply']);
  });

  it('an abort answered without Code is unconfirmed (re-read, never re-sent), not aborted', async () => {
    const { platform } = await start({
      faults: [
        {
          action: 'AbortChangeOrder',
          responses: [
            {
              status: 200,
              contentType: 'application/json',
              body: '{"Data":{"ChangeOrderId":"2d118f7c-88ec-737b-1dbb-7e71874435e0"}}',
            },
          ],
        },
      ],
    });
    const e = await failure(
      platform.abortChange(ref('2d118f7c-88ec-737b-1dbb-7e71874435e0'), { rollback: false }, OPTS),
    );
    expect(e.kind).toBe('unconfirmed');
  });

  it('a ListApplication reply without ApplicationList is unknown, not empty', async () => {
    const { platform } = await start({
      faults: [
        {
          action: 'ListApplication',
          responses: [{ status: 200, contentType: 'application/json', body: '{"Code":200}' }],
        },
      ],
    });
    const e = await failure(platform.listApps({ pageNumber: 1, pageSize: 10 }, OPTS));
    expect([e.kind, e.code]).toEqual(['retryable', 'MalformedReply']);
  });
});
