/**
 * C01 (intake part): CloudMonitor callbacks are form-encoded; `dimensions` is not JSON.
 * Right: ids come out clean (no braces, no spaces); a callback naming nothing still becomes an
 * alarm request with empty ids (targeting ignores it unless a policy rule maps it); HTTP 200 path.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifyEvent, type IntakeOptions, type IntakeResult } from '#shared/intake/classify.js';
import { RecentEvents } from '#shared/intake/recent-events.js';
import type { AbortRequest } from '#shared/model/request.js';

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/cms-callback-alert.json', import.meta.url), 'utf8'),
) as { body: string; isBase64Encoded: boolean };

function options(): IntakeOptions {
  return {
    authTokens: ['local-dev-token-0001'],
    maxBodyBytes: 262144,
    maxIds: 100,
    version: '0.1.0',
    recentEvents: new RecentEvents(),
  };
}

/** The fixture with its form body's `dimensions` (and more) replaced. */
function withBody(body: string, isBase64Encoded = false): Buffer {
  return Buffer.from(JSON.stringify({ ...fixture, body, isBase64Encoded }));
}

function setField(name: string, value: string): string {
  const form = new URLSearchParams(fixture.body);
  form.set(name, value);
  return form.toString();
}

function accepted(result: IntakeResult): AbortRequest {
  expect(result.kind).toBe('http');
  if (result.kind !== 'http') throw new Error('not accepted');
  expect(result.route).toBe('/cms-callback');
  return result.request;
}

describe('C01: CloudMonitor form callbacks yield clean ids whatever the dimensions format', () => {
  it('Java-map dimensions → clean EnvId, literal nulls dropped', () => {
    const request = accepted(classifyEvent(withBody(fixture.body), options()));
    expect(request).toMatchObject({
      kind: 'alarm',
      trigger: 'cms-callback',
      triggerRef: 'alarmRule_uuid_00aa11bb22cc33dd44ee55ff',
      changeIds: [],
      envIds: ['we-5d39b8ba6786bd4b14950001'],
      invalid: [],
    });
    if (request.kind !== 'alarm') return;
    expect(request.alarm.dimensions).toEqual({
      userId: '1234567890123456',
      envId: 'we-5d39b8ba6786bd4b14950001',
    });
    expect(JSON.stringify(request)).not.toContain('"null"');
  });

  it('dimensions as a URL-encoded JSON array → clean ChangeId', () => {
    const dims = encodeURIComponent('[{"userId":"1","changeId":"wc-5d3a963d5802611c4ddc0001"}]');
    // set once more URL-encoded inside the form (the form layer decodes one level)
    const request = accepted(classifyEvent(withBody(setField('dimensions', dims)), options()));
    expect(request).toMatchObject({
      kind: 'alarm',
      changeIds: ['wc-5d3a963d5802611c4ddc0001'],
      envIds: [],
    });
    if (request.kind === 'alarm') {
      expect(request.alarm.dimensions).toEqual({
        userId: '1',
        changeId: 'wc-5d3a963d5802611c4ddc0001',
      });
    }
  });

  it('dimensions as a plain JSON array in the form → same ids', () => {
    const body = setField(
      'dimensions',
      '[{"userId":"1","changeId":"wc-5d3a963d5802611c4ddc0001"}]',
    );
    const request = accepted(classifyEvent(withBody(body), options()));
    expect(request).toMatchObject({ changeIds: ['wc-5d3a963d5802611c4ddc0001'] });
  });

  it('the same body base64-encoded with isBase64Encoded: true reads the same', () => {
    const plain = accepted(classifyEvent(withBody(fixture.body), options()));
    const base64 = Buffer.from(fixture.body, 'utf8').toString('base64');
    const decoded = accepted(classifyEvent(withBody(base64, true), options()));
    expect(decoded).toEqual(plain);
  });

  it('literal null fields (instanceName=null, regionId=null) are absent, not the string "null"', () => {
    const body = setField('namespace', 'null');
    const request = accepted(classifyEvent(withBody(body), options()));
    expect(request.kind === 'alarm' && request.alarm.namespace).toBeUndefined();
  });

  it('seconds timestamps are normalised to milliseconds', () => {
    const request = accepted(
      classifyEvent(withBody(setField('timestamp', '1779242400')), options()),
    );
    expect(request.kind === 'alarm' && request.alarm.timestampMs).toBe(1779242400000);
  });

  it('a callback naming no change or environment is an alarm with empty ids', () => {
    const body = setField('dimensions', '{userId=1234567890123456, instanceId=i-abc}');
    const request = accepted(classifyEvent(withBody(body), options()));
    expect(request).toMatchObject({
      kind: 'alarm',
      changeIds: [],
      envIds: [],
      invalid: [],
      alarm: { dimensions: { userId: '1234567890123456', instanceId: 'i-abc' } },
    });
  });
});
