/**
 * Red-team 25 G11: DescribeAppEnvs paging was not cross-checked. A `PageNumber` given as the
 * string "1" was accepted, `TotalCount` was never compared with the items the pages gave (more
 * items than announced, or a TotalCount that changed between pages, still made a whole listing),
 * and the environments of an application whose listing was incomplete were aborted on its
 * evidence. Now a page is read only when its `PageNumber` is the JSON integer asked for, its
 * `TotalCount` a whole JSON number and its `PageSize` (when echoed) a positive JSON integer no
 * smaller than its items; the listing is whole only when its items add up to one unchanging
 * TotalCount. Otherwise the application's listing is unknown: one `failed` record names the fact,
 * and nothing in that application is aborted (its in-flight environments are `skipped` saying
 * why), on a sweep and on a request by ChangeId alike. Through the real handler, pop-core's
 * signing and the strict sandbox serving the exact bytes.
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

const ENV = { ABORT_DRY_RUN: 'false', RETRY_MAX_ATTEMPTS: '1' };

/** The DescribeAppEnvs item of env `n` (app 0) applying stuck change `n + 1`. */
function item(n: number): Record<string, unknown> {
  return {
    EnvId: envId(n),
    AppId: appId(0),
    EnvName: `env-${n}`,
    EnvStatus: 'RUNNING',
    ApplyingChange: true,
    AbortingChange: false,
    LatestChangeId: changeId(n + 1),
  };
}

/** A DescribeAppEnvs body with these items and page fields. */
function page(items: number[], fields: Record<string, unknown>) {
  return {
    status: 200,
    contentType: 'application/json',
    body: JSON.stringify({
      AppEnvs: { AppEnv: items.map(item) },
      Code: 'OK',
      Message: 'success',
      RequestId: 'G11-REQUEST',
      ...fields,
    }),
  };
}

/** App 0 with envs 0 and 1, each applying a stuck change; DescribeAppEnvs answers `pages`. */
async function start(pages: unknown[]) {
  h = await startHarness(
    scenario(
      [2],
      [
        change({ n: 1, env: 0, idleMin: 90, ageMin: 95 }),
        change({ n: 2, env: 1, idleMin: 90, ageMin: 95 }),
      ],
      { faults: [{ action: 'DescribeAppEnvs', responses: pages }] },
    ),
    { env: ENV },
  );
  return h;
}

const TRIGGERS = {
  sweep: () => timerEvent(),
  'by ChangeId': () =>
    httpEvent({ path: '/abort', body: JSON.stringify({ changeIds: [changeId(1)] }) }),
} as const;

const UNREADABLE: [string, Record<string, unknown>, string][] = [
  [
    'PageNumber the string "1"',
    { PageNumber: '1', PageSize: 100, TotalCount: 2 },
    'PageNumber the string "1" answered for page 1: not the page asked for',
  ],
  [
    'PageNumber absent',
    { PageSize: 100, TotalCount: 2 },
    'PageNumber absent answered for page 1: not the page asked for',
  ],
  [
    'PageNumber 1.0 as a string',
    { PageNumber: '1.0', PageSize: 100, TotalCount: 2 },
    'PageNumber the string "1.0"',
  ],
  [
    'TotalCount absent',
    { PageNumber: 1, PageSize: 100 },
    'TotalCount is absent, not a whole count',
  ],
  [
    'PageSize the string "100"',
    { PageNumber: 1, PageSize: '100', TotalCount: 2 },
    'PageSize is the string "100", not a whole count of items per page',
  ],
  [
    'PageSize 1 beside 2 items',
    { PageNumber: 1, PageSize: 1, TotalCount: 2 },
    'PageSize 1 beside 2 item(s): the page holds more than its size',
  ],
];

describe('red-team 25 G11: a listing page whose paging fields are not exact is unreadable', () => {
  for (const [label, fields, words] of UNREADABLE)
    for (const [trigger, event] of Object.entries(TRIGGERS))
      it(`${label}, ${trigger}: failed naming it, nothing aborted`, async () => {
        // Arrange
        const harness = await start(Array.from({ length: 8 }, () => page([0, 1], fields)));

        // Act
        const s = summaryOf(await harness.handler(event(), fakeContext()));

        // Assert
        expect(calls(harness.sandbox.journal(), 'AbortChange')).toEqual([]);
        expect(calls(harness.sandbox.journal(), 'DescribeChange')).toEqual([]);
        const failed = s.results.filter((r) => r.outcome === 'failed');
        expect(failed.length).toBeGreaterThanOrEqual(1);
        expect(failed[0]!.errorCode).toBe('MalformedReply');
        expect(failed[0]!.detail).toContain(words);
        expect(s.results.every((r) => r.outcome === 'failed')).toBe(true);
      });
});

describe('red-team 25 G11: counts that do not add up leave the application unlisted', () => {
  const INCOMPLETE: [string, () => unknown[], RegExp][] = [
    [
      'TotalCount 1 beside 2 items',
      () => [page([0, 1], { PageNumber: 1, PageSize: 100, TotalCount: 1 })],
      /TotalCount says 1 but the pages brought 2 item\(s\)/,
    ],
    [
      'TotalCount 3 on page 1, 4 on page 2',
      () => [
        page([0, 1], { PageNumber: 1, PageSize: 100, TotalCount: 3 }),
        page([2], { PageNumber: 2, PageSize: 2, TotalCount: 4 }),
      ],
      /TotalCount said 3 on page 1 but 4 on page 2/,
    ],
    [
      'page 2 fails after page 1 said more',
      () => [
        page([0, 1], { PageNumber: 1, PageSize: 100, TotalCount: 3 }),
        { status: 400, code: 'OperationFailed', message: 'page two broke' },
      ],
      /page 2 failed: OperationFailed/,
    ],
  ];

  for (const [label, pages, words] of INCOMPLETE)
    for (const [trigger, event] of Object.entries(TRIGGERS))
      it(`${label}, ${trigger}: one failed record for the listing, its in-flight environments skipped, nothing aborted`, async () => {
        // Arrange
        const harness = await start(pages());

        // Act
        const s = summaryOf(await harness.handler(event(), fakeContext()));

        // Assert
        expect(calls(harness.sandbox.journal(), 'AbortChange')).toEqual([]);
        expect(calls(harness.sandbox.journal(), 'DescribeChange')).toEqual([]);
        expect(s.results.some((r) => r.outcome === 'aborted')).toBe(false);
        const mine = s.results.filter((r) => r.changeId === changeId(1));
        expect(mine.map((r) => r.outcome)).toEqual(trigger === 'sweep' ? ['skipped'] : ['skipped']);
        expect(mine[0]!.detail).toMatch(words);
        expect(mine[0]!.detail).toContain(
          `the listing of ${appId(0)} is incomplete, so what it says of ${envId(0)} is not relied on; not aborted (fail closed)`,
        );
        if (trigger === 'sweep') {
          const listing = s.results.filter((r) => r.outcome === 'failed' && !r.changeId);
          expect(listing).toHaveLength(1);
          expect(listing[0]!.detail).toMatch(words);
        }
      });

  it('control: the same two items with PageNumber 1, PageSize 100 and TotalCount 2 are read and both changes aborted', async () => {
    // Arrange
    const harness = await start([page([0, 1], { PageNumber: 1, PageSize: 100, TotalCount: 2 })]);

    // Act
    const s = summaryOf(await harness.handler(TRIGGERS.sweep(), fakeContext()));

    // Assert
    expect(
      s.results
        .map((r) => [r.changeId, r.outcome])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    ).toEqual([
      [changeId(1), 'aborted'],
      [changeId(2), 'aborted'],
    ]);
  });

  it('control: two pages whose items add up to an unchanging TotalCount are whole', async () => {
    // Arrange: the server pages by 1
    const harness = await start([
      page([0], { PageNumber: 1, PageSize: 1, TotalCount: 2 }),
      page([1], { PageNumber: 2, PageSize: 1, TotalCount: 2 }),
    ]);

    // Act
    const s = summaryOf(await harness.handler(TRIGGERS.sweep(), fakeContext()));

    // Assert
    expect(s.results.filter((r) => r.outcome === 'aborted')).toHaveLength(2);
    expect(s.results).toHaveLength(2);
  });
});

describe('red-team 25 G11: DescribeApplications pages are read the same way', () => {
  it('PageNumber the string "1": the application list is unreadable, nothing aborted', async () => {
    // Arrange
    const body = JSON.stringify({
      Applications: { Application: [{ AppId: appId(0), AppName: 'app-0' }] },
      PageNumber: '1',
      PageSize: 100,
      TotalCount: 1,
      Code: 'OK',
      Message: 'success',
      RequestId: 'G11-APPS',
    });
    h = await startHarness(
      scenario([1], [change({ n: 1, env: 0, idleMin: 90, ageMin: 95 })], {
        faults: [
          {
            action: 'DescribeApplications',
            responses: Array.from({ length: 8 }, () => ({
              status: 200,
              contentType: 'application/json',
              body,
            })),
          },
        ],
      }),
      { env: ENV },
    );

    // Act
    const s = summaryOf(await h.handler(timerEvent(), fakeContext()));

    // Assert
    expect(calls(h.sandbox.journal(), 'AbortChange')).toEqual([]);
    expect(s.results).toEqual([
      expect.objectContaining({ outcome: 'failed', errorCode: 'MalformedReply' }),
    ]);
    expect(s.results[0]!.detail).toContain('PageNumber the string "1" answered for page 1');
  });
});
