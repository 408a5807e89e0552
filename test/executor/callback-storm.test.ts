/**
 * 100 CloudMonitor callbacks for one stuck change, all at once in one instance, at production
 * pacing (WEBPLUS_QPS 10): exactly one AbortChange reaches the sandbox, the change is aborted,
 * every callback answers within 4.5 s of its arrival with exactly one record. Before the pacer
 * served deadlines first, the invocations took turns call by call and every one of them missed
 * its 3.5 s a call short: the change stayed un-aborted (issue 11).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import {
  alarmFields,
  change,
  changeId,
  cmsCallback,
  scenario,
  summaryOf,
} from '../helpers/world.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function callback(id: string, arrivalMs: number): Buffer {
  return cmsCallback(alarmFields(`{changeId=${id}}`, Date.now(), { ruleId: 'rule-storm' }), {
    arrivalMs,
    requestId: '1-storm',
  });
}

describe('a callback storm for one stuck change', () => {
  it('100 concurrent callbacks at QPS 10: one AbortChange, the change aborted, one record each', async () => {
    h = await startHarness(
      scenario([1], [change({ n: 0, env: 0, idleMin: 90, ageMin: 95 })], { latencyMs: 20 }),
      { env: { WEBPLUS_QPS: '10', WEBPLUS_CONCURRENCY: '4', RETRY_BASE_MS: '200' } },
    );
    const arrival = Date.now();

    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        h!.handler(callback(changeId(0), arrival), fakeContext({ requestId: `storm-${i}` })),
      ),
    );
    const answeredMs = Date.now() - arrival;

    expect(h.sandbox.abortCalls(changeId(0))).toBe(1);
    expect(
      h.sandbox.change(changeId(0))?.ChangeAborted ||
        h.sandbox.appEnv(h.sandbox.change(changeId(0))!.EnvId)?.AbortingChange,
    ).toBeTruthy();
    expect(answeredMs).toBeLessThanOrEqual(4500);
    for (const answer of answers) expect(summaryOf(answer).results).toHaveLength(1);
    const records = h.records();
    expect(records).toHaveLength(100);
    expect(new Set(records.map((r) => r.invocationId)).size).toBe(100);
    expect(records.filter((r) => r.outcome === 'aborted')).toHaveLength(1);
  });
});
