/**
 * C04 (intake part): the manual HTTP endpoint is the break-glass path: explicit errors.
 * With tokens ['local-dev-token-0001']: (a) base64 fixture → one id; (b) comma-joined query, no body →
 * two ids; (c) `{"changeIds": [` → 400 field body; (d) `{}` → 400 field changeIds; (e) 2 MB → 413;
 * (f) no token → 401; (g) GET /abort → 405. No request is produced for (c)-(g).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifyEvent, type IntakeOptions, type IntakeResult } from '#shared/intake/classify.js';
import { RecentEvents } from '#shared/intake/recent-events.js';

const C1 = 'wc-5d3a963d5802611c4ddc0001';
const C2 = 'wc-5d3a963d5802611c4ddc0002';

function fixture(name: string): Buffer {
  return readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
}
const base = JSON.parse(fixture('http-abort.json').toString('utf8')) as Record<string, unknown>;

function options(): IntakeOptions {
  return {
    authTokens: ['local-dev-token-0001'],
    maxBodyBytes: 262144,
    maxIds: 100,
    version: '0.1.0',
    recentEvents: new RecentEvents(),
  };
}

function call(over: Record<string, unknown>, method = 'POST'): Buffer {
  const context = base.requestContext as Record<string, unknown>;
  return Buffer.from(
    JSON.stringify({
      ...base,
      ...over,
      requestContext: { ...context, http: { ...(context.http as object), method } },
    }),
  );
}

function refused(result: IntakeResult, status: number): { code: string; field?: string } {
  expect(result.kind).toBe('http-reply');
  if (result.kind !== 'http-reply') throw new Error('not refused');
  expect(result.response.statusCode).toBe(status);
  expect(result.warning).toBeDefined();
  return (JSON.parse(result.response.body) as { error: { code: string; field?: string } }).error;
}

describe('C04: POST /abort refuses bad input with explicit errors', () => {
  it('(a) the base64 fixture → an abort of one change', () => {
    expect(classifyEvent(fixture('http-abort-base64.json'), options())).toMatchObject({
      kind: 'http',
      route: '/abort',
      request: { kind: 'abort', changeIds: [C1], envIds: [], invalid: [] },
    });
  });

  it('(b) query changeIds "wc-..01,wc-..02" with no body → two ids', () => {
    const result = classifyEvent(
      call({ body: '', queryParameters: { changeIds: `${C1},${C2}` } }),
      options(),
    );
    expect(result).toMatchObject({
      kind: 'http',
      request: { kind: 'abort', changeIds: [C1, C2], invalid: [] },
    });
  });

  it('(c) broken JSON → 400 naming the body, never 415/500', () => {
    expect(refused(classifyEvent(call({ body: '{"changeIds": [' }), options()), 400)).toEqual({
      code: 'invalid_body',
      message: 'body is not valid JSON',
      field: 'body',
    });
  });

  it('(d) {} → 400 naming changeIds', () => {
    expect(refused(classifyEvent(call({ body: '{}' }), options()), 400)).toEqual({
      code: 'invalid_input',
      message: 'give changeIds or envIds: at least one id',
      field: 'changeIds',
    });
  });

  it('(e) a 2 MB body → 413', () => {
    const body = JSON.stringify({ changeIds: [C1], note: 'x'.repeat(2 * 1024 * 1024) });
    expect(refused(classifyEvent(call({ body }), options()), 413).code).toBe('payload_too_large');
    const base64 = Buffer.from(body).toString('base64');
    expect(
      refused(classifyEvent(call({ body: base64, isBase64Encoded: true }), options()), 413).field,
    ).toBe('body');
  });

  it('(f) no token → 401', () => {
    expect(
      refused(
        classifyEvent(call({ headers: { 'Content-Type': 'application/json' } }), options()),
        401,
      ).code,
    ).toBe('unauthorized');
  });

  it('(g) GET /abort → 405 with allow: POST', () => {
    const result = classifyEvent(call({}, 'GET'), options());
    expect(refused(result, 405).code).toBe('method_not_allowed');
    expect(result.kind === 'http-reply' && result.response.headers.allow).toBe('POST');
  });
});
