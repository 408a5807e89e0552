/**
 * Issue 10, kinds 7 and 8.
 * 7: the instance's memory of aborts only stops concurrent duplicates; a later request for the
 *    same change is decided from a fresh read of Web+ (here Web+ accepted an abort that did not
 *    take: the change still runs, so the later request aborts it again).
 * 8: `would_abort` decisions do not use up the enforce cap: in the operator guide's rollout
 *    (defaults dry-run, one trusted environment enforce), the trusted environment's stuck change
 *    is aborted even when many dry-run environments have older stuck changes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import {
  change,
  changeId,
  envId,
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

describe('kind 7: memory never answers for Web+', () => {
  it('an accepted abort that did not take: the next request reads Web+ and aborts again', async () => {
    // Arrange: the first AbortChange is answered OK but changes nothing.
    const ok = JSON.stringify({
      Code: 'OK',
      Message: 'success',
      RequestId: 'R1',
      EnvChange: { ChangeId: changeId(1), EnvId: envId(0), StartTime: Date.now() },
    });
    h = await startHarness(
      scenario([1], [change({ n: 1, env: 0, idleMin: 90, ageMin: 95 })], {
        faults: [
          {
            action: 'AbortChange',
            responses: [{ status: 200, contentType: 'application/json', body: ok }],
          },
        ],
      }),
    );
    const abort = () =>
      httpEvent({ path: '/abort', body: JSON.stringify({ changeIds: [changeId(1)] }) });

    // Act
    const first = summaryOf(await h.handler(abort(), fakeContext()));
    const second = summaryOf(await h.handler(abort(), fakeContext()));

    // Assert
    expect(first.results[0]?.outcome).toBe('aborted');
    expect(second.results[0]?.outcome).toBe('aborted');
    expect(h.sandbox.abortCalls(changeId(1))).toBe(2);
    expect(h.sandbox.change(changeId(1))?.ChangeFinished).toBe(false);
  });

  it('after a real abort, a later request records what Web+ says (already_aborting)', async () => {
    // Arrange
    h = await startHarness(
      scenario(
        [1],
        [change({ n: 1, env: 0, idleMin: 90, ageMin: 95, extra: { abortStepSeconds: null } })],
      ),
    );
    const abort = () => httpEvent({ path: '/abort', body: JSON.stringify({ envIds: [envId(0)] }) });

    // Act
    await h.handler(abort(), fakeContext());
    const second = summaryOf(await h.handler(abort(), fakeContext()));

    // Assert
    expect(second.results[0]?.outcome).toBe('already_aborting');
    expect(second.results[0]?.detail).not.toContain('this instance');
  });
});

describe('kind 8: dry-run decisions do not use up the enforce cap', () => {
  it('rollout: 5 dry-run envs with older stuck changes, cap 2: the trusted env is aborted', async () => {
    // Arrange: envs 0..4 dry-run (older stuck changes), env 5 enforce (newest stuck change).
    const changes = [0, 1, 2, 3, 4].map((n) => change({ n, env: n, idleMin: 90, ageMin: 200 - n }));
    changes.push(change({ n: 5, env: 5, idleMin: 45, ageMin: 50 }));
    h = await startHarness(scenario([6], changes), {
      policy: {
        defaults: { mode: 'dry-run' },
        environments: { [envId(5)]: { mode: 'enforce' } },
        sweep: { maxAbortsPerRun: 2 },
      },
    });

    // Act
    const s = summaryOf(await h.handler(timerEvent(), fakeContext()));

    // Assert
    const byChange = Object.fromEntries(s.results.map((r) => [r.changeId, r.outcome]));
    expect(byChange[changeId(5)]).toBe('aborted');
    expect(h.sandbox.abortCalls()).toBe(1);
    expect([0, 1, 2, 3, 4].map((n) => byChange[changeId(n)])).toEqual(Array(5).fill('would_abort'));
    expect(s.capReached).toBe(false);
  });

  it('the cap still holds for enforce aborts, oldest first', async () => {
    // Arrange
    const changes = [0, 1, 2].map((n) => change({ n, env: n, idleMin: 90, ageMin: 200 - n }));
    h = await startHarness(scenario([3], changes), { policy: { sweep: { maxAbortsPerRun: 2 } } });

    // Act
    const s = summaryOf(await h.handler(timerEvent(), fakeContext()));

    // Assert
    const byChange = Object.fromEntries(s.results.map((r) => [r.changeId, r.outcome]));
    expect(byChange).toEqual({
      [changeId(0)]: 'aborted',
      [changeId(1)]: 'aborted',
      [changeId(2)]: 'skipped',
    });
    expect(s.capReached).toBe(true);
  });
});
