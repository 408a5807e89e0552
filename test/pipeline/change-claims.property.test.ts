/**
 * ChangeClaims (red-team 11 F5) against a model: regions list changes and claim them in any
 * interleaving; each change is decided by exactly the first region to claim it, every region
 * that listed it is named, and the wait for the listings ends only when every region listed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChangeClaims } from '#shared/pipeline/change-claims.js';

type Op =
  | { kind: 'list'; region: number; keys: number[] }
  | { kind: 'claim'; region: number; key: number };

describe('ChangeClaims', () => {
  it('one decision per change, whatever the interleaving', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }).chain((regions) =>
          fc.tuple(
            fc.constant(regions),
            fc.array(
              fc.oneof(
                fc.record({
                  kind: fc.constant('list' as const),
                  region: fc.integer({ min: 0, max: regions - 1 }),
                  keys: fc.array(fc.integer({ min: 0, max: 7 }), { maxLength: 6 }),
                }),
                fc.record({
                  kind: fc.constant('claim' as const),
                  region: fc.integer({ min: 0, max: regions - 1 }),
                  key: fc.integer({ min: 0, max: 7 }),
                }),
              ),
              { maxLength: 40 },
            ),
          ),
        ),
        async ([regions, ops]: [number, Op[]]) => {
          const names = Array.from({ length: regions }, (_, i) => `r${i}`);
          const claims = new ChangeClaims(names);
          const model = {
            owner: new Map<number, number>(),
            listed: new Map<number, Set<number>>(),
            done: new Set<number>(),
          };
          for (const op of ops) {
            if (op.kind === 'list') {
              claims.listed(
                names[op.region]!,
                op.keys.map((k) => `webplus:${k}`),
              );
              for (const k of op.keys)
                model.listed.set(k, new Set([...(model.listed.get(k) ?? []), op.region]));
              model.done.add(op.region);
            } else {
              const won = claims.claim(`webplus:${op.key}`, names[op.region]!);
              const expected = !model.owner.has(op.key);
              if (expected) model.owner.set(op.key, op.region);
              expect(won).toBe(expected);
            }
          }
          for (let k = 0; k <= 7; k++) {
            const want = model.owner.get(k);
            expect(claims.decidedIn(`webplus:${k}`)).toBe(
              want === undefined ? undefined : names[want],
            );
            expect([...claims.regionsListing(`webplus:${k}`)].sort()).toEqual(
              [...(model.listed.get(k) ?? [])].map((r) => names[r]!).sort(),
            );
          }
          const all = model.done.size === regions;
          expect(await claims.waitForListings(Date.now() + (all ? 1000 : 1))).toBe(all);
        },
      ),
      { numRuns: 300 },
    );
  });
});
