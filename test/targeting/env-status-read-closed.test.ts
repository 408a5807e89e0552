/**
 * Red-team 25 G1: only the exact `EnvStatus` "TERMINATED" was taken as "not a live
 * environment"; an absent, non-string, blank or unknown EnvStatus beside `ApplyingChange: true`
 * was treated as fine and the stuck change aborted. The reference documents RUNNING,
 * INITIALIZING, TERMINATED, ABNORMAL (docs/reference/webplus-api.md, "Environment status") and
 * TERMINATING (the DescribeAppEnvs example's LastEnvStatus). Now only RUNNING and INITIALIZING
 * let a change be judged; any other documented status, an undocumented one, or one that is not
 * a non-blank string is `skipped` naming `EnvStatus`, on every trigger, and never aborted.
 * Through the real handler, pop-core's signing and the strict sandbox (env `wire` overrides
 * serve the status in DescribeAppEnvs items and DescribeAppEnvStatus alike).
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

/** Env 0 healthy, env 1 with EnvStatus served as `status` (undefined: left out); both stuck. */
function world(status: { value: unknown } | 'omit') {
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
      : status === 'omit'
        ? { ...e, wireOmit: ['EnvStatus'] }
        : { ...e, wire: { EnvStatus: status.value } },
  );
  return { ...w, envs };
}

const alarm = (dims: string) =>
  eventBridgeEnvelope(alarmFields(dims, Date.now()), { time: undefined });

/** Each trigger, and the policy it runs under (protect.appIds makes by-EnvId list the region). */
const TRIGGERS: [string, () => Buffer, unknown][] = [
  ['timer sweep', () => timerEvent(), {}],
  [
    'HTTP by ChangeId',
    () => httpEvent({ path: '/abort', body: JSON.stringify({ changeIds: [changeId(1)] }) }),
    {},
  ],
  [
    'HTTP by EnvId (DescribeAppEnvStatus)',
    () => httpEvent({ path: '/abort', body: JSON.stringify({ envIds: [envId(1)] }) }),
    {},
  ],
  [
    'HTTP by EnvId with protect.appIds (DescribeAppEnvs)',
    () => httpEvent({ path: '/abort', body: JSON.stringify({ envIds: [envId(1)] }) }),
    { protect: { appIds: [appId(9)] } },
  ],
  ['alarm by ChangeId', () => alarm(`{changeId=${changeId(1)}}`), {}],
  ['alarm by ChangeId and EnvId', () => alarm(`{changeId=${changeId(1)}, envId=${envId(1)}}`), {}],
  ['alarm by EnvId', () => alarm(`{envId=${envId(1)}}`), {}],
];

const REFUSED: [string, { value: unknown } | 'omit', string][] = [
  ['absent', 'omit', 'EnvStatus is absent: unknown environment status'],
  ['a number', { value: 7 }, 'EnvStatus 7 is not a string: unknown environment status'],
  ['null', { value: null }, 'EnvStatus null is not a string: unknown environment status'],
  ['blank', { value: '  ' }, 'EnvStatus "  " is blank: unknown environment status'],
  [
    'lower case',
    { value: 'running' },
    'EnvStatus "running" is not one of the documented values (RUNNING, INITIALIZING, TERMINATING, TERMINATED, ABNORMAL): unknown environment status',
  ],
  [
    'undocumented STOPPED',
    { value: 'STOPPED' },
    'EnvStatus "STOPPED" is not one of the documented values',
  ],
  [
    'documented TERMINATING',
    { value: 'TERMINATING' },
    'EnvStatus "TERMINATING": the environment is not in a state in which a change is judged live (only RUNNING and INITIALIZING are)',
  ],
  [
    'documented ABNORMAL',
    { value: 'ABNORMAL' },
    'EnvStatus "ABNORMAL": the environment is not in a state in which a change is judged live',
  ],
];

describe('red-team 25 G1: an EnvStatus that is not a documented live state is never aborted', () => {
  for (const [label, status, words] of REFUSED)
    for (const [trigger, event, policy] of TRIGGERS)
      it(`${label}, ${trigger}: skipped naming EnvStatus, no AbortChange`, async () => {
        // Arrange
        h = await startHarness(world(status), { env: ENV, policy });

        // Act
        const s = summaryOf(await h.handler(event(), fakeContext()));

        // Assert
        const mine = s.results.filter((r) => r.changeId === changeId(1) || r.envId === envId(1));
        expect(mine.map((r) => r.outcome)).toEqual(['skipped']);
        expect(mine[0]!.detail).toContain(`environment ${envId(1)} reads ${words}`);
        expect(mine[0]!.detail).toMatch(/not aborted \(fail closed\)$/);
        expect(calls(h.sandbox.journal(), 'AbortChange')).toEqual(
          trigger === 'timer sweep' ? calls(h.sandbox.journal(), 'AbortChange', changeId(0)) : [],
        );
        if (trigger === 'timer sweep')
          expect(s.results.find((r) => r.changeId === changeId(0))?.outcome).toBe('aborted');
      });

  for (const status of ['RUNNING', 'INITIALIZING'])
    for (const [trigger, event, policy] of TRIGGERS)
      it(`control: documented live ${status}, ${trigger}: the stuck change is aborted`, async () => {
        // Arrange
        h = await startHarness(world({ value: status }), { env: ENV, policy });

        // Act
        const s = summaryOf(await h.handler(event(), fakeContext()));

        // Assert
        expect(s.results.find((r) => r.changeId === changeId(1))?.outcome).toBe('aborted');
        expect(calls(h.sandbox.journal(), 'AbortChange', changeId(1))).toHaveLength(1);
      });

  it('a sweep leaves a quiet environment with an unknown EnvStatus without a record (nothing in flight)', async () => {
    // Arrange: env 1's change finished; its status unreadable
    const w = scenario(
      [2],
      [
        change({ n: 0, env: 0, idleMin: 90, ageMin: 95 }),
        change({ n: 1, env: 1, idleMin: 90, ageMin: 95, extra: { finished: true, succeed: true } }),
      ],
    );
    const envs = (w.envs as Record<string, unknown>[]).map((e, i) =>
      i === 1 ? { ...e, wire: { EnvStatus: 'STOPPED' } } : e,
    );
    h = await startHarness({ ...w, envs }, { env: ENV });

    // Act
    await h.handler(timerEvent(), fakeContext());

    // Assert
    expect(h.records().filter((r) => r.envId === envId(1))).toEqual([]);
    expect(h.records().find((r) => r.changeId === changeId(0))?.outcome).toBe('aborted');
  });
});
