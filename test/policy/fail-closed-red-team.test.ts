/**
 * Issue 10, the red-team findings a–g, each as a kind, every trigger path where it can happen,
 * through the real handler and the sandbox (which journals every Web+ call):
 * a. every time an alarm carries must be readable; its age is the OLDEST of them (callback
 *    `timestamp`, rule push `time` and `metricData.timestamp`, EventBridge envelope `time`), and
 *    "fired before the change was created" uses the same time;
 * b. a present but blank id dimension (or one spelt otherwise: `CHANGE_ID`) is refused or read,
 *    never dropped while the alarm falls back to a wider target;
 * c. a key given twice with different values (a Java map, a JSON text, a pair array, resources
 *    against metricData, a form, the query) is ambiguous: nothing is aborted;
 * d. control keys in an alarm (`dryRun`, `DRY_RUN`, `mode`, ...) refuse it, in the callback body
 *    (form or JSON: the documented key set only), EventBridge `data` and envelope, a rule push;
 * f. every flag from Web+ is a JSON boolean (`"false"`, `"true"` are unknown);
 * g. states and levels match the documented set exactly; repeated fields are ambiguous;
 * and the oracle's second counterexample: a manual abort by ChangeId of a change already aborting.
 * (Finding e, a policy stating no mode: test/policy/policy-mode.test.ts.)
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import {
  ALARM_RULE_ID,
  alarmFields,
  calls,
  change,
  changeId,
  cmsCallback,
  envId,
  eventBridgeEnvelope,
  httpEvent,
  rulePushFields,
  scenario,
  summaryOf,
} from '../helpers/world.js';

const MIN = 60_000;
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function form(entries: [string, string][]): string {
  const f = new URLSearchParams();
  for (const [k, v] of entries) f.append(k, v);
  return f.toString();
}

/** A rule push (fields merged in). */
function rulePush(extra: Record<string, unknown>): Record<string, unknown> {
  return rulePushFields({ envId: envId(0) }, Date.now() - 30_000, extra);
}

/** Env 0 with a running change 1 (5 min old); env 1 with a running change 2. */
async function twoEnvs(): Promise<Harness> {
  return startHarness(
    scenario(
      [2],
      [
        change({ n: 1, env: 0, idleMin: 2, ageMin: 5 }),
        change({ n: 2, env: 1, idleMin: 2, ageMin: 5 }),
      ],
    ),
  );
}

/** The summary result of an `invalid` record naming `field` (its detail starts `<field>: `). */
function invalidFor(field: string) {
  return expect.objectContaining({
    outcome: 'invalid',
    detail: expect.stringMatching(new RegExp(`^${field.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `)),
  });
}

async function run(event: Buffer) {
  const result = await h!.handler(event, fakeContext());
  return summaryOf(result);
}

describe('a. every time an alarm carries is read; its age is the oldest', () => {
  it('control: a fresh EventBridge alarm naming env 0 aborts its change', async () => {
    h = await twoEnvs();
    const s = await run(
      eventBridgeEnvelope(alarmFields(`{envId=${envId(0)}}`, Date.now() - 30_000)),
    );
    expect(s.results).toEqual([
      expect.objectContaining({ changeId: changeId(1), outcome: 'aborted' }),
    ]);
    expect(h.sandbox.abortCalls()).toBe(1);
  });

  it('EventBridge: a stale envelope time with a fresh data.timestamp is ignored with its age', async () => {
    h = await twoEnvs();
    const s = await run(
      eventBridgeEnvelope(alarmFields(`{envId=${envId(0)}}`, Date.now() - 30_000), {
        time: new Date(Date.now() - 30 * MIN).toISOString(),
      }),
    );
    expect(h.sandbox.journal()).toHaveLength(0);
    expect(s.results).toEqual([expect.objectContaining({ outcome: 'ignored' })]);
    expect(s.results[0]?.detail).toMatch(/fired 30 min( \d+ s)? ago/);
  });

  it('EventBridge: an unreadable envelope time is ignored naming `time`', async () => {
    h = await twoEnvs();
    for (const time of ['yesterday', '2026-05-20 10:00:00', 1779242400000, '']) {
      const s = await run(
        eventBridgeEnvelope(alarmFields(`{envId=${envId(0)}}`, Date.now() - 30_000), { time }),
      );
      expect(s.results).toEqual([expect.objectContaining({ outcome: 'ignored' })]);
      expect(s.results[0]?.detail).toMatch(/the alarm's time .* is not an RFC 3339 time/);
    }
    expect(h.sandbox.journal()).toHaveLength(0);
  });

  it('EventBridge: a rule push inside with a stale envelope time is ignored', async () => {
    h = await twoEnvs();
    const s = await run(
      eventBridgeEnvelope(rulePush({}), { time: new Date(Date.now() - 20 * MIN).toISOString() }),
    );
    expect(h.sandbox.journal()).toHaveLength(0);
    expect(s.results[0]).toMatchObject({ outcome: 'ignored' });
    expect(s.results[0]?.detail).toMatch(/fired 20 min/);
  });

  it('rule push: a stale `time` with a fresh metricData.timestamp is ignored', async () => {
    h = await twoEnvs();
    const s = await run(Buffer.from(JSON.stringify(rulePush({ time: Date.now() - 40 * MIN }))));
    expect(h.sandbox.journal()).toHaveLength(0);
    expect(s.results[0]).toMatchObject({ outcome: 'ignored' });
    expect(s.results[0]?.detail).toMatch(/fired 40 min/);
  });

  it('rule push: metricData as a string (hiding its timestamp) or resources as a number → ignored naming it', async () => {
    h = await twoEnvs();
    for (const [extra, name] of [
      [{ metricData: JSON.stringify({ timestamp: Date.now() - 40 * MIN }) }, 'metricData'],
      [{ resources: 42 }, 'resources'],
    ] as const) {
      const s = await run(Buffer.from(JSON.stringify(rulePush(extra))));
      expect(s.results).toEqual([expect.objectContaining({ outcome: 'ignored' })]);
      expect(s.results[0]?.detail).toContain(name);
    }
    expect(h.sandbox.journal()).toHaveLength(0);
  });

  it('rule push: an unreadable metricData.timestamp is ignored naming it (never replaced by `time`)', async () => {
    h = await twoEnvs();
    for (const timestamp of ['soon', '0017792424', -5, null, { ms: 1 }]) {
      const s = await run(
        Buffer.from(JSON.stringify(rulePush({ metricData: { timestamp, Maximum: 1 } }))),
      );
      expect(s.results[0]).toMatchObject({ outcome: 'ignored' });
      expect(s.results[0]?.detail).toContain("the alarm's metricData.timestamp");
    }
    expect(h.sandbox.journal()).toHaveLength(0);
  });

  it('callback: a timestamp given twice (old and fresh) is ignored naming it', async () => {
    h = await twoEnvs();
    const f = alarmFields(`{envId=${envId(0)}}`, Date.now() - 30_000);
    const s = await run(
      cmsCallback(form([...Object.entries(f), ['timestamp', String(Date.now() - 40 * MIN)]])),
    );
    expect(h.sandbox.journal()).toHaveLength(0);
    expect(s.results).toEqual([expect.objectContaining({ outcome: 'ignored' })]);
    expect(s.results[0]?.detail).toMatch(/gives timestamp more than once/);
  });

  it('"fired before the change was created" uses the oldest time (the envelope\'s)', async () => {
    // Arrange: change 1 was created 5 min ago; the envelope says the alarm fired 8 min ago.
    h = await twoEnvs();

    // Act
    const s = await run(
      eventBridgeEnvelope(alarmFields(`{envId=${envId(0)}}`, Date.now() - 30_000), {
        time: new Date(Date.now() - 8 * MIN).toISOString(),
      }),
    );

    // Assert
    expect(h.sandbox.abortCalls()).toBe(0);
    expect(s.results).toEqual([
      expect.objectContaining({ changeId: changeId(1), outcome: 'skipped' }),
    ]);
    expect(s.results[0]?.detail).toMatch(/before this change was created/);
  });
});

describe('b. a blank or differently spelt id dimension never widens the target', () => {
  for (const blank of ['', ' ', 'null']) {
    it(`callback: changeId=${JSON.stringify(blank)} next to envId → invalid naming dimensions.changeId`, async () => {
      h = await twoEnvs();
      const s = await run(
        cmsCallback(
          form(Object.entries(alarmFields(`{changeId=${blank}, envId=${envId(0)}}`, Date.now()))),
        ),
      );
      expect(h.sandbox.journal()).toHaveLength(0);
      expect(s.results).toEqual([invalidFor('dimensions.changeId')]);
    });
  }

  it('EventBridge: a JSON dimensions text with "changeId": "  " → invalid, nothing read', async () => {
    h = await twoEnvs();
    const dims = JSON.stringify({ changeId: '  ', envId: envId(0) });
    const s = await run(eventBridgeEnvelope(alarmFields(dims, Date.now() - 30_000)));
    expect(h.sandbox.journal()).toHaveLength(0);
    expect(s.results).toEqual([invalidFor('dimensions.changeId')]);
  });

  it('rule push: resources {"changeId": null, "envId": ...} → invalid, nothing read', async () => {
    h = await twoEnvs();
    const s = await run(
      Buffer.from(
        JSON.stringify(
          rulePush({ resources: JSON.stringify({ changeId: null, envId: envId(0) }) }),
        ),
      ),
    );
    expect(h.sandbox.journal()).toHaveLength(0);
    expect(s.results).toEqual([invalidFor('dimensions.changeId')]);
  });

  for (const key of ['CHANGE_ID', 'change-id', 'CHANGEID', 'Change_Id']) {
    it(`callback: ${key}=<change 2> is read as the changeId: change 2 aborted, never the rule's env 0`, async () => {
      // Arrange: a rule maps this alarm to env 0; it applies only when the alarm names no id.
      h = await startHarness(
        scenario(
          [2],
          [
            change({ n: 1, env: 0, idleMin: 2, ageMin: 5 }),
            change({ n: 2, env: 1, idleMin: 2, ageMin: 5 }),
          ],
        ),
        { policy: { alarms: [{ match: { ruleId: ALARM_RULE_ID }, envIds: [envId(0)] }] } },
      );

      // Act
      const s = await run(
        cmsCallback(form(Object.entries(alarmFields(`{${key}=${changeId(2)}}`, Date.now())))),
      );

      // Assert
      expect(calls(h.sandbox.journal(), 'AbortChange').map((j) => j.changeId)).toEqual([
        changeId(2),
      ]);
      expect(s.results).toEqual([
        expect.objectContaining({ changeId: changeId(2), outcome: 'aborted' }),
      ]);
    });
  }
});

describe('b, found by attacking: a changeId and an envId that disagree', () => {
  it('an alarm naming change 2 (env 1) and env 0 aborts nothing; the record names both', async () => {
    h = await twoEnvs();
    for (const event of [
      cmsCallback(
        form(
          Object.entries(alarmFields(`{changeId=${changeId(2)}, envId=${envId(0)}}`, Date.now())),
        ),
      ),
      eventBridgeEnvelope(
        alarmFields(`{changeId=${changeId(2)}, envId=${envId(0)}}`, Date.now() - 30_000),
      ),
    ]) {
      const s = await run(event);
      expect(s.results).toEqual([
        expect.objectContaining({ changeId: changeId(2), outcome: 'skipped' }),
      ]);
      expect(s.results[0]?.detail).toMatch(
        new RegExp(
          `names envId ${envId(0)}, but DescribeChange says this change is in ${envId(1)}`,
        ),
      );
    }
    expect(h.sandbox.abortCalls()).toBe(0);
  });

  it('series pairing a change with an environment it is not in abort nothing, even when another series names that environment', async () => {
    // Arrange: change 1 is in env 0, change 2 in env 1; each series pairs it with the other env.
    h = await twoEnvs();
    const dims = JSON.stringify([
      { changeId: changeId(2), envId: envId(0) },
      { changeId: changeId(1), envId: envId(1) },
    ]);

    // Act
    const s = await run(eventBridgeEnvelope(alarmFields(dims, Date.now() - 30_000)));

    // Assert
    expect(h.sandbox.abortCalls()).toBe(0);
    expect(s.results.map((r) => r.outcome)).toEqual(['skipped', 'skipped']);
    expect(s.results[0]?.detail).toMatch(/but DescribeChange says this change is in/);
  });

  it('an EventBridge batch carrying one event id twice with different content acts on neither', async () => {
    h = await twoEnvs();
    const one = JSON.parse(
      eventBridgeEnvelope(alarmFields(`{envId=${envId(0)}}`, Date.now() - 30_000)).toString(),
    );
    const other = { ...one, data: { ...one.data, dimensions: `{envId=${envId(1)}}` } };
    const s = await run(Buffer.from(JSON.stringify([one, other])));
    expect(s.results.map((r) => r.outcome)).toEqual(['ignored', 'ignored']);
    expect(s.results[0]?.detail).toMatch(/more than once with different content/);
    expect(h.sandbox.journal()).toHaveLength(0);
  });

  it('agreeing ones abort the named change', async () => {
    h = await twoEnvs();
    const s = await run(
      cmsCallback(
        form(
          Object.entries(alarmFields(`{changeId=${changeId(2)}, envId=${envId(1)}}`, Date.now())),
        ),
      ),
    );
    expect(s.results).toEqual([
      expect.objectContaining({ changeId: changeId(2), outcome: 'aborted' }),
    ]);
  });
});

describe('c. a key given twice with different values is ambiguous', () => {
  const cases: [string, string][] = [
    ['a Java map', `{envId=${envId(0)}, envId=${envId(1)}}`],
    ['a Java map, two spellings', `{envId=${envId(0)}, EnvId=${envId(1)}}`],
    ['a JSON object text', `{"envId":"${envId(0)}","envId":"${envId(1)}"}`],
    [
      'a pair array',
      JSON.stringify([
        { name: 'envId', value: envId(0) },
        { name: 'envId', value: envId(1) },
      ]),
    ],
    ['a Java map, changeId', `{changeId=${changeId(1)}, changeId=${changeId(2)}}`],
  ];
  for (const [shape, dims] of cases) {
    it(`callback and EventBridge: ${shape} → ignored naming the key, no Web+ call`, async () => {
      h = await twoEnvs();
      for (const event of [
        cmsCallback(form(Object.entries(alarmFields(dims, Date.now())))),
        eventBridgeEnvelope(alarmFields(dims, Date.now() - 30_000)),
      ]) {
        const s = await run(event);
        expect(s.results).toEqual([expect.objectContaining({ outcome: 'ignored' })]);
        expect(s.results[0]?.detail).toMatch(/(envId|changeId).*(twice|more than once)/i);
      }
      expect(h.sandbox.journal()).toHaveLength(0);
    });
  }

  it('an array of series disagreeing on a dimension a rule matches on → ignored', async () => {
    h = await startHarness(scenario([2], [change({ n: 1, env: 0, idleMin: 2, ageMin: 5 })]), {
      policy: { alarms: [{ match: { dimensions: { app: 'shop' } }, envIds: [envId(0)] }] },
    });
    const dims = JSON.stringify([{ app: 'shop' }, { app: 'billing' }]);
    const s = await run(cmsCallback(form(Object.entries(alarmFields(dims, Date.now())))));
    expect(h.sandbox.journal()).toHaveLength(0);
    expect(s.results[0]).toMatchObject({ outcome: 'ignored' });
    expect(s.results[0]?.detail).toMatch(/dimension app is 'shop' in one series and 'billing'/);
  });

  it('rule push: resources and metricData naming different environments → ignored', async () => {
    h = await twoEnvs();
    const s = await run(
      Buffer.from(
        JSON.stringify(
          rulePush({ metricData: { timestamp: Date.now(), envId: envId(1), Maximum: 1 } }),
        ),
      ),
    );
    expect(h.sandbox.journal()).toHaveLength(0);
    expect(s.results[0]).toMatchObject({ outcome: 'ignored' });
    expect(s.results[0]?.detail).toMatch(/dimension envId is .* in resources and .* in metricData/);
  });

  it('dimensions that are a number, or an array of strings, are ignored, never read as "names nothing" (the rules)', async () => {
    h = await startHarness(scenario([2], [change({ n: 1, env: 0, idleMin: 2, ageMin: 5 })]), {
      policy: { alarms: [{ match: { ruleId: ALARM_RULE_ID }, envIds: [envId(0)] }] },
    });
    const f = alarmFields('', Date.now() - 30_000);
    for (const dimensions of [42, [`changeId=${changeId(9)}`]]) {
      const s = await run(eventBridgeEnvelope({ ...f, dimensions }));
      expect(s.results).toEqual([expect.objectContaining({ outcome: 'ignored' })]);
      expect(s.results[0]?.detail).toMatch(/dimensions/);
    }
    expect(h.sandbox.journal()).toHaveLength(0);
  });

  it('the same value repeated is accepted', async () => {
    h = await twoEnvs();
    const f = alarmFields(`{envId=${envId(0)}, envId=${envId(0)}}`, Date.now());
    const s = await run(cmsCallback(form([...Object.entries(f), ['alertState', 'ALERT']])));
    expect(s.results).toEqual([
      expect.objectContaining({ changeId: changeId(1), outcome: 'aborted' }),
    ]);
  });

  it('/abort: ?dryRun=true&dryRun=false (FC joins repeats) → 400 naming dryRun, no Web+ call', async () => {
    h = await twoEnvs();
    const result = await h.handler(
      httpEvent({ path: '/abort', query: { changeIds: changeId(1), dryRun: 'true,false' } }),
      fakeContext(),
    );
    expect(result).toMatchObject({ statusCode: 400 });
    expect(JSON.parse((result as { body: string }).body).error.field).toBe('dryRun');
    expect(h.sandbox.journal()).toHaveLength(0);
  });
});

describe('d. a control key in an alarm refuses it', () => {
  for (const key of ['dryRun', 'DRY_RUN', 'dry-run', 'DryRun', 'mode', 'force', 'enforce']) {
    it(`callback form body with ${key}=true → one invalid record naming body.${key}, nothing aborted`, async () => {
      h = await twoEnvs();
      const f = alarmFields(`{envId=${envId(0)}}`, Date.now());
      const s = await run(cmsCallback(form([...Object.entries(f), [key, 'true']])));
      expect(h.sandbox.journal()).toHaveLength(0);
      expect(s.results).toEqual([invalidFor(`body.${key}`)]);
    });
  }

  it('callback JSON body with "dryRun": true → refused; an undocumented key (Timestamp) too', async () => {
    h = await twoEnvs();
    const f = alarmFields(`{envId=${envId(0)}}`, Date.now());
    for (const [key, value] of [
      ['dryRun', true],
      ['Timestamp', String(Date.now())],
      ['extraField', 'x'],
    ] as const) {
      const s = await run(
        cmsCallback(JSON.stringify({ ...f, [key]: value }), { contentType: 'application/json' }),
      );
      expect(s.results).toEqual([invalidFor(`body.${key}`)]);
    }
    expect(h.sandbox.journal()).toHaveLength(0);
  });

  it('EventBridge: dry_run in data, DryRun on the envelope → refused naming the key', async () => {
    h = await twoEnvs();
    const f = alarmFields(`{envId=${envId(0)}}`, Date.now() - 30_000);
    const inData = await run(eventBridgeEnvelope({ ...f, dry_run: 'true' }));
    expect(inData.results).toEqual([invalidFor('data.dry_run')]);
    const onEnvelope = await run(eventBridgeEnvelope(f, { DryRun: true }));
    expect(onEnvelope.results).toEqual([invalidFor('DryRun')]);
    const spelt = await run(eventBridgeEnvelope({ ...f, Timestamp: f.timestamp }));
    expect(spelt.results).toEqual([invalidFor('data.Timestamp')]);
    expect(h.sandbox.journal()).toHaveLength(0);
  });

  it('oracle counterexample (50,000-world soak): a top-level changeID in EventBridge data or a rule push → refused, never dropped while the alarm acts on its envId dimension', async () => {
    // Arrange: the alarm's dimensions name env 1; a top-level key says a change it is not.
    h = await twoEnvs();
    const f = alarmFields(`{envId=${envId(1)}}`, Date.now() - 30_000);

    // Act
    const inData = await run(eventBridgeEnvelope({ ...f, changeID: changeId(1) }));
    const inPush = await run(Buffer.from(JSON.stringify(rulePush({ ENV_ID: envId(0) }))));

    // Assert
    expect(inData.results).toEqual([invalidFor('data.changeID')]);
    expect(inPush.results).toEqual([invalidFor('ENV_ID')]);
    expect(inData.results[0]?.detail).toMatch(/reads like an id/);
    expect(h.sandbox.journal()).toHaveLength(0);
  });

  it('a key hiding a switch behind a lookalike letter or a zero-width space → refused', async () => {
    h = await twoEnvs();
    const f = alarmFields(`{envId=${envId(0)}}`, Date.now() - 30_000);
    for (const key of ['dr\u0443Run', 'dry\u200bRun', 'mode\u00a0']) {
      const s = await run(eventBridgeEnvelope({ ...f, [key]: true }));
      expect(s.results).toHaveLength(1);
      expect(s.results[0]).toMatchObject({ outcome: 'invalid' });
      expect(s.results[0]?.detail).toMatch(/not a printable ASCII key/);
    }
    expect(h.sandbox.journal()).toHaveLength(0);
  });

  it('rule push: dryRun, or CurLevel beside curLevel → refused naming the key', async () => {
    h = await twoEnvs();
    for (const [key, value] of [
      ['dryRun', true],
      ['CurLevel', 'CRITICAL'],
      ['MODE', 'dry-run'],
    ] as const) {
      const s = await run(Buffer.from(JSON.stringify(rulePush({ [key]: value }))));
      expect(s.results).toEqual([invalidFor(key)]);
    }
    expect(h.sandbox.journal()).toHaveLength(0);
  });
});

describe("d, found by attacking: a switch beside the event's own keys", () => {
  it('a timer event with a top-level dryRun (beside triggerTime, triggerName, payload) sweeps nothing', async () => {
    h = await startHarness(scenario([1], [change({ n: 1, env: 0, idleMin: 90, ageMin: 95 })]));
    for (const key of ['dryRun', 'DRY_RUN', 'Payload']) {
      const event = Buffer.from(
        JSON.stringify({
          triggerTime: '2026-05-20T02:00:00Z',
          triggerName: 'sweep-stuck-changes',
          payload: '',
          [key]: true,
        }),
      );
      const s = await run(event);
      expect(s.results).toEqual([invalidFor(key)]);
    }
    expect(h.sandbox.journal()).toHaveLength(0);
  });

  it('an HTTP struct with a top-level dryRun → 400 naming it, no Web+ call', async () => {
    h = await twoEnvs();
    const struct = JSON.parse(
      httpEvent({ path: '/abort', body: JSON.stringify({ changeIds: [changeId(1)] }) }).toString(),
    );
    const result = await h.handler(
      Buffer.from(JSON.stringify({ ...struct, dryRun: true })),
      fakeContext(),
    );
    expect(result).toMatchObject({ statusCode: 400 });
    expect(JSON.parse((result as { body: string }).body).error.field).toBe('dryRun');
    expect(h.sandbox.journal()).toHaveLength(0);
  });
});

describe('f. every flag from Web+ is a JSON boolean', () => {
  for (const [field, value] of [
    ['ChangeFinished', 'false'],
    ['ChangeAborted', 'false'],
    ['ChangePaused', 'false'],
    ['ChangeFinished', 0],
  ] as const) {
    it(`${field}: ${JSON.stringify(value)} → manual abort and sweep skip naming it`, async () => {
      h = await startHarness(
        scenario(
          [1],
          [change({ n: 1, env: 0, idleMin: 90, ageMin: 95, extra: { wire: { [field]: value } } })],
        ),
      );
      const manual = await run(
        httpEvent({ path: '/abort', body: JSON.stringify({ changeIds: [changeId(1)] }) }),
      );
      const sweep = await run(httpEvent({ path: '/sweep', body: '{}' }));
      for (const s of [manual, sweep]) {
        expect(s.results).toEqual([
          expect.objectContaining({ changeId: changeId(1), outcome: 'skipped' }),
        ]);
        expect(s.results[0]?.detail).toContain(
          `${field} ${JSON.stringify(value)} is not a boolean`,
        );
      }
      expect(h.sandbox.abortCalls()).toBe(0);
    });
  }

  for (const value of ['true', 1, null]) {
    it(`ApplyingChange ${JSON.stringify(value)} → sweep and manual-by-EnvId skip naming it`, async () => {
      h = await startHarness(
        scenario([1], [change({ n: 1, env: 0, idleMin: 90, ageMin: 95 })], {
          envs: [
            {
              EnvId: envId(0),
              AppId: 'wa-5d39b8ba6786bd4b14960000',
              EnvName: 'env-0',
              wire: { ApplyingChange: value },
            },
          ],
        }),
      );
      const sweep = await run(httpEvent({ path: '/sweep', body: '{}' }));
      const manual = await run(
        httpEvent({ path: '/abort', body: JSON.stringify({ envIds: [envId(0)] }) }),
      );
      for (const s of [sweep, manual]) {
        expect(s.results).toEqual([
          expect.objectContaining({ envId: envId(0), outcome: 'skipped' }),
        ]);
        expect(s.results[0]?.detail).toMatch(/ApplyingChange is not a JSON boolean/);
      }
      expect(h.sandbox.abortCalls()).toBe(0);
    });
  }
});

describe('f, found by attacking: an environment applying a change it does not name', () => {
  it('ApplyingChange true without LatestChangeId → one skipped record naming it (sweep, by EnvId)', async () => {
    h = await startHarness(
      scenario([1], [change({ n: 1, env: 0, idleMin: 90, ageMin: 95 })], {
        envs: [
          {
            EnvId: envId(0),
            AppId: 'wa-5d39b8ba6786bd4b14960000',
            EnvName: 'env-0',
            wireOmit: ['LatestChangeId'],
          },
        ],
      }),
    );
    const sweep = await run(httpEvent({ path: '/sweep', body: '{}' }));
    const manual = await run(
      httpEvent({ path: '/abort', body: JSON.stringify({ envIds: [envId(0)] }) }),
    );
    for (const s of [sweep, manual]) {
      expect(s.results).toEqual([expect.objectContaining({ envId: envId(0), outcome: 'skipped' })]);
      expect(s.results[0]?.detail).toMatch(/LatestChangeId is absent/);
    }
    expect(h.sandbox.abortCalls()).toBe(0);
  });

  for (const latest of ['', null]) {
    it(`ApplyingChange true with LatestChangeId ${JSON.stringify(latest)} → that environment skipped naming it, the listing's other environment still decided`, async () => {
      h = await startHarness(
        scenario(
          [2],
          [
            change({ n: 1, env: 0, idleMin: 90, ageMin: 95 }),
            change({ n: 2, env: 1, idleMin: 90, ageMin: 95 }),
          ],
          {
            envs: [
              {
                EnvId: envId(0),
                AppId: 'wa-5d39b8ba6786bd4b14960000',
                EnvName: 'env-0',
                wire: { LatestChangeId: latest },
              },
              { EnvId: envId(1), AppId: 'wa-5d39b8ba6786bd4b14960000', EnvName: 'env-1' },
            ],
          },
        ),
      );
      const s = await run(httpEvent({ path: '/sweep', body: '{}' }));
      const first = s.results.find((r) => r.envId === envId(0));
      expect(first).toMatchObject({ outcome: 'skipped' });
      expect(first?.detail).toMatch(/LatestChangeId is absent/);
      expect(s.results.find((r) => r.envId === envId(1))?.outcome).toBe('aborted');
      expect(h.sandbox.abortCalls()).toBe(1);
    });
  }
});

describe('g. states and levels exactly as documented; repeats are ambiguous', () => {
  for (const state of ['alert', 'Alert', 'alarm', ' ALERT']) {
    it(`callback and EventBridge alertState ${JSON.stringify(state)} → ignored`, async () => {
      h = await twoEnvs();
      const f = { ...alarmFields(`{envId=${envId(0)}}`, Date.now() - 30_000), alertState: state };
      for (const event of [cmsCallback(form(Object.entries(f))), eventBridgeEnvelope(f)]) {
        const s = await run(event);
        expect(s.results).toEqual([expect.objectContaining({ outcome: 'ignored' })]);
        expect(s.results[0]?.detail).toMatch(/unknown alarm state/);
      }
      expect(h.sandbox.journal()).toHaveLength(0);
    });
  }

  it('EventBridge data saying ALERT and, as a rule push would, curLevel OK or eventName AlertOk → ignored', async () => {
    h = await twoEnvs();
    const f = alarmFields(`{envId=${envId(0)}}`, Date.now() - 30_000);
    for (const extra of [{ curLevel: 'OK' }, { eventName: 'AlertOk' }]) {
      const s = await run(eventBridgeEnvelope({ ...f, ...extra }));
      expect(s.results).toEqual([expect.objectContaining({ outcome: 'ignored' })]);
      expect(s.results[0]?.detail).toMatch(/firing or recovered is a guess/);
    }
    expect(h.sandbox.journal()).toHaveLength(0);
  });

  it('rule push curLevel "critical" or eventName "alert" → ignored', async () => {
    h = await twoEnvs();
    for (const extra of [{ curLevel: 'critical' }, { eventName: 'alert' }]) {
      const s = await run(Buffer.from(JSON.stringify(rulePush(extra))));
      expect(s.results).toEqual([expect.objectContaining({ outcome: 'ignored' })]);
    }
    expect(h.sandbox.journal()).toHaveLength(0);
  });

  it('callback: triggerLevel repeated with different values, or ALERT at triggerLevel OK → ignored', async () => {
    h = await twoEnvs();
    const f = alarmFields(`{envId=${envId(0)}}`, Date.now());
    const repeated = await run(cmsCallback(form([...Object.entries(f), ['triggerLevel', 'OK']])));
    expect(repeated.results[0]?.detail).toMatch(/gives triggerLevel more than once/);
    const contradictory = await run(
      cmsCallback(form(Object.entries({ ...f, triggerLevel: 'OK' }))),
    );
    expect(contradictory.results[0]?.detail).toMatch(/triggerLevel OK/);
    const unknown = await run(
      cmsCallback(form(Object.entries({ ...f, triggerLevel: 'critical' }))),
    );
    expect(unknown.results[0]?.detail).toMatch(/triggerLevel 'critical' is not one of/);
    for (const s of [repeated, contradictory, unknown])
      expect(s.results[0]?.outcome).toBe('ignored');
    expect(h.sandbox.journal()).toHaveLength(0);
  });

  it('a JSON name given twice (callback body, EventBridge envelope or data, rule push) → ignored naming it', async () => {
    h = await twoEnvs();
    const fresh = Date.now() - 30_000;
    const old = Date.now() - 40 * MIN;
    const f = alarmFields(`{envId=${envId(0)}}`, fresh);
    const body = JSON.stringify(f).replace('{', `{"timestamp":"${old}",`);
    const envelope = eventBridgeEnvelope(f)
      .toString()
      .replace('{', `{"time":"${new Date(old).toISOString()}",`);
    const push = JSON.stringify(rulePush({})).replace('{', `{"time":${old},`);
    const inData = eventBridgeEnvelope(JSON.stringify(f).replace('{', `{"alertState":"OK",`));
    for (const [event, name] of [
      [cmsCallback(body, { contentType: 'application/json' }), 'timestamp'],
      [Buffer.from(envelope), 'time'],
      [Buffer.from(push), 'time'],
      [inData, 'alertState'],
    ] as const) {
      const s = await run(event);
      expect(s.results).toEqual([expect.objectContaining({ outcome: 'ignored' })]);
      expect(s.results[0]?.detail).toContain(`${name} more than once`);
    }
    expect(h.sandbox.journal()).toHaveLength(0);
  });
});

describe("the oracle's second counterexample", () => {
  it('a manual abort by ChangeId of a change already aborting sends no AbortChange; the record says so', async () => {
    // Arrange: an abort of change 1 is in progress (its environment shows AbortingChange true).
    h = await startHarness(
      scenario(
        [1],
        [change({ n: 1, env: 0, idleMin: 90, extra: { aborting: true, abortStepSeconds: null } })],
      ),
    );

    // Act
    const s = await run(
      httpEvent({ path: '/abort', body: JSON.stringify({ changeIds: [changeId(1)] }) }),
    );

    // Assert
    expect(h.sandbox.abortCalls()).toBe(0);
    expect(calls(h.sandbox.journal(), 'DescribeAppEnvs')).toHaveLength(1);
    expect(s.results).toEqual([
      expect.objectContaining({
        changeId: changeId(1),
        outcome: 'already_aborting',
        detail: 'an abort of this change is in progress',
      }),
    ]);
  });
});
