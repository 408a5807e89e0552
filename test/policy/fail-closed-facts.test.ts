/**
 * Issue 10, kinds 2 and 5: facts that cannot be read. Times are epoch ms as a number or a digit
 * string; anything else, or absent, is unknown (never 0, never another field), and a change
 * whose times are unknown is never aborted by any trigger. Flags that say whether a change is in
 * flight, and its EnvId, are read as strictly. With `protect.appIds` set, a change whose AppId
 * cannot be learned (missing or malformed AppId, an empty page, a failed read) is never aborted.
 * Served by the sandbox's `wire` / `wireOmit` overrides.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import {
  alarmFields,
  appId,
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

const abortBody = (body: Record<string, unknown>) =>
  httpEvent({ path: '/abort', body: JSON.stringify(body) });
const alarmEvent = (cid: string) =>
  eventBridgeEnvelope(alarmFields(`{changeId=${cid}}`, Date.now()), { time: undefined });

/** One stuck change (idle 90 min) whose wire fields are replaced / left out. */
async function world(wire: Record<string, unknown>, wireOmit: string[] = [], policy: unknown = {}) {
  h = await startHarness(
    scenario([1], [change({ n: 1, env: 0, idleMin: 90, ageMin: 95, extra: { wire, wireOmit } })]),
    { policy },
  );
  return h;
}

const TRIGGERS = {
  sweep: () => timerEvent(),
  manual: () => abortBody({ changeIds: [changeId(1)] }),
  alarm: () => alarmEvent(changeId(1)),
} as const;

describe('kind 2: times that cannot be read are unknown, and unknown never aborts', () => {
  const odd: [string, unknown][] = [
    ['an ISO string', '2026-05-20T02:00:00Z'],
    ['null', null],
    ['an empty string', ''],
    ['zero', 0],
    ['seconds', 1779242400],
    ['a fraction', 1779242400000.5],
    ['a negative number', -1779242400000],
    ['an object', { value: 1779242400000 }],
    ['a padded digit string', ' 1779242400000 '],
    ['a boolean', true],
  ];
  for (const field of ['CreateTime', 'UpdateTime']) {
    for (const [label, value] of odd) {
      it(`${field} ${label}: skipped by every trigger, detail names ${field}`, async () => {
        for (const [trigger, event] of Object.entries(TRIGGERS)) {
          // Arrange
          const harness = await world({ [field]: value });

          // Act
          const s = summaryOf(await harness.handler(event(), fakeContext()));

          // Assert
          expect(harness.sandbox.abortCalls(), trigger).toBe(0);
          expect(s.results, trigger).toEqual([
            expect.objectContaining({ changeId: changeId(1), outcome: 'skipped' }),
          ]);
          expect(s.results[0]?.detail, trigger).toContain(field);
          await harness.close();
          h = undefined;
        }
      });
    }
    it(`${field} absent: skipped, never replaced by the other time`, async () => {
      // Arrange
      const harness = await world({}, [field]);

      // Act
      const s = summaryOf(await harness.handler(timerEvent(), fakeContext()));

      // Assert
      expect(harness.sandbox.abortCalls()).toBe(0);
      expect(s.results[0]?.detail).toContain(`${field} is absent`);
    });
  }

  it('a digit string is epoch ms: the stuck change is aborted', async () => {
    // Arrange
    const now = Date.now();
    const harness = await world({
      CreateTime: String(now - 95 * 60_000),
      UpdateTime: String(now - 90 * 60_000),
    });

    // Act
    const s = summaryOf(await harness.handler(timerEvent(), fakeContext()));

    // Assert
    expect(s.results).toEqual([expect.objectContaining({ outcome: 'aborted' })]);
    expect(harness.sandbox.abortCalls()).toBe(1);
  });

  for (const [flag, value] of [
    ['ChangeFinished', null],
    ['ChangeAborted', 'yes'],
    ['ChangePaused', 1],
  ] as const) {
    it(`${flag} ${JSON.stringify(value)}: in flight is unknown, skipped by every trigger`, async () => {
      for (const [trigger, event] of Object.entries(TRIGGERS)) {
        // Arrange
        const harness = await world({ [flag]: value });

        // Act
        const s = summaryOf(await harness.handler(event(), fakeContext()));

        // Assert
        expect(harness.sandbox.abortCalls(), trigger).toBe(0);
        expect(s.results[0]?.outcome, trigger).toBe('skipped');
        expect(s.results[0]?.detail, trigger).toContain(flag);
        await harness.close();
        h = undefined;
      }
    });
  }

  it('a change whose EnvId is missing is skipped: its environment rules cannot be known', async () => {
    // Arrange
    const harness = await world({}, ['EnvId']);

    // Act
    const s = summaryOf(
      await harness.handler(abortBody({ changeIds: [changeId(1)] }), fakeContext()),
    );

    // Assert
    expect(harness.sandbox.abortCalls()).toBe(0);
    expect(s.results[0]).toEqual(expect.objectContaining({ outcome: 'skipped' }));
    expect(s.results[0]?.detail).toContain('EnvId');
  });
});

describe('kind 5: protection that cannot be checked fails closed', () => {
  const protectOther = { protect: { appIds: [appId(9)] } };

  async function envWorld(envWire: Record<string, unknown>, envOmit: string[] = []) {
    h = await startHarness(
      {
        ...scenario([1], [change({ n: 1, env: 0, idleMin: 90, ageMin: 95 })]),
        envs: [
          { EnvId: envId(0), AppId: appId(0), EnvName: 'env-0', wire: envWire, wireOmit: envOmit },
        ],
      },
      { policy: protectOther },
    );
    return h;
  }

  it('AppId empty or malformed in the listing: the read fails (MalformedReply naming the field), nothing aborted', async () => {
    for (const wire of [
      { AppId: '' },
      { AppId: 'WA-5D39' },
      { AppId: ['wa-5d39b7a06786bd4b14930001'] },
    ]) {
      for (const [trigger, event] of Object.entries(TRIGGERS)) {
        // Arrange
        const harness = await envWorld(wire);

        // Act
        const s = summaryOf(await harness.handler(event(), fakeContext()));

        // Assert
        expect(harness.sandbox.abortCalls(), trigger).toBe(0);
        expect(s.results[0]?.outcome, trigger).toBe('failed');
        expect(s.results[0]?.detail, trigger).toMatch(
          /AppEnv(s\.AppEnv\[0\])?\.AppId|EnvStatus\.AppId/,
        );
        await harness.close();
        h = undefined;
      }
    }
  });

  for (const [label, wire, omit] of [['AppId missing', {}, ['AppId']]] as const) {
    it(`${label}: skipped by sweep, manual and alarm; detail names AppId`, async () => {
      for (const [trigger, event] of Object.entries(TRIGGERS)) {
        // Arrange
        const harness = await envWorld(wire, [...omit]);

        // Act
        const s = summaryOf(await harness.handler(event(), fakeContext()));

        // Assert
        expect(harness.sandbox.abortCalls(), trigger).toBe(0);
        expect(s.results[0]?.outcome, trigger).toBe('skipped');
        // The listing item contradicts its listing (red-team 25 G3), protect.appIds or not.
        expect(s.results[0]?.detail, trigger).toContain(
          `listed ${envId(0)} without its AppId: the item's own AppId contradicts the application asked for (${appId(0)})`,
        );
        await harness.close();
        h = undefined;
      }
    });
  }

  it('the environment read answers an empty page: a manual abort by ChangeId is skipped', async () => {
    // Arrange: the change names an environment Web+ does not list.
    h = await startHarness(
      scenario(
        [1],
        [change({ n: 1, env: 0, idleMin: 90, ageMin: 95, extra: { wire: { EnvId: envId(7) } } })],
      ),
      { policy: protectOther },
    );

    // Act
    const s = summaryOf(await h.handler(abortBody({ changeIds: [changeId(1)] }), fakeContext()));

    // Assert
    expect(h.sandbox.abortCalls()).toBe(0);
    expect(s.results[0]).toEqual(expect.objectContaining({ outcome: 'skipped' }));
    expect(s.results[0]?.detail).toContain('AppId');
  });

  it('the environment read fails: failed, no AbortChange', async () => {
    // Arrange
    h = await startHarness(
      scenario([1], [change({ n: 1, env: 0, idleMin: 90, ageMin: 95 })], {
        faults: [
          {
            action: 'DescribeAppEnvs',
            responses: Array(8).fill({ status: 403, code: 'Forbidden.RAM' }),
          },
        ],
      }),
      { policy: protectOther },
    );

    // Act
    const s = summaryOf(await h.handler(abortBody({ changeIds: [changeId(1)] }), fakeContext()));

    // Assert
    expect(h.sandbox.abortCalls()).toBe(0);
    expect(s.results[0]?.outcome).toBe('failed');
  });

  it('with no protect.appIds, a listing item without its AppId is still skipped (red-team 25 G3), naming AppId', async () => {
    // Arrange
    h = await startHarness({
      ...scenario([1], [change({ n: 1, env: 0, idleMin: 90, ageMin: 95 })]),
      envs: [{ EnvId: envId(0), AppId: appId(0), EnvName: 'env-0', wireOmit: ['AppId'] }],
    });

    // Act
    const s = summaryOf(await h.handler(timerEvent(), fakeContext()));

    // Assert
    expect(s.results).toEqual([expect.objectContaining({ outcome: 'skipped' })]);
    expect(s.results[0]?.detail).toContain('without its AppId');
    expect(h.sandbox.abortCalls()).toBe(0);
  });
});
