/**
 * Red-team 25 G3: DescribeAppEnvs(AppId=A) returning an item whose own `AppId` is B (or has none)
 * was taken as A's environment: its stuck change was aborted, judged within `sweep.appIds: [A]`
 * unless `protect.appIds` listed B. The item contradicts the listing it came in: now the
 * environment is `skipped` naming `AppId` with both values, never read and never aborted, on
 * every path that lists (a sweep, one scoped to A, a request or an alarm by ChangeId, a request by
 * EnvId when a rule needs the AppId). Through the real handler, pop-core's signing and the strict
 * sandbox (the item's AppId is a `wire` override; the sandbox still lists it under A).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import {
  alarmFields,
  appId,
  calls,
  change,
  changeId,
  envId,
  eventBridgeEnvelope,
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

/** App 0 holds envs 0 and 1 (both stuck), app 1 holds env 2; env 1's item says `wire`. */
function world(item: { AppId: string } | 'omit') {
  const w = scenario(
    [2, 1],
    [
      change({ n: 0, env: 0, idleMin: 90, ageMin: 95 }),
      change({ n: 1, env: 1, idleMin: 90, ageMin: 95 }),
    ],
  );
  const envs = (w.envs as Record<string, unknown>[]).map((e, i) =>
    i !== 1 ? e : item === 'omit' ? { ...e, wireOmit: ['AppId'] } : { ...e, wire: item },
  );
  return { ...w, envs };
}

const TRIGGERS: [string, () => Buffer, unknown][] = [
  ['timer sweep of every application', () => timerEvent(), {}],
  ['timer sweep within sweep.appIds [A]', () => timerEvent(), { sweep: { appIds: [appId(0)] } }],
  [
    'timer sweep within sweep.appIds [A], protect.appIds [another]',
    () => timerEvent(),
    { sweep: { appIds: [appId(0)] }, protect: { appIds: [appId(7)] } },
  ],
  [
    'HTTP sweep naming A',
    () => httpEvent({ path: '/sweep', body: JSON.stringify({ appIds: [appId(0)] }) }),
    {},
  ],
  [
    'HTTP by ChangeId',
    () => httpEvent({ path: '/abort', body: JSON.stringify({ changeIds: [changeId(1)] }) }),
    {},
  ],
  [
    'HTTP by EnvId with protect.appIds (DescribeAppEnvs)',
    () => httpEvent({ path: '/abort', body: JSON.stringify({ envIds: [envId(1)] }) }),
    { protect: { appIds: [appId(7)] } },
  ],
  [
    'alarm by ChangeId',
    () =>
      eventBridgeEnvelope(alarmFields(`{changeId=${changeId(1)}}`, Date.now()), {
        time: undefined,
      }),
    {},
  ],
];

describe('red-team 25 G3: an environment listed under A whose own AppId says otherwise', () => {
  for (const [label, item, words] of [
    [
      'AppId B',
      { AppId: appId(1) },
      `DescribeAppEnvs of ${appId(0)} listed ${envId(1)} with AppId "${appId(1)}": the item's own AppId contradicts the application asked for (${appId(0)}), so which application it is in is unknown; not aborted (fail closed)`,
    ],
    [
      'no AppId',
      'omit',
      `DescribeAppEnvs of ${appId(0)} listed ${envId(1)} without its AppId: the item's own AppId contradicts the application asked for (${appId(0)}), so which application it is in is unknown; not aborted (fail closed)`,
    ],
  ] as const)
    for (const [trigger, event, policy] of TRIGGERS)
      it(`${label}, ${trigger}: skipped naming AppId (both values), never aborted`, async () => {
        // Arrange
        h = await startHarness(world(item), { env: ENV, policy });

        // Act
        const s = summaryOf(await h.handler(event(), fakeContext()));

        // Assert
        const mine = s.results.filter((r) => r.changeId === changeId(1) || r.envId === envId(1));
        expect(mine.map((r) => [r.outcome, r.detail])).toEqual([['skipped', words]]);
        expect(calls(h.sandbox.journal(), 'AbortChange', changeId(1))).toEqual([]);
        expect(calls(h.sandbox.journal(), 'DescribeChange', changeId(1))).toEqual([]);
        if (trigger.startsWith('timer') || trigger.startsWith('HTTP sweep'))
          expect(s.results.find((r) => r.changeId === changeId(0))?.outcome).toBe('aborted');
      });

  for (const [trigger, event, policy] of TRIGGERS)
    it(`control: the item says A, ${trigger}: the stuck change is aborted`, async () => {
      // Arrange
      h = await startHarness(world({ AppId: appId(0) }), { env: ENV, policy });

      // Act
      const s = summaryOf(await h.handler(event(), fakeContext()));

      // Assert
      expect(s.results.find((r) => r.changeId === changeId(1))?.outcome).toBe('aborted');
    });
});
