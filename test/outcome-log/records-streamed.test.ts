/**
 * Records are written as decisions are made, not hoarded until the end: while one AbortChange
 * hangs, the records of the changes already decided are in the store; every record carries a
 * unique recordId; the summary still lists every record in decision order.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { OutcomeRecord } from '#shared/model/record.js';
import type { OutcomeStore } from '#shared/outcome-log/store.js';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { change, changeId, scenario, summaryOf, timerEvent } from '../helpers/world.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function timedStore(): OutcomeStore & { batches: { atMs: number; records: OutcomeRecord[] }[] } {
  const batches: { atMs: number; records: OutcomeRecord[] }[] = [];
  return {
    name: 'file',
    target: 'memory',
    batches,
    async write(records) {
      batches.push({ atMs: Date.now(), records: [...records] });
    },
  };
}

describe('records streamed', () => {
  it('while one AbortChange hangs 2.5 s, the records already decided are written', async () => {
    // Arrange: 9 stuck changes; the AbortChange of the 10th answers after 2.5 s
    const hung = changeId(9);
    const store = timedStore();
    h = await startHarness(
      scenario(
        [10],
        Array.from({ length: 10 }, (_, n) => change({ n, env: n, idleMin: 90, ageMin: 95 })),
        { faults: [{ action: 'AbortChange', changeId: hung, responses: [{ delayMs: 2500 }] }] },
      ),
      { store },
    );

    // Act
    const summary = summaryOf(await h.handler(timerEvent(), fakeContext()));

    // Assert
    const hungArrival = Date.parse(
      h.sandbox.journal().find((j) => j.action === 'AbortChange' && j.changeId === hung)!.time,
    );
    const early = store.batches.filter((b) => b.atMs < hungArrival + 2500);
    const decisions = (rs: OutcomeRecord[]) => rs.filter((r) => r.kind !== 'intent');
    const earlyIds = early.flatMap((b) => decisions(b.records).map((r) => r.changeId));
    expect(earlyIds.sort()).toEqual(Array.from({ length: 9 }, (_, n) => changeId(n)).sort());
    // Every abort's intent record (red-team 25 G15) was stored before its request: the hung
    // one's too, before it was sent
    const earlyIntents = early.flatMap((b) => b.records.filter((r) => r.kind === 'intent'));
    expect(earlyIntents.map((r) => r.changeId).sort()).toEqual(
      Array.from({ length: 10 }, (_, n) => changeId(n)).sort(),
    );
    const all = store.batches.flatMap((b) => b.records);
    expect(decisions(all)).toHaveLength(10);
    expect(all).toHaveLength(20);
    expect(all.every((r) => UUID.test(r.recordId ?? ''))).toBe(true);
    expect(new Set(all.map((r) => r.recordId)).size).toBe(20);
    expect(summary.results.map((r) => r.changeId)).toEqual(
      Array.from({ length: 10 }, (_, n) => changeId(n)),
    );
  });

  it('the file store holds every record with its recordId, once', async () => {
    // Arrange
    h = await startHarness(
      scenario(
        [3],
        [0, 1, 2].map((n) => change({ n, env: n, idleMin: 90, ageMin: 95 })),
      ),
    );

    // Act
    await h.handler(timerEvent(), fakeContext());
    await h.handler(timerEvent(), fakeContext());

    // Assert
    const records = h.records();
    expect(records.map((r) => r.outcome)).toEqual([
      'aborted',
      'aborted',
      'aborted',
      'already_aborting',
      'already_aborting',
      'already_aborting',
    ]);
    expect(new Set(records.map((r) => r.recordId)).size).toBe(6);
  });
});
