/**
 * A request refused for a bad id that asked for a dry run is recorded as one (red-team 24: its
 * `invalid` record said `mode: "enforce"` and the summary `"dryRun": false`). Through the real
 * handler: POST /abort, POST /sweep and the SAE form of POST /abort.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { change, changeId, envId, httpEvent, scenario, summaryOf } from '../helpers/world.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const cases = [
  ['/abort', { changeIds: `${changeId(0)},,${changeId(1)}` }],
  ['/abort', { changeIds: [changeId(0), 'wc-NOT-AN-ID'] }],
  ['/sweep', { envIds: [envId(0), 'we-bad'] }],
] as const;

describe('a refused request keeps the dry run it asked for', () => {
  for (const [path, ids] of cases) {
    for (const dryRun of [true, false]) {
      it(`${path} ${JSON.stringify(ids)} dryRun ${dryRun}: invalid, mode ${dryRun ? 'dry-run' : 'enforce'}, summary dryRun ${dryRun}; nothing sent`, async () => {
        h = await startHarness(scenario([2], [change({ n: 0, env: 0, idleMin: 90, ageMin: 95 })]), {
          env: { ABORT_DRY_RUN: 'false' },
          policy: { defaults: { mode: 'enforce' } },
        });
        const s = summaryOf(
          await h.handler(
            httpEvent({ path, body: JSON.stringify({ ...ids, dryRun }) }),
            fakeContext(),
          ),
        );
        expect(s.dryRun).toBe(dryRun);
        expect(s.results.length).toBeGreaterThan(0);
        for (const r of s.results) {
          expect(r.outcome).toBe('invalid');
          expect(r.mode).toBe(dryRun ? 'dry-run' : 'enforce');
        }
        expect(h.sandbox.journal()).toHaveLength(0);
      });
    }
  }
});
