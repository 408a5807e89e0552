/**
 * C13: the function's own deadline, not middy's. `function.timeout = 10`; AbortChange is
 * throttled, slowly (2.5 s), every time; per-attempt timeout 3 s; margin 2 s. Right: retries stop when the next attempt cannot
 * fit, exactly one `timeout` record (attempts = the AbortChange requests Web+ saw) before about
 * 9 s, the handler resolves, and nothing is written after it returns.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { calls, change, changeId, scenario, summaryOf, timerEvent } from '../helpers/world.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('C13: the function deadline stops retries and leaves one timeout record', () => {
  it('AbortChange throttled slowly every time: one timeout record before ~9 s, attempts = requests seen', async () => {
    // Arrange
    h = await startHarness(
      scenario([1], [change({ n: 1, env: 0, idleMin: 90, ageMin: 95 })], {
        faults: [
          {
            action: 'AbortChange',
            changeId: changeId(1),
            // Refused slowly, every time, with the one answer an abort may be re-sent after
            // (a throttling code: the gateway refused it). A lost answer (a timeout) is never
            // re-sent but re-read (b12 item 3: abort-never-resent-on-ambiguity.test.ts), so the
            // retries the deadline stops are throttled ones.
            responses: Array(10).fill({ delayMs: 2_500, status: 400, code: 'Throttling.User' }),
          },
        ],
      }),
      {
        env: {
          DEADLINE_MARGIN_MS: '2000',
          ATTEMPT_TIMEOUT_MS: '3000',
          RETRY_BASE_MS: '200',
          RETRY_MAX_ATTEMPTS: '4',
        },
      },
    );
    const context = fakeContext({
      function: { name: 'f', handler: 'index.handler', memory: 256, timeout: 10 },
    });

    // Act
    const started = Date.now();
    const s = summaryOf(await h.handler(timerEvent(), context));
    const elapsed = Date.now() - started;

    // Assert
    expect(elapsed).toBeLessThan(9_000);
    const sent = calls(h.sandbox.journal(), 'AbortChange', changeId(1)).length;
    expect(sent).toBeGreaterThanOrEqual(1);
    const records = h.records();
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ changeId: changeId(1), outcome: 'timeout', attempts: sent });
    expect(s.results).toEqual([
      expect.objectContaining({ changeId: changeId(1), outcome: 'timeout', attempts: sent }),
    ]);

    // Nothing is written after the handler returned.
    const linesAtReturn = h.stdoutLines.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.records()).toHaveLength(1);
    expect(h.stdoutLines).toHaveLength(linesAtReturn);
  }, 15_000);

  it('AbortChange lands but its answer never comes: the re-read records aborted in time', async () => {
    // Arrange
    h = await startHarness(
      scenario([1], [change({ n: 1, env: 0, idleMin: 90, ageMin: 95 })], {
        faults: [
          { action: 'AbortChange', changeId: changeId(1), responses: [{ delayMs: 60_000 }] },
        ],
      }),
      { env: { DEADLINE_MARGIN_MS: '2000', ATTEMPT_TIMEOUT_MS: '1000' } },
    );
    const context = fakeContext({
      function: { name: 'f', handler: 'index.handler', memory: 256, timeout: 10 },
    });

    // Act
    const started = Date.now();
    const s = summaryOf(await h.handler(timerEvent(), context));
    const elapsed = Date.now() - started;

    // Assert
    expect(elapsed).toBeLessThan(9_000);
    expect(calls(h.sandbox.journal(), 'AbortChange', changeId(1))).toHaveLength(1);
    expect(s.results).toEqual([
      expect.objectContaining({ changeId: changeId(1), outcome: 'aborted', attempts: 1 }),
    ]);
    expect(h.records()[0]?.detail).toContain('reply was lost');
  }, 15_000);
});
