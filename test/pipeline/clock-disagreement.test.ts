/**
 * Red-team finding B5 of issue 12, end to end: replies of one invocation whose `Date` headers
 * disagree (a proxy or load balancer stamping one reply 3 h ahead) made "the latest header wins"
 * judge a healthy change on a clock 3 h off, and abort it. Now disagreeing clock evidence makes
 * Web+'s clock unknown for the invocation: a sweep judges no stuck age and says why. Through the
 * real handler, pop-core's signing and the strict sandbox, behind a loopback proxy that restamps
 * the `Date` header of chosen replies (nothing else on the wire changes).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type DateProxy, startDateProxy } from '../helpers/date-proxy.js';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { calls, change, changeId, scenario, summaryOf, timerEvent } from '../helpers/world.js';

const THREE_HOURS_MS = 3 * 3_600_000;

let h: Harness | undefined;
let proxy: DateProxy | undefined;
afterEach(async () => {
  await h?.close();
  await proxy?.close();
  h = proxy = undefined;
});

/** A sweep over one healthy change (idle 5 min), the proxy restamping replies to `restamp`. */
async function sweep(restamp: (path: string) => boolean) {
  let sandboxUrl = '';
  proxy = await startDateProxy(() => sandboxUrl, restamp, THREE_HOURS_MS);
  h = await startHarness(scenario([1], [change({ n: 1, env: 0, idleMin: 5, ageMin: 10 })]), {
    env: { WEBPLUS_ENDPOINT: proxy.url },
  });
  sandboxUrl = h.sandbox.url;
  const s = summaryOf(await h.handler(timerEvent({}), fakeContext()));
  return { result: s.results.find((r) => r.changeId === changeId(1)), h };
}

describe('B5: Date headers that disagree within an invocation make the server clock unknown', () => {
  it('the last reply (DescribeChange) stamped 3 h ahead: skipped, naming the disagreement, no AbortChange', async () => {
    // Act
    const { result, h: harness } = await sweep((path) => path === '/pop/v1/wam/changeInfo');

    // Assert
    expect(result?.outcome).toBe('skipped');
    expect(result?.detail).toContain("Web+'s clock is unknown: its replies' Date headers disagree");
    expect(result?.detail).toContain('180 min ahead');
    expect(calls(harness.sandbox.journal(), 'AbortChange')).toHaveLength(0);
  });

  it('every reply stamped 3 h ahead (consistent, but 3 h from the function clock): unknown, not trusted (F8)', async () => {
    // Act: readings that agree with each other but not with the function's clock by more than
    // the 5 min tolerance are a stamp, not a clock (red-team 12 F8; test/pipeline/skewed-date-header.test.ts)
    const { result, h: harness } = await sweep(() => true);

    // Assert
    expect(result?.outcome).toBe('skipped');
    expect(result?.detail).toContain("Web+'s clock is unknown: its Date header says");
    const record = harness.records().find((r) => r.changeId === changeId(1));
    expect(record?.clockSkewMs).toBeUndefined();
    expect(calls(harness.sandbox.journal(), 'AbortChange')).toHaveLength(0);
  });

  it('control: no reply restamped: not stuck, judged on the function clock', async () => {
    // Act
    const { result } = await sweep(() => false);

    // Assert
    expect(result?.outcome).toBe('skipped');
    expect(result?.detail).toContain('not stuck');
  });
});
