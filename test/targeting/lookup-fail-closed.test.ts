/**
 * Issue 12 under issue 10's rule: the look-ups that learn the ids Web+ requires (the EnvId of a
 * named ChangeId, the AppId of a named EnvId) never supply a fact a decision needs unless the
 * data read in this invocation says it about THAT change or environment, unambiguously. Two
 * environments naming one LatestChangeId, an EnvId listed twice, a listing item whose AppId is
 * another application's, a DescribeAppEnvStatus reply about another EnvId, a TERMINATED
 * environment: each is unknown → no AbortChange, one record naming the fact. Through the real
 * handler and the strict sandbox.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import {
  appId,
  change,
  changeId,
  envId,
  eventBridgeEvent,
  httpEvent,
  scenario,
  summaryOf,
  timerEvent,
} from '../helpers/world.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const abortBody = (body: Record<string, unknown>) =>
  httpEvent({ path: '/abort', body: JSON.stringify(body) });
const stuck = (n: number, env: number) => change({ n, env, idleMin: 90, ageMin: 95 });
const protectOther = { protect: { appIds: [appId(9)] } };

describe('look-ups that cannot say which environment or application fail closed', () => {
  it('two environments name the same LatestChangeId: a manual abort by ChangeId is skipped', async () => {
    // Arrange: env 1 (quiet) claims env 0's running change as its latest.
    const s0 = scenario([2], [stuck(1, 0)]);
    const envs = (s0.envs as Record<string, unknown>[]).map((e, i) =>
      i === 1 ? { ...e, wire: { LatestChangeId: changeId(1), ApplyingChange: true } } : e,
    );
    h = await startHarness({ ...s0, envs });

    // Act
    const s = summaryOf(await h.handler(abortBody({ changeIds: [changeId(1)] }), fakeContext()));

    // Assert
    expect(h.sandbox.abortCalls()).toBe(0);
    expect(s.results).toHaveLength(1);
    expect(s.results[0]).toEqual(
      expect.objectContaining({ changeId: changeId(1), outcome: 'skipped' }),
    );
    expect(s.results[0]?.detail).toContain('matches 2 environments');
    expect(s.results[0]?.detail).toContain(envId(0));
    expect(s.results[0]?.detail).toContain(envId(1));
  });

  it('an EnvId listed under two applications: a manual abort by EnvId with protect.appIds is skipped', async () => {
    // Arrange: app 1's environment is listed with env 0's EnvId.
    const s0 = scenario([1, 1], [stuck(1, 0)]);
    const envs = (s0.envs as Record<string, unknown>[]).map((e, i) =>
      i === 1 ? { ...e, wire: { EnvId: envId(0) } } : e,
    );
    h = await startHarness({ ...s0, envs }, { policy: protectOther });

    // Act
    const s = summaryOf(await h.handler(abortBody({ envIds: [envId(0)] }), fakeContext()));

    // Assert
    expect(h.sandbox.abortCalls()).toBe(0);
    expect(s.results).toEqual([expect.objectContaining({ envId: envId(0), outcome: 'skipped' })]);
    expect(s.results[0]?.detail).toContain(`EnvId ${envId(0)} is listed 2 times`);
    // Each item named by the application it was listed under (red-team 12 H1: not one app twice)
    expect(s.results[0]?.detail).toContain(`under 2 applications (${appId(0)}, ${appId(1)})`);
  });

  for (const trigger of ['manual by ChangeId', 'manual by EnvId', 'sweep'] as const) {
    it(`${trigger}: a listing item whose AppId is another application's contradicts its listing (red-team 25 G3)`, async () => {
      // Arrange: env 0 is listed under app 0 but says it belongs to app 1.
      const s0 = scenario([1, 1], [stuck(1, 0)]);
      const envs = (s0.envs as Record<string, unknown>[]).map((e, i) =>
        i === 0 ? { ...e, wire: { AppId: appId(1) } } : e,
      );
      h = await startHarness({ ...s0, envs }, { policy: protectOther });
      const event =
        trigger === 'sweep'
          ? timerEvent()
          : abortBody(
              trigger === 'manual by ChangeId'
                ? { changeIds: [changeId(1)] }
                : { envIds: [envId(0)] },
            );

      // Act
      const s = summaryOf(await h.handler(event, fakeContext()));

      // Assert
      expect(h.sandbox.abortCalls()).toBe(0);
      const r = s.results.find((x) => x.changeId === changeId(1) || x.envId === envId(0));
      expect(r?.outcome).toBe('skipped');
      // Every path names both AppIds and the environment.
      expect(r?.detail).toBe(
        `DescribeAppEnvs of ${appId(0)} listed ${envId(0)} with AppId "${appId(1)}": the item's own AppId contradicts the application asked for (${appId(0)}), so which application it is in is unknown; not aborted (fail closed)`,
      );
    });
  }

  it('DescribeAppEnvStatus answers about another EnvId: a manual abort by EnvId is skipped', async () => {
    // Arrange: the status reply of env 0 names env 5.
    const s0 = scenario([1], [stuck(1, 0)]);
    const envs = (s0.envs as Record<string, unknown>[]).map((e) => ({
      ...e,
      wire: { EnvId: envId(5) },
    }));
    h = await startHarness({ ...s0, envs });

    // Act
    const s = summaryOf(await h.handler(abortBody({ envIds: [envId(0)] }), fakeContext()));

    // Assert
    expect(h.sandbox.abortCalls()).toBe(0);
    expect(s.results).toEqual([expect.objectContaining({ envId: envId(0), outcome: 'skipped' })]);
    expect(s.results[0]?.detail).toContain(`answered about EnvId "${envId(5)}"`);
  });
});

describe("only an environment's latest change can be in flight (oracle counterexample, seed 20261201)", () => {
  it('an alarm naming a ChangeId and an EnvId whose latest change is another: ignored, no AbortChange', async () => {
    // Arrange: env 0 holds an older running change 1 and its latest, change 2 (both "running"
    // in the sandbox, which real Web+ never shows: EnvOnChanging).
    h = await startHarness(
      scenario([1], [stuck(1, 0), change({ n: 2, env: 0, idleMin: 20, ageMin: 30 })]),
    );

    // Act
    const s = summaryOf(
      await h.handler(
        eventBridgeEvent(`evt-${Math.random()}`, `{changeId=${changeId(1)}, envId=${envId(0)}}`),
        fakeContext(),
      ),
    );

    // Assert
    expect(h.sandbox.abortCalls()).toBe(0);
    expect(s.results).toEqual([
      expect.objectContaining({ changeId: changeId(1), outcome: 'ignored' }),
    ]);
    expect(s.results[0]?.detail).toContain(`its latest is ${changeId(2)}`);
  });
});

describe('a TERMINATED environment has nothing in flight (oracle counterexample, seed 20261201)', () => {
  /** Env 0 is TERMINATED yet its change still reads as running (and ApplyingChange true). */
  async function terminatedWorld(policy: unknown = {}) {
    const s0 = scenario([1], [stuck(1, 0)]);
    const envs = (s0.envs as Record<string, unknown>[]).map((e) => ({
      ...e,
      EnvStatus: 'TERMINATED',
    }));
    h = await startHarness({ ...s0, envs }, { policy });
    return h;
  }

  // DescribeAppEnvStatus shows it TERMINATED and applying: a contradiction, `skipped` naming
  // both (red-team 24 F3); the listing leaves a terminated environment out: `not_found`, saying so.
  for (const [label, policy, outcome, words] of [
    [
      'no protect rule (DescribeAppEnvStatus)',
      {},
      'skipped',
      /is TERMINATED in region cn-hangzhou but reads ApplyingChange true with LatestChangeId .*the two contradict each other/,
    ],
    [
      'protect.appIds set (the listing)',
      protectOther,
      'not_found',
      /in no application DescribeAppEnvs lists .*leaves TERMINATED environments out/,
    ],
  ] as const) {
    it(`${label}: manual by EnvId, alarm by envId and a sweep of envIds abort nothing`, async () => {
      const events = {
        manual: () => abortBody({ envIds: [envId(0)] }),
        alarm: () => eventBridgeEvent(`evt-${Math.random()}`, `{envId=${envId(0)}}`),
        sweep: () => timerEvent({ envIds: [envId(0)] }),
      };
      for (const [trigger, event] of Object.entries(events)) {
        // Arrange
        const harness = await terminatedWorld(policy);

        // Act
        const s = summaryOf(await harness.handler(event(), fakeContext()));

        // Assert
        expect(harness.sandbox.abortCalls(), trigger).toBe(0);
        expect(
          s.results.map((r) => r.outcome),
          trigger,
        ).toEqual([outcome]);
        expect(s.results[0]?.detail, trigger).toMatch(words);
        await harness.close();
        h = undefined;
      }
    });
  }
});
