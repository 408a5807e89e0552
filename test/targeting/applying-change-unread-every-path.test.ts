/**
 * Red-team 26 H1: an environment whose listing gives `ApplyingChange` absent or not a JSON
 * boolean (`"true"`, `null`, `1`) says nothing readable about whether it applies a change. The
 * sweep and the by-EnvId paths skipped such a change; the by-ChangeId paths (POST /abort with
 * changeIds, an alarm naming the ChangeId, with or without the EnvId) aborted it on
 * DescribeChange alone. Every path now skips it naming `ApplyingChange` (shared/targeting/read.ts
 * `abortingFacts`, shared/policy/decide.ts); the control with `true` is aborted.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import {
  alarmFields,
  calls,
  change,
  changeId,
  envId,
  eventBridgeEnvelope,
  httpEvent,
  scenario,
  summaryOf,
} from '../helpers/world.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const ENV = { ABORT_DRY_RUN: 'false', RETRY_MAX_ATTEMPTS: '1' };

/** Two stuck changes; env 1's listing item carries `wire` / omits `omit`. */
function world(wire: Record<string, unknown> | null, omit: string[] | null) {
  const w = scenario(
    [2],
    [
      change({ n: 0, env: 0, idleMin: 90, ageMin: 95 }),
      change({ n: 1, env: 1, idleMin: 90, ageMin: 95 }),
    ],
  );
  const envs = (w.envs as Record<string, unknown>[]).map((e, i) =>
    i === 1 ? { ...e, ...(wire ? { wire } : {}), ...(omit ? { wireOmit: omit } : {}) } : e,
  );
  return { ...w, envs };
}

const FORMS: Array<[string, Record<string, unknown> | null, string[] | null]> = [
  ['"true"', { ApplyingChange: 'true' }, null],
  ['null', { ApplyingChange: null }, null],
  ['1', { ApplyingChange: 1 }, null],
  ['absent', null, ['ApplyingChange']],
];

const TRIGGERS: Array<[string, () => Buffer]> = [
  [
    'POST /abort by ChangeId',
    () => httpEvent({ path: '/abort', body: JSON.stringify({ changeIds: [changeId(1)] }) }),
  ],
  [
    'alarm by ChangeId',
    () =>
      eventBridgeEnvelope(alarmFields(`{changeId=${changeId(1)}}`, Date.now()), {
        time: undefined,
      }),
  ],
  [
    'alarm by ChangeId and EnvId',
    () =>
      eventBridgeEnvelope(alarmFields(`{changeId=${changeId(1)}, envId=${envId(1)}}`, Date.now()), {
        time: undefined,
      }),
  ],
];

describe('red-team 26 H1: an unreadable ApplyingChange is never taken as in flight on a by-ChangeId path', () => {
  for (const [form, wire, omit] of FORMS)
    for (const [trigger, event] of TRIGGERS)
      it(`ApplyingChange ${form} / ${trigger}: skipped naming ApplyingChange, no AbortChange`, async () => {
        // Arrange
        h = await startHarness(world(wire, omit), { env: ENV });
        // Act
        const s = summaryOf(await h.handler(event(), fakeContext()));
        // Assert
        expect(calls(h.sandbox.journal(), 'AbortChange', changeId(1))).toHaveLength(0);
        const mine = s.results.filter((r) => r.changeId === changeId(1));
        expect(mine).toHaveLength(1);
        expect(mine[0]!.outcome).toBe('skipped');
        expect(mine[0]!.detail).toContain(
          `ApplyingChange is absent or not a JSON boolean for ${envId(1)}`,
        );
      });

  it('control: ApplyingChange true / POST /abort by ChangeId is aborted', async () => {
    // Arrange
    h = await startHarness(world({ ApplyingChange: true }, null), { env: ENV });
    // Act
    const s = summaryOf(
      await h.handler(
        httpEvent({ path: '/abort', body: JSON.stringify({ changeIds: [changeId(1)] }) }),
        fakeContext(),
      ),
    );
    // Assert
    expect(calls(h.sandbox.journal(), 'AbortChange', changeId(1))).toHaveLength(1);
    expect(s.results.find((r) => r.changeId === changeId(1))?.outcome).toBe('aborted');
  });
});
