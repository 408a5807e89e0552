/**
 * The in-flight set orders "this invocation started reading" and "another one's abort was
 * accepted" by one counter, never by clock readings (shared/executor/in-flight.ts). Found as a
 * flaky property run (seed 1212 of abort-affirmation.test.ts): a sequential request starting in
 * the same millisecond as the previous one's accepted abort was recorded `already_aborting`
 * without a call of its own.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InFlightChanges } from '#shared/executor/in-flight.js';

const CID = 'a1b2c3d4-0000-4000-8000-000000000001';
const frozen = () => 1_764_000_000_000;

describe('InFlightChanges orders events, not milliseconds', () => {
  it('a request that starts reading in the same ms as an accepted abort still claims the change', () => {
    const f = new InFlightChanges(600_000, frozen);
    const first = f.startReads();
    expect(f.claim(CID, first)).toBeUndefined();
    f.release(CID, true);
    const second = f.startReads();
    expect(second.atMs).toBe(first.atMs);
    expect(f.claim(CID, second)).toBeUndefined();
  });

  it('an abort accepted after this request started reading answers for it, in the same ms too', () => {
    const f = new InFlightChanges(600_000, frozen);
    const mine = f.startReads();
    const theirs = f.startReads();
    expect(f.claim(CID, theirs)).toBeUndefined();
    f.release(CID, true);
    expect(f.claim(CID, mine)).toEqual({
      outcome: 'already_aborting',
      detail: `an overlapping invocation in this instance had AbortChange accepted for this change at ${new Date(frozen()).toISOString()}, after this one read it`,
    });
  });

  it('a claim held by a running call is skipped; a release without an abort holds nothing', () => {
    const f = new InFlightChanges(600_000, frozen);
    const a = f.startReads();
    const b = f.startReads();
    expect(f.claim(CID, a)).toBeUndefined();
    expect(f.claim(CID, b)?.outcome).toBe('skipped');
    f.release(CID, false);
    expect(f.claim(CID, b)).toBeUndefined();
  });

  it('generated interleavings agree with an oracle of event order', () => {
    // Ops: s = start reads of invocation i; c = invocation i claims and releases (aborted or not).
    const op = fc.oneof(
      fc.record({ k: fc.constant('s' as const), i: fc.integer({ min: 0, max: 3 }) }),
      fc.record({
        k: fc.constant('c' as const),
        i: fc.integer({ min: 0, max: 3 }),
        ok: fc.boolean(),
      }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), (ops) => {
        const f = new InFlightChanges(600_000, frozen);
        const started = new Map<number, ReturnType<InFlightChanges['startReads']>>();
        const startIndex = new Map<number, number>();
        let lastAccepted = -1;
        ops.forEach((o, idx) => {
          if (o.k === 's') {
            started.set(o.i, f.startReads());
            startIndex.set(o.i, idx);
            return;
          }
          const r = started.get(o.i);
          if (!r) return;
          const held = f.claim(CID, r);
          // Oracle: held exactly when some abort was accepted after this invocation's start.
          const expected = lastAccepted > startIndex.get(o.i)! ? 'already_aborting' : undefined;
          expect(held?.outcome).toBe(expected);
          if (!held) {
            f.release(CID, o.ok);
            if (o.ok) lastAccepted = idx;
          }
        });
      }),
      { numRuns: 300 },
    );
  });
});
