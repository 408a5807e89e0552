/**
 * Fail-closed reading of platform replies, checked against small independent oracles with
 * fast-check generated inputs: times are epoch ms or unknown (never 0, never guessed), a change's
 * last progress is never earlier than its latest started batch's, statuses map exactly as the
 * reference tables say, and paging returns exactly the list whatever the server's page cap.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { edasOrderState } from '#shared/edas/status.js';
import { readAllPages } from '#shared/platform/paging.js';
import { batchSpan, epochMs } from '#shared/platform/parse.js';
import { saeAppMayHaveChangeInFlight, saeOrderState } from '#shared/sae/status.js';

const LOW = 946_684_800_000n; // 2000-01-01
const HIGH = 4_102_444_800_000n; // 2100-01-01

/** Oracle: BigInt arithmetic on the text, no shared code. */
function oracleEpoch(v: unknown): number | 'unknown' {
  let big: bigint;
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || Math.abs(v) > Number.MAX_SAFE_INTEGER) return 'unknown';
    big = BigInt(v);
  } else if (
    typeof v === 'string' &&
    v.length > 0 &&
    v.length <= 16 &&
    [...v].every((c) => c >= '0' && c <= '9')
  ) {
    big = BigInt(v);
  } else return 'unknown';
  return big >= LOW && big < HIGH ? Number(big) : 'unknown';
}

const anyTime = fc.oneof(
  fc.integer({ min: 1_500_000_000_000, max: 1_900_000_000_000 }),
  fc.integer(),
  fc.double(),
  fc.integer({ min: 1_500_000_000_000, max: 1_900_000_000_000 }).map(String),
  fc.string(),
  fc.constantFrom(
    0,
    '0',
    '',
    null,
    undefined,
    true,
    '2019-07-11 15:54:49',
    '1.5e12',
    ' 1583911743633',
    -1583911743633,
  ),
);

describe('epoch-ms times are read strictly', () => {
  it('agrees with the oracle and is never 0 or implausible', () => {
    fc.assert(
      fc.property(anyTime, (v) => {
        const got = epochMs(v);
        expect(got).toBe(oracleEpoch(v));
        if (got !== 'unknown') expect(got).toBeGreaterThanOrEqual(Number(LOW));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('the last progress of a change never looks older than it is', () => {
  const batch = fc.record({
    status: fc.option(fc.constantFrom(0, 1, 2, 3, 6, 8, 9, 10), { nil: undefined }),
    startTime: anyTime,
    updateTime: anyTime,
  });
  it('equals the oracle: started batches only, unknown if any of their times is unreadable or a batch starts after its own update; the last progress is the latest start or update', () => {
    fc.assert(
      fc.property(fc.array(batch, { maxLength: 6 }), (raw) => {
        const batches = raw.map((b) => ({
          status: b.status,
          startTime: epochMs(b.startTime),
          updateTime: epochMs(b.updateTime),
        }));
        const got = batchSpan(batches);
        const started = raw.filter((b) => b.status !== 0);
        const updates = started.map((b) => oracleEpoch(b.updateTime));
        const starts = started.map((b) => oracleEpoch(b.startTime));
        // Red-team 24 F7: a batch whose start is after its own update contradicts itself.
        const backwards = started.some((b) => {
          const s = oracleEpoch(b.startTime);
          const u = oracleEpoch(b.updateTime);
          return s !== 'unknown' && u !== 'unknown' && s > u;
        });
        const all = [...updates, ...starts];
        const expectedLast =
          backwards || updates.length === 0 || all.includes('unknown')
            ? 'unknown'
            : Math.max(...(all as number[]));
        const expectedStart =
          backwards || starts.length === 0 || starts.includes('unknown')
            ? 'unknown'
            : Math.min(...(starts as number[]));
        expect(got.why !== undefined).toBe(backwards);
        expect(got.lastProgressAtMs).toBe(expectedLast);
        expect(got.startedAtMs).toBe(expectedStart);
        if (got.lastProgressAtMs !== 'unknown')
          for (const u of all) expect(got.lastProgressAtMs).toBeGreaterThanOrEqual(u as number);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('statuses map as the reference tables say (docs/reference/sae-edas.md §2.5, §3.5)', () => {
  // Copied from the tables: code → in flight / paused / finished. Everything else is unknown.
  const SAE = {
    0: 'in_flight',
    1: 'in_flight',
    9: 'in_flight',
    8: 'paused',
    11: 'paused',
    12: 'paused',
    2: 'finished',
    3: 'finished',
    6: 'finished',
    10: 'finished',
  } as Record<number, string>;
  const EDAS = {
    0: 'in_flight',
    1: 'in_flight',
    9: 'in_flight',
    8: 'paused',
    2: 'finished',
    3: 'finished',
    6: 'finished',
    10: 'finished',
  } as Record<number, string>;
  it('for every integer, and unreadable is unknown', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -5, max: 20 }), fc.integer()), (code) => {
        expect(saeOrderState(code)).toBe(SAE[code] ?? 'unknown');
        expect(edasOrderState(code)).toBe(EDAS[code] ?? 'unknown');
      }),
    );
    expect(saeOrderState(undefined)).toBe('unknown');
    expect(edasOrderState(7)).toBe('unknown');
  });

  it('an SAE application is skipped only when its last order is clearly over', () => {
    const names = fc.option(
      fc.constantFrom(
        'READY',
        'RUNNING',
        'SUCCESS',
        'FAIL',
        'ABORT',
        'WAIT_BATCH_CONFIRM',
        'AUTO_BATCH_WAIT',
        'SYSTEM_FAIL',
        'WAIT_APPROVAL',
        'APPROVED',
        'NEW_ONE',
      ),
      { nil: undefined },
    );
    fc.assert(
      fc.property(
        fc.option(fc.constantFrom('co-1', ''), { nil: undefined }),
        fc.option(fc.boolean(), { nil: undefined }),
        names,
        fc.option(fc.constantFrom('NORMAL', 'RUNNING_BUT_HAS_ERROR', 'runningButHasError'), {
          nil: undefined,
        }),
        (id, running, status, sub) => {
          const got = saeAppMayHaveChangeInFlight({
            lastChangeOrderId: id,
            lastChangeOrderRunning: running,
            lastChangeOrderStatus: status,
            subStatus: sub,
          });
          const over =
            running === false &&
            ['SUCCESS', 'FAIL', 'ABORT', 'SYSTEM_FAIL'].includes(status ?? '') &&
            (sub === undefined || sub === 'NORMAL');
          expect(got).toBe(Boolean(id) && !over);
        },
      ),
    );
  });
});

describe('paging returns exactly the list', () => {
  it('with or without totals, whatever page cap the server applies silently', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 230 }),
        fc.integer({ min: 1, max: 120 }),
        fc.integer({ min: 1, max: 100 }),
        fc.boolean(),
        async (n, cap, asked, totals) => {
          const list = Array.from({ length: n }, (_, i) => `id-${i}`);
          let requests = 0;
          const got = await readAllPages(
            'edas',
            'List',
            async ({ pageNumber, pageSize }) => {
              requests += 1;
              const size = Math.min(pageSize, cap);
              return {
                items: list.slice((pageNumber - 1) * size, pageNumber * size),
                totalCount: totals ? n : 'unknown',
              };
            },
            (x) => x,
            asked,
          );
          expect(got).toEqual(list);
          const pages = Math.ceil(n / Math.min(cap, asked));
          expect(requests).toBe(totals ? Math.max(1, pages) : pages + 1);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a server that ignores the page number fails the listing instead of looping', async () => {
    await expect(
      readAllPages(
        'edas',
        'ListApplication',
        async () => ({ items: ['a', 'b'], totalCount: 'unknown' }),
        (x) => x,
        2,
      ),
    ).rejects.toMatchObject({
      name: 'EndlessListError',
      code: 'PagingNotHonoured',
      kind: 'permanent',
    });
  });
});
