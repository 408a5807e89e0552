/**
 * Red-team 24 F3: an environment whose `EnvStatus` is TERMINATED but which still reads
 * `ApplyingChange: true` with a `LatestChangeId` was left out of a sweep with no record (a hole
 * in the sweep's coverage nobody was told about), and a manual abort of a change of a terminated
 * environment said "the latest change of no environment". A contradiction is never resolved
 * silently: one `skipped` record naming both facts, no DescribeChange, no AbortChange; and the
 * manual detail says what was read. Through the real handler and the strict sandbox: the listed
 * TERMINATED status is a wire override (the sandbox lists the environment, its item says
 * TERMINATED); a really terminated environment is one DescribeAppEnvs leaves out.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import {
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

const ENV = { ABORT_DRY_RUN: 'false', RETRY_MAX_ATTEMPTS: '1' };

/** Env 0 stuck and healthy; env 1 stuck, its items reading TERMINATED (status `how`). */
function world(how: 'listed' | 'terminated') {
  const w = scenario(
    [2],
    [
      change({ n: 0, env: 0, idleMin: 90, ageMin: 95 }),
      change({ n: 1, env: 1, idleMin: 90, ageMin: 95 }),
    ],
  );
  const envs = (w.envs as Record<string, unknown>[]).map((e, i) =>
    i !== 1
      ? e
      : how === 'listed'
        ? { ...e, wire: { EnvStatus: 'TERMINATED' } }
        : { ...e, EnvStatus: 'TERMINATED' },
  );
  return { ...w, envs };
}

describe('TERMINATED yet applying a change', () => {
  it('a sweep writes one skipped record for it, naming both facts; the other change is aborted', async () => {
    // Arrange
    h = await startHarness(world('listed'), { env: ENV });

    // Act
    const s = summaryOf(await h.handler(timerEvent(), fakeContext()));

    // Assert: one record per environment with a change; the contradictory one skipped, unread
    const rows = h
      .records()
      .filter((r) => r.changeId)
      .map((r) => [r.changeId, r.envId, r.outcome])
      .sort();
    expect(rows).toEqual([
      [changeId(0), envId(0), 'aborted'],
      [changeId(1), envId(1), 'skipped'],
    ]);
    const r = h.records().find((x) => x.changeId === changeId(1))!;
    expect(r.detail).toBe(
      `DescribeAppEnvs: environment ${envId(1)} is TERMINATED in region cn-hangzhou but reads ApplyingChange true with LatestChangeId ${changeId(1)}: the two contradict each other (a TERMINATED environment applies no change); not aborted (fail closed)`,
    );
    expect(calls(h.sandbox.journal(), 'DescribeChange', changeId(1))).toHaveLength(0);
    expect(calls(h.sandbox.journal(), 'AbortChange', changeId(1))).toHaveLength(0);
    expect(s.results.filter((x) => x.changeId === changeId(1))).toHaveLength(1);
  });

  it('a manual abort of its change is skipped with the same words, never aborted', async () => {
    // Arrange
    h = await startHarness(world('listed'), { env: ENV });

    // Act
    summaryOf(
      await h.handler(
        httpEvent({ path: '/abort', body: JSON.stringify({ changeIds: [changeId(1)] }) }),
        fakeContext(),
      ),
    );

    // Assert
    const got = h.records().filter((x) => x.changeId === changeId(1));
    expect(got.map((x) => x.outcome)).toEqual(['skipped']);
    expect(got[0]!.detail).toContain(
      `environment ${envId(1)} is TERMINATED in region cn-hangzhou but reads ApplyingChange true with LatestChangeId ${changeId(1)}`,
    );
    expect(calls(h.sandbox.journal(), 'AbortChange')).toHaveLength(0);
  });

  it('a manual abort by its EnvId (DescribeAppEnvStatus) is skipped too', async () => {
    // Arrange: really terminated; DescribeAppEnvStatus still shows the change applying
    h = await startHarness(world('terminated'), { env: ENV });

    // Act
    await h.handler(
      httpEvent({ path: '/abort', body: JSON.stringify({ envIds: [envId(1)] }) }),
      fakeContext(),
    );

    // Assert
    const got = h.records().filter((x) => x.envId === envId(1));
    expect(got.map((x) => x.outcome)).toEqual(['skipped']);
    expect(got[0]!.detail).toContain(
      `DescribeAppEnvStatus: environment ${envId(1)} is TERMINATED in region cn-hangzhou but reads ApplyingChange true with LatestChangeId ${changeId(1)}`,
    );
    expect(calls(h.sandbox.journal(), 'AbortChange')).toHaveLength(0);
  });

  it('a change of an environment DescribeAppEnvs leaves out: not_found, saying the listing leaves TERMINATED ones out', async () => {
    // Arrange: really terminated, so the listing (no IncludeTerminated) does not show it
    h = await startHarness(world('terminated'), { env: ENV });

    // Act
    await h.handler(
      httpEvent({ path: '/abort', body: JSON.stringify({ changeIds: [changeId(1)] }) }),
      fakeContext(),
    );

    // Assert: true words, not "the latest change of no environment"
    const got = h.records().filter((x) => x.changeId === changeId(1));
    expect(got.map((x) => x.outcome)).toEqual(['not_found']);
    expect(got[0]!.detail).toBe(
      `ChangeId ${changeId(1)} is the LatestChangeId of no environment DescribeAppEnvs lists in region cn-hangzhou (the listing leaves TERMINATED environments out): only an environment's latest change can be in flight, so it is not in flight here (and Web+ needs its EnvId to read it)`,
    );
    expect(calls(h.sandbox.journal(), 'AbortChange')).toHaveLength(0);
  });

  it('a TERMINATED environment applying nothing stays quiet in a sweep (no record, as before)', async () => {
    // Arrange: env 1 terminated in its item, its change finished long ago
    const w = scenario(
      [2],
      [
        change({ n: 0, env: 0, idleMin: 90, ageMin: 95 }),
        change({ n: 1, env: 1, idleMin: 90, ageMin: 95, extra: { finished: true, succeed: true } }),
      ],
    );
    const envs = (w.envs as Record<string, unknown>[]).map((e, i) =>
      i === 1 ? { ...e, wire: { EnvStatus: 'TERMINATED' } } : e,
    );
    h = await startHarness({ ...w, envs }, { env: ENV });

    // Act
    await h.handler(timerEvent(), fakeContext());

    // Assert
    expect(h.records().filter((r) => r.envId === envId(1))).toEqual([]);
    expect(h.records().find((r) => r.changeId === changeId(0))?.outcome).toBe('aborted');
  });
});
