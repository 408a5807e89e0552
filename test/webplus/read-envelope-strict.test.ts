/**
 * Red-team 25 G16: a DescribeChange reply with `Code: "OK"` but `Message: "Change does not
 * exist."`, with no RequestId, with a name the documented body does not carry (an `EnvChange`
 * naming another change beside `Change`) or with a `HostId` of another region was believed and
 * the change aborted. Now every Web+ read's envelope is as strict as AbortChange's affirmation
 * (docs/reference/webplus-api.md, "Errors in general"): `Code` the string `"OK"`, `Message`
 * absent or `"success"`, `RequestId` a non-empty string, only the action's documented names
 * (no `Success`, no `HostId` but one naming this region's host), for DescribeChange,
 * DescribeAppEnvs, DescribeAppEnvStatus and DescribeApplications alike: otherwise the reply is
 * `MalformedReply` naming the field, its facts unknown, nothing aborted. Through the real handler,
 * pop-core's signing and the loopback sandbox (scripted raw replies).
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
  timerEvent,
} from '../helpers/world.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const JSON_CT = 'application/json;charset=utf-8';
const ENV = { ABORT_DRY_RUN: 'false', RETRY_MAX_ATTEMPTS: '1' };
const stuck = () => change({ n: 1, env: 0, idleMin: 90, ageMin: 95 });

/** The sandbox's documented envelope for `payload`, with `edit` applied (undefined deletes). */
function reply(payload: Record<string, unknown>, edit: Record<string, unknown>) {
  const body: Record<string, unknown> = {
    ...payload,
    Code: 'OK',
    Message: 'success',
    RequestId: 'R-read',
  };
  for (const [k, v] of Object.entries(edit)) {
    if (v === undefined) delete body[k];
    else body[k] = v;
  }
  return { status: 200, contentType: JSON_CT, body: JSON.stringify(body) };
}

const changePayload = (c: Record<string, unknown>) => ({
  Change: {
    ChangeId: c.ChangeId,
    EnvId: c.EnvId,
    ActionName: c.ActionName,
    CreateTime: c.CreateTime,
    UpdateTime: c.UpdateTime,
    ChangeFinished: false,
    ChangeAborted: false,
    ChangePaused: false,
  },
});

const ENVELOPES: [string, Record<string, unknown>, string][] = [
  [
    'Message "Change does not exist." beside Code "OK"',
    { Message: 'Change does not exist.' },
    'Message is the string "Change does not exist.", not "success"',
  ],
  ['no RequestId', { RequestId: undefined }, 'carried no RequestId'],
  ['a blank RequestId', { RequestId: ' ' }, 'carried no RequestId'],
  [
    'a HostId of another region',
    { HostId: 'webplus.cn-beijing.aliyuncs.com' },
    'HostId "webplus.cn-beijing.aliyuncs.com" is not the host of region cn-hangzhou',
  ],
  [
    'an EnvChange naming another change beside Change',
    { EnvChange: { ChangeId: changeId(9), EnvId: envId(9) } },
    'carried "EnvChange"',
  ],
  ['Code absent', { Code: undefined }, 'Code is absent, not "OK"'],
  ['Code "200"', { Code: '200' }, 'Code is the string "200", not "OK"'],
  ['Success true beside Code "OK"', { Success: true }, 'carried "Success"'],
];

describe('DescribeChange: the envelope is read as strictly as the AbortChange affirmation', () => {
  for (const [label, edit, words] of ENVELOPES) {
    for (const [trigger, event] of [
      ['a sweep', () => timerEvent()],
      [
        'POST /abort',
        () => httpEvent({ path: '/abort', body: JSON.stringify({ changeIds: [changeId(1)] }) }),
      ],
    ] as const) {
      it(`${label}, ${trigger}: failed naming it, no AbortChange`, async () => {
        // Arrange
        const c = stuck();
        h = await startHarness(
          scenario([1], [c], {
            faults: [
              {
                action: 'DescribeChange',
                changeId: changeId(1),
                responses: [reply(changePayload(c), edit)],
              },
            ],
          }),
          { env: ENV },
        );

        // Act
        await h.handler(event(), fakeContext());

        // Assert
        const mine = h.records().filter((r) => r.changeId === changeId(1));
        expect(mine.map((r) => [r.outcome, r.errorCode])).toEqual([['failed', 'MalformedReply']]);
        expect(mine[0]!.detail).toContain(words);
        expect(calls(h.sandbox.journal(), 'AbortChange')).toHaveLength(0);
      });
    }
  }

  it('control: the documented envelope (and a HostId naming the region) is read, the change aborted', async () => {
    // Arrange
    const c = stuck();
    h = await startHarness(
      scenario([1], [c], {
        faults: [
          {
            action: 'DescribeChange',
            changeId: changeId(1),
            responses: [reply(changePayload(c), { HostId: 'webplus.cn-hangzhou.aliyuncs.com' })],
          },
        ],
      }),
      { env: ENV },
    );

    // Act
    await h.handler(timerEvent(), fakeContext());

    // Assert
    expect(h.records().find((r) => r.changeId === changeId(1))?.outcome).toBe('aborted');
  });
});

describe('the other Web+ reads share the strict envelope', () => {
  const env0 = {
    EnvId: envId(0),
    AppId: appId(0),
    EnvName: 'env-0',
    EnvStatus: 'RUNNING',
    ApplyingChange: true,
    AbortingChange: false,
    LatestChangeId: changeId(1),
  };
  for (const [action, payload, event] of [
    [
      'DescribeApplications',
      {
        Applications: { Application: [{ AppId: appId(0), AppName: 'app-0' }] },
        PageNumber: 1,
        PageSize: 100,
        TotalCount: 1,
      },
      () => timerEvent(),
    ],
    [
      'DescribeAppEnvs',
      { AppEnvs: { AppEnv: [env0] }, PageNumber: 1, PageSize: 100, TotalCount: 1 },
      () => timerEvent(),
    ],
    [
      'DescribeAppEnvStatus',
      { EnvStatus: env0 },
      () => httpEvent({ path: '/abort', body: JSON.stringify({ envIds: [envId(0)] }) }),
    ],
  ] as const) {
    it(`${action} with Message "not found" beside Code "OK": failed, nothing aborted`, async () => {
      // Arrange
      h = await startHarness(
        scenario([1], [stuck()], {
          faults: [{ action, responses: [reply(payload, { Message: 'not found' })] }],
        }),
        { env: ENV },
      );

      // Act
      await h.handler(event(), fakeContext());

      // Assert
      const failed = h.records().filter((r) => r.outcome === 'failed');
      expect(failed.length).toBeGreaterThan(0);
      expect(failed[0]!.errorCode).toBe('MalformedReply');
      expect(failed[0]!.detail).toContain('Message is the string "not found", not "success"');
      expect(calls(h.sandbox.journal(), 'AbortChange')).toHaveLength(0);
    });
  }
});
