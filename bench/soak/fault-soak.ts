/**
 * Fault soak: two sweeps of the soak world with random transient (20 %) and permanent (2 %)
 * Web+ faults. One record per examined change, none twice; zero aborts outside the policy;
 * every stuck change left unaborted met faults on every path (see world.ts); failures after
 * spent retries within reason of N x rate^attempts.
 */
import { memoryStore, startRig } from '../helpers.js';
import { BASE_ENV, SEED, type SoakContext, type SoakSection } from './context.js';
import {
  buildWorld,
  checkAbortable,
  checkOneRecordPerChange,
  checkPolicy,
  PERMANENT,
  type SweepRun,
  soakSize,
  sweep,
  TRANSIENT,
} from './world.js';

async function faultSoak(ctx: SoakContext): Promise<void> {
  const { info, outputs } = ctx;
  const SIZE = soakSize(ctx.scale);
  info(
    `== fault soak (${SIZE.stuck} stuck; transient ${TRANSIENT}, permanent ${PERMANENT}, seed ${SEED})`,
  );
  const world = buildWorld(SIZE, {
    randomFaults: { transient: TRANSIENT, permanent: PERMANENT, seed: SEED },
  });
  const store = memoryStore();
  const rig = await startRig(world.scenario, { env: BASE_ENV, policy: world.policy, store });
  try {
    const runs: SweepRun[] = [];
    for (let i = 1; i <= 2; i++) {
      const run = await sweep(rig, () => store.records, outputs);
      runs.push(run);
      const tally = new Map<string, number>();
      for (const r of run.records) tally.set(r.outcome, (tally.get(r.outcome) ?? 0) + 1);
      info(
        `sweep ${i}: ${run.ms} ms, ${run.journal.length} Web+ calls, ${run.records.length} records: ${[...tally].map(([k, n]) => `${k} ${n}`).join(', ')}`,
      );
      checkOneRecordPerChange(ctx, `fault soak sweep ${i}`, world, run);
    }
    checkPolicy(ctx, 'fault soak', rig, world, runs);
    checkAbortable(ctx, 'fault soak', rig, world, runs);
    outputs.push(JSON.stringify(store.records), JSON.stringify(rig.sandbox.journal()));
    outputs.push(...rig.stdoutLines, ...rig.warnings);
  } finally {
    await rig.close();
  }
}

export const faultSoakSection: SoakSection = {
  name: 'fault-soak',
  title: 'fault soak (random transient and permanent Web+ faults, two sweeps)',
  run: faultSoak,
};
