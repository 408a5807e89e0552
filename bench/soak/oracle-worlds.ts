/**
 * Soak section for issue 10: the fail-closed oracle over many generated worlds (50,000 at full
 * scale, 300 at ci scale: `npm test` already runs 2,000), each run through the real cold start, handler and sandbox
 * (test/oracle/run-world.ts). Checks that every AbortChange is one the separate oracle allows,
 * within the cap, and that every examined change got exactly one record. Prints worlds per
 * second and how many worlds aborted something, refused the policy, or were refused at intake.
 */
import fc from 'fast-check';
import { runWorld, startWorldRig, violations } from '../../test/oracle/run-world.js';
import { worldArb } from '../../test/oracle/world.js';
import type { SoakSection } from './context.js';

/** Worlds per scale: `npm run soak` (full) and `npm run soak -- --scale ci` (.ci/run). */
export const ORACLE_WORLDS = { full: 50_000, ci: 300 } as const;

/**
 * The soak section (`--only oracle-worlds`): {@link ORACLE_WORLDS}.ci worlds at `--scale ci`,
 * .full otherwise; one check line for the property, one figure for worlds per second.
 */
export const oracleWorldsSection: SoakSection = {
  name: 'oracle-worlds',
  title: 'fail-closed oracle over generated worlds (issue 10)',
  run: (ctx) =>
    oracleWorldsSoak({
      worlds: ctx.pick(ORACLE_WORLDS.ci, ORACLE_WORLDS.full),
      check: ctx.check,
      info: ctx.info,
    }),
};

export interface OracleSoakOptions {
  /** Worlds to run. */
  worlds: number;
  /** fast-check seed (the same seed replays the same worlds). */
  seed?: number;
  check(name: string, ok: boolean, detail?: string): void;
  info(line: string): void;
}

/** Runs the worlds; one `check` line for the whole property, figures through `info`. */
export async function oracleWorldsSoak(opts: OracleSoakOptions): Promise<void> {
  const rig = await startWorldRig();
  const started = Date.now();
  let ran = 0;
  let aborting = 0;
  let aborts = 0;
  let refusedColdStart = 0;
  let failure = '';
  try {
    await fc.assert(
      fc.asyncProperty(worldArb, async (world) => {
        const run = await runWorld(rig, world);
        ran += 1;
        aborts += run.aborts.length;
        if (run.aborts.length > 0) aborting += 1;
        if (run.coldStartError) refusedColdStart += 1;
        const wrong = violations(run);
        if (wrong.length > 0) {
          failure ||= `${wrong.join('; ')} in ${JSON.stringify(world)}`;
          return false;
        }
        return true;
      }),
      { numRuns: opts.worlds, seed: opts.seed ?? 20261201, endOnFailure: true },
    );
  } catch (err) {
    failure ||= String((err as Error)?.message ?? err).slice(0, 4000);
  } finally {
    await rig.close();
  }
  const seconds = (Date.now() - started) / 1000;
  opts.check(
    `oracle worlds: ${opts.worlds} worlds, every AbortChange allowed by the rule, one record per examined change`,
    failure === '' && ran >= opts.worlds,
    failure || `${ran} worlds`,
  );
  opts.info(
    `oracle worlds: ${ran} in ${seconds.toFixed(1)} s (${(ran / Math.max(seconds, 0.001)).toFixed(0)}/s); ${aborting} aborted something (${aborts} AbortChange in all); ${refusedColdStart} refused at cold start`,
  );
}
