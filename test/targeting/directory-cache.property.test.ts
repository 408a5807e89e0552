/**
 * Independent check of the remembered listing (shared/targeting/directory-cache.ts): an instance
 * that listed one world and is then alarmed in another (changes started, finished, aborted,
 * moved, environments emptied) decides every alarm naming only a ChangeId exactly as a cold
 * instance does in that world: the same outcome and EnvId, and the same AbortChange calls. A
 * memory may only cost calls, never a decision.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime } from '#shared/pipeline/runtime.js';
import { parsePolicy } from '#shared/policy/load.js';
import { createHandler } from '../../functions/abort-stuck-changes/handler.js';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { change, changeId, eventBridgeEvent, scenario, summaryOf } from '../helpers/world.js';

const ENVS = 6; // two applications of three
const CHANGES = 6;

/** A change's state in one world: absent, or in an environment with a lifecycle. */
interface ChangeState {
  env: number;
  state: 'stuck' | 'fresh' | 'finished' | 'aborted' | 'aborting' | 'paused';
  ageMin: number;
}
const changeState: fc.Arbitrary<ChangeState | undefined> = fc.option(
  fc.record({
    env: fc.integer({ min: 0, max: ENVS - 1 }),
    state: fc.constantFrom('stuck', 'fresh', 'finished', 'aborted', 'aborting', 'paused'),
    ageMin: fc.integer({ min: 2, max: 200 }),
  }),
  { nil: undefined },
);
const worldArb = fc.array(changeState, { minLength: CHANGES, maxLength: CHANGES });
type WorldSpec = (ChangeState | undefined)[];
/** Per change: kept as it was, or replaced by any state (started, finished, moved, gone). */
const mutationArb = fc.array(
  fc.oneof(
    { weight: 3, arbitrary: fc.constant('keep' as const) },
    { weight: 1, arbitrary: changeState },
  ),
  { minLength: CHANGES, maxLength: CHANGES },
);

function scenarioOf(w: WorldSpec): Record<string, unknown> {
  const changes = w.flatMap((c, n) => {
    if (!c) return [];
    const idleMin = c.state === 'fresh' ? 1 : Math.min(c.ageMin, 90);
    const extra: Record<string, unknown> = {};
    if (c.state === 'finished') extra.finished = true;
    if (c.state === 'aborted') extra.aborted = true;
    if (c.state === 'aborting') extra.aborting = true;
    if (c.state === 'paused') extra.paused = true;
    return [change({ n, env: c.env, idleMin, ageMin: Math.max(c.ageMin, idleMin), extra })];
  });
  return scenario([3, 3], changes);
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness(scenario([3, 3], []));
});
afterAll(async () => {
  await h.close();
});

let seq = 0;
const newHandler = () =>
  createHandler(
    createRuntime({
      config: h.config,
      policy: parsePolicy({ defaults: { mode: 'enforce' } }),
      version: 'test',
      sink: () => undefined,
      warn: () => undefined,
    }),
  );

/** One alarm per ChangeId in `asked`: what was decided, and which AbortChange calls were sent. */
async function alarmAll(handler: ReturnType<typeof newHandler>, asked: number[]) {
  const decided: string[] = [];
  for (const n of asked) {
    const s = summaryOf(
      await handler(
        eventBridgeEvent(`evt-prop-${++seq}`, `{userId=1, changeId=${changeId(n)}}`),
        fakeContext(),
      ),
    );
    decided.push(...s.results.map((r) => `${r.changeId} ${r.envId ?? '-'} ${r.outcome}`));
  }
  const journal = h.sandbox.journal();
  return {
    decided,
    aborts: journal
      .filter((j) => j.action === 'AbortChange')
      .map((j) => `${j.changeId} ${j.envId}`),
    listed: journal.some((j) => j.action === 'DescribeApplications'),
  };
}

describe('remembered listing: differential against a cold instance', () => {
  it('every alarm is decided as a cold instance decides it, whatever changed since the listing', async () => {
    /** Runs whose warm instance aborted something and never listed the region. */
    let remembered = 0;
    await fc.assert(
      fc.asyncProperty(
        worldArb,
        mutationArb,
        fc.array(fc.integer({ min: 0, max: CHANGES - 1 }), { minLength: 1, maxLength: 3 }),
        async (before, mutation, asked) => {
          const after = before.map((c, n) => (mutation[n] === 'keep' ? c : mutation[n]));
          // Warm: one instance lists the first world (an alarm for a change that may not exist).
          h.sandbox.reseed(scenarioOf(before));
          const warm = newHandler();
          await alarmAll(warm, [0]);
          // The world moves on; the warm instance and a cold one are alarmed in it.
          h.sandbox.reseed(scenarioOf(after));
          const warmRun = await alarmAll(warm, asked);
          h.sandbox.reseed(scenarioOf(after));
          const coldRun = await alarmAll(newHandler(), asked);
          if (!warmRun.listed && warmRun.aborts.length > 0) remembered += 1;
          expect(warmRun.decided).toEqual(coldRun.decided);
          expect(warmRun.aborts).toEqual(coldRun.aborts);
        },
      ),
      { numRuns: 80, seed: 16 },
    );
    // The property is about the memory: some runs must have aborted through it without listing.
    expect(remembered).toBeGreaterThan(5);
  });
});
