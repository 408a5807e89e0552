/**
 * Issues 10 and 14, the oracle on all three platforms: generated worlds of SAE and EDAS
 * applications and change orders (random statuses, unknown numbers and strings included;
 * paused-equivalents; missing and malformed batch times as strings or numbers; unreadable
 * application ids), policies with per-platform modes, thresholds, protect by application,
 * per-application overrides, change types and `onAbort: rollback`, HTTP and timer requests
 * with extra keys, alarms (CloudMonitor on `acs_serverless`, EventBridge `acs.sae` / `acs.edas`
 * events, with random ages, states, types, regions and ids), the kill switch and the platforms'
 * clock skew, run through the real cold
 * start, handler and the SAE / EDAS emulators. Every AbortChangeOrder /
 * AbortAndRollbackChangeOrder the emulators received must be one the separate oracle
 * (test/oracle/platform-rule.ts) allows, with the action it allows, within the cap; every
 * change order the function read has exactly one record.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type PlatformRig,
  platformViolations,
  runPlatformWorld,
  startPlatformRig,
} from './platform-run.js';
import { platformWorldArb } from './platform-world.js';

const WORLDS = Number(process.env.PLATFORM_WORLDS ?? 1000);

let rig: PlatformRig;
beforeAll(async () => {
  rig = await startPlatformRig();
});
afterAll(async () => {
  await rig.close();
});

describe('fail closed on SAE and EDAS: the oracle', () => {
  it(`${WORLDS} worlds: abort calls ⊆ what the rule allows (action included); one record per examined order`, async () => {
    // Arrange
    let aborted = 0;
    let rolledBack = 0;
    let allowed = 0;
    let examined = 0;
    let byAlarm = 0;
    // Act + Assert
    await fc.assert(
      fc.asyncProperty(platformWorldArb, async (world) => {
        const run = await runPlatformWorld(rig, world);
        aborted += run.aborts.length;
        rolledBack += run.aborts.filter((a) => a.action === 'AbortAndRollbackChangeOrder').length;
        allowed += run.allowed.orders.size;
        examined += run.examined.length;
        if (['sae-cms', 'sae-event', 'edas-event'].includes(world.request.kind))
          byAlarm += run.aborts.length;
        expect(platformViolations(run), JSON.stringify({ world, records: run.records })).toEqual(
          [],
        );
      }),
      { numRuns: WORLDS, seed: Number(process.env.ORACLE_SEED ?? 20261202) },
    );
    // The worlds do abort things, on both paths: the property is not satisfied by doing nothing.
    expect(aborted).toBeGreaterThan(50);
    expect(rolledBack).toBeGreaterThan(5);
    expect(byAlarm).toBeGreaterThan(5);
    expect(examined).toBeGreaterThan(aborted);
    expect(allowed).toBeGreaterThanOrEqual(aborted);
  }, 600_000);
});
