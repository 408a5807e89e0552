/**
 * C09: throttling bursts need bounded, jittered backoff.
 * 12 stuck changes; the sandbox answers more than 2 calls in flight with 400 Throttling.User;
 * one id is throttled 5 times in a row (then 429, then 503 ServiceUnavailable). Policy: 4
 * attempts, base 200 ms. Right: 11 aborted with attempts ≤ 4; the always-throttled one `failed`,
 * attempts 4, its error code; the gap before attempt n+1 within [0.5, 1] × 200 × 2^(n-1) ms;
 * never more than 2 calls in flight.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { JournalEntry } from '../../sandbox/webplus/index.js';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { calls, change, changeId, scenario, summaryOf, timerEvent } from '../helpers/world.js';

const BASE_MS = 200;
/**
 * Slack on top of the drawn delay, ms: timers, the event loop, and the wait for one of the two
 * pacer slots after the sleep. 30 ms failed (gaps of 234-252 ms for a 200 ms cap) on a 2-core
 * machine at load 11; 100 ms still lies below the next attempt's cap.
 */
const SLACK_MS = 100;
const HOT = 11;

// Tests run concurrently: each closes its own harness (try/finally), plus a safety net.
const open = new Set<Harness>();
afterAll(async () => {
  await Promise.all([...open].map((x) => x.close()));
});

function gaps(entries: JournalEntry[]): number[] {
  const times = entries.map((e) => Date.parse(e.time));
  return times.slice(1).map((t, i) => t - (times[i] ?? t));
}

const variants = [
  { name: 'Throttling.User 400', fault: { status: 400, code: 'Throttling.User' } },
  { name: '429 Throttling', fault: { status: 429, code: 'Throttling' } },
  // A 503 ServiceUnavailable to AbortChange does not prove the abort was refused: each one is
  // re-read, and re-sent because the re-read proves the change still running (bresend;
  // test/executor/abort-never-resent-on-ambiguity.test.ts). The re-read counts toward the gap.
  { name: '503 ServiceUnavailable', fault: { status: 503, code: 'ServiceUnavailable' } },
];

describe.concurrent('C09: throttling bursts get bounded, jittered backoff', () => {
  for (const { name, fault } of variants) {
    it(`12 stuck changes, one always ${name}: 11 aborted, one failed after 4 jittered attempts`, async () => {
      // Arrange
      const harness = await startHarness(
        scenario(
          [12],
          Array.from({ length: 12 }, (_, i) => change({ n: i, env: i, idleMin: 90, ageMin: 95 })),
          {
            maxInFlight: 2,
            latencyMs: 5,
            faults: [
              { action: 'AbortChange', changeId: changeId(HOT), responses: Array(5).fill(fault) },
            ],
          },
        ),
        {
          env: {
            RETRY_MAX_ATTEMPTS: '4',
            RETRY_BASE_MS: String(BASE_MS),
            WEBPLUS_CONCURRENCY: '2',
          },
        },
      );
      open.add(harness);

      // Act
      const started = Date.now();
      const s = summaryOf(await harness.handler(timerEvent(), fakeContext()));
      const elapsed = Date.now() - started;

      // Assert
      const journal = harness.sandbox.journal();
      expect(journal.filter((j) => j.fault === 'throttle:in-flight')).toHaveLength(0);
      const hot = s.results.find((r) => r.changeId === changeId(HOT));
      expect(hot).toMatchObject({ outcome: 'failed', attempts: 4, errorCode: fault.code });
      const others = s.results.filter((r) => r.changeId !== changeId(HOT));
      expect(others).toHaveLength(11);
      for (const r of others) {
        expect(r.outcome).toBe('aborted');
        expect(r.attempts).toBeLessThanOrEqual(4);
      }
      const hotCalls = calls(journal, 'AbortChange', changeId(HOT));
      expect(hotCalls).toHaveLength(4);
      gaps(hotCalls).forEach((gap, i) => {
        const cap = BASE_MS * 2 ** i;
        expect(gap, `gap before attempt ${i + 2}`).toBeGreaterThanOrEqual(cap / 2 - 2);
        expect(gap, `gap before attempt ${i + 2}`).toBeLessThanOrEqual(cap + SLACK_MS);
      });
      expect(elapsed).toBeLessThan(60_000 - 2_000);
      open.delete(harness);
      await harness.close();
    });
  }
});

describe('C09: the sandbox throttles what the client lets through, and every call is retried to success', () => {
  it('WEBPLUS_CONCURRENCY 4 against maxInFlight 2: the throttled calls are retried, all 12 aborted', async () => {
    // Arrange
    const harness = await startHarness(
      scenario(
        [12],
        Array.from({ length: 12 }, (_, i) => change({ n: i, env: i, idleMin: 90, ageMin: 95 })),
        { maxInFlight: 2, latencyMs: 5 },
      ),
      {
        env: { RETRY_MAX_ATTEMPTS: '4', RETRY_BASE_MS: String(BASE_MS), WEBPLUS_CONCURRENCY: '4' },
      },
    );
    open.add(harness);

    // Act
    const s = summaryOf(await harness.handler(timerEvent(), fakeContext()));

    // Assert
    const journal = harness.sandbox.journal();
    expect(journal.filter((j) => j.fault === 'throttle:in-flight').length).toBeGreaterThan(0);
    expect(s.results).toHaveLength(12);
    for (const r of s.results) {
      expect(r.outcome).toBe('aborted');
      expect(r.attempts).toBeLessThanOrEqual(4);
    }
    for (let i = 0; i < 12; i++) {
      expect(
        calls(journal, 'AbortChange', changeId(i)).filter((j) => j.status === 200),
      ).toHaveLength(1);
    }
    open.delete(harness);
    await harness.close();
  });
});
