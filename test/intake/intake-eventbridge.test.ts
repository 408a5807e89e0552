import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifyEvent, type IntakeOptions } from '#shared/intake/classify.js';
import { RecentEvents } from '#shared/intake/recent-events.js';
import type { AbortRequest } from '#shared/model/request.js';

const envelope = JSON.parse(
  readFileSync(new URL('../fixtures/eventbridge-cms-alert.json', import.meta.url), 'utf8'),
) as Record<string, unknown> & { data: Record<string, unknown> };

function options(recentEvents = new RecentEvents()): IntakeOptions {
  return { authTokens: [], maxBodyBytes: 262144, maxIds: 100, version: '0.1.0', recentEvents };
}

function requests(event: unknown, opts = options()): AbortRequest[] {
  const result = classifyEvent(Buffer.from(JSON.stringify(event)), opts);
  if (result.kind !== 'requests') throw new Error(`expected requests, got ${result.kind}`);
  return result.requests;
}

describe('EventBridge', () => {
  it('a redelivery (same id and source) in this instance yields no request', () => {
    const opts = options();
    expect(requests(envelope, opts)).toHaveLength(1);
    expect(requests(envelope, opts)).toEqual([]);
    expect(requests({ ...envelope, source: 'acs.other' }, opts)).toHaveLength(1);
  });

  it('a batch array yields one request per envelope, and drops a duplicate inside it', () => {
    const second = {
      ...envelope,
      id: 'id-2',
      data: { ...envelope.data, dimensions: '[{"envId":"we-5d39b8ba6786bd4b14950002"}]' },
    };
    const out = requests([envelope, second, envelope]);
    expect(out.map((r) => [r.kind, r.triggerRef])).toEqual([
      ['alarm', '45ef4dee-dd11-4c35-947a-bd93fab00001'],
      ['alarm', 'id-2'],
    ]);
    expect(out[1]).toMatchObject({ envIds: ['we-5d39b8ba6786bd4b14950002'] });
  });

  it('a non-alert type is ignored', () => {
    expect(requests({ ...envelope, type: 'oss:ObjectCreated:PutObject' })).toEqual([
      {
        kind: 'ignored',
        trigger: 'eventbridge',
        triggerRef: '45ef4dee-dd11-4c35-947a-bd93fab00001',
        detail: "EventBridge event type 'oss:ObjectCreated:PutObject' is not a CloudMonitor alert",
        invalid: [],
      },
    ]);
  });

  it('a recovery state is ignored with the rule as reason', () => {
    const [request] = requests({ ...envelope, data: { ...envelope.data, alertState: 'OK' } });
    expect(request).toMatchObject({
      kind: 'ignored',
      trigger: 'eventbridge',
      reason: 'alarm:alarmRule_uuid_00aa11bb22cc33dd44ee55ff',
    });
  });

  it('data as a JSON string, a dimensions object, and a bad id', () => {
    const data = JSON.stringify({
      ...envelope.data,
      dimensions: { changeId: 'wc-nothex', envId: 'we-5d39b8ba6786bd4b14950001' },
    });
    const [request] = requests({ ...envelope, data });
    expect(request).toMatchObject({
      kind: 'alarm',
      changeIds: [],
      envIds: ['we-5d39b8ba6786bd4b14950001'],
      invalid: [
        {
          field: 'dimensions.changeId',
          value: 'wc-nothex',
          message: 'not a ChangeId (expected wc- and 24 lower-case hex digits)',
        },
      ],
    });
  });

  it('data shaped like a rule push is read as one', () => {
    const rulePush = JSON.parse(
      readFileSync(new URL('../fixtures/cms-rule-push.json', import.meta.url), 'utf8'),
    );
    const [request] = requests({ ...envelope, data: rulePush });
    expect(request).toMatchObject({
      kind: 'alarm',
      trigger: 'eventbridge',
      triggerRef: '45ef4dee-dd11-4c35-947a-bd93fab00001',
      envIds: ['we-5d39b8ba6786bd4b14950001'],
    });
  });

  it('missing data is ignored', () => {
    const { data: _data, ...rest } = envelope;
    expect(requests(rest)[0]).toMatchObject({ kind: 'ignored', trigger: 'eventbridge' });
  });
});

describe('unrecognised events', () => {
  it.each([
    ['not JSON', Buffer.from('hello'), 'unrecognised event: 5 bytes that are not JSON'],
    [
      'not UTF-8',
      Buffer.from([0xff, 0xfe, 0x00]),
      'unrecognised event: 3 bytes that are not UTF-8 text',
    ],
    ['empty', Buffer.alloc(0), 'unrecognised event: an empty event'],
    ['a number', Buffer.from('42'), 'unrecognised event: a JSON number'],
    [
      'an object',
      Buffer.from('{"foo":1,"bar":2}'),
      'unrecognised event: a JSON object with keys [foo, bar]',
    ],
    ['an empty array', Buffer.from('[]'), 'unrecognised event: an empty JSON array'],
  ])('%s → one ignored request recorded as eventbridge', (_name, event, detail) => {
    expect(classifyEvent(event, options())).toEqual({
      kind: 'requests',
      requests: [{ kind: 'ignored', trigger: 'eventbridge', detail, invalid: [] }],
    });
  });

  it('a bare JSON alarm (callback fields) is read as a callback', () => {
    const result = classifyEvent(
      Buffer.from(
        JSON.stringify({
          alertState: 'ALARM',
          alertName: 'a',
          dimensions: '{envId=we-5d39b8ba6786bd4b14950001}',
        }),
      ),
      options(),
    );
    expect(result).toMatchObject({
      kind: 'requests',
      requests: [
        {
          kind: 'alarm',
          trigger: 'cms-callback',
          triggerRef: 'a',
          envIds: ['we-5d39b8ba6786bd4b14950001'],
        },
      ],
    });
  });
});
