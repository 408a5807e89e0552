/**
 * Red-team 11 (minor): one change named many times in one invocation — 20 items of one
 * EventBridge batch, or 20 dimensions of one callback — is aborted at most once. Every item
 * still has its own record; the repeats point at the one decision (same outcome, marked as a
 * repeat) and make no Web+ call of their own. Through the real handler and the sandbox.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import {
  alarmFields,
  change,
  changeId,
  cmsCallback,
  envId,
  eventBridgeEvent,
  scenario,
  summaryOf,
} from '../helpers/world.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const stuck = () => scenario([1], [change({ n: 0, env: 0, idleMin: 90, ageMin: 95 })]);

function batchOf(n: number, id: string): Buffer {
  const items = Array.from({ length: n }, (_, i) =>
    JSON.parse(eventBridgeEvent(`evt-${i}`, `{changeId=${id}}`).toString()),
  );
  return Buffer.from(JSON.stringify(items));
}

describe('one change named 20 times in one invocation', () => {
  it('an EventBridge batch of 20 items for one ChangeId: one AbortChange, 20 records', async () => {
    h = await startHarness(stuck());
    const s = summaryOf(await h.handler(batchOf(20, changeId(0)), fakeContext()));
    expect(h.sandbox.abortCalls(changeId(0))).toBe(1);
    // One read for the first item only: the repeats make no call at all.
    expect(h.sandbox.journal().filter((e) => e.action === 'DescribeChange')).toHaveLength(1);
    const records = h.records();
    expect(records).toHaveLength(20);
    expect(s.results).toHaveLength(20);
    const [first, ...repeats] = records;
    expect(first).toMatchObject({ outcome: 'aborted', triggerRef: 'evt-0', attempts: 1 });
    expect(first!.repeatOf).toBeUndefined();
    expect(repeats.map((r) => r.triggerRef)).toEqual(
      Array.from({ length: 19 }, (_, i) => `evt-${i + 1}`),
    );
    for (const r of repeats) {
      expect(r).toMatchObject({
        changeId: changeId(0),
        outcome: 'aborted',
        attempts: 0,
        repeatOf: first!.recordId,
      });
      expect(r.detail).toBe(
        `repeat: this invocation already decided this change (for eventbridge evt-0, record ${first!.recordId}); no call made again. That decision: ${first!.detail}`,
      );
    }
    expect(new Set(records.map((r) => r.recordId)).size).toBe(20);
  });

  it('a batch naming the change by ChangeId, then by its EnvId: still one AbortChange', async () => {
    h = await startHarness(stuck());
    const byChange = JSON.parse(eventBridgeEvent('evt-a', `{changeId=${changeId(0)}}`).toString());
    const byEnv = JSON.parse(eventBridgeEvent('evt-b', `{envId=${envId(0)}}`).toString());
    await h.handler(Buffer.from(JSON.stringify([byChange, byEnv])), fakeContext());
    expect(h.sandbox.abortCalls(changeId(0))).toBe(1);
    const records = h.records();
    expect(records.map((r) => [r.triggerRef, r.outcome, r.changeId])).toEqual([
      ['evt-a', 'aborted', changeId(0)],
      ['evt-b', 'aborted', changeId(0)],
    ]);
    expect(records[1]!.repeatOf).toBe(records[0]!.recordId);
  });

  it('a callback naming one ChangeId 20 times: one AbortChange, one record (the ids are one list)', async () => {
    h = await startHarness(stuck());
    const dims = JSON.stringify(Array.from({ length: 20 }, () => ({ changeId: changeId(0) })));
    const s = summaryOf(
      await h.handler(
        cmsCallback(alarmFields(dims, Date.now(), { ruleId: 'rule-rep' }), {
          arrivalMs: Date.now(),
        }),
        fakeContext(),
      ),
    );
    expect(h.sandbox.abortCalls(changeId(0))).toBe(1);
    expect(s.results).toEqual([
      expect.objectContaining({ changeId: changeId(0), outcome: 'aborted' }),
    ]);
    expect(h.records()).toHaveLength(1);
  });
});
