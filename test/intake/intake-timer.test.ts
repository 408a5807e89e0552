import { describe, expect, it } from 'vitest';
import { classifyEvent, type IntakeOptions } from '#shared/intake/classify.js';
import { RecentEvents } from '#shared/intake/recent-events.js';
import type { AbortRequest } from '#shared/model/request.js';

const ENV_1 = 'we-5d39b8ba6786bd4b14950001';
const APP_1 = 'wa-5d39b8ba6786bd4b14950001';

/** An unrendered Serverless Devs variable, as a payload carries it when `s deploy` did not fill it. */
function unrendered(name: string): string {
  return '$' + `{${name}}`;
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

/** Arrange + act: one timer event with `payload`, as FC delivers it (a Buffer). */
function timer(payload: unknown): AbortRequest {
  const event = { triggerTime: '2026-05-20T02:00:00Z', triggerName: 'sweep', payload };
  const result = classifyEvent(Buffer.from(JSON.stringify(event)), options());
  if (result.kind !== 'requests' || result.requests.length !== 1)
    throw new Error('one request expected');
  return result.requests[0]!;
}

describe('timer payload', () => {
  it('an empty payload is a plain sweep that keeps triggerName and triggerTime', () => {
    expect(timer('')).toEqual({
      kind: 'sweep',
      trigger: 'timer',
      triggerRef: 'sweep',
      triggerTime: '2026-05-20T02:00:00Z',
      invalid: [],
    });
    expect(timer('   ')).toMatchObject({ kind: 'sweep', invalid: [] });
  });

  it('takes every valid key', () => {
    const request = timer(
      JSON.stringify({
        envIds: [ENV_1, ` ${ENV_1}`],
        dryRun: 'true',
        maxIdleMinutes: 45,
        maxDurationMinutes: 300,
      }),
    );
    expect(request).toEqual({
      kind: 'sweep',
      trigger: 'timer',
      triggerRef: 'sweep',
      triggerTime: '2026-05-20T02:00:00Z',
      envIds: [ENV_1],
      dryRun: true,
      maxIdleMinutes: 45,
      maxDurationMinutes: 300,
      invalid: [],
    });
    expect(timer(JSON.stringify({ appIds: APP_1 }))).toMatchObject({
      kind: 'sweep',
      appIds: [APP_1],
    });
  });

  it.each([
    ['an unrendered variable', unrendered('maxIdle'), 'an unrendered variable'],
    ['negative', -5, 'negative'],
    ['zero', 0, 'got number 0'],
    ['fractional', 2.5, 'got number 2.5'],
    ['a string', '30', 'got string'],
    ['a boolean', true, 'got boolean'],
    ['null', null, 'got null'],
  ])(
    'refuses the payload when maxIdleMinutes is %s: nothing is swept',
    (_name, value, fragment) => {
      const request = timer(JSON.stringify({ maxIdleMinutes: value, maxDurationMinutes: 120 }));
      expect(request.kind).toBe('refused');
      expect(request.invalid).toHaveLength(1);
      expect(request.invalid[0]?.field).toBe('payload.maxIdleMinutes');
      expect(request.invalid[0]?.message).toContain(fragment);
      expect(request.invalid[0]?.message).toContain('the payload is refused and nothing is swept');
    },
  );

  it.each(['envId', 'DryRun', 'dry_run', 'dryrun'])(
    'refuses a payload with the unknown key %s, naming it',
    (key) => {
      const request = timer(JSON.stringify({ maxIdleMinutes: 30, [key]: ENV_1 }));
      expect(request.kind).toBe('refused');
      expect(request.invalid).toEqual([
        {
          field: `payload.${key}`,
          value: ENV_1,
          message:
            'unknown key (allowed: envIds, appIds, dryRun, maxIdleMinutes, maxDurationMinutes, schedule): the payload is refused and nothing is swept',
        },
      ]);
    },
  );

  it('a payload naming a key twice is refused (which one was meant is unknown)', () => {
    const request = timer('{"dryRun": true, "dryRun": false}');
    expect(request.kind).toBe('refused');
    expect(request.invalid[0]?.message).toContain('names "dryRun" more than once');
  });

  it('a payload that is not JSON, or not an object, is refused', () => {
    for (const payload of ['maxIdleMinutes=30', '{envIds: [we-x]}', '[1,2]', '7']) {
      const request = timer(payload);
      expect(request.kind, payload).toBe('refused');
      expect(request.invalid.map((i) => i.field)).toEqual(['payload']);
    }
    expect(timer('[1,2]').invalid[0]?.message).toBe(
      'expected a JSON object: the payload is refused and nothing is swept',
    );
  });

  it('envIds holding only invalid ids never widens to a sweep of everything', () => {
    const request = timer(
      JSON.stringify({ envIds: [unrendered('env'), 'we-bad'], maxIdleMinutes: 30 }),
    );
    expect(request.kind).toBe('refused');
    expect(request.triggerRef).toBe('sweep');
    expect(request.invalid.map((i) => i.field)).toEqual(['payload.envIds[0]', 'payload.envIds[1]']);
  });

  it('envIds of the wrong type, or appIds with nothing valid, also sweep nothing', () => {
    expect(timer(JSON.stringify({ envIds: 7 })).kind).toBe('refused');
    expect(timer(JSON.stringify({ appIds: [''] })).kind).toBe('refused');
    expect(timer(JSON.stringify({ envIds: unrendered('envIds') })).kind).toBe('refused');
  });

  it('envIds with one bad id beside valid ones refuses the payload: never narrowed to the rest', () => {
    const request = timer(JSON.stringify({ envIds: [ENV_1, 'nope'] }));
    expect(request.kind).toBe('refused');
    expect(request.invalid).toHaveLength(1);
    expect(request.invalid[0]?.field).toBe('payload.envIds[1]');
    expect(request.invalid[0]?.message).toMatch(/: the payload is refused and nothing is swept$/);
  });

  it('an empty envIds list never means everything: refused', () => {
    for (const envIds of [[], '']) {
      const request = timer(JSON.stringify({ envIds }));
      expect(request.kind).toBe('refused');
      expect(request.invalid[0]?.message).toContain('an empty list never means everything');
    }
  });

  it('envIds and appIds together are refused', () => {
    const request = timer(JSON.stringify({ envIds: [ENV_1], appIds: [APP_1] }));
    expect(request.kind).toBe('refused');
    expect(request.invalid.map((i) => i.field)).toEqual(['payload.appIds']);
  });

  it('an unreadable dryRun refuses the payload', () => {
    const request = timer(JSON.stringify({ dryRun: 'yes' }));
    expect(request.kind).toBe('refused');
    expect(request.invalid[0]?.field).toBe('payload.dryRun');
    expect(timer(JSON.stringify({ dryRun: false }))).toMatchObject({ dryRun: false, invalid: [] });
  });

  it('an already parsed payload object and a missing payload are accepted', () => {
    expect(timer({ maxIdleMinutes: 10 })).toMatchObject({ kind: 'sweep', maxIdleMinutes: 10 });
    expect(timer(undefined)).toMatchObject({ kind: 'sweep', invalid: [] });
  });

  it("schedule: the trigger's cronExpression is kept (the rotation numbers runs by it; red-team 11 F3)", () => {
    expect(timer(JSON.stringify({ schedule: '0 0 * * * *' }))).toMatchObject({
      kind: 'sweep',
      schedule: '0 0 * * * *',
    });
    expect(timer(JSON.stringify({ schedule: '@every 1h30m' }))).toMatchObject({
      kind: 'sweep',
      schedule: '@every 1h30m',
    });
  });

  it.each([
    ['0 */5 * * *', 'has 6 fields'],
    ['CRON_TZ=Asia/Shanghai 0 0 9 * * *', 'UTC'],
    ['0 61 * * * *', 'outside 0-59'],
    [5, 'as a string, got number'],
    [unrendered('vars.sweepSchedule'), 'an unrendered variable'],
  ])('schedule %s is refused: %s', (value, fragment) => {
    const request = timer(JSON.stringify({ schedule: value }));
    expect(request.kind).toBe('refused');
    expect(request.invalid[0]?.field).toBe('payload.schedule');
    expect(request.invalid[0]?.message).toContain(fragment);
  });
});
