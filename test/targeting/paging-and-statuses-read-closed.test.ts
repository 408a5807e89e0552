/**
 * Red-team 12 F7: paging and statuses read as empty or as absence. A 206 or 202 listing, a
 * `PageNumber` echo that is not the page asked, a `TotalCount` of -1, null or the string "0"
 * beside items were read as if they were a listing (or "no changes"); a 403 DescribeChange was
 * recorded `not_found`. Now such a page is unreadable (`MalformedReply`: read again, then one
 * record naming the fact; no abort rests on it), and a 403 is recorded as permission (`failed`,
 * naming the 403), never absence. Through the real handler, pop-core's signing and the strict
 * sandbox serving the exact bytes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
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

/** A DescribeAppEnvs body listing env 0 applying stuck change 1, with `page` fields. */
function appEnvsBody(page: Record<string, unknown>): string {
  return JSON.stringify({
    AppEnvs: {
      AppEnv: [
        {
          EnvId: envId(0),
          AppId: appId(0),
          EnvName: 'env-0',
          EnvStatus: 'RUNNING',
          ApplyingChange: true,
          AbortingChange: false,
          LatestChangeId: changeId(1),
        },
      ],
    },
    PageSize: 100,
    Code: 'OK',
    Message: 'success',
    RequestId: 'F7-REQUEST',
    ...page,
  });
}

async function sweepWith(status: number, body: string) {
  const reply = { status, contentType: 'application/json', body };
  h = await startHarness(
    scenario([1], [change({ n: 1, env: 0, idleMin: 90, ageMin: 95 })], {
      faults: [{ action: 'DescribeAppEnvs', responses: Array.from({ length: 8 }, () => reply) }],
    }),
  );
  const s = summaryOf(await h.handler(timerEvent(), fakeContext()));
  return { s, h };
}

describe('F7: a listing page whose status or counts cannot be read is never a listing', () => {
  for (const [label, status, page, words] of [
    ['a 206 listing', 206, { PageNumber: 1, TotalCount: 1 }, 'a 206 reply'],
    ['a 202 listing', 202, { PageNumber: 1, TotalCount: 1 }, 'a 202 reply'],
    ['PageNumber 2 echoed for page 1', 200, { PageNumber: 2, TotalCount: 1 }, 'PageNumber'],
    ['TotalCount -1', 200, { PageNumber: 1, TotalCount: -1 }, 'TotalCount is the number -1'],
    ['TotalCount null', 200, { PageNumber: 1, TotalCount: null }, 'TotalCount is null'],
    ['TotalCount "0"', 200, { PageNumber: 1, TotalCount: '0' }, 'TotalCount is the string "0"'],
    [
      'TotalCount 0 beside items',
      200,
      { PageNumber: 1, TotalCount: 0 },
      'TotalCount is 0 beside 1 item',
    ],
  ] as const) {
    it(`${label}: no AbortChange, a failed record naming it`, async () => {
      // Act
      const { s, h: harness } = await sweepWith(status, appEnvsBody(page));

      // Assert
      expect(calls(harness.sandbox.journal(), 'AbortChange')).toHaveLength(0);
      expect(calls(harness.sandbox.journal(), 'DescribeChange')).toHaveLength(0);
      const failed = s.results.filter((r) => r.outcome === 'failed');
      expect(failed.length).toBeGreaterThanOrEqual(1);
      expect(
        failed.some((r) => r.errorCode === 'MalformedReply' && r.detail?.includes(words)),
      ).toBe(true);
    });
  }

  it('control: the same page with PageNumber 1 and TotalCount 1 is read, and the stuck change aborted', async () => {
    // Act
    const { s, h: harness } = await sweepWith(200, appEnvsBody({ PageNumber: 1, TotalCount: 1 }));

    // Assert
    expect(calls(harness.sandbox.journal(), 'AbortChange')).toHaveLength(1);
    expect(s.results.find((r) => r.changeId === changeId(1))?.outcome).toBe('aborted');
  });
});

describe('F7: a 403 DescribeChange is permission, not absence', () => {
  const forbidden = {
    action: 'DescribeChange',
    responses: Array.from({ length: 8 }, () => ({
      status: 403,
      code: 'ResourceAuthFailed',
      message: 'no permission',
    })),
  };

  it('sweep: failed naming the 403, never not_found, no AbortChange', async () => {
    // Arrange
    h = await startHarness(
      scenario([1], [change({ n: 1, env: 0, idleMin: 90, ageMin: 95 })], { faults: [forbidden] }),
    );

    // Act
    const s = summaryOf(await h.handler(timerEvent(), fakeContext()));

    // Assert
    const result = s.results.find((r) => r.changeId === changeId(1));
    expect(result?.outcome).toBe('failed');
    expect(result?.detail).toContain('Web+ answered 403 ResourceAuthFailed: permission refused');
    expect(calls(h.sandbox.journal(), 'AbortChange')).toHaveLength(0);
  });

  it('manual abort by ChangeId: failed naming the 403, never not_found, no AbortChange', async () => {
    // Arrange
    h = await startHarness(
      scenario([1], [change({ n: 1, env: 0, idleMin: 90, ageMin: 95 })], { faults: [forbidden] }),
    );

    // Act
    const s = summaryOf(
      await h.handler(
        httpEvent({ path: '/abort', body: JSON.stringify({ changeIds: [changeId(1)] }) }),
        fakeContext(),
      ),
    );

    // Assert
    const result = s.results.find((r) => r.changeId === changeId(1));
    expect(result?.outcome).toBe('failed');
    expect(result?.detail).toContain('permission refused, not proof that the id is absent');
    expect(calls(h.sandbox.journal(), 'AbortChange')).toHaveLength(0);
  });
});
