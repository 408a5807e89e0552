/**
 * A sweep against a slow Web+ (issue 11, red-team F1): every reply takes 2.5 s of an attempt
 * timeout of 3 s. The reads must end early enough that the aborts still start: no stuck change
 * read is recorded `timeout` "AbortChange not sent" because the reads ate the time its abort
 * needed, and the aborts the run can fit are sent.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { OutcomeRecord } from '#shared/model/record.js';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { change, scenario, summaryOf, timerEvent } from '../helpers/world.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('sweep on a slow Web+', () => {
  it('latency 2500 ms, function.timeout 20 s, 50 stuck envs: aborts sent, none left unsent to time out', async () => {
    // Arrange: defaults (QPS 10, concurrency 4, ATTEMPT_TIMEOUT_MS 3000, margin 2000,
    // sweep.maxAbortsPerRun 20)
    const STUCK = 50;
    h = await startHarness(
      scenario(
        [STUCK],
        Array.from({ length: STUCK }, (_, n) => change({ n, env: n, idleMin: 90, ageMin: 95 })),
        { latencyMs: 2500 },
      ),
      {
        env: {
          WEBPLUS_QPS: '10',
          WEBPLUS_CONCURRENCY: '4',
          ATTEMPT_TIMEOUT_MS: '3000',
          DEADLINE_MARGIN_MS: '2000',
        },
        policy: { sweep: { maxAbortsPerRun: 20 } },
      },
    );
    const context = fakeContext({
      function: { name: 'f', handler: 'index.handler', memory: 256, timeout: 20 },
    });

    // Act
    const started = Date.now();
    const s = summaryOf(await h.handler(timerEvent(), context));
    const tookMs = Date.now() - started;
    const records: OutcomeRecord[] = h.records();
    const examined = records.filter((r) => r.changeId);

    // Assert
    expect(tookMs).toBeLessThanOrEqual(20_000 - 2000);
    expect(s.sweep!.examined).toBeGreaterThan(0);
    expect(examined).toHaveLength(s.sweep!.examined);
    expect(records.filter((r) => r.outcome === 'timeout')).toEqual([]);
    const aborted = examined.filter((r) => r.outcome === 'aborted');
    // 9 s reserve (half the 18 s budget): 8 AbortChange calls fit whatever the latency
    // (0.8 s of rate spacing + 1 round of 4 in flight up to 3 s, then the last one's 3 s);
    // the changes read beyond those wait for the next sweep, named as such.
    expect(aborted.length).toBe(Math.min(examined.length, 8));
    const cut = examined.filter((r) => r.outcome === 'skipped');
    expect(cut).toHaveLength(examined.length - aborted.length);
    for (const r of cut) expect(r.detail).toMatch(/leaves time to start 8 AbortChange call\(s\)/);
    expect(h.sandbox.journal().filter((j) => j.action === 'AbortChange')).toHaveLength(
      aborted.length,
    );
  }, 60_000);
});
