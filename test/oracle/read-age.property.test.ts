/**
 * Red-team 24 F10, as a property: for generated bounds (`sweep.maxReadAgeSeconds`) and generated
 * jumps of the monotonic clock between the requests of a sweep, an AbortChange is sent only when
 * the last DescribeChange of its change ended at most that long before the abort started. Run
 * through the real handler, the strict sandbox and real signing. The rule is checked from the
 * sandbox's journal and the test's own clock only (nothing from shared/): each reading of the
 * clock moves it `stepMs` on, and it is `jumps(L)` further on once the sandbox has received `L`
 * requests. One change: its requests go one at a time, so a read that is request `i` ended
 * while `L = i + 1` and an abort that is request `j` started while `L = j`, at least one reading
 * later: its read was at least `stepMs + jumps(j) − jumps(i + 1)` old.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { change, changeId, scenario, summaryOf, timerEvent } from '../helpers/world.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

interface Jump {
  /** from this many requests received on */
  at: number;
  /** the clock is this much further on, s */
  byS: number;
}

/** How far the jumps moved the test's clock once `received` requests arrived, ms. */
function jumpsAt(received: number, jumps: readonly Jump[]): number {
  return jumps.filter((j) => j.at <= received).reduce((s, j) => s + j.byS * 1000, 0);
}

/**
 * The rule, from the journal: every AbortChange (request `j`) has a DescribeChange of its change
 * before it (request `i`, the last one) whose least possible age,
 * `stepMs + jumps(j) − jumps(i + 1)`, is at most `maxAgeS × 1000`.
 * @returns the violations, in words
 */
function staleAborts(
  journal: readonly { action: string | null; changeId?: string }[],
  jumps: readonly Jump[],
  stepMs: number,
  maxAgeS: number,
): string[] {
  const out: string[] = [];
  journal.forEach((e, j) => {
    if (e.action !== 'AbortChange') return;
    let i = j - 1;
    while (
      i >= 0 &&
      !(journal[i]!.action === 'DescribeChange' && journal[i]!.changeId === e.changeId)
    )
      i--;
    if (i < 0) {
      out.push(`AbortChange ${e.changeId} (request ${j}) with no DescribeChange before it`);
      return;
    }
    const age = stepMs + jumpsAt(j, jumps) - jumpsAt(i + 1, jumps);
    if (age > maxAgeS * 1000)
      out.push(`AbortChange ${e.changeId} (request ${j}) on a read ${age} ms old (request ${i})`);
  });
  return out;
}

const jumpArb = fc.record({
  at: fc.integer({ min: 1, max: 6 }),
  byS: fc.integer({ min: 0, max: 7200 }),
});

describe('read age: an abort is sent only on a read at most sweep.maxReadAgeSeconds old', () => {
  it('generated bounds and clock jumps: no AbortChange on an older read; one record; no jump → aborted', async () => {
    // Arrange
    let aborted = 0;
    let refused = 0;
    // Act + Assert
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.integer({ min: 1, max: 120 }), fc.integer({ min: 1, max: 3600 })),
        fc.array(jumpArb, { maxLength: 3 }),
        fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 200_000 })),
        async (maxAgeS, jumps, stepMs) => {
          const world = scenario([1], [change({ n: 0, env: 0, idleMin: 90, ageMin: 95 })], {
            strict: true,
          });
          let received = () => 0;
          let readings = 0;
          h = await startHarness(world, {
            env: { ABORT_DRY_RUN: 'false' },
            policy: { sweep: { maxReadAgeSeconds: maxAgeS } },
            monoNow: () => {
              readings += 1;
              return readings * stepMs + jumpsAt(received(), jumps);
            },
          });
          const sandbox = h.sandbox;
          received = () => sandbox.journal().length;

          const s = summaryOf(await h.handler(timerEvent(), fakeContext()));

          const journal = h.sandbox.journal();
          const info = JSON.stringify({
            maxAgeS,
            jumps,
            stepMs,
            journal: journal.map((e) => e.action),
          });
          expect(staleAborts(journal, jumps, stepMs, maxAgeS), info).toEqual([]);
          const mine = s.results.filter((r) => r.changeId === changeId(0));
          expect(mine, info).toHaveLength(1);
          if (stepMs === 0 && jumps.every((j) => j.byS === 0))
            expect(mine[0]!.outcome, info).toBe('aborted');
          if (mine[0]!.outcome === 'aborted') aborted++;
          else refused++;
          await h.close();
          h = undefined;
        },
      ),
      { numRuns: 60 },
    );
    // Both sides of the bound were generated.
    expect(aborted).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });
});
