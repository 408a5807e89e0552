/**
 * Sweep scope and timer payload keys through the handler: envIds / appIds narrow the sweep (and
 * its Web+ calls), payload dryRun dry-runs, the policy's sweep.appIds is the default scope,
 * manual requests bypass the paused rule, an aborting environment is already_aborting, and a cap
 * of 0 skips everything.
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

/** apps 0, 1, 2 with envs 0 | 1 | 2; a stuck change in each. */
async function start(options: HarnessOptions = {}): Promise<Harness> {
  h = await startHarness(
    scenario(
      [1, 1, 1],
      [0, 1, 2].map((i) => change({ n: i, env: i, idleMin: 90, ageMin: 95 })),
    ),
    options,
  );
  return h;
}

const abortedIds = (harness: Harness) =>
  calls(harness.sandbox.journal(), 'AbortChange')
    .map((j) => j.changeId)
    .sort();

describe('sweep scope and timer payload', () => {
  it('payload appIds: only those apps are listed and swept; no DescribeApplications', async () => {
    // Arrange
    const harness = await start();

    // Act
    await harness.handler(timerEvent({ appIds: [appId(1)] }), fakeContext());

    // Assert
    const journal = harness.sandbox.journal();
    expect(calls(journal, 'DescribeApplications')).toHaveLength(0);
    expect(abortedIds(harness)).toEqual([changeId(1)]);
    expect(harness.records()).toHaveLength(1);
  });

  it('payload envIds: only those environments', async () => {
    // Arrange
    const harness = await start();

    // Act
    await harness.handler(timerEvent({ envIds: [envId(0), envId(2)] }), fakeContext());

    // Assert
    expect(abortedIds(harness)).toEqual([changeId(0), changeId(2)]);
  });

  it('payload envIds with no valid id: sweeps nothing (never everything), zero Web+ calls', async () => {
    // Arrange
    const harness = await start();

    // Act
    const s = summaryOf(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: an unrendered timer variable, on purpose
      await harness.handler(timerEvent({ envIds: ['we-bogus', '${env}'] }), fakeContext()),
    );

    // Assert
    expect(harness.sandbox.journal()).toHaveLength(0);
    // One record per bad element; the list as a whole needs no record of its own.
    expect(s.results.map((r) => r.detail?.split(':')[0])).toEqual([
      'payload.envIds[0]',
      'payload.envIds[1]',
    ]);
    expect(s.results.every((r) => r.outcome === 'invalid')).toBe(true);
  });

  it('payload envIds with one good and one bad id: nothing is swept, not even the good one', async () => {
    // Arrange
    const harness = await start();

    // Act
    const s = summaryOf(
      await harness.handler(timerEvent({ envIds: [envId(1), 'we-bogus'] }), fakeContext()),
    );

    // Assert
    expect(abortedIds(harness)).toEqual([]);
    expect(harness.sandbox.journal()).toHaveLength(0);
    expect(s.results).toEqual([
      expect.objectContaining({
        outcome: 'invalid',
        detail: expect.stringMatching(/^payload\.envIds\[1\]: .*nothing is swept/),
      }),
    ]);
  });

  it('an unreadable payload dryRun refuses the payload: nothing is swept', async () => {
    // Arrange
    const harness = await start();

    // Act
    const s = summaryOf(await harness.handler(timerEvent({ dryRun: 'maybe' }), fakeContext()));

    // Assert
    expect(harness.sandbox.journal()).toHaveLength(0);
    expect(s.results.map((r) => r.outcome)).toEqual(['invalid']);
    expect(s.results[0]?.detail).toContain('payload.dryRun');
  });

  it('policy sweep.appIds is the default scope', async () => {
    // Arrange
    const harness = await start({ policy: { sweep: { appIds: [appId(2)] } } });

    // Act
    await harness.handler(timerEvent(), fakeContext());

    // Assert
    expect(calls(harness.sandbox.journal(), 'DescribeApplications')).toHaveLength(0);
    expect(abortedIds(harness)).toEqual([changeId(2)]);
  });

  it('payload dryRun true: would_abort everywhere, dryRun in the summary, no AbortChange', async () => {
    // Arrange
    const harness = await start();

    // Act
    const s = summaryOf(await harness.handler(timerEvent({ dryRun: true }), fakeContext()));

    // Assert
    expect(s.dryRun).toBe(true);
    expect(s.results.map((r) => r.outcome)).toEqual(['would_abort', 'would_abort', 'would_abort']);
    expect(abortedIds(harness)).toEqual([]);
  });

  it('a dry run uses up none of the cap: every stuck change is would_abort', async () => {
    // Arrange
    const harness = await start({
      env: { ABORT_DRY_RUN: 'true' },
      policy: { sweep: { maxAbortsPerRun: 1 } },
    });

    // Act
    const s = summaryOf(await harness.handler(timerEvent(), fakeContext()));

    // Assert
    expect(s.capReached).toBe(false);
    expect(s.results.filter((r) => r.outcome === 'would_abort')).toHaveLength(3);
    expect(abortedIds(harness)).toEqual([]);
  });

  it('cap 0: every stuck change skipped, capReached, no AbortChange', async () => {
    // Arrange
    const harness = await start({ policy: { sweep: { maxAbortsPerRun: 0 } } });

    // Act
    const s = summaryOf(await harness.handler(timerEvent(), fakeContext()));

    // Assert
    expect(s.capReached).toBe(true);
    expect(s.results.every((r) => r.outcome === 'skipped')).toBe(true);
    expect(abortedIds(harness)).toEqual([]);
  });

  it('the cap does not apply to a manual request', async () => {
    // Arrange
    const harness = await start({ policy: { sweep: { maxAbortsPerRun: 1 } } });

    // Act
    const s = summaryOf(
      await harness.handler(
        httpEvent({
          path: '/abort',
          body: JSON.stringify({ changeIds: [changeId(0), changeId(1), changeId(2)] }),
        }),
        fakeContext(),
      ),
    );

    // Assert
    expect(s.capReached).toBe(false);
    expect(abortedIds(harness)).toEqual([changeId(0), changeId(1), changeId(2)]);
  });
});

describe('manual requests and change states', () => {
  it('a paused change is aborted by hand even with includePaused false', async () => {
    // Arrange
    h = await startHarness(
      scenario([1], [change({ n: 1, env: 0, idleMin: 3, ageMin: 5, extra: { paused: true } })]),
    );

    // Act
    const s = summaryOf(
      await h.handler(
        httpEvent({ path: '/abort', body: JSON.stringify({ changeIds: [changeId(1)] }) }),
        fakeContext(),
      ),
    );

    // Assert
    expect(s.results).toEqual([expect.objectContaining({ outcome: 'aborted' })]);
    expect(h.sandbox.abortCalls()).toBe(1);
  });

  it('an environment already aborting its change: already_aborting, no AbortChange (sweep and manual)', async () => {
    // Arrange
    h = await startHarness(
      scenario(
        [1],
        [
          change({
            n: 1,
            env: 0,
            idleMin: 90,
            ageMin: 95,
            extra: { aborting: true, abortStepSeconds: null },
          }),
        ],
      ),
    );

    // Act
    const sweep = summaryOf(await h.handler(timerEvent(), fakeContext()));
    const manual = summaryOf(
      await h.handler(
        httpEvent({ path: '/abort', body: JSON.stringify({ envIds: [envId(0)] }) }),
        fakeContext(),
      ),
    );

    // Assert
    expect(sweep.results).toEqual([expect.objectContaining({ outcome: 'already_aborting' })]);
    expect(manual.results).toEqual([expect.objectContaining({ outcome: 'already_aborting' })]);
    expect(h.sandbox.abortCalls()).toBe(0);
  });

  it('the aborted change reads as aborted in Web+ afterwards', async () => {
    // Arrange
    h = await startHarness(
      scenario(
        [1],
        [change({ n: 1, env: 0, idleMin: 90, ageMin: 95, extra: { abortStepSeconds: 0 } })],
      ),
    );

    // Act
    await h.handler(timerEvent(), fakeContext());
    await new Promise((resolve) => setTimeout(resolve, 50));

    // Assert
    expect(h.sandbox.change(changeId(1))).toMatchObject({
      ChangeFinished: true,
      ChangeAborted: true,
      ChangeSucceed: false,
    });
  });
});
