/**
 * Issue 10, the second red-team pass (README and docs only), each finding as a kind, through the
 * real handler and the sandbox (which journals every Web+ call and verifies every signature):
 * B1. one bad element in an id list (timer payload; HTTP `/abort`, `/sweep` body and query)
 *     refuses the whole request: an `invalid` record per bad element and no Web+ call at all;
 * B2. an alarm naming a change and an environment the change is not in aborts nothing (callback
 *     form and JSON, double-URL-encoded dimensions, EventBridge data, rule push resources);
 * B3. the timer event is exactly FC's three keys; a name repeated anywhere in a timer event or an
 *     HTTP struct refuses it;
 * B4. a read environment whose AbortingChange is absent or not a JSON boolean: the detail names
 *     the field and what was read;
 * B5. a change whose CreateTime is after its UpdateTime, or whose times lie in the future beyond
 *     the clock slack, has unknown times: skipped, never aborted.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import {
  alarmFields,
  appId,
  change,
  changeId,
  cmsCallback,
  envId,
  eventBridgeEnvelope,
  httpEvent,
  rulePushFields,
  scenario,
  summaryOf,
  timerEvent,
} from '../helpers/world.js';

const MIN = 60_000;
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function run(event: Buffer) {
  return summaryOf(await h!.handler(event, fakeContext()));
}

/** Env 0 (app 0) with a stuck change 1; env 1 (app 0) with a stuck change 2. */
async function twoStuck(): Promise<Harness> {
  return startHarness(
    scenario(
      [2],
      [
        change({ n: 1, env: 0, idleMin: 90, ageMin: 95 }),
        change({ n: 2, env: 1, idleMin: 90, ageMin: 95 }),
      ],
    ),
  );
}

describe('B1. one bad id refuses the whole request', () => {
  const timerLists: [string, Record<string, unknown>, string[]][] = [
    ['envIds [E0, " "]', { envIds: [envId(0), ' '] }, ['payload.envIds[1]']],
    ['envIds [E0, "we-zz"]', { envIds: [envId(0), 'we-zz'] }, ['payload.envIds[1]']],
    ['appIds [A0, ""]', { appIds: [appId(0), ''] }, ['payload.appIds[1]']],
    ['envIds "E0,we-zz,E1"', { envIds: `${envId(0)},we-zz,${envId(1)}` }, ['payload.envIds[1]']],
    [
      'envIds [E0, 7, null]',
      { envIds: [envId(0), 7, null] },
      ['payload.envIds[1]', 'payload.envIds[2]'],
    ],
  ];
  for (const [name, payload, fields] of timerLists) {
    it(`timer payload ${name} → one invalid record per bad element, nothing swept`, async () => {
      h = await twoStuck();
      const s = await run(timerEvent(payload));
      expect(s.results.map((r) => r.outcome)).toEqual(fields.map(() => 'invalid'));
      expect(s.results.map((r) => r.detail?.split(':')[0])).toEqual(fields);
      for (const r of s.results) expect(r.detail).toContain('nothing is swept');
      expect(h.sandbox.journal()).toHaveLength(0);
    });
  }

  const httpCalls: [string, Buffer, string][] = [
    [
      '/sweep body envIds [E0, "we-zz"]',
      httpEvent({ path: '/sweep', body: JSON.stringify({ envIds: [envId(0), 'we-zz'] }) }),
      'envIds[1]',
    ],
    [
      '/sweep body appIds [A0, ""]',
      httpEvent({ path: '/sweep', body: JSON.stringify({ appIds: [appId(0), ''] }) }),
      'appIds[1]',
    ],
    [
      '/sweep query envIds=E0,we-zz',
      httpEvent({ path: '/sweep', query: { envIds: `${envId(0)},we-zz` } }),
      'envIds[1]',
    ],
    [
      '/abort body changeIds [C1, "wc-x"]',
      httpEvent({ path: '/abort', body: JSON.stringify({ changeIds: [changeId(1), 'wc-x'] }) }),
      'changeIds[1]',
    ],
    [
      '/abort body changeIds [C1] envIds [" "]',
      httpEvent({
        path: '/abort',
        body: JSON.stringify({ changeIds: [changeId(1)], envIds: [' '] }),
      }),
      'envIds[0]',
    ],
    [
      '/abort query changeIds=C1,C2&envIds=we-zz',
      httpEvent({
        path: '/abort',
        query: { changeIds: `${changeId(1)},${changeId(2)}`, envIds: 'we-zz' },
      }),
      'envIds[0]',
    ],
  ];
  for (const [name, event, field] of httpCalls) {
    it(`${name} → 200, an invalid record naming ${field}, no Web+ call`, async () => {
      h = await twoStuck();
      const result = await h.handler(event, fakeContext());
      expect(result).toMatchObject({ statusCode: 200 });
      const s = summaryOf(result);
      expect(s.results).toEqual([
        expect.objectContaining({
          outcome: 'invalid',
          detail: expect.stringMatching(
            new RegExp(`^${field.replace(/[[\]]/g, '\\$&')}: .*nothing is acted on`),
          ),
        }),
      ]);
      expect(h.sandbox.journal()).toHaveLength(0);
      expect(h.records()).toHaveLength(1);
    });
  }

  it('control: the same lists without the bad element act', async () => {
    h = await twoStuck();
    const s = await run(timerEvent({ envIds: [envId(0)] }));
    expect(s.results).toEqual([
      expect.objectContaining({ changeId: changeId(1), outcome: 'aborted' }),
    ]);
  });
});

describe('B2. an alarm naming a change and an environment it is not in aborts nothing', () => {
  // Change 2 lives in env 1; the alarms below name change 2 and env 0.
  const dims = `{changeId=${changeId(2)}, envId=${envId(0)}}`;
  const at = () => Date.now() - 30_000;
  const shapes: [string, () => Buffer][] = [
    ['callback form', () => cmsCallback(alarmFields(dims, at()))],
    [
      'callback JSON',
      () =>
        cmsCallback(JSON.stringify(alarmFields(dims, at())), { contentType: 'application/json' }),
    ],
    [
      'callback form, dimensions URL-encoded twice',
      () => cmsCallback(alarmFields(encodeURIComponent(dims), at())),
    ],
    [
      'EventBridge data',
      () =>
        eventBridgeEnvelope(
          alarmFields(JSON.stringify({ changeId: changeId(2), envId: envId(0) }), at()),
        ),
    ],
    [
      'rule push resources',
      () =>
        Buffer.from(
          JSON.stringify(rulePushFields({ changeId: changeId(2), envId: envId(0) }, at())),
        ),
    ],
  ];
  for (const [name, event] of shapes) {
    it(`${name}: no AbortChange; one record naming both the envId and the change's environment`, async () => {
      h = await twoStuck();
      const s = await run(event());
      expect(s.results).toEqual([
        expect.objectContaining({ changeId: changeId(2), outcome: 'skipped' }),
      ]);
      expect(s.results[0]?.detail).toContain(`envId ${envId(0)}`);
      expect(s.results[0]?.detail).toContain(`this change is in ${envId(1)}`);
      expect(h.sandbox.abortCalls()).toBe(0);
      // Nothing in env 0 is touched either: its change 1 is never read as the alarm's target.
      expect(h.sandbox.journal().some((j) => j.changeId === changeId(1))).toBe(false);
    });
  }
});

describe('B2. an alarm naming an appId its target is not in aborts nothing', () => {
  const at = () => Date.now() - 30_000;
  const cb = (dims: string) => cmsCallback(alarmFields(dims, at()));
  for (const [name, dims, target] of [
    ['changeId and another appId', `{changeId=${changeId(2)}, appId=${appId(1)}}`, changeId(2)],
    ['envId and another appId', `{envId=${envId(0)}, appId=${appId(1)}}`, undefined],
  ] as const) {
    it(`${name}: skipped naming both, no AbortChange`, async () => {
      h = await twoStuck();
      const s = await run(cb(dims));
      expect(s.results).toHaveLength(1);
      expect(s.results[0]).toMatchObject({
        outcome: 'skipped',
        ...(target ? { changeId: target } : { envId: envId(0) }),
      });
      expect(s.results[0]?.detail).toContain(`names appId ${appId(1)}`);
      expect(s.results[0]?.detail).toContain(`in application ${appId(0)}`);
      expect(h.sandbox.abortCalls()).toBe(0);
    });
  }

  it('control: the right appId beside the changeId aborts it', async () => {
    h = await twoStuck();
    const s = await run(cb(`{changeId=${changeId(2)}, appId=${appId(0)}}`));
    expect(s.results).toEqual([
      expect.objectContaining({ changeId: changeId(2), outcome: 'aborted' }),
    ]);
  });
});

describe('B3. the timer event is exactly what FC sends; a repeated name refuses any event', () => {
  const base = {
    triggerTime: '2026-05-20T02:00:00Z',
    triggerName: 'sweep-stuck-changes',
    payload: '',
  };
  const strays: [string, Record<string, unknown>, string][] = [
    ['a top-level dryRun', { ...base, dryRun: true }, 'dryRun'],
    ['an unknown key', { ...base, note: 'x' }, 'note'],
    ['an unknown key that reads like nothing', { ...base, zz: 1 }, 'zz'],
    ['triggerTime not a string', { ...base, triggerTime: 1779242400000 }, 'triggerTime'],
  ];
  for (const [name, event, field] of strays) {
    it(`${name} → one invalid record naming ${field}, nothing swept`, async () => {
      h = await twoStuck();
      const s = await run(Buffer.from(JSON.stringify(event)));
      expect(s.results.filter((r) => r.outcome !== 'invalid')).toEqual([]);
      expect(s.results.map((r) => r.detail?.split(':')[0])).toContain(field);
      expect(h.sandbox.journal()).toHaveLength(0);
    });
  }

  it('triggerName not a string: not a timer event, ignored as unrecognised, nothing swept', async () => {
    h = await twoStuck();
    const s = await run(Buffer.from(JSON.stringify({ ...base, triggerName: 7 })));
    expect(s.results).toEqual([
      expect.objectContaining({
        outcome: 'ignored',
        detail: expect.stringMatching(/^unrecognised event/),
      }),
    ]);
    expect(h.sandbox.journal()).toHaveLength(0);
  });

  it('a payload key given twice (the second saying dryRun) → invalid naming payload, nothing swept', async () => {
    h = await twoStuck();
    const text = `{"triggerTime":"2026-05-20T02:00:00Z","triggerName":"sweep","payload":"","payload":"{\\"dryRun\\":true}"}`;
    const s = await run(Buffer.from(text));
    expect(s.results).toEqual([
      expect.objectContaining({
        outcome: 'invalid',
        detail: expect.stringMatching(/^payload: .*more than once.*nothing is swept/),
      }),
    ]);
    expect(h.sandbox.journal()).toHaveLength(0);
  });

  for (const [name, repeat] of [
    ['body', '"body":"{\\"changeIds\\":[\\"wc-5d3a963d5802611c4ddc0001\\"],\\"dryRun\\":true}",'],
    ['rawPath', '"rawPath":"/health",'],
  ] as const) {
    it(`an HTTP struct naming ${name} twice → 400 naming it, no Web+ call`, async () => {
      h = await twoStuck();
      const struct = httpEvent({
        path: '/abort',
        body: JSON.stringify({ changeIds: [changeId(1)] }),
      }).toString();
      const text = `{${repeat}${struct.slice(1)}`;
      const result = await h.handler(Buffer.from(text), fakeContext());
      expect(result).toMatchObject({ statusCode: 400 });
      expect(JSON.parse((result as { body: string }).body).error.field).toBe(name);
      expect(h.sandbox.journal()).toHaveLength(0);
    });
  }

  it('an HTTP struct naming a header twice → 400 naming it', async () => {
    h = await twoStuck();
    const struct = httpEvent({
      path: '/abort',
      body: JSON.stringify({ changeIds: [changeId(1)] }),
    }).toString();
    const text = struct.replace('"headers":{', '"headers":{"X-Abort-Token":"nope",');
    const withRepeat = text.replace('"headers":{', '"headers":{"X-Abort-Token":"x",');
    const result = await h.handler(Buffer.from(withRepeat), fakeContext());
    expect(result).toMatchObject({ statusCode: 400 });
    expect(JSON.parse((result as { body: string }).body).error.field).toBe('headers.X-Abort-Token');
    expect(h.sandbox.journal()).toHaveLength(0);
  });
});

describe('B4. an unknown AbortingChange is named with what was read', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    [
      '"false"',
      { wire: { AbortingChange: 'false' } },
      'AbortingChange is not a JSON boolean (got "false")',
    ],
    ['null', { wire: { AbortingChange: null } }, 'AbortingChange is not a JSON boolean (got null)'],
    ['0', { wire: { AbortingChange: 0 } }, 'AbortingChange is not a JSON boolean (got 0)'],
    ['absent', { wireOmit: ['AbortingChange'] }, 'AbortingChange is absent'],
  ];
  for (const [name, override, text] of cases) {
    it(`AbortingChange ${name}: sweep, manual by ChangeId and by EnvId skip naming it`, async () => {
      h = await startHarness(
        scenario([1], [change({ n: 1, env: 0, idleMin: 90, ageMin: 95 })], {
          envs: [{ EnvId: envId(0), AppId: appId(0), EnvName: 'env-0', ...override }],
        }),
      );
      const runs = [
        await run(httpEvent({ path: '/sweep', body: '{}' })),
        await run(
          httpEvent({ path: '/abort', body: JSON.stringify({ changeIds: [changeId(1)] }) }),
        ),
        await run(httpEvent({ path: '/abort', body: JSON.stringify({ envIds: [envId(0)] }) })),
      ];
      for (const s of runs) {
        expect(s.results).toEqual([
          expect.objectContaining({ changeId: changeId(1), outcome: 'skipped' }),
        ]);
        expect(s.results[0]?.detail).toContain(`DescribeAppEnvs: ${text}`);
        expect(s.results[0]?.detail).not.toContain('was not read');
      }
      expect(h.sandbox.abortCalls()).toBe(0);
    });
  }
});

describe('B5. times that contradict each other or lie in the future are unknown', () => {
  it('CreateTime after UpdateTime: a change idle 90 minutes by UpdateTime is not aborted', async () => {
    const now = Date.now();
    h = await startHarness(
      scenario(
        [1],
        [
          change({
            n: 1,
            env: 0,
            idleMin: 90,
            ageMin: 95,
            extra: { wire: { CreateTime: now - 5 * MIN, UpdateTime: now - 90 * MIN } },
          }),
        ],
      ),
    );
    for (const event of [
      timerEvent(),
      httpEvent({ path: '/abort', body: JSON.stringify({ changeIds: [changeId(1)] }) }),
    ]) {
      const s = await run(event);
      expect(s.results).toEqual([
        expect.objectContaining({ changeId: changeId(1), outcome: 'skipped' }),
      ]);
      expect(s.results[0]?.detail).toMatch(
        /^CreateTime \S+ is after UpdateTime \S+: the times contradict each other, so the change's times are unknown; not aborted \(fail closed\)$/,
      );
    }
    expect(h.sandbox.abortCalls()).toBe(0);
  });

  for (const field of ['UpdateTime', 'CreateTime'] as const) {
    it(`${field} ten minutes in the future: not stuck by the running rule, not aborted by hand`, async () => {
      const now = Date.now();
      const times =
        field === 'UpdateTime'
          ? { CreateTime: now - 95 * MIN, UpdateTime: now + 10 * MIN }
          : { CreateTime: now + 10 * MIN, UpdateTime: now + 11 * MIN };
      h = await startHarness(
        scenario([1], [change({ n: 1, env: 0, idleMin: 90, ageMin: 95, extra: times })]),
      );
      for (const event of [
        timerEvent({ maxDurationMinutes: 30, maxIdleMinutes: 1 }),
        httpEvent({ path: '/abort', body: JSON.stringify({ changeIds: [changeId(1)] }) }),
      ]) {
        const s = await run(event);
        expect(s.results).toEqual([
          expect.objectContaining({ changeId: changeId(1), outcome: 'skipped' }),
        ]);
        expect(s.results[0]?.detail).toMatch(
          new RegExp(`^${field} \\S+ is \\d+ s in the future \\(clock slack 60 s`),
        );
      }
      expect(h.sandbox.abortCalls()).toBe(0);
    });
  }

  it('control: UpdateTime 30 s ahead (within the slack) is a known time', async () => {
    const now = Date.now();
    h = await startHarness(
      scenario(
        [1],
        [
          change({
            n: 1,
            env: 0,
            extra: { CreateTime: now - 95 * MIN, UpdateTime: now + 30_000 },
          }),
        ],
      ),
    );
    const s = await run(
      httpEvent({ path: '/abort', body: JSON.stringify({ changeIds: [changeId(1)] }) }),
    );
    expect(s.results).toEqual([
      expect.objectContaining({ changeId: changeId(1), outcome: 'aborted' }),
    ]);
  });
});
