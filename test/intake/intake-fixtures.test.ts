import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifyEvent, type IntakeOptions } from '#shared/intake/classify.js';
import { RecentEvents } from '#shared/intake/recent-events.js';

function fixture(name: string): Buffer {
  return readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
}

function options(): IntakeOptions {
  return {
    authTokens: ['local-dev-token-0001'],
    maxBodyBytes: 262144,
    maxIds: 100,
    version: '0.1.0',
    recentEvents: new RecentEvents(),
  };
}

describe('every trigger fixture classifies to its request', () => {
  it('cms-callback-alert.json → an alarm naming the environment', () => {
    expect(classifyEvent(fixture('cms-callback-alert.json'), options())).toEqual({
      kind: 'http',
      route: '/cms-callback',
      requestId: '1-6650a1b2-0000000000000000000000c1',
      timeEpoch: '1779242400000',
      request: {
        kind: 'alarm',
        trigger: 'cms-callback',
        triggerRef: 'alarmRule_uuid_00aa11bb22cc33dd44ee55ff',
        alarm: {
          state: 'ALERT',
          ruleId: 'alarmRule_uuid_00aa11bb22cc33dd44ee55ff',
          alertName: 'webplus-change-idle',
          namespace: 'acs_customMetric_1234567890123456',
          metricName: 'change_idle_minutes',
          dimensions: { userId: '1234567890123456', envId: 'we-5d39b8ba6786bd4b14950001' },
          timestampMs: 1779242400000,
        },
        changeIds: [],
        envIds: ['we-5d39b8ba6786bd4b14950001'],
        invalid: [],
      },
    });
  });

  it('cms-callback-recovery.json → ignored, seconds timestamp irrelevant', () => {
    expect(classifyEvent(fixture('cms-callback-recovery.json'), options())).toEqual({
      kind: 'http',
      route: '/cms-callback',
      requestId: '1-6650a1b2-0000000000000000000000c2',
      timeEpoch: '1779243000000',
      request: {
        kind: 'ignored',
        trigger: 'cms-callback',
        triggerRef: 'alarmRule_uuid_00aa11bb22cc33dd44ee55ff',
        detail: 'alarm state OK is a recovery notification: nothing to abort',
        reason: 'alarm:alarmRule_uuid_00aa11bb22cc33dd44ee55ff',
        invalid: [],
      },
    });
  });

  it('cms-rule-push.json → an alarm from resources, trigger cms-callback', () => {
    expect(classifyEvent(fixture('cms-rule-push.json'), options())).toEqual({
      kind: 'requests',
      requests: [
        {
          kind: 'alarm',
          trigger: 'cms-callback',
          triggerRef: 'putNewAlarm_group_778af9ba-a291-46ab-ac53-3983bcee0001',
          alarm: {
            state: 'CRITICAL',
            ruleId: 'putNewAlarm_group_778af9ba-a291-46ab-ac53-3983bcee0001',
            ruleName: 'webplus-change-idle',
            alertName: 'webplus-change-idle',
            namespace: 'acs_customMetric_1234567890123456',
            metricName: 'change_idle_minutes',
            dimensions: { userId: '1234567890123456', envId: 'we-5d39b8ba6786bd4b14950001' },
            timestampMs: 1779242400000,
          },
          changeIds: [],
          envIds: ['we-5d39b8ba6786bd4b14950001'],
          invalid: [],
        },
      ],
    });
  });

  it('eventbridge-cms-alert.json → an alarm naming the change', () => {
    expect(classifyEvent(fixture('eventbridge-cms-alert.json'), options())).toEqual({
      kind: 'requests',
      requests: [
        {
          kind: 'alarm',
          trigger: 'eventbridge',
          triggerRef: '45ef4dee-dd11-4c35-947a-bd93fab00001',
          alarm: {
            state: 'ALERT',
            ruleId: 'alarmRule_uuid_00aa11bb22cc33dd44ee55ff',
            alertName: 'webplus-deploy-5xx',
            namespace: 'acs_customMetric_1234567890123456',
            metricName: 'code5XX',
            dimensions: { userId: '1234567890123456', changeId: 'wc-5d3a963d5802611c4ddc0002' },
            timestampMs: 1779242400000,
          },
          changeIds: ['wc-5d3a963d5802611c4ddc0002'],
          envIds: [],
          // The envelope's aliyunregionid and subject name it (red-team 24 F4).
          regionId: 'cn-hangzhou',
          invalid: [],
        },
      ],
    });
  });

  it('http-abort.json → a manual abort with the reason as note', () => {
    expect(classifyEvent(fixture('http-abort.json'), options())).toEqual({
      kind: 'http',
      route: '/abort',
      requestId: '1-6650a1b2-0123456789abcdef01234567',
      timeEpoch: '1779242400000',
      request: {
        kind: 'abort',
        trigger: 'http',
        triggerRef: '1-6650a1b2-0123456789abcdef01234567',
        changeIds: ['wc-5d3a963d5802611c4ddc0001'],
        envIds: [],
        note: 'deploy hung on batch 2',
        invalid: [],
      },
    });
  });

  it('http-abort-base64.json → a manual abort of one change', () => {
    expect(classifyEvent(fixture('http-abort-base64.json'), options())).toEqual({
      kind: 'http',
      route: '/abort',
      requestId: '1-6650a1b2-0000000000000000000000b6',
      timeEpoch: '1779242400000',
      request: {
        kind: 'abort',
        trigger: 'http',
        triggerRef: '1-6650a1b2-0000000000000000000000b6',
        changeIds: ['wc-5d3a963d5802611c4ddc0001'],
        envIds: [],
        invalid: [],
      },
    });
  });

  it('timer-sweep.json → a sweep with the payload threshold', () => {
    expect(classifyEvent(fixture('timer-sweep.json'), options())).toEqual({
      kind: 'requests',
      requests: [
        {
          kind: 'sweep',
          trigger: 'timer',
          triggerRef: 'sweep-stuck-changes',
          triggerTime: '2026-05-20T02:00:00Z',
          maxIdleMinutes: 30,
          invalid: [],
        },
      ],
    });
  });

  it('timer-empty-payload.json → a plain sweep', () => {
    expect(classifyEvent(fixture('timer-empty-payload.json'), options())).toEqual({
      kind: 'requests',
      requests: [
        {
          kind: 'sweep',
          trigger: 'timer',
          triggerRef: 'sweep-stuck-changes',
          triggerTime: '2026-05-20T02:05:00Z',
          invalid: [],
        },
      ],
    });
  });

  it('fixtures classify the same from a Buffer, a string and a parsed object', () => {
    for (const name of ['timer-sweep.json', 'cms-rule-push.json', 'http-abort.json']) {
      const bytes = fixture(name);
      const fromBuffer = classifyEvent(bytes, options());
      expect(classifyEvent(bytes.toString('utf8'), options())).toEqual(fromBuffer);
      expect(classifyEvent(JSON.parse(bytes.toString('utf8')), options())).toEqual(fromBuffer);
    }
  });
});
