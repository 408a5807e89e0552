/**
 * RecordStream on its own: batches by size, one write in flight at a time, the rest on close,
 * a recordId on every record, and a report that says when any batch fell back.
 */
import { describe, expect, it } from 'vitest';
import type { OutcomeRecord } from '#shared/model/record.js';
import { OutcomeStoreError } from '#shared/outcome-log/errors.js';
import { OutcomeLog } from '#shared/outcome-log/outcome-log.js';
import { RecordStream } from '#shared/outcome-log/record-stream.js';
import type { OutcomeStore } from '#shared/outcome-log/store.js';

const ctx = {
  invocationId: 'inv',
  trigger: 'timer',
  functionName: 'f',
  region: 'r',
  deadlineMs: Date.now() + 60_000,
};
const rec = (n: number): OutcomeRecord => ({
  time: '2026-05-20T02:00:00.000Z',
  changeId: `wc-${String(n).padStart(24, '0')}`,
  trigger: 'timer',
  invocationId: 'inv',
  outcome: 'skipped',
  detail: `n ${n}`,
  attempts: 0,
});

function gatedStore(failFrom = Number.POSITIVE_INFINITY) {
  const batches: OutcomeRecord[][] = [];
  let open = 0;
  let maxOpen = 0;
  const gates: (() => void)[] = [];
  const store: OutcomeStore = {
    name: 'file',
    target: 'gated',
    async write(records) {
      open++;
      maxOpen = Math.max(maxOpen, open);
      await new Promise<void>((r) => gates.push(r));
      open--;
      if (batches.length >= failFrom) {
        throw new OutcomeStoreError('disk full', { store: 'file', code: 'ENOSPC' });
      }
      batches.push([...records]);
    },
  };
  const releaseAll = async () => {
    while (gates.length) {
      gates.shift()!();
      await new Promise((r) => setImmediate(r));
    }
  };
  return { store, batches, gates, releaseAll, maxOpen: () => maxOpen };
}

describe('RecordStream: at most one batch per write, and backpressure (rt11 F1)', () => {
  it('a burst of 3,000 records queued behind a slow write goes out in writes of at most 25, in order', async () => {
    const g = gatedStore();
    let id = 0;
    const stream = new RecordStream(new OutcomeLog(g.store, () => {}), ctx, {
      newRecordId: () => `id-${id++}`,
    });
    for (let n = 0; n < 3000; n++) stream.emit(rec(n));
    expect(g.gates).toHaveLength(1);
    expect(stream.pending).toBe(2975);
    const closed = stream.close();
    await g.releaseAll();
    const report = await closed;
    expect(g.batches).toHaveLength(120);
    expect(Math.max(...g.batches.map((b) => b.length))).toBe(25);
    expect(g.batches.flat().map((r) => r.recordId)).toEqual(
      Array.from({ length: 3000 }, (_, i) => `id-${i}`),
    );
    expect(g.maxOpen()).toBe(1);
    expect(report).toEqual({ store: 'file', target: 'gated', written: 3000 });
  });

  it('room() holds the next decision while a batch is in flight, and lets it go when the write ends', async () => {
    const g = gatedStore();
    const stream = new RecordStream(new OutcomeLog(g.store, () => {}), ctx, { batchSize: 3 });
    stream.emit(rec(0));
    stream.emit(rec(1));
    await stream.room(); // 2 of 3: no hold
    stream.emit(rec(2)); // a full batch: handed to the store
    expect(g.gates).toHaveLength(1);
    let passed = false;
    const held = stream.room().then(() => {
      passed = true;
    });
    await new Promise((r) => setImmediate(r));
    expect(passed).toBe(false);
    g.gates.shift()!();
    await held;
    expect(passed).toBe(true);
    expect(g.batches.map((b) => b.length)).toEqual([3]);
    await stream.close();
  });

  it('a decision loop awaiting room() never has more than one batch unwritten', async () => {
    const g = gatedStore();
    const stream = new RecordStream(new OutcomeLog(g.store, () => {}), ctx, { batchSize: 25 });
    let released = 0;
    const pump = setInterval(() => {
      const gate = g.gates.shift();
      if (gate) {
        gate();
        released++;
      }
    }, 0);
    let worst = 0;
    for (let n = 0; n < 500; n++) {
      await stream.room();
      stream.emit(rec(n));
      const written = g.batches.reduce((k, b) => k + b.length, 0);
      worst = Math.max(worst, n + 1 - written);
    }
    await stream.close();
    clearInterval(pump);
    expect(worst).toBeLessThanOrEqual(25);
    expect(released).toBe(20);
    expect(g.batches.flat()).toHaveLength(500);
  });

  it('a store slower than maxHoldMs ends the holding: decisions go on, writes stay batch-size', async () => {
    const g = gatedStore();
    const stream = new RecordStream(new OutcomeLog(g.store, () => {}), ctx, {
      batchSize: 2,
      maxHoldMs: 0,
    });
    stream.emit(rec(0));
    stream.emit(rec(1));
    await stream.room(); // held, then let go by the hold limit while the write still hangs
    expect(g.gates).toHaveLength(1);
    for (let n = 2; n < 7; n++) {
      await stream.room(); // no longer held
      stream.emit(rec(n));
    }
    expect(stream.pending).toBe(5);
    const closed = stream.close();
    await g.releaseAll();
    await closed;
    expect(g.batches.map((b) => b.length)).toEqual([2, 2, 2, 1]);
  });
});

describe('RecordStream', () => {
  it('a full batch goes at once; records meanwhile wait for the next; close writes the rest', async () => {
    const g = gatedStore();
    let id = 0;
    const stream = new RecordStream(new OutcomeLog(g.store, () => {}), ctx, {
      batchSize: 3,
      flushIntervalMs: 60_000,
      newRecordId: () => `id-${id++}`,
    });
    for (let n = 0; n < 3; n++) stream.emit(rec(n));
    expect(g.gates).toHaveLength(1); // the first batch is being written
    for (let n = 3; n < 8; n++) stream.emit(rec(n));
    expect(stream.pending).toBe(5);
    const closed = stream.close();
    await g.releaseAll();
    const report = await closed;
    expect(g.batches.map((b) => b.map((r) => r.recordId))).toEqual([
      ['id-0', 'id-1', 'id-2'],
      ['id-3', 'id-4', 'id-5'],
      ['id-6', 'id-7'],
    ]);
    expect(g.maxOpen()).toBe(1);
    expect(report).toEqual({ store: 'file', target: 'gated', written: 8 });
  });

  it('a record that already has a recordId keeps it', () => {
    const stream = new RecordStream(new OutcomeLog(gatedStore().store, () => {}), ctx);
    expect(stream.emit({ ...rec(1), recordId: 'kept' }).recordId).toBe('kept');
    expect(stream.emit(rec(2)).recordId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('a later batch falling back: the report names stdout, the reason and how many the store kept', async () => {
    const g = gatedStore(1);
    const lines: string[] = [];
    const stream = new RecordStream(new OutcomeLog(g.store, (l) => lines.push(l)), ctx, {
      batchSize: 2,
    });
    for (let n = 0; n < 4; n++) stream.emit(rec(n));
    const closed = stream.close();
    await g.releaseAll();
    const report = await closed;
    expect(report).toEqual({
      store: 'stdout',
      target: 'stdout (fallback)',
      written: 4,
      fallback: { reason: 'disk full (1 of 2 batches)', stored: 2 },
    });
    expect(lines).toHaveLength(2);
  });
});
