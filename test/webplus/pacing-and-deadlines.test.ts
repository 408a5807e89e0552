/**
 * Pacing and deadlines through the handler: WEBPLUS_QPS keeps a sandbox token bucket of the same
 * rate from ever throttling; WEBPLUS_CONCURRENCY keeps maxInFlight from throttling; a hung
 * listing and a hung log store both end before the function's timeout.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createSlsStore } from '#shared/outcome-log/sls-store.js';
import { type SlsStandIn, startSlsStandIn } from '../../sandbox/sls/server.js';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { change, scenario, summaryOf, timerEvent } from '../helpers/world.js';

let h: Harness | undefined;
let sls: SlsStandIn | undefined;
afterEach(async () => {
  await h?.close();
  await sls?.close();
  h = undefined;
  sls = undefined;
});

const stuck = (count: number) =>
  Array.from({ length: count }, (_, i) => change({ n: i, env: i, idleMin: 90, ageMin: 95 }));

const shortFunction = (timeout: number) =>
  fakeContext({ function: { name: 'f', handler: 'index.handler', memory: 256, timeout } });

describe('pacing', () => {
  it('WEBPLUS_QPS 20, WEBPLUS_BURST 1 against a 20/s sandbox bucket: no throttling, requests spaced ~50 ms', async () => {
    // Arrange
    h = await startHarness(scenario([6], stuck(6), { qpsLimit: 20 }), {
      env: { WEBPLUS_QPS: '20', WEBPLUS_BURST: '1' },
    });

    // Act
    const s = summaryOf(await h.handler(timerEvent(), fakeContext()));

    // Assert
    const journal = h.sandbox.journal();
    expect(journal).toHaveLength(1 + 1 + 6 + 6);
    expect(journal.filter((j) => j.fault?.startsWith('throttle'))).toHaveLength(0);
    const times = journal.map((j) => Date.parse(j.time));
    const span = (times.at(-1) ?? 0) - (times[0] ?? 0);
    expect(span).toBeGreaterThanOrEqual((journal.length - 1) * 50 - 50);
    expect(s.results.every((r) => r.outcome === 'aborted' && r.attempts === 1)).toBe(true);
  });

  it('default burst (= QPS 10): no second of arrivals at the sandbox holds more than QPS, the first included', async () => {
    // Arrange: 40 stuck changes = 1 + 1 + 40 DescribeChange + 20 AbortChange (sweep.maxAbortsPerRun)
    h = await startHarness(scenario([40], stuck(40)), {
      env: { WEBPLUS_QPS: '10', WEBPLUS_CONCURRENCY: '8' },
    });

    // Act
    const s = summaryOf(await h.handler(timerEvent(), fakeContext()));

    // Assert: an oracle of its own over the sandbox's arrival times
    const times = h.sandbox
      .journal()
      .map((j) => Date.parse(j.time))
      .sort((a, b) => a - b);
    const most = (w: number) => {
      let best = 0;
      for (let i = 0, j = 0; i < times.length; i++) {
        while (j < times.length && times[j]! <= times[i]! + w) j++;
        best = Math.max(best, j - i);
      }
      return best;
    };
    expect(times).toHaveLength(62);
    // The pacer starts at most 10 in any [t, t + 1000) ms (issue 16; before, burst + QPS = 20);
    // 100 ms allowed for loopback jitter between a call's start and its arrival.
    expect(most(900)).toBeLessThanOrEqual(10);
    expect(most(1000)).toBeLessThanOrEqual(10 + 10);
    expect(most(3000)).toBeLessThanOrEqual(10 + 30);
    expect(s.results.filter((r) => r.outcome === 'aborted')).toHaveLength(20);
  });

  it('WEBPLUS_CONCURRENCY 3 against maxInFlight 3 with 40 ms latency: never throttled', async () => {
    // Arrange
    h = await startHarness(scenario([9], stuck(9), { maxInFlight: 3, latencyMs: 40 }), {
      env: { WEBPLUS_CONCURRENCY: '3' },
    });

    // Act
    const s = summaryOf(await h.handler(timerEvent(), fakeContext()));

    // Assert
    expect(h.sandbox.journal().filter((j) => j.fault === 'throttle:in-flight')).toHaveLength(0);
    expect(s.results.filter((r) => r.outcome === 'aborted')).toHaveLength(9);
  });
});

describe('deadlines', () => {
  it('the listing hangs: the sweep ends before function.timeout with one record', async () => {
    // Arrange: timeout 5 s, margin 1 s → work deadline at 4 s; attempts of 1 s
    h = await startHarness(
      scenario([1], stuck(1), {
        faults: [
          {
            action: 'DescribeAppEnvs',
            responses: Array(10).fill({ delayMs: 20_000, status: 503, code: 'ServiceUnavailable' }),
          },
        ],
      }),
      { env: { DEADLINE_MARGIN_MS: '1000', ATTEMPT_TIMEOUT_MS: '1000' } },
    );

    // Act
    const started = Date.now();
    const s = summaryOf(await h.handler(timerEvent(), shortFunction(5)));
    const elapsed = Date.now() - started;

    // Assert
    expect(elapsed).toBeLessThan(5_000);
    expect(s.results).toHaveLength(1);
    expect(s.results[0]?.outcome).toBe('timeout');
    expect(h.sandbox.abortCalls()).toBe(0);
    expect(h.records()).toHaveLength(1);
  }, 10_000);

  it('the log store hangs: the handler still returns before function.timeout, records on stdout; the abort is not sent (its intent was not stored, red-team 25 G15)', async () => {
    // Arrange: timeout 4 s, margin 2 s, attempts of 1 s
    sls = await startSlsStandIn();
    sls.setFailure({ kind: 'slow', delayMs: 20_000 });
    const store = createSlsStore({
      endpoint: sls.url,
      project: 'ops-audit',
      logstore: 'webplus-abort',
      baseDelayMs: 10,
    });
    h = await startHarness(scenario([1], stuck(1)), {
      store,
      env: { DEADLINE_MARGIN_MS: '2000', ATTEMPT_TIMEOUT_MS: '1000' },
    });

    // Act
    const started = Date.now();
    const s = summaryOf(await h.handler(timerEvent(), shortFunction(4)));
    const elapsed = Date.now() - started;

    // Assert
    expect(elapsed).toBeLessThan(4_000);
    expect(s.results).toEqual([expect.objectContaining({ outcome: 'timeout', attempts: 0 })]);
    expect(s.results[0]!.detail).toMatch(
      /^AbortChange not sent: its intent record could not be written to the outcome log first \(its write had not ended when the request had to start/,
    );
    expect(h.sandbox.abortCalls()).toBe(0);
    const lines = h.stdoutLines.map((l) => JSON.parse(l));
    expect(lines).toEqual([
      expect.objectContaining({
        kind: 'intent',
        outcome: 'abort_sending',
        logWriteFailed: expect.anything(),
      }),
      expect.objectContaining({ outcome: 'timeout', logWriteFailed: expect.anything() }),
    ]);
  }, 10_000);
});
