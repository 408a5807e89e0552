import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { NotifySettingsSchema } from '#shared/config/notify-settings.js';
import type { OutcomeRecord } from '#shared/model/record.js';
import { NotifyConfigError } from '#shared/notify/errors.js';
import { createNotifier, type NotifyContext } from '#shared/notify/notifier.js';
import {
  type NotifyReceiver,
  type ReceivedCall,
  type ReceiverKind,
  startNotifyReceiver,
} from '../../sandbox/notify/server.js';

const receivers: NotifyReceiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

async function receiver(kind: ReceiverKind, secret?: string): Promise<NotifyReceiver> {
  const r = await startNotifyReceiver({ kind, ...(secret ? { secret } : {}) });
  receivers.push(r);
  return r;
}

const AK_SECRET = 'ak-secret-value-0123456789';

function record(overrides: Partial<OutcomeRecord> = {}): OutcomeRecord {
  return {
    time: '2026-05-20T02:00:01.234Z',
    changeId: 'wc-5d3a963d5802611c4ddc0001',
    envId: 'we-5d39b8ba6786bd4b14950001',
    appId: 'wa-5d39b7a06786bd4b14930001',
    trigger: 'timer',
    triggerRef: 'sweep-every-5m',
    invocationId: 'req-0001',
    reason: 'idle>30m',
    mode: 'enforce',
    outcome: 'aborted',
    detail: 'no progress for 90 min (more than the 30 min limit); Web+ accepted AbortChange',
    attempts: 1,
    ...overrides,
  };
}

const RECORDS: OutcomeRecord[] = [
  record({ envName: 'shop-prod', appName: 'shop' }),
  record({
    changeId: 'wc-5d3a963d5802611c4ddc0002',
    envId: 'we-5d39b8ba6786bd4b14950002',
    outcome: 'failed',
    detail: 'retries spent',
    errorCode: 'ServiceUnavailable',
    errorMessage: `upstream said ${AK_SECRET}`,
  }),
  record({ changeId: 'wc-5d3a963d5802611c4ddc0003', outcome: 'skipped', detail: 'not stuck' }),
];

function ctx(overrides: Partial<NotifyContext> = {}): NotifyContext {
  return {
    invocationId: 'req-0001',
    trigger: 'timer',
    triggerRef: 'sweep-every-5m',
    functionName: 'abort-stuck-changes',
    region: 'cn-hangzhou',
    dryRun: false,
    deadlineMs: Date.now() + 10_000,
    secrets: [AK_SECRET],
    ...overrides,
  };
}

function settings(targets: unknown[], extra: Record<string, unknown> = {}) {
  return NotifySettingsSchema.parse({ targets, ...extra });
}

const SIGNED: ReceiverKind[] = ['dingtalk', 'lark', 'webhook'];
const KINDS: ReceiverKind[] = ['dingtalk', 'lark', 'wecom', 'slack', 'webhook'];

describe('notifications reach loopback receivers that check each service’s documented shape', () => {
  for (const kind of KINDS) {
    // DingTalk's format: SEC + 64 hex digits (a secret made of words would cost those words).
    const secret = SIGNED.includes(kind)
      ? `SEC${createHash('sha256').update(kind).digest('hex')}`
      : undefined;
    it(`${kind}: one message with the aborted and failed changes, accepted${secret ? ' with a valid signature' : ''}`, async () => {
      // Arrange
      const r = await receiver(kind, secret);
      const env = { URL_VAR: r.url, ...(secret ? { SECRET_VAR: secret } : {}) };
      const notifier = createNotifier(
        settings([{ kind, urlEnv: 'URL_VAR', ...(secret ? { secretEnv: 'SECRET_VAR' } : {}) }]),
        env,
      )!;

      // Act
      const report = await notifier.notify(RECORDS, ctx());

      // Assert
      expect(r.calls().map((c) => c.problem ?? 'accepted')).toEqual(['accepted']);
      const text = r.accepted()[0]!.text!;
      expect(text).toContain('webplus-abort: 1 aborted, 1 failed (timer)');
      expect(text).toContain(
        // Slack's mrkdwn and the DingTalk / WeCom markdown escape `>` as an entity
        // (shared/notify/markdown-escape.ts); Lark's text and the JSON webhook carry it raw.
        'aborted wc-5d3a963d5802611c4ddc0001 in shop/shop-prod (we-5d39b8ba6786bd4b14950001) (idle&gt;30m)'.replace(
          '&gt;',
          kind === 'slack' || kind === 'dingtalk' || kind === 'wecom' ? '&gt;' : '>',
        ),
      );
      expect(text).toContain('wc-5d3a963d5802611c4ddc0002');
      expect(text).not.toContain('wc-5d3a963d5802611c4ddc0003');
      expect(text.indexOf('failed wc-')).toBeLessThan(text.indexOf('aborted wc-'));
      expect(report?.record).toMatchObject({
        kind: 'notification',
        outcome: 'notified',
        trigger: 'timer',
        triggerRef: 'sweep-every-5m',
        invocationId: 'req-0001',
        attempts: 1,
        notifyTargets: kind,
      });
      expect(report?.record.detail).toMatch(new RegExp(`^${kind}: delivered \\(HTTP 20[04]`));
      expect(report?.record.errorCode).toBeUndefined();
    });
  }

  for (const kind of ['dingtalk', 'lark', 'webhook'] as const) {
    it(`${kind}: a wrong secret is refused by the receiver and recorded notify_failed, not retried`, async () => {
      // Arrange
      const r = await receiver(kind, 'SEC-the-real-secret-9999');
      const notifier = createNotifier(settings([{ kind, urlEnv: 'U', secretEnv: 'S' }]), {
        U: r.url,
        S: 'SEC-a-wrong-secret-0000',
      })!;

      // Act
      const report = await notifier.notify(RECORDS, ctx());

      // Assert
      expect(r.calls()).toHaveLength(1);
      expect(r.calls()[0]!.accepted).toBe(false);
      expect(report?.record.outcome).toBe('notify_failed');
      expect(report?.record.errorCode).toBe('NotifyFailed');
      expect(report?.record.attempts).toBe(1);
      expect(report?.record.detail).toContain(`${kind}: not delivered`);
    });
  }

  it('a signed target without its secret is refused by a receiver that requires one', async () => {
    const r = await receiver('dingtalk', 'SEC-required-secret-123');
    const notifier = createNotifier(settings([{ kind: 'dingtalk', urlEnv: 'U' }]), { U: r.url })!;
    const report = await notifier.notify(RECORDS, ctx());
    expect(r.calls()[0]!.problem).toBe('timestamp must be epoch milliseconds');
    expect(report?.record.detail).toBe(
      'dingtalk: not delivered: HTTP 200, errcode 310000: timestamp must be epoch milliseconds (1 attempt)',
    );
  });

  it('several targets get one message each, at once; one failing does not stop the others', async () => {
    // Arrange
    const slack = await receiver('slack');
    const wecom = await receiver('wecom');
    wecom.setMode({ kind: 'status', status: 500, body: 'internal error' });
    const notifier = createNotifier(
      settings([
        { kind: 'slack', urlEnv: 'SLACK' },
        { kind: 'wecom', urlEnv: 'WECOM', name: 'ops-wecom' },
      ]),
      { SLACK: slack.url, WECOM: wecom.url },
    )!;

    // Act
    const report = await notifier.notify(RECORDS, ctx());

    // Assert
    expect(slack.accepted()).toHaveLength(1);
    expect(wecom.calls()).toHaveLength(2);
    expect(report?.record.outcome).toBe('notify_failed');
    expect(report?.record.notifyTargets).toBe('slack,ops-wecom');
    expect(report?.record.attempts).toBe(3);
    expect(report?.record.detail).toBe(
      'slack: delivered (HTTP 200, ok); ops-wecom: not delivered: HTTP 500 (text/plain): internal error (2 attempts)',
    );
  });

  it('a transient 503 is retried once and then delivered', async () => {
    const r = await receiver('slack');
    r.setMode({ kind: 'status', status: 503, body: 'busy', times: 1 });
    const notifier = createNotifier(
      settings([{ kind: 'slack', urlEnv: 'U' }]),
      { U: r.url },
      { random: () => 0 },
    )!;
    const report = await notifier.notify(RECORDS, ctx());
    expect(r.calls()).toHaveLength(2);
    expect(report?.targets[0]).toMatchObject({ delivered: true, attempts: 2 });
    expect(report?.record.detail).toBe('slack: delivered (HTTP 200, ok, attempt 2)');
  });

  it('a connection reset is retried, then recorded with its socket error code', async () => {
    const r = await receiver('webhook');
    r.setMode({ kind: 'reset' });
    const notifier = createNotifier(
      settings([{ kind: 'webhook', urlEnv: 'U' }]),
      { U: r.url },
      { random: () => 0 },
    )!;
    const report = await notifier.notify(RECORDS, ctx());
    expect(r.calls()).toHaveLength(2);
    expect(report?.record.outcome).toBe('notify_failed');
    expect(report?.record.detail).toMatch(
      /^webhook: not delivered: connection failed \((ECONNRESET|UND_ERR_SOCKET)\) \(2 attempts\)$/,
    );
  });
});

describe('what a receiver cannot make the sender do', () => {
  it('a redirect is not followed: the URL’s token never reaches another host', async () => {
    const elsewhere = await receiver('slack');
    const r = await receiver('slack');
    r.setMode({ kind: 'status', status: 302, body: '', headers: { location: elsewhere.url } });
    const notifier = createNotifier(settings([{ kind: 'slack', urlEnv: 'U' }]), { U: r.url })!;
    const report = await notifier.notify(RECORDS, ctx());
    expect(elsewhere.calls()).toHaveLength(0);
    expect(report?.record.detail).toBe('slack: not delivered: HTTP 302: empty body (1 attempt)');
  });

  it('a 5 MB answer is read up to 64 KB and summarised in one short line', async () => {
    const r = await receiver('webhook');
    r.setMode({ kind: 'status', status: 400, body: 'x'.repeat(5 * 1024 * 1024) });
    const notifier = createNotifier(settings([{ kind: 'webhook', urlEnv: 'U' }]), { U: r.url })!;
    const report = await notifier.notify(RECORDS, ctx());
    expect(report?.record.outcome).toBe('notify_failed');
    expect(report!.record.detail.length).toBeLessThan(200);
  });
});

describe('a notification never outlives the invocation’s deadline', () => {
  it('a receiver that never answers is cut at the deadline; the record says so and the call is still held', async () => {
    // Arrange
    const r = await receiver('dingtalk');
    r.setMode({ kind: 'hang' });
    const notifier = createNotifier(
      settings([{ kind: 'dingtalk', urlEnv: 'U' }], { timeoutMs: 30000 }),
      { U: r.url },
    )!;

    // Act
    const report = await notifier.notify(RECORDS, ctx({ deadlineMs: Date.now() + 400 }));

    // Assert: resolved while the receiver still holds the request unanswered.
    expect(r.held()).toBe(1);
    expect(report?.record.outcome).toBe('notify_failed');
    expect(report?.record.detail).toMatch(
      /^dingtalk: not delivered: no answer within \d+ ms; (\d+ ms left before the deadline, too little for an attempt|no time for another attempt before the deadline)$/,
    );
  });

  it('with no time left nothing is sent, and the record says why', async () => {
    const r = await receiver('slack');
    const notifier = createNotifier(settings([{ kind: 'slack', urlEnv: 'U' }]), { U: r.url })!;
    const report = await notifier.notify(RECORDS, ctx({ deadlineMs: Date.now() - 1 }));
    expect(r.calls()).toHaveLength(0);
    expect(report?.record).toMatchObject({ outcome: 'notify_failed', attempts: 0 });
    expect(report?.record.detail).toBe(
      'slack: not sent: 0 ms left before the deadline, too little for an attempt',
    );
  });
});

describe('no secret in any message or record', () => {
  it('an AccessKey secret inside a record, and a receiver echoing the URL and headers, never show up', async () => {
    // Arrange
    const secret = 'SEC-echo-signing-secret-4242';
    const r = await receiver('dingtalk', secret);
    r.setMode({ kind: 'echo' });
    const notifier = createNotifier(
      settings([{ kind: 'dingtalk', urlEnv: 'U', secretEnv: 'S' }]),
      { U: r.url, S: secret },
      { random: () => 0 },
    )!;

    // Act
    const report = await notifier.notify(RECORDS, ctx());

    // Assert
    const sent = r
      .calls()
      .map((c) => c.body)
      .join('\n');
    expect(sent).not.toContain(AK_SECRET);
    // In the DingTalk markdown the marker's brackets are escaped (shared/notify/markdown-escape.ts).
    expect(sent).toContain('upstream said \\\\[redacted\\\\]');
    const recorded = JSON.stringify(report);
    expect(recorded).toContain('upstream error for POST /robot/send?access_token=[redacted]');
    for (const value of [AK_SECRET, secret, r.token, r.url]) expect(recorded).not.toContain(value);
  });
});

describe('a receiver echoing the request never shows its signature (rt12 L1)', () => {
  /** The signature the receiver was sent, wherever the target puts it. */
  const signatureOf: Record<string, (call: ReceivedCall) => string> = {
    dingtalk: (c) => c.query.get('sign') ?? '',
    lark: (c) => String((JSON.parse(c.body) as { sign?: string }).sign ?? ''),
    webhook: (c) => c.headers['x-webplus-abort-signature'] ?? '',
  };
  for (const kind of SIGNED) {
    it(`${kind}: the signature of the request is not in the report, whole or in part`, async () => {
      // Arrange
      const secret = `SEC${createHash('sha256').update(`echo-${kind}`).digest('hex')}`;
      const r = await receiver(kind, secret);
      r.setMode({ kind: 'echo' });
      const notifier = createNotifier(
        settings([{ kind, urlEnv: 'U', secretEnv: 'S' }]),
        { U: r.url, S: secret },
        { random: () => 0 },
      )!;

      // Act
      const test = await notifier.test(ctx());
      const report = await notifier.notify(RECORDS, ctx());

      // Assert
      const signatures = r.calls().map(signatureOf[kind]!);
      expect(signatures.length).toBeGreaterThan(1);
      const shown = JSON.stringify([test, report]);
      expect(shown).toContain('upstream error for POST');
      for (const signature of signatures) {
        expect(signature.length).toBeGreaterThan(20);
        // No 12-character piece of it either (the redactor removes every 8-character run).
        for (let i = 0; i + 12 <= signature.length; i += 4)
          expect(shown).not.toContain(signature.slice(i, i + 12));
        expect(shown).not.toContain(encodeURIComponent(signature).slice(0, 12));
      }
    });
  }
});

describe('what is reported', () => {
  it('minSeverity critical reports only failed and timeout; a target can ask for would_abort', async () => {
    // Arrange
    const critical = await receiver('slack');
    const dryRuns = await receiver('webhook');
    const notifier = createNotifier(
      settings([
        { kind: 'slack', urlEnv: 'A', minSeverity: 'critical' },
        { kind: 'webhook', urlEnv: 'B', outcomes: ['would_abort'] },
      ]),
      { A: critical.url, B: dryRuns.url },
    )!;
    const records = [
      ...RECORDS,
      record({
        changeId: 'wc-5d3a963d5802611c4ddc0009',
        outcome: 'would_abort',
        detail: 'dry run',
      }),
    ];

    // Act
    await notifier.notify(records, ctx());

    // Assert
    const slackText = critical.accepted()[0]!.text!;
    expect(slackText).toContain('webplus-abort: 1 failed (timer)');
    expect(slackText).not.toContain('aborted wc-');
    const body = JSON.parse(dryRuns.accepted()[0]!.body) as {
      counts: unknown;
      items: { changeId: string }[];
    };
    expect(body.counts).toEqual({ would_abort: 1 });
    expect(body.items.map((i) => i.changeId)).toEqual(['wc-5d3a963d5802611c4ddc0009']);
  });

  it('nothing to report (only skipped records, or an explicit empty outcomes list): nothing sent, no record', async () => {
    const r = await receiver('slack');
    const quiet = createNotifier(settings([{ kind: 'slack', urlEnv: 'U', outcomes: [] }]), {
      U: r.url,
    })!;
    const normal = createNotifier(settings([{ kind: 'slack', urlEnv: 'U' }]), { U: r.url })!;
    expect(await quiet.notify(RECORDS, ctx())).toBeUndefined();
    expect(await normal.notify([record({ outcome: 'skipped' })], ctx())).toBeUndefined();
    expect(r.calls()).toHaveLength(0);
  });

  it('lists at most maxItems changes and counts the rest', async () => {
    const r = await receiver('webhook');
    const notifier = createNotifier(settings([{ kind: 'webhook', urlEnv: 'U' }], { maxItems: 2 }), {
      U: r.url,
    })!;
    const many = Array.from({ length: 5 }, (_, i) =>
      record({ changeId: `wc-5d3a963d5802611c4ddc000${i}` }),
    );
    await notifier.notify(many, ctx());
    const body = JSON.parse(r.accepted()[0]!.body) as {
      items: unknown[];
      more: number;
      title: string;
    };
    expect(body.items).toHaveLength(2);
    expect(body.more).toBe(3);
    expect(body.title).toBe('webplus-abort: 5 aborted (timer)');
  });
});

describe('notify targets are checked at cold start', () => {
  it('no targets: no notifier', () => {
    expect(createNotifier(settings([]), {})).toBeUndefined();
  });

  it('an unset variable, a plain-http URL to a real host and user info are refused, naming the variable, not its value', () => {
    const one =
      (
        env: Record<string, string>,
        target: Record<string, unknown> = { kind: 'slack', urlEnv: 'NOTIFY_SLACK_URL' },
      ) =>
      () =>
        createNotifier(settings([target]), env);
    expect(one({})).toThrow(
      new NotifyConfigError(
        'notify.targets.0.urlEnv: the variable NOTIFY_SLACK_URL is not set or empty',
        'NOTIFY_SLACK_URL',
      ),
    );
    expect(one({ NOTIFY_SLACK_URL: 'http://hooks.slack.com/services/T1/B1/abc' })).toThrow(
      'notify.targets.0.urlEnv: the URL in NOTIFY_SLACK_URL must start with https:// (http:// only to a loopback host)',
    );
    expect(one({ NOTIFY_SLACK_URL: 'https://user:pw@hooks.slack.com/x' })).toThrow(
      'must not hold user info',
    );
    expect(one({ NOTIFY_SLACK_URL: 'not a url' })).toThrow('does not hold a URL');
    expect(
      one(
        { U: 'https://oapi.dingtalk.com/robot/send?access_token=x' },
        { kind: 'dingtalk', urlEnv: 'U', secretEnv: 'S' },
      ),
    ).toThrow('notify.targets.0.secretEnv: the variable S is not set or empty');
    try {
      one({ NOTIFY_SLACK_URL: 'http://hooks.slack.com/services/T1/B1/abc' })();
    } catch (error) {
      expect((error as Error).message).not.toContain('hooks.slack.com');
    }
  });

  it('names default to the kind, numbered when repeated; a repeated explicit name is refused', () => {
    const env = { A: 'https://a.example/x', B: 'https://b.example/y' };
    const n = createNotifier(
      settings([
        { kind: 'slack', urlEnv: 'A' },
        { kind: 'slack', urlEnv: 'B' },
      ]),
      env,
    )!;
    expect(n.targets).toEqual([
      { name: 'slack', kind: 'slack' },
      { name: 'slack-2', kind: 'slack' },
    ]);
    expect(() =>
      createNotifier(
        settings([
          { kind: 'slack', urlEnv: 'A', name: 'x' },
          { kind: 'lark', urlEnv: 'B', name: 'x' },
        ]),
        env,
      ),
    ).toThrow('notify.targets.1.name: "x" is used by two targets');
  });

  it('the schema refuses unknown keys, a secret for slack or wecom, and FC_ variables', () => {
    expect(() => settings([{ kind: 'slack', urlEnv: 'A', url: 'https://x' }])).toThrow();
    expect(
      NotifySettingsSchema.safeParse({ targets: [{ kind: 'wecom', urlEnv: 'A', secretEnv: 'B' }] })
        .error?.issues[0]?.message,
    ).toBe(
      'secretEnv is only for dingtalk, lark and webhook targets (slack and wecom have no signature: the URL is the secret)',
    );
    expect(
      NotifySettingsSchema.safeParse({ targets: [{ kind: 'slack', urlEnv: 'FC_URL' }] }).success,
    ).toBe(false);
    expect(
      NotifySettingsSchema.safeParse({ targets: [{ kind: 'teams', urlEnv: 'A' }] }).success,
    ).toBe(false);
  });
});
