/**
 * Red-team 25 G10 and G12.
 *
 * G10: after an AbortChange whose answer is ambiguous (a reset, a timeout, a 5xx), the change
 * is re-read (DescribeChange, then DescribeAppEnvStatus) to learn whether the abort took. That
 * re-read was believed even when it contradicted the first read: another CreateTime or
 * ActionName (another change under the same id), an UpdateTime before the first read's, a
 * FinishTime before the first read showed the change running, or an environment naming another
 * LatestChangeId. Now the re-read must describe the same change and be consistent in time with
 * the first read; otherwise the outcome is `failed`, naming the contradicting field: never
 * `aborted` (or `already_finished`) on contradicting evidence, never a second AbortChange.
 *
 * G12: the AbortChange affirmation's echoed `EnvChange.StartTime` was believed 10 days before
 * the change's CreateTime. Now a StartTime before the CreateTime DescribeChange read (beyond the
 * 60 s slack) makes the answer no affirmation: the change is re-read and the record follows the
 * re-read, naming the field.
 *
 * Through the real handler (a timer sweep and POST /abort), pop-core's signing over real HTTP
 * and the loopback sandbox (scripted raw re-reads).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import {
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

const MIN = 60_000;
const JSON_CT = 'application/json;charset=utf-8';
const ENV = {
  ABORT_DRY_RUN: 'false',
  RETRY_MAX_ATTEMPTS: '3',
  RETRY_BASE_MS: '10',
  ATTEMPT_TIMEOUT_MS: '800',
};

/** The stuck change (its first read is the sandbox's own answer). */
const first = () => change({ n: 1, env: 0, idleMin: 90, ageMin: 95 });

/** A DescribeChange reply for change 1, from the first read's fields with these changes. */
function changeReply(base: Record<string, unknown>, edit: Record<string, unknown>) {
  const body = {
    Code: 'OK',
    Message: 'success',
    RequestId: 'R-reread',
    Change: {
      ChangeId: base.ChangeId,
      EnvId: base.EnvId,
      ActionName: base.ActionName,
      CreateTime: base.CreateTime,
      UpdateTime: base.UpdateTime,
      ChangeFinished: false,
      ChangeAborted: false,
      ChangePaused: false,
      ...edit,
    },
  };
  return { status: 200, contentType: JSON_CT, body: JSON.stringify(body) };
}

/** A DescribeAppEnvStatus reply for environment 0 with these fields. */
function envReply(edit: Record<string, unknown>) {
  const body = {
    Code: 'OK',
    Message: 'success',
    RequestId: 'R-env',
    EnvStatus: {
      EnvId: envId(0),
      EnvName: 'env-0',
      EnvStatus: 'RUNNING',
      ApplyingChange: true,
      AbortingChange: false,
      LatestChangeId: changeId(1),
      ...edit,
    },
  };
  return { status: 200, contentType: JSON_CT, body: JSON.stringify(body) };
}

/**
 * A sweep whose AbortChange answer is lost (a reset; `applied` says whether the abort happened)
 * and whose re-reads answer as given.
 */
async function sweep(opts: {
  applied: boolean;
  reread?: (base: Record<string, unknown>) => Record<string, unknown>;
  envReread?: Record<string, unknown>;
  event?: () => Buffer;
}) {
  const base = first();
  const faults: Record<string, unknown>[] = [
    {
      action: 'AbortChange',
      changeId: changeId(1),
      responses: [{ reset: true, applied: opts.applied }, 'ok', 'ok'],
    },
  ];
  if (opts.reread)
    faults.push({
      action: 'DescribeChange',
      changeId: changeId(1),
      // The first read is the sandbox's own; the re-read is scripted.
      responses: ['ok', opts.reread(base), opts.reread(base)],
    });
  if (opts.envReread)
    faults.push({
      action: 'DescribeAppEnvStatus',
      envId: envId(0),
      responses: [opts.envReread, opts.envReread],
    });
  h = await startHarness(scenario([1], [base], { faults }), { env: ENV });
  const s = summaryOf(await h.handler((opts.event ?? timerEvent)(), fakeContext()));
  const result = s.results.find((r) => r.changeId === changeId(1));
  const record = h.records().find((r) => r.changeId === changeId(1));
  return { result, record, sent: calls(h.sandbox.journal(), 'AbortChange').length, base };
}

describe('G10: a re-read after an ambiguous AbortChange that contradicts the first read', () => {
  it('aborted, but another CreateTime (another change under the same id): failed naming CreateTime', async () => {
    const { record, sent } = await sweep({
      applied: false,
      reread: (b) =>
        changeReply(b, {
          CreateTime: (b.CreateTime as number) - 3 * 24 * 60 * MIN,
          ChangeAborted: true,
          ChangeFinished: true,
          FinishTime: Date.now(),
        }),
    });
    expect(record?.outcome).toBe('failed');
    expect(record?.detail).toContain('the re-read contradicts the first read');
    expect(record?.detail).toContain('CreateTime');
    expect(record?.detail).toContain("differs from the first read's");
    expect(sent).toBe(1);
  });

  it('aborted, but another ActionName: failed naming ActionName', async () => {
    const { record, sent } = await sweep({
      applied: false,
      reread: (b) =>
        changeReply(b, {
          ActionName: 'RestartApp',
          ChangeAborted: true,
          ChangeFinished: true,
          FinishTime: Date.now(),
        }),
    });
    expect(record?.outcome).toBe('failed');
    expect(record?.detail).toContain(
      'ActionName "RestartApp" differs from the first read\'s "Apply"',
    );
    expect(sent).toBe(1);
  });

  it("aborted, but an UpdateTime before the first read's: failed naming UpdateTime", async () => {
    const { record } = await sweep({
      applied: false,
      reread: (b) =>
        changeReply(b, {
          UpdateTime: (b.UpdateTime as number) - 10 * MIN,
          ChangeAborted: true,
          ChangeFinished: true,
          FinishTime: Date.now(),
        }),
    });
    expect(record?.outcome).toBe('failed');
    expect(record?.detail).toMatch(/UpdateTime \d+ is before the first read's UpdateTime \d+/);
  });

  it("finished on its own, FinishTime before the first read's UpdateTime: failed, not already_finished", async () => {
    const { record, sent } = await sweep({
      applied: false,
      reread: (b) =>
        changeReply(b, {
          ChangeFinished: true,
          ChangeSucceed: true,
          FinishTime: (b.UpdateTime as number) - 10 * MIN,
        }),
    });
    expect(record?.outcome).toBe('failed');
    expect(record?.detail).toMatch(/FinishTime \d+ is before the first read's UpdateTime \d+/);
    expect(sent).toBe(1);
  });

  it('aborted, FinishTime 30 min before the first read showed it running: failed naming FinishTime', async () => {
    const { record } = await sweep({
      applied: false,
      reread: (b) =>
        changeReply(b, {
          ChangeAborted: true,
          ChangeFinished: true,
          FinishTime: Date.now() - 30 * MIN,
        }),
    });
    expect(record?.outcome).toBe('failed');
    expect(record?.detail).toMatch(
      /FinishTime \d+ is \d+ s before the first read showed it running/,
    );
  });

  it('running, but DescribeAppEnvStatus names another LatestChangeId: failed, never re-sent', async () => {
    const { record, sent } = await sweep({
      applied: false,
      envReread: envReply({ LatestChangeId: changeId(7) }),
    });
    expect(record?.outcome).toBe('failed');
    expect(record?.detail).toContain(
      `DescribeAppEnvStatus names LatestChangeId ${changeId(7)}, not this change`,
    );
    expect(sent).toBe(1);
  });

  it('POST /abort: the same contradiction (another CreateTime) is failed there too', async () => {
    const { record, sent } = await sweep({
      applied: false,
      event: () =>
        httpEvent({ path: '/abort', body: JSON.stringify({ changeIds: [changeId(1)] }) }),
      reread: (b) =>
        changeReply(b, {
          CreateTime: (b.CreateTime as number) + 5 * MIN,
          ChangeAborted: true,
          ChangeFinished: true,
          FinishTime: Date.now(),
        }),
    });
    expect(record?.outcome).toBe('failed');
    expect(record?.detail).toContain("differs from the first read's");
    expect(sent).toBe(1);
  });

  it('control: a re-read consistent with the first read that shows the abort: aborted', async () => {
    const { record, sent } = await sweep({
      applied: true,
      reread: (b) =>
        changeReply(b, {
          UpdateTime: Date.now(),
          ChangeAborted: true,
          ChangeFinished: true,
          FinishTime: Date.now(),
        }),
    });
    expect(record?.outcome).toBe('aborted');
    expect(record?.detail).toContain('DescribeChange shows the abort took effect');
    expect(sent).toBe(1);
  });
});

describe('G12: the AbortChange affirmation echoes a StartTime the change cannot have', () => {
  /** The documented success body with this StartTime (the abort NOT applied). */
  const affirm = (startTime: unknown) => ({
    status: 200,
    contentType: JSON_CT,
    body: JSON.stringify({
      Code: 'OK',
      Message: 'success',
      RequestId: 'R-abort',
      EnvChange: { ChangeId: changeId(1), EnvId: envId(0), StartTime: startTime },
    }),
  });

  async function run(startTime: (b: Record<string, unknown>) => unknown, applied = false) {
    const base = first();
    h = await startHarness(
      scenario([1], [base], {
        faults: [
          {
            action: 'AbortChange',
            changeId: changeId(1),
            responses: [{ ...affirm(startTime(base)), applied }, 'ok'],
          },
        ],
      }),
      { env: ENV },
    );
    await h.handler(timerEvent(), fakeContext());
    return {
      record: h.records().find((r) => r.changeId === changeId(1)),
      sent: calls(h.sandbox.journal(), 'AbortChange').length,
    };
  }

  it('StartTime 10 days before the CreateTime, the abort not applied: re-read, failed naming StartTime, not re-sent', async () => {
    const { record, sent } = await run((b) => (b.CreateTime as number) - 10 * 24 * 60 * MIN);
    expect(record?.outcome).toBe('failed');
    expect(record?.detail).toContain('EnvChange.StartTime');
    expect(record?.detail).toContain("before the change's CreateTime");
    expect(sent).toBe(1);
  });

  it('StartTime 10 days before the CreateTime as a string, the abort applied: aborted only from the re-read', async () => {
    const { record, sent } = await run(
      (b) => String((b.CreateTime as number) - 10 * 24 * 60 * MIN),
      true,
    );
    expect(record?.outcome).toBe('aborted');
    expect(record?.detail).toContain('DescribeChange shows the abort took effect');
    expect(record?.detail).toContain('EnvChange.StartTime');
    expect(sent).toBe(1);
  });

  it('control: StartTime now (within the bounds): aborted on the affirmation', async () => {
    const { record } = await run(() => Date.now(), true);
    expect(record?.outcome).toBe('aborted');
    expect(record?.detail).toContain('Web+ accepted AbortChange');
  });
});
