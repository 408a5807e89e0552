/**
 * Red-team 24 F1, through the real handler and the Web+ sandbox (`wire` overrides): a
 * DescribeChange whose other fields say the change is over (`FinishTime` set, `ChangeSucceed:
 * true`) while `ChangeFinished` is false, or whose `ChangeSucceed` / `ChangeTimedout` is not a
 * JSON boolean, or whose `ChangeTimedout` is true (red-team 25 G2), is not an in-flight change: every trigger records `skipped` naming the field,
 * and no AbortChange is sent. Plus a fast-check property of `toChange` against an oracle written
 * here (no shared code): whether the flags can be believed.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { toChange } from '#shared/webplus/normalize.js';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import {
  alarmFields,
  calls,
  change,
  changeId,
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

const TRIGGERS = {
  sweep: () => timerEvent(),
  manual: () => httpEvent({ path: '/abort', body: JSON.stringify({ changeIds: [changeId(1)] }) }),
  alarm: () =>
    eventBridgeEnvelope(alarmFields(`{changeId=${changeId(1)}}`, Date.now()), { time: undefined }),
} as const;

/** One stuck change (idle 90 min, running 95) whose DescribeChange fields are replaced. */
async function world(wire: Record<string, unknown>) {
  h = await startHarness(
    scenario([1], [change({ n: 1, env: 0, idleMin: 90, ageMin: 95, extra: { wire } })]),
    { policy: { defaults: { mode: 'enforce' } } },
  );
  return h;
}

const CASES: [string, () => Record<string, unknown>, string][] = [
  [
    'FinishTime a minute ago (b12c)',
    () => ({ FinishTime: Date.now() - 60_000 }),
    'is set while ChangeFinished is false: the two contradict each other',
  ],
  [
    'ChangeSucceed true',
    () => ({ ChangeSucceed: true }),
    'ChangeSucceed true on an unfinished change (ChangeFinished false): the two contradict each other',
  ],
  ['ChangeSucceed "yes"', () => ({ ChangeSucceed: 'yes' }), 'ChangeSucceed "yes" is not a boolean'],
  ['ChangeSucceed 1', () => ({ ChangeSucceed: 1 }), 'ChangeSucceed 1 is not a boolean'],
  [
    'ChangeTimedout true (red-team 25 G2)',
    () => ({ ChangeTimedout: true }),
    'ChangeTimedout true on an unfinished change (ChangeFinished false): what a timed-out change that has not finished is doing is undocumented',
  ],
  ['ChangeTimedout null', () => ({ ChangeTimedout: null }), 'ChangeTimedout null is not a boolean'],
  [
    'ChangeTimedout "false"',
    () => ({ ChangeTimedout: 'false' }),
    'ChangeTimedout "false" is not a boolean',
  ],
];

describe('red-team 24 F1: fields that contradict ChangeFinished false, or are not booleans', () => {
  it('control: the same change with well-formed flags is aborted by each trigger', async () => {
    for (const trigger of Object.values(TRIGGERS)) {
      const harness = await world({});
      const s = summaryOf(await harness.handler(trigger(), fakeContext()));
      expect(s.results.find((r) => r.changeId === changeId(1))?.outcome).toBe('aborted');
      expect(calls(harness.sandbox.journal(), 'AbortChange')).toHaveLength(1);
      await h?.close();
      h = undefined;
    }
  });

  for (const [what, wire, words] of CASES)
    for (const [name, trigger] of Object.entries(TRIGGERS))
      it(`${what}: ${name} → skipped naming it, no AbortChange`, async () => {
        const harness = await world(wire());
        const s = summaryOf(await harness.handler(trigger(), fakeContext()));
        const r = s.results.find((x) => x.changeId === changeId(1));
        expect(r?.outcome).toBe('skipped');
        expect(r?.detail).toContain(words);
        expect(r?.detail).toContain('whether the change is in flight is unknown');
        expect(r?.detail).toContain('not aborted (fail closed)');
        expect(calls(harness.sandbox.journal(), 'AbortChange')).toHaveLength(0);
      });

  it('ChangeSucceed false and ChangeTimedout false on an unfinished change are no contradiction', async () => {
    const harness = await world({ ChangeSucceed: false, ChangeTimedout: false });
    const s = summaryOf(await harness.handler(TRIGGERS.manual(), fakeContext()));
    expect(s.results[0]).toMatchObject({ changeId: changeId(1), outcome: 'aborted' });
  });
});

describe('toChange: the flags are believed exactly when the oracle says so (property)', () => {
  const value = fc.constantFrom<unknown>(
    undefined,
    true,
    false,
    'true',
    'false',
    'yes',
    null,
    0,
    1,
    [],
    {},
  );
  const finishTime = fc.constantFrom<unknown>(
    undefined,
    null,
    0,
    '0',
    '',
    1_700_000_000_000,
    '1700000000000',
    'soon',
  );
  /** Oracle: the reasons the change's in-flight state is unknown, by field. */
  function oracle(c: Record<string, unknown>): Set<string> {
    const out = new Set<string>();
    for (const f of ['ChangeFinished', 'ChangeAborted', 'ChangePaused'])
      if (typeof c[f] !== 'boolean') out.add(f);
    const finishSet = !(
      c.FinishTime === undefined ||
      c.FinishTime === null ||
      c.FinishTime === 0 ||
      c.FinishTime === '0' ||
      c.FinishTime === ''
    );
    if (c.ChangeFinished === false && finishSet) out.add('FinishTime');
    if (c.ChangeSucceed !== undefined && typeof c.ChangeSucceed !== 'boolean')
      out.add('ChangeSucceed');
    if (c.ChangeSucceed === true && c.ChangeFinished === false) out.add('ChangeSucceed');
    if (c.ChangeTimedout !== undefined && typeof c.ChangeTimedout !== 'boolean')
      out.add('ChangeTimedout');
    // red-team 25 G2: timed out but not finished is not a state the policy judged.
    if (c.ChangeTimedout === true && c.ChangeFinished === false) out.add('ChangeTimedout');
    return out;
  }
  it('names exactly the fields the oracle finds at fault', () => {
    fc.assert(
      fc.property(
        fc.record({
          ChangeFinished: value,
          ChangeAborted: fc.constantFrom<unknown>(false, false, true, 'false'),
          ChangePaused: fc.constantFrom<unknown>(false, false, true, null),
          ChangeSucceed: value,
          ChangeTimedout: value,
          FinishTime: finishTime,
        }),
        (flags) => {
          const raw: Record<string, unknown> = {
            ChangeId: 'wc-5d3a963d5802611c4ddc0001',
            EnvId: 'we-5d39b8ba6786bd4b14950001',
            ActionName: 'Apply',
          };
          for (const [k, v] of Object.entries(flags)) if (v !== undefined) raw[k] = v;
          const got = toChange(raw)!;
          const u = got.unreadable;
          const words = [u.ChangeFinished, u.ChangeAborted, u.ChangePaused]
            .filter((w): w is string => w !== undefined)
            .join('; ');
          const expected = oracle(raw);
          const named = new Set(
            [
              'ChangeFinished',
              'ChangeAborted',
              'ChangePaused',
              'FinishTime',
              'ChangeSucceed',
              'ChangeTimedout',
            ].filter(
              (f) =>
                // a flag that is unreadable itself is named first in its own entry
                new RegExp(`(^|; )${f} `).test(words) ||
                (f === 'ChangeFinished' &&
                  u.ChangeFinished !== undefined &&
                  /^ChangeFinished /.test(u.ChangeFinished)),
            ),
          );
          expect(named).toEqual(expected);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
