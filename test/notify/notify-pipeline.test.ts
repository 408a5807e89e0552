/**
 * Notifications end to end: the handler runs a sweep against the Web+ sandbox, writes its
 * decision records, then sends one message to a loopback receiver and writes one notification
 * record. The run summary and the decision records are exactly what they are without
 * notifications; a failing or hanging receiver changes neither.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { NotifyConfigError } from '#shared/notify/errors.js';
import { type NotifyReceiver, startNotifyReceiver } from '../../sandbox/notify/server.js';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { change, changeId, scenario, summaryOf, timerEvent } from '../helpers/world.js';

let h: Harness | undefined;
let receiver: NotifyReceiver | undefined;
afterEach(async () => {
  await h?.close();
  await receiver?.close();
  h = undefined;
  receiver = undefined;
});

const SECRET = 'SEC-pipeline-signing-secret-77';

const world = () =>
  scenario(
    [2],
    [
      change({ n: 0, env: 0, idleMin: 90, ageMin: 95 }),
      change({ n: 1, env: 1, idleMin: 2, ageMin: 10 }),
    ],
  );

const policy = {
  notify: {
    targets: [
      { kind: 'dingtalk', urlEnv: 'NOTIFY_DINGTALK_URL', secretEnv: 'NOTIFY_DINGTALK_SECRET' },
    ],
  },
};

describe('notifications through the handler', () => {
  it('a sweep that aborts sends one signed message and writes one notification record after the decisions', async () => {
    // Arrange
    receiver = await startNotifyReceiver({ kind: 'dingtalk', secret: SECRET });
    h = await startHarness(world(), {
      policy,
      env: { NOTIFY_DINGTALK_URL: receiver.url, NOTIFY_DINGTALK_SECRET: SECRET },
    });

    // Act
    const summary = summaryOf(
      await h.handler(timerEvent(), fakeContext({ requestId: 'inv-n-0001' })),
    );

    // Assert
    expect(summary.results.map((r) => [r.changeId, r.outcome]).sort()).toEqual([
      [changeId(0), 'aborted'],
      [changeId(1), 'skipped'],
    ]);
    expect(receiver.calls().map((c) => c.problem ?? 'accepted')).toEqual(['accepted']);
    expect(receiver.accepted()[0]!.text).toContain(`aborted ${changeId(0)}`);
    const records = h.records();
    // Decision records are streamed as decisions end; the notification record comes last.
    expect(records.map((r) => r.kind ?? r.outcome).sort()).toEqual([
      'aborted',
      'notification',
      'skipped',
    ]);
    expect(records[2]?.kind).toBe('notification');
    expect(records[2]).toMatchObject({
      kind: 'notification',
      outcome: 'notified',
      invocationId: 'inv-n-0001',
      trigger: 'timer',
      notifyTargets: 'dingtalk',
      attempts: 1,
      detail: 'dingtalk: delivered (HTTP 200, errcode 0)',
    });
  });

  it('a receiver answering 500 leaves the run summary as it is and records notify_failed', async () => {
    receiver = await startNotifyReceiver({ kind: 'dingtalk', secret: SECRET });
    receiver.setMode({
      kind: 'status',
      status: 500,
      body: '<html>502 Bad Gateway</html>',
      contentType: 'text/html',
    });
    h = await startHarness(world(), {
      policy,
      env: { NOTIFY_DINGTALK_URL: receiver.url, NOTIFY_DINGTALK_SECRET: SECRET },
    });

    const summary = summaryOf(
      await h.handler(timerEvent(), fakeContext({ requestId: 'inv-n-0002' })),
    );

    // A sweep writes a change needing no abort as its read ends, the abort after the reads.
    expect(summary.results.map((r) => r.outcome).sort()).toEqual(['aborted', 'skipped']);
    const notification = h.records().find((r) => r.kind === 'notification');
    expect(notification).toMatchObject({
      outcome: 'notify_failed',
      errorCode: 'NotifyFailed',
      attempts: 2,
    });
    expect(notification?.detail).toBe(
      'dingtalk: not delivered: HTTP 500 (text/html): <html>502 Bad Gateway</html> (2 attempts)',
    );
  });

  it('a receiver that never answers does not hold the invocation past its deadline', async () => {
    // Arrange: a 2 s function with a 1 s margin: 1 s of work, records written by 1.5 s.
    receiver = await startNotifyReceiver({ kind: 'dingtalk', secret: SECRET });
    receiver.setMode({ kind: 'hang' });
    h = await startHarness(world(), {
      policy,
      env: {
        NOTIFY_DINGTALK_URL: receiver.url,
        NOTIFY_DINGTALK_SECRET: SECRET,
        DEADLINE_MARGIN_MS: '1000',
        ATTEMPT_TIMEOUT_MS: '300',
      },
    });

    // Act
    const summary = summaryOf(
      await h.handler(
        timerEvent(),
        fakeContext({ requestId: 'inv-n-0003', function: { name: 'f', timeout: 2 } }),
      ),
    );

    // Assert: the handler answered while the receiver still holds the request.
    expect(receiver.held()).toBe(1);
    // A sweep writes a change needing no abort as its read ends, the abort after the reads.
    expect(summary.results.map((r) => r.outcome).sort()).toEqual(['aborted', 'skipped']);
    const notification = h.records().find((r) => r.kind === 'notification');
    expect(notification?.outcome).toBe('notify_failed');
    expect(notification?.detail).toMatch(/^dingtalk: not delivered: no answer within \d+ ms/);
  });

  it('a dry run reports would_abort only when the policy asks for it', async () => {
    receiver = await startNotifyReceiver({ kind: 'slack' });
    h = await startHarness(world(), {
      policy: {
        defaults: { mode: 'dry-run' },
        notify: {
          outcomes: ['would_abort', 'failed'],
          targets: [{ kind: 'slack', urlEnv: 'NOTIFY_SLACK_URL' }],
        },
      },
      env: { NOTIFY_SLACK_URL: receiver.url },
    });

    await h.handler(timerEvent(), fakeContext({ requestId: 'inv-n-0004' }));

    expect(receiver.accepted()[0]!.text).toContain('webplus-abort: 1 would abort (timer, dry run)');
  });

  it('a missing webhook variable fails the cold start with the variable named', async () => {
    await expect(startHarness(world(), { policy })).rejects.toThrow(
      new NotifyConfigError(
        'notify.targets.0.urlEnv: the variable NOTIFY_DINGTALK_URL is not set or empty',
        'NOTIFY_DINGTALK_URL',
      ),
    );
  });
});
