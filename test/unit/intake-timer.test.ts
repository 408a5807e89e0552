import { describe, expect, it } from 'vitest';
import { classifyEvent, type IntakeOptions } from '../../shared/intake/classify.js';
import { RecentEvents } from '../../shared/intake/recent-events.js';
import type { AbortRequest } from '../../shared/model/request.js';

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
        appIds: APP_1,
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
      appIds: [APP_1],
      dryRun: true,
      maxIdleMinutes: 45,
      maxDurationMinutes: 300,
      invalid: [],
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
  ])('drops maxIdleMinutes that is %s and keeps sweeping', (_name, value, fragment) => {
    const request = timer(JSON.stringify({ maxIdleMinutes: value, maxDurationMinutes: 120 }));
    expect(request.kind).toBe('sweep');
    if (request.kind !== 'sweep') return;
    expect(request.maxIdleMinutes).toBeUndefined();
    expect(request.maxDurationMinutes).toBe(120);
    expect(request.invalid).toHaveLength(1);
    expect(request.invalid[0]?.field).toBe('payload.maxIdleMinutes');
    expect(request.invalid[0]?.message).toContain(fragment);
    expect(request.invalid[0]?.message).toContain("the policy's value applies");
  });

  it('drops an unknown key with one invalid naming it', () => {
    const request = timer(JSON.stringify({ maxIdleMinutes: 30, envId: ENV_1 }));
    expect(request).toMatchObject({ kind: 'sweep', maxIdleMinutes: 30 });
    expect(request.invalid).toEqual([
      {
        field: 'payload.envId',
        value: ENV_1,
        message:
          'unknown key (allowed: envIds, appIds, dryRun, maxIdleMinutes, maxDurationMinutes); dropped',
      },
    ]);
    expect((request as { envIds?: string[] }).envIds).toBeUndefined();
  });

  it('a payload that is not JSON is reported and the sweep runs on policy values', () => {
    const request = timer('maxIdleMinutes=30');
    expect(request).toEqual({
      kind: 'sweep',
      trigger: 'timer',
      triggerRef: 'sweep',
      triggerTime: '2026-05-20T02:00:00Z',
      invalid: [{ field: 'payload', value: 'maxIdleMinutes=30', message: 'not JSON; ignored' }],
    });
  });

  it('a non-JSON payload that meant to narrow the scope sweeps nothing', () => {
    const request = timer('{envIds: [we-x]}');
    expect(request.kind).toBe('ignored');
    expect(request.invalid.map((i) => i.field)).toEqual(['payload']);
  });

  it('a JSON payload that is not an object is reported', () => {
    const request = timer('[1,2]');
    expect(request.kind).toBe('sweep');
    expect(request.invalid[0]?.message).toBe('expected a JSON object, got array; ignored');
  });

  it('envIds holding only invalid ids never widens to a sweep of everything', () => {
    const request = timer(
      JSON.stringify({ envIds: [unrendered('env'), 'we-bad'], maxIdleMinutes: 30 }),
    );
    expect(request.kind).toBe('ignored');
    if (request.kind !== 'ignored') return;
    expect(request.detail).toContain('sweeping nothing rather than everything');
    expect(request.triggerRef).toBe('sweep');
    expect(request.invalid.map((i) => i.field)).toEqual(['payload.envIds[0]', 'payload.envIds[1]']);
  });

  it('envIds of the wrong type, or appIds with nothing valid, also sweep nothing', () => {
    expect(timer(JSON.stringify({ envIds: 7 })).kind).toBe('ignored');
    expect(timer(JSON.stringify({ appIds: [''] })).kind).toBe('ignored');
    expect(timer(JSON.stringify({ envIds: unrendered('envIds') })).kind).toBe('ignored');
  });

  it('envIds with some valid ids keeps those and reports the rest', () => {
    const request = timer(JSON.stringify({ envIds: [ENV_1, 'nope'] }));
    expect(request).toMatchObject({ kind: 'sweep', envIds: [ENV_1] });
    expect(request.invalid).toHaveLength(1);
    expect(request.invalid[0]?.field).toBe('payload.envIds[1]');
  });

  it('an empty envIds list means no limit (the policy file convention)', () => {
    const request = timer(JSON.stringify({ envIds: [] }));
    expect(request).toEqual({
      kind: 'sweep',
      trigger: 'timer',
      triggerRef: 'sweep',
      triggerTime: '2026-05-20T02:00:00Z',
      invalid: [],
    });
  });

  it('an unreadable dryRun is reported and read as true', () => {
    const request = timer(JSON.stringify({ dryRun: 'yes' }));
    expect(request).toMatchObject({ kind: 'sweep', dryRun: true });
    expect(request.invalid[0]?.field).toBe('payload.dryRun');
    expect(timer(JSON.stringify({ dryRun: false }))).toMatchObject({ dryRun: false, invalid: [] });
  });

  it('an already parsed payload object and a missing payload are accepted', () => {
    expect(timer({ maxIdleMinutes: 10 })).toMatchObject({ kind: 'sweep', maxIdleMinutes: 10 });
    expect(timer(undefined)).toMatchObject({ kind: 'sweep', invalid: [] });
  });
});
