/**
 * C03 (intake part): one entry for every trigger must not assume HTTP.
 * Right: a timer Buffer → a sweep; an EventBridge Buffer → the change in `data.dimensions`; a
 * JSON array of two envelopes → both; a rule push → the environment in `resources`.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifyEvent, type IntakeOptions } from '#shared/intake/classify.js';
import { RecentEvents } from '#shared/intake/recent-events.js';

function fixture(name: string): Buffer {
  return readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
}

function options(): IntakeOptions {
  return {
    authTokens: [],
    maxBodyBytes: 262144,
    maxIds: 100,
    version: '0.1.0',
    recentEvents: new RecentEvents(),
  };
}

describe('C03: every trigger is classified through one entry, none assumed HTTP', () => {
  it('timer Buffer → a sweep', () => {
    expect(classifyEvent(fixture('timer-sweep.json'), options())).toMatchObject({
      kind: 'requests',
      requests: [
        { kind: 'sweep', trigger: 'timer', triggerRef: 'sweep-stuck-changes', maxIdleMinutes: 30 },
      ],
    });
  });

  it('EventBridge Buffer → the change named in data.dimensions', () => {
    expect(classifyEvent(fixture('eventbridge-cms-alert.json'), options())).toMatchObject({
      kind: 'requests',
      requests: [
        { kind: 'alarm', trigger: 'eventbridge', changeIds: ['wc-5d3a963d5802611c4ddc0002'] },
      ],
    });
  });

  it('a JSON array of two envelopes → two requests', () => {
    const one = JSON.parse(fixture('eventbridge-cms-alert.json').toString('utf8'));
    const two = {
      ...one,
      id: '45ef4dee-dd11-4c35-947a-bd93fab00002',
      data: { ...one.data, dimensions: '{userId=1, changeId=wc-5d3a963d5802611c4ddc0003}' },
    };
    const result = classifyEvent(Buffer.from(JSON.stringify([one, two])), options());
    expect(result).toMatchObject({
      kind: 'requests',
      requests: [
        {
          kind: 'alarm',
          triggerRef: '45ef4dee-dd11-4c35-947a-bd93fab00001',
          changeIds: ['wc-5d3a963d5802611c4ddc0002'],
        },
        {
          kind: 'alarm',
          triggerRef: '45ef4dee-dd11-4c35-947a-bd93fab00002',
          changeIds: ['wc-5d3a963d5802611c4ddc0003'],
        },
      ],
    });
  });

  it('a rule push → the environment in resources', () => {
    expect(classifyEvent(fixture('cms-rule-push.json'), options())).toMatchObject({
      kind: 'requests',
      requests: [
        {
          kind: 'alarm',
          trigger: 'cms-callback',
          triggerRef: 'putNewAlarm_group_778af9ba-a291-46ab-ac53-3983bcee0001',
          envIds: ['we-5d39b8ba6786bd4b14950001'],
          changeIds: [],
        },
      ],
    });
  });
});
