/**
 * C01 (end to end): a CloudMonitor callback is answered within 4.5 s (CloudMonitor waits 5 s,
 * then resends), always 200 once authenticated, even when Web+ hangs; a callback naming nothing
 * is one `ignored` record and 200.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { calls, change, changeId, freshAlarm, scenario, summaryOf } from '../helpers/world.js';

/** A fixture event; alarm fixtures freshened to fire now (stale alarms are ignored). */
function fixture(name: string): Buffer {
  return freshAlarm(readFileSync(new URL(`../fixtures/${name}`, import.meta.url)));
}

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('C01: a CloudMonitor callback is answered 200 within 4.5 s, end to end', () => {
  it('AbortChange hangs: 200 within 4.5 s with a timeout record', async () => {
    // Arrange: the fixture names envId we-...0001 (env 1)
    h = await startHarness(
      scenario([2], [change({ n: 1, env: 1, idleMin: 3, ageMin: 5 })], {
        faults: [
          {
            action: 'AbortChange',
            responses: Array(10).fill({ delayMs: 20_000, status: 503, code: 'ServiceUnavailable' }),
          },
        ],
      }),
    );

    // Act
    const started = Date.now();
    const result = await h.handler(fixture('cms-callback-alert.json'), fakeContext());
    const elapsed = Date.now() - started;

    // Assert
    expect(elapsed).toBeLessThan(4_500);
    expect(result).toMatchObject({ statusCode: 200 });
    expect(summaryOf(result).results).toEqual([
      expect.objectContaining({ changeId: changeId(1), outcome: 'timeout' }),
    ]);
    const sent = calls(h.sandbox.journal(), 'AbortChange').length;
    expect(h.records()).toEqual([expect.objectContaining({ outcome: 'timeout', attempts: sent })]);
  }, 10_000);

  it('a callback naming no change or environment → one ignored record, 200', async () => {
    // Arrange
    h = await startHarness(scenario([1], []));
    const event = JSON.parse(fixture('cms-callback-alert.json').toString('utf8'));
    event.body = event.body.replace(
      /dimensions=[^&]*/,
      `dimensions=${encodeURIComponent('{userId=1234567890123456}')}`,
    );

    // Act
    const result = await h.handler(Buffer.from(JSON.stringify(event)), fakeContext());

    // Assert
    expect(result).toMatchObject({ statusCode: 200 });
    expect(h.records()).toEqual([expect.objectContaining({ outcome: 'ignored' })]);
    expect(calls(h.sandbox.journal(), 'AbortChange')).toHaveLength(0);
  });
});
