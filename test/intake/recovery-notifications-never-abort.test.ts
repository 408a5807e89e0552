/**
 * C02 (intake part): recovery and no-data notifications never abort.
 * Right: OK and INSUFFICIENT_DATA → one ignored request each; ALARM acts exactly like ALERT;
 * unknown states are ignored, never acted on.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifyEvent, type IntakeOptions } from '#shared/intake/classify.js';
import { RecentEvents } from '#shared/intake/recent-events.js';
import type { AbortRequest } from '#shared/model/request.js';

const recovery = JSON.parse(
  readFileSync(new URL('../fixtures/cms-callback-recovery.json', import.meta.url), 'utf8'),
) as { body: string };

function options(): IntakeOptions {
  return {
    authTokens: ['local-dev-token-0001'],
    maxBodyBytes: 262144,
    maxIds: 100,
    version: '0.1.0',
    recentEvents: new RecentEvents(),
  };
}

function withState(state: string): AbortRequest {
  const form = new URLSearchParams(recovery.body);
  form.set('alertState', state);
  // A firing alarm carries its level (an ALERT at triggerLevel OK is contradictory: ignored).
  if (state !== 'OK') form.set('triggerLevel', 'CRITICAL');
  const result = classifyEvent(
    Buffer.from(JSON.stringify({ ...recovery, body: form.toString() })),
    options(),
  );
  if (result.kind !== 'http') throw new Error(`expected an accepted callback, got ${result.kind}`);
  return result.request;
}

describe('C02: recovery and no-data notifications never abort', () => {
  it('OK → ignored with the rule as reason', () => {
    expect(withState('OK')).toEqual({
      kind: 'ignored',
      trigger: 'cms-callback',
      triggerRef: 'alarmRule_uuid_00aa11bb22cc33dd44ee55ff',
      detail: 'alarm state OK is a recovery notification: nothing to abort',
      reason: 'alarm:alarmRule_uuid_00aa11bb22cc33dd44ee55ff',
      invalid: [],
    });
  });

  it('INSUFFICIENT_DATA → ignored', () => {
    expect(withState('INSUFFICIENT_DATA')).toMatchObject({
      kind: 'ignored',
      detail: 'alarm state INSUFFICIENT_DATA is a no-data notification: nothing to abort',
    });
  });

  it('ALARM acts exactly like ALERT', () => {
    const alert = withState('ALERT');
    const alarm = withState('ALARM');
    expect(alert).toMatchObject({ kind: 'alarm', envIds: ['we-5d39b8ba6786bd4b14950001'] });
    expect(alarm.kind).toBe('alarm');
    if (alert.kind !== 'alarm' || alarm.kind !== 'alarm') return;
    expect({ ...alarm, alarm: { ...alarm.alarm, state: 'ALERT' } }).toEqual(alert);
    // Compared exactly (docs/reference/fc-triggers.md): a lower-case state is not one CloudMonitor sends.
    expect(withState('alarm').kind).toBe('ignored');
    expect(withState('Alert').kind).toBe('ignored');
  });

  it.each(['FIRING', 'CRITICAL', '', 'null'])('unknown or missing state %j → ignored', (state) => {
    const request = withState(state);
    expect(request.kind).toBe('ignored');
    expect(request.kind === 'ignored' && request.detail).toMatch(
      /unknown alarm state|no alertState/,
    );
  });

  it('a rule push at level OK or with eventName AlertOk → ignored', () => {
    const push = JSON.parse(
      readFileSync(new URL('../fixtures/cms-rule-push.json', import.meta.url), 'utf8'),
    );
    for (const event of [
      { ...push, curLevel: 'OK' },
      { ...push, eventName: 'AlertOk' },
    ]) {
      const result = classifyEvent(Buffer.from(JSON.stringify(event)), options());
      expect(result).toMatchObject({
        kind: 'requests',
        requests: [{ kind: 'ignored', trigger: 'cms-callback' }],
      });
    }
  });
});
