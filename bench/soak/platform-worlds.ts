/**
 * Soak section for issue 14: the fail-closed oracle over generated SAE / EDAS worlds (20,000 at
 * full scale, 150 at ci scale: `npm test` already runs 1,000), each run through the real cold
 * start, handler and the SAE / EDAS emulators (test/oracle/platform-run.ts). Checks that every
 * AbortChangeOrder / AbortAndRollbackChangeOrder is one the separate oracle allows (the action
 * included), within the cap, and that every change order read got exactly one record. Prints
 * worlds per second and how many worlds aborted something.
 */
import fc from 'fast-check';
import {
  platformViolations,
  runPlatformWorld,
  startPlatformRig,
} from '../../test/oracle/platform-run.js';
import { platformWorldArb } from '../../test/oracle/platform-world.js';
import type { SoakSection } from './context.js';

/** Worlds per scale: `npm run soak` (full) and `npm run soak -- --scale ci` (.ci/run). */
export const PLATFORM_WORLDS = { full: 20_000, ci: 150 } as const;

/** The soak section (`--only platform-worlds`). */
export const platformWorldsSection: SoakSection = {
  name: 'platform-worlds',
  title: 'fail-closed oracle over generated SAE / EDAS worlds (issue 14)',
  run: async (ctx) => {
    const worlds = ctx.pick(PLATFORM_WORLDS.ci, PLATFORM_WORLDS.full);
    const rig = await startPlatformRig();
    const started = Date.now();
    let ran = 0;
    let aborting = 0;
    let aborts = 0;
    let failure = '';
    try {
      await fc.assert(
        fc.asyncProperty(platformWorldArb, async (world) => {
          const run = await runPlatformWorld(rig, world);
          ran += 1;
          aborts += run.aborts.length;
          if (run.aborts.length > 0) aborting += 1;
          const wrong = platformViolations(run);
          if (wrong.length > 0) {
            failure ||= `${wrong.join('; ')} in ${JSON.stringify(world)}`;
            return false;
          }
          return true;
        }),
        { numRuns: worlds, seed: 20261202, endOnFailure: true },
      );
    } catch (err) {
      failure ||= String((err as Error)?.message ?? err).slice(0, 4000);
    } finally {
      await rig.close();
    }
    const seconds = (Date.now() - started) / 1000;
    ctx.check(
      `platform worlds: ${worlds} SAE/EDAS worlds, every abort call allowed by the rule, one record per order read`,
      failure === '' && ran >= worlds,
      failure || `${ran} worlds`,
    );
    ctx.info(
      `platform worlds: ${ran} in ${seconds.toFixed(1)} s (${(ran / Math.max(seconds, 0.001)).toFixed(0)}/s); ${aborting} aborted something (${aborts} abort calls in all)`,
    );
  },
};
