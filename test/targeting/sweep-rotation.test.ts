/**
 * A sweep larger than one invocation: it stops before the deadline, records what it examined
 * once each, says in the summary and in one `deferred` record how many environments it left,
 * and consecutive timer slots cover every in-flight environment within the plan's `parts` runs.
 * Dry-run, so the changes stay in flight from run to run.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { OutcomeRecord } from '#shared/model/record.js';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { change, scenario, summaryOf } from '../helpers/world.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const SLOT_MS = 5 * 60_000;
const timerAt = (slot: number) =>
  Buffer.from(
    JSON.stringify({
      triggerTime: new Date(slot * SLOT_MS).toISOString(),
      triggerName: 'sweep',
      payload: '',
    }),
  );

describe('sweep rotation', () => {
  it('40 stuck changes at QPS 20 in a 2 s function: clean stops, one record each, full coverage within `parts` runs', async () => {
    // Arrange
    const STUCK = 40;
    h = await startHarness(
      scenario(
        [STUCK],
        Array.from({ length: STUCK }, (_, n) => change({ n, env: n, idleMin: 90, ageMin: 95 })),
        { latencyMs: 5 },
      ),
      {
        env: {
          ABORT_DRY_RUN: 'true',
          WEBPLUS_QPS: '20',
          WEBPLUS_BURST: '5',
          WEBPLUS_CONCURRENCY: '4',
          ATTEMPT_TIMEOUT_MS: '300',
          DEADLINE_MARGIN_MS: '500',
        },
        policy: { sweep: { maxAbortsPerRun: 2 } },
      },
    );
    const context = fakeContext({
      function: { name: 'f', handler: 'index.handler', memory: 256, timeout: 2 },
    });

    // Act: timer runs in consecutive slots until every change was examined
    const covered = new Set<string>();
    let parts = 0;
    let runs = 0;
    const worst: number[] = [];
    for (let slot = 5_930_000; runs === 0 || (covered.size < STUCK && runs < parts); slot++) {
      const before = h.records().length;
      const started = Date.now();
      const s = summaryOf(await h.handler(timerAt(slot), context));
      worst.push(Date.now() - started);
      runs++;
      const records: OutcomeRecord[] = h.records().slice(before);
      const examined = records.filter((r) => r.changeId);
      const deferred = records.filter((r) => r.outcome === 'deferred');

      // Assert, per run
      parts = s.sweep!.parts;
      expect(s.sweep!.inFlight).toBe(STUCK);
      expect(s.sweep!.examined + s.sweep!.left).toBe(STUCK);
      expect(examined).toHaveLength(s.sweep!.examined);
      expect(new Set(examined.map((r) => r.changeId)).size).toBe(examined.length);
      // examined = decided: every one would abort (a dry run uses up none of
      // sweep.maxAbortsPerRun: issue 10, kind 8)
      expect(examined.filter((r) => r.outcome === 'would_abort')).toHaveLength(examined.length);
      if (s.sweep!.left > 0) {
        expect(deferred).toHaveLength(1);
        expect(deferred[0]!.detail).toMatch(
          new RegExp(
            `^${s.sweep!.left} of ${STUCK} in-flight environments left for the next sweeps .*every in-flight environment is examined within ${parts} timer runs`,
          ),
        );
      } else {
        expect(deferred).toHaveLength(0);
      }
      for (const r of examined) covered.add(r.changeId!);
    }

    // Assert, across runs
    expect(parts).toBeGreaterThan(1);
    expect(covered.size).toBe(STUCK);
    expect(runs).toBeLessThanOrEqual(parts);
    expect(Math.max(...worst)).toBeLessThanOrEqual(2000 - 500);
  }, 60_000);
});
