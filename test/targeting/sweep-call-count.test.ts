/**
 * The sweep's Web+ calls, counted from the sandbox journal: pages(DescribeApplications) +
 * pages(DescribeAppEnvs) per application + one DescribeChange per in-flight change + one
 * AbortChange per stuck change. Quiet environments cost nothing more.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import {
  appId,
  calls,
  change,
  changeId,
  scenario,
  summaryOf,
  timerEvent,
} from '../helpers/world.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const pages = (items: number, size: number) => Math.max(1, Math.ceil(items / size));

describe('sweep call count', () => {
  it('3 apps, 250 envs (pageSizeMax 100): calls = pages + DescribeChange per in-flight + AbortChange per stuck', async () => {
    // Arrange: envs 0..249 over apps of 150, 99 and 1 environments.
    // In flight: 4 stuck (idle 90), 3 not stuck (idle 5); 2 finished changes (quiet envs).
    const envsPerApp = [150, 99, 1];
    const changes = [
      ...[0, 120, 160, 249].map((env, i) => change({ n: i, env, idleMin: 90, ageMin: 95 })),
      ...[5, 149, 200].map((env, i) => change({ n: 10 + i, env, idleMin: 5, ageMin: 10 })),
      ...[7, 8].map((env, i) =>
        change({
          n: 20 + i,
          env,
          idleMin: 90,
          ageMin: 95,
          extra: { finished: true, succeed: true },
        }),
      ),
    ];
    h = await startHarness(scenario(envsPerApp, changes, { pageSizeMax: 100 }));

    // Act
    const s = summaryOf(await h.handler(timerEvent(), fakeContext()));

    // Assert
    const journal = h.sandbox.journal();
    const expected = {
      DescribeApplications: pages(3, 100),
      DescribeAppEnvs: envsPerApp.reduce((n, envs) => n + pages(envs, 100), 0),
      DescribeChange: 7,
      AbortChange: 4,
    };
    expect(expected.DescribeAppEnvs).toBe(4);
    for (const [action, count] of Object.entries(expected)) {
      expect(calls(journal, action), action).toHaveLength(count);
    }
    expect(journal).toHaveLength(1 + 4 + 7 + 4);
    expect(journal.every((j) => j.status === 200 && j.signatureValid)).toBe(true);
    envsPerApp.forEach((envs, app) => {
      expect(journal.filter((j) => j.query.AppId === appId(app)).length).toBe(pages(envs, 100));
    });
    expect(s.results.filter((r) => r.outcome === 'aborted').map((r) => r.changeId)).toEqual(
      expect.arrayContaining([0, 1, 2, 3].map(changeId)),
    );
    expect(s.results).toHaveLength(7);
  });

  it('applications themselves paged (pageSizeMax 2): 3 apps take 2 pages', async () => {
    // Arrange
    const envsPerApp = [3, 2, 1];
    h = await startHarness(
      scenario(envsPerApp, [change({ n: 1, env: 4, idleMin: 90, ageMin: 95 })], {
        pageSizeMax: 2,
      }),
    );

    // Act
    await h.handler(timerEvent(), fakeContext());

    // Assert
    const journal = h.sandbox.journal();
    expect(calls(journal, 'DescribeApplications')).toHaveLength(2);
    expect(calls(journal, 'DescribeAppEnvs')).toHaveLength(2 + 1 + 1);
    expect(calls(journal, 'DescribeChange')).toHaveLength(1);
    expect(calls(journal, 'AbortChange')).toHaveLength(1);
    expect(journal).toHaveLength(2 + 4 + 1 + 1);
  });

  it('no change in flight anywhere: only the listings', async () => {
    // Arrange
    h = await startHarness(scenario([2, 2], []));

    // Act
    const s = summaryOf(await h.handler(timerEvent(), fakeContext()));

    // Assert
    const journal = h.sandbox.journal();
    expect(journal.map((j) => j.action).sort()).toEqual([
      'DescribeAppEnvs',
      'DescribeAppEnvs',
      'DescribeApplications',
    ]);
    expect(s.results).toEqual([]);
    expect(h.records()).toEqual([]);
  });
});
