/**
 * Each policy rule at its boundary, through the real handler → pop-core → sandbox over HTTP.
 * Times are absolute (Date.now() − N ms) so the boundary does not drift with sandbox start.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, type HarnessOptions, startHarness } from '../helpers/harness.js';
import {
  appId,
  calls,
  change,
  changeId,
  envId,
  eventBridgeEvent,
  httpEvent,
  scenario,
  summaryOf,
  timerEvent,
} from '../helpers/world.js';

const MINUTE_MS = 60_000;

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function start(world: unknown, options: HarnessOptions = {}): Promise<Harness> {
  h = await startHarness(world, options);
  return h;
}

function outcomeOf(harness: Harness, id: string) {
  return harness.records().find((r) => r.changeId === id);
}

describe('stuck rules at their boundary (sweep)', () => {
  it('idle just under 30 min is not stuck; 31 min is', async () => {
    // Arrange: 29 min 50 s idle ("not yet", a few seconds of slack for the run) and 31 min
    const harness = await start(
      scenario(
        [2],
        [
          change({ n: 1, env: 0, idleMs: 30 * MINUTE_MS - 10_000, ageMin: 40 }),
          change({ n: 2, env: 1, idleMin: 31, ageMin: 40 }),
        ],
      ),
    );

    // Act
    await harness.handler(timerEvent(), fakeContext());

    // Assert
    expect(outcomeOf(harness, changeId(1))).toMatchObject({ outcome: 'skipped', idleMinutes: 29 });
    expect(outcomeOf(harness, changeId(2))).toMatchObject({
      outcome: 'aborted',
      reason: 'idle>30m',
      idleMinutes: 31,
    });
    expect(harness.sandbox.abortCalls(changeId(1))).toBe(0);
    expect(harness.sandbox.abortCalls(changeId(2))).toBe(1);
  });

  it('idle 30 min and a few seconds is stuck: the limit is strict, compared in ms', async () => {
    // Arrange: the record shows whole minutes (30), the comparison uses ms (30 min 5 s > 30 min)
    const harness = await start(
      scenario([1], [change({ n: 1, env: 0, idleMs: 30 * MINUTE_MS + 5_000, ageMin: 40 })]),
    );

    // Act
    await harness.handler(timerEvent(), fakeContext());

    // Assert
    expect(outcomeOf(harness, changeId(1))).toMatchObject({
      outcome: 'aborted',
      reason: 'idle>30m',
      idleMinutes: 30,
    });
  });

  it('idle exactly at a 31 min limit minus a second is not stuck', async () => {
    // Arrange
    const harness = await start(
      scenario([1], [change({ n: 1, env: 0, idleMs: 31 * MINUTE_MS - 1_000, ageMin: 40 })]),
      { policy: { defaults: { maxIdleMinutes: 31 } } },
    );

    // Act
    await harness.handler(timerEvent(), fakeContext());

    // Assert
    expect(outcomeOf(harness, changeId(1))).toMatchObject({ outcome: 'skipped', idleMinutes: 30 });
    expect(harness.sandbox.abortCalls()).toBe(0);
  });

  it('duration 239 min is not stuck, 241 min is (progress recent)', async () => {
    // Arrange
    const harness = await start(
      scenario(
        [2],
        [
          change({ n: 1, env: 0, idleMin: 1, ageMin: 239 }),
          change({ n: 2, env: 1, idleMin: 1, ageMin: 241 }),
        ],
      ),
    );

    // Act
    await harness.handler(timerEvent(), fakeContext());

    // Assert
    expect(outcomeOf(harness, changeId(1))?.outcome).toBe('skipped');
    expect(outcomeOf(harness, changeId(2))).toMatchObject({
      outcome: 'aborted',
      reason: 'duration>240m',
      changeAgeMinutes: 241,
    });
  });
});

describe('protect lists hold for every trigger', () => {
  const world = () =>
    scenario(
      [1, 1],
      [
        change({ n: 1, env: 0, idleMin: 90, ageMin: 95 }),
        change({ n: 2, env: 1, idleMin: 90, ageMin: 95 }),
      ],
    );
  const policy = {
    protect: { envIds: [envId(0)], appIds: [appId(1)] },
    alarms: [
      {
        match: { ruleId: 'alarmRule_uuid_00aa11bb22cc33dd44ee55ff' },
        envIds: [envId(0), envId(1)],
      },
    ],
  };

  it('timer sweep skips protected env and app', async () => {
    // Arrange
    const harness = await start(world(), { policy });

    // Act
    await harness.handler(timerEvent(), fakeContext());

    // Assert
    expect(harness.sandbox.abortCalls()).toBe(0);
    expect(outcomeOf(harness, changeId(1))).toMatchObject({ outcome: 'skipped' });
    expect(outcomeOf(harness, changeId(1))?.detail).toContain('protect.envIds');
    expect(outcomeOf(harness, changeId(2))?.detail).toContain('protect.appIds');
  });

  it('HTTP /abort by ChangeId and by EnvId skips protected ones', async () => {
    // Arrange
    const harness = await start(world(), { policy });
    const body = JSON.stringify({ changeIds: [changeId(1), changeId(2)] });

    // Act
    const byChange = summaryOf(
      await harness.handler(httpEvent({ path: '/abort', body }), fakeContext()),
    );
    const byEnv = summaryOf(
      await harness.handler(
        httpEvent({ path: '/abort', body: JSON.stringify({ envIds: [envId(0), envId(1)] }) }),
        fakeContext(),
      ),
    );

    // Assert
    expect(harness.sandbox.abortCalls()).toBe(0);
    expect(byChange.results.map((r) => r.outcome)).toEqual(['skipped', 'skipped']);
    expect(byEnv.results.map((r) => r.outcome)).toEqual(['skipped', 'skipped']);
  });

  it('an alarm (EventBridge) naming the change or matched by rule skips protected ones', async () => {
    // Arrange
    const harness = await start(world(), { policy });

    // Act
    await harness.handler(
      eventBridgeEvent('evt-0001', `{userId=1, changeId=${changeId(2)}}`),
      fakeContext(),
    );
    await harness.handler(eventBridgeEvent('evt-0002', '{userId=1}'), fakeContext());

    // Assert
    expect(harness.sandbox.abortCalls()).toBe(0);
    const records = harness.records();
    expect(records).toHaveLength(3);
    expect(records.every((r) => r.outcome === 'skipped' && r.detail.startsWith('protected'))).toBe(
      true,
    );
  });
});

describe('modes and the kill switch', () => {
  const world = () => scenario([1], [change({ n: 1, env: 0, idleMin: 90, ageMin: 95 })]);

  it('mode off: skipped, mode off, no AbortChange', async () => {
    // Arrange
    const harness = await start(world(), { policy: { defaults: { mode: 'off' } } });

    // Act
    await harness.handler(timerEvent(), fakeContext());

    // Assert
    expect(outcomeOf(harness, changeId(1))).toMatchObject({ outcome: 'skipped', mode: 'off' });
    expect(calls(harness.sandbox.journal(), 'AbortChange')).toHaveLength(0);
  });

  it('mode off wins over the kill switch and over a manual request', async () => {
    // Arrange
    const harness = await start(world(), {
      policy: { defaults: { mode: 'off' } },
      env: { ABORT_DRY_RUN: 'true' },
    });

    // Act
    const result = summaryOf(
      await harness.handler(
        httpEvent({ path: '/abort', body: JSON.stringify({ changeIds: [changeId(1)] }) }),
        fakeContext(),
      ),
    );

    // Assert
    expect(result.results).toEqual([expect.objectContaining({ outcome: 'skipped', mode: 'off' })]);
    expect(harness.sandbox.abortCalls()).toBe(0);
  });

  it('policy mode dry-run: would_abort, no AbortChange in the journal', async () => {
    // Arrange
    const harness = await start(world(), { policy: { defaults: { mode: 'dry-run' } } });

    // Act
    await harness.handler(timerEvent(), fakeContext());

    // Assert
    expect(outcomeOf(harness, changeId(1))).toMatchObject({
      outcome: 'would_abort',
      mode: 'dry-run',
      attempts: 0,
    });
    expect(calls(harness.sandbox.journal(), 'AbortChange')).toHaveLength(0);
    expect(harness.sandbox.change(changeId(1))?.ChangeFinished).toBe(false);
  });

  it('ABORT_DRY_RUN=true: every trigger dry-runs; dryRun true in the summary', async () => {
    // Arrange
    const harness = await start(world(), { env: { ABORT_DRY_RUN: 'true' } });

    // Act
    const timer = summaryOf(await harness.handler(timerEvent(), fakeContext()));
    const manual = summaryOf(
      await harness.handler(
        httpEvent({ path: '/abort', body: JSON.stringify({ changeIds: [changeId(1)] }) }),
        fakeContext(),
      ),
    );
    const alarm = summaryOf(
      await harness.handler(
        eventBridgeEvent('evt-0003', `{changeId=${changeId(1)}}`),
        fakeContext(),
      ),
    );

    // Assert
    for (const s of [timer, manual, alarm]) {
      expect(s.dryRun).toBe(true);
      expect(s.results).toEqual([
        expect.objectContaining({ outcome: 'would_abort', mode: 'dry-run', attempts: 0 }),
      ]);
    }
    expect(calls(harness.sandbox.journal(), 'AbortChange')).toHaveLength(0);
  });

  it('dryRun in the HTTP body: would_abort, no AbortChange', async () => {
    // Arrange
    const harness = await start(world());

    // Act
    const s = summaryOf(
      await harness.handler(
        httpEvent({
          path: '/abort',
          body: JSON.stringify({ changeIds: [changeId(1)], dryRun: true }),
        }),
        fakeContext(),
      ),
    );

    // Assert
    expect(s).toMatchObject({ dryRun: true, results: [{ outcome: 'would_abort' }] });
    expect(harness.sandbox.abortCalls()).toBe(0);
  });

  it('per-env override wins: one env dry-run, the other enforced', async () => {
    // Arrange
    const harness = await start(
      scenario(
        [2],
        [
          change({ n: 1, env: 0, idleMin: 90, ageMin: 95 }),
          change({ n: 2, env: 1, idleMin: 90, ageMin: 95 }),
        ],
      ),
      { policy: { environments: { [envId(0)]: { mode: 'dry-run' } } } },
    );

    // Act
    await harness.handler(timerEvent(), fakeContext());

    // Assert
    expect(outcomeOf(harness, changeId(1))).toMatchObject({
      outcome: 'would_abort',
      mode: 'dry-run',
    });
    expect(outcomeOf(harness, changeId(2))).toMatchObject({ outcome: 'aborted', mode: 'enforce' });
    expect(harness.sandbox.abortCalls(changeId(1))).toBe(0);
    expect(harness.sandbox.abortCalls(changeId(2))).toBe(1);
  });
});

describe('includePaused and actions', () => {
  it('a paused stuck change is skipped unless includePaused', async () => {
    // Arrange
    const world = () =>
      scenario([1], [change({ n: 1, env: 0, idleMin: 90, ageMin: 95, extra: { paused: true } })]);
    const harness = await start(world());

    // Act
    await harness.handler(timerEvent(), fakeContext());

    // Assert
    expect(outcomeOf(harness, changeId(1))).toMatchObject({ outcome: 'skipped' });
    expect(outcomeOf(harness, changeId(1))?.detail).toContain('paused');
    expect(harness.sandbox.abortCalls()).toBe(0);
    await harness.close();

    // Arrange (includePaused)
    const h2 = await start(world(), { policy: { defaults: { includePaused: true } } });

    // Act
    await h2.handler(timerEvent(), fakeContext());

    // Assert
    expect(outcomeOf(h2, changeId(1))).toMatchObject({ outcome: 'aborted' });
    expect(h2.sandbox.abortCalls(changeId(1))).toBe(1);
  });

  it('actions: only listed ActionNames are aborted', async () => {
    // Arrange
    const harness = await start(
      scenario(
        [2],
        [
          change({ n: 1, env: 0, idleMin: 90, ageMin: 95, extra: { ActionName: 'Apply' } }),
          change({ n: 2, env: 1, idleMin: 90, ageMin: 95, extra: { ActionName: 'Rollback' } }),
        ],
      ),
      { policy: { defaults: { actions: ['Apply'] } } },
    );

    // Act
    await harness.handler(timerEvent(), fakeContext());

    // Assert
    expect(outcomeOf(harness, changeId(1))?.outcome).toBe('aborted');
    expect(outcomeOf(harness, changeId(2))).toMatchObject({ outcome: 'skipped' });
    expect(outcomeOf(harness, changeId(2))?.detail).toContain('Rollback');
    expect(harness.sandbox.abortCalls(changeId(2))).toBe(0);
  });
});

describe('blast-radius cap', () => {
  it('maxAbortsPerRun 2 of 4: the two oldest are aborted, the rest skipped, capReached', async () => {
    // Arrange: ages 100, 400, 200, 300 min
    const ages = [100, 400, 200, 300];
    const harness = await start(
      scenario(
        [4],
        ages.map((ageMin, i) => change({ n: i, env: i, idleMin: 60, ageMin })),
      ),
      { policy: { sweep: { maxAbortsPerRun: 2 } } },
    );

    // Act
    const s = summaryOf(await harness.handler(timerEvent(), fakeContext()));

    // Assert
    expect(s.capReached).toBe(true);
    expect(outcomeOf(harness, changeId(1))?.outcome).toBe('aborted');
    expect(outcomeOf(harness, changeId(3))?.outcome).toBe('aborted');
    for (const n of [0, 2]) {
      expect(outcomeOf(harness, changeId(n))).toMatchObject({ outcome: 'skipped', attempts: 0 });
      expect(outcomeOf(harness, changeId(n))?.detail).toContain('cap reached');
      expect(harness.sandbox.abortCalls(changeId(n))).toBe(0);
    }
    expect(harness.sandbox.abortCalls()).toBe(2);
  });

  it('at the cap exactly: capReached false', async () => {
    // Arrange
    const harness = await start(
      scenario(
        [2],
        [0, 1].map((i) => change({ n: i, env: i, idleMin: 60, ageMin: 100 })),
      ),
      { policy: { sweep: { maxAbortsPerRun: 2 } } },
    );

    // Act
    const s = summaryOf(await harness.handler(timerEvent(), fakeContext()));

    // Assert
    expect(s.capReached).toBe(false);
    expect(harness.sandbox.abortCalls()).toBe(2);
  });
});

describe('timer payload thresholds', () => {
  it('payload maxIdleMinutes 60 replaces the default: idle 45 is not stuck, idle 61 is', async () => {
    // Arrange
    const harness = await start(
      scenario(
        [2],
        [
          change({ n: 1, env: 0, idleMin: 45, ageMin: 50 }),
          change({ n: 2, env: 1, idleMin: 61, ageMin: 70 }),
        ],
      ),
    );

    // Act
    await harness.handler(timerEvent({ maxIdleMinutes: 60 }), fakeContext());

    // Assert
    expect(outcomeOf(harness, changeId(1))?.outcome).toBe('skipped');
    expect(outcomeOf(harness, changeId(2))).toMatchObject({
      outcome: 'aborted',
      reason: 'idle>60m',
    });
  });

  it('payload maxDurationMinutes 100 replaces the default 240', async () => {
    // Arrange
    const harness = await start(scenario([1], [change({ n: 1, env: 0, idleMin: 1, ageMin: 101 })]));

    // Act
    await harness.handler(timerEvent({ maxDurationMinutes: 100 }), fakeContext());

    // Assert
    expect(outcomeOf(harness, changeId(1))).toMatchObject({
      outcome: 'aborted',
      reason: 'duration>100m',
    });
  });

  it('a per-env entry wins over the payload threshold', async () => {
    // Arrange
    const harness = await start(
      scenario(
        [2],
        [
          change({ n: 1, env: 0, idleMin: 45, ageMin: 50 }),
          change({ n: 2, env: 1, idleMin: 45, ageMin: 50 }),
        ],
      ),
      { policy: { environments: { [envId(0)]: { maxIdleMinutes: 40 } } } },
    );

    // Act
    await harness.handler(timerEvent({ maxIdleMinutes: 60 }), fakeContext());

    // Assert
    expect(outcomeOf(harness, changeId(1))).toMatchObject({
      outcome: 'aborted',
      reason: 'idle>40m',
    });
    expect(outcomeOf(harness, changeId(2))?.outcome).toBe('skipped');
  });

  it('an invalid payload value is one invalid record each and the sweep is refused', async () => {
    // Arrange: idle 20 min; a payload of 0 or 10 must not make it stuck
    const harness = await start(scenario([1], [change({ n: 1, env: 0, idleMin: 20, ageMin: 25 })]));

    // Act
    const s = summaryOf(
      await harness.handler(timerEvent({ maxIdleMinutes: -5, bogus: 1 }), fakeContext()),
    );

    // Assert
    const invalid = s.results.filter((r) => r.outcome === 'invalid');
    expect(invalid).toHaveLength(2);
    expect(invalid.map((r) => r.detail).join(' ')).toContain('maxIdleMinutes');
    expect(invalid.map((r) => r.detail).join(' ')).toContain('bogus');
    expect(s.results).toHaveLength(2);
    expect(harness.sandbox.journal()).toHaveLength(0);
  });
});
