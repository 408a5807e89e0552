/**
 * C04 (end to end): the manual HTTP endpoint is the break-glass path, with explicit errors.
 * HTTP_AUTH_TOKENS=local-dev-token-0001. Refused calls write no record and make no Web+ call.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { HttpResponse } from '#shared/fc/http.js';
import type { HandlerResult } from '#shared/pipeline/handle-event.js';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { change, changeId, envId, httpEvent, scenario, summaryOf } from '../helpers/world.js';

function fixture(name: string): Buffer {
  return readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
}

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function world() {
  return scenario(
    [3],
    [
      change({ n: 1, env: 0, idleMin: 3, ageMin: 5 }),
      change({ n: 2, env: 1, idleMin: 3, ageMin: 5 }),
    ],
  );
}

function http(result: HandlerResult): HttpResponse {
  expect(result).toHaveProperty('statusCode');
  return result as HttpResponse;
}

function errorOf(result: HandlerResult): { code: string; message: string; field?: string } {
  const body = JSON.parse(http(result).body) as { error: { code: string; message: string } };
  return body.error;
}

describe('C04: the HTTP API end to end', () => {
  it('(a) the base64 fixture → one abort, 200 with one result', async () => {
    // Arrange
    h = await startHarness(world());

    // Act
    const result = http(await h.handler(fixture('http-abort-base64.json'), fakeContext()));

    // Assert
    expect(result.statusCode).toBe(200);
    expect(summaryOf(result).results).toEqual([
      expect.objectContaining({ changeId: changeId(1), outcome: 'aborted', attempts: 1 }),
    ]);
    expect(h.sandbox.abortCalls()).toBe(1);
  });

  it('(b) query changeIds joined by FC, no body → two aborts, one result per id', async () => {
    // Arrange
    h = await startHarness(world());

    // Act
    const result = http(
      await h.handler(
        httpEvent({ path: '/abort', query: { changeIds: `${changeId(1)},${changeId(2)}` } }),
        fakeContext(),
      ),
    );

    // Assert
    expect(result.statusCode).toBe(200);
    expect(summaryOf(result).results.map((r) => [r.changeId, r.outcome])).toEqual([
      [changeId(1), 'aborted'],
      [changeId(2), 'aborted'],
    ]);
    expect(h.sandbox.abortCalls()).toBe(2);
  });

  it('envIds → the environment in-flight change; a quiet env is skipped', async () => {
    // Arrange
    h = await startHarness(world());

    // Act
    const result = http(
      await h.handler(
        httpEvent({ path: '/abort', body: JSON.stringify({ envIds: [envId(1), envId(2)] }) }),
        fakeContext(),
      ),
    );

    // Assert
    expect(summaryOf(result).results).toEqual([
      expect.objectContaining({ changeId: changeId(2), outcome: 'aborted' }),
      expect.objectContaining({ envId: envId(2), outcome: 'skipped' }),
    ]);
    expect(h.sandbox.abortCalls()).toBe(1);
  });

  it('POST /sweep with envIds sweeps only those', async () => {
    // Arrange
    h = await startHarness(
      scenario(
        [2],
        [
          change({ n: 1, env: 0, idleMin: 90, ageMin: 95 }),
          change({ n: 2, env: 1, idleMin: 90, ageMin: 95 }),
        ],
      ),
    );

    // Act
    const result = http(
      await h.handler(
        httpEvent({ path: '/sweep', body: JSON.stringify({ envIds: [envId(1)] }) }),
        fakeContext(),
      ),
    );

    // Assert
    expect(result.statusCode).toBe(200);
    expect(summaryOf(result).results).toEqual([
      expect.objectContaining({ changeId: changeId(2), outcome: 'aborted' }),
    ]);
    expect(h.sandbox.abortCalls(changeId(1))).toBe(0);
  });

  const refusals = [
    {
      name: '(c) broken JSON body → 400 naming the body',
      event: () => httpEvent({ path: '/abort', body: '{"changeIds": [' }),
      status: 400,
      field: 'body',
    },
    {
      name: '(d) {} → 400 naming changeIds',
      event: () => httpEvent({ path: '/abort', body: '{}' }),
      status: 400,
      field: 'changeIds',
    },
    {
      name: '(e) a 2 MB body → 413',
      event: () =>
        httpEvent({
          path: '/abort',
          body: JSON.stringify({ changeIds: [changeId(1)], note: 'x'.repeat(2 * 1024 * 1024) }),
        }),
      status: 413,
    },
    {
      name: '(f) no token → 401',
      event: () =>
        httpEvent({
          path: '/abort',
          body: JSON.stringify({ changeIds: [changeId(1)] }),
          token: null,
        }),
      status: 401,
    },
    {
      name: 'a wrong token → 401',
      event: () =>
        httpEvent({
          path: '/abort',
          body: JSON.stringify({ changeIds: [changeId(1)] }),
          token: 'not-the-token',
        }),
      status: 401,
    },
    {
      name: '(g) GET /abort → 405',
      event: () => httpEvent({ method: 'GET', path: '/abort' }),
      status: 405,
    },
    {
      name: 'an unknown path → 404',
      event: () => httpEvent({ path: '/nope', body: '{}' }),
      status: 404,
    },
    {
      name: 'more than HTTP_MAX_IDS ids → 400 naming the field',
      event: () =>
        httpEvent({
          path: '/abort',
          body: JSON.stringify({ changeIds: Array.from({ length: 101 }, (_, i) => changeId(i)) }),
        }),
      status: 400,
      field: 'changeIds',
    },
  ];

  for (const { name, event, status, field } of refusals) {
    it(`${name}; no Web+ call, no record, no stack trace`, async () => {
      // Arrange
      h = await startHarness(world());

      // Act
      const result = http(await h.handler(event(), fakeContext()));

      // Assert
      expect(result.statusCode).toBe(status);
      const error = errorOf(result);
      expect(error.code).toBeTruthy();
      if (field) expect(error.field).toBe(field);
      expect(result.body).not.toMatch(/\n\s+at /);
      expect(h.sandbox.journal()).toHaveLength(0);
      expect(h.records()).toHaveLength(0);
      expect(h.warnings).toHaveLength(1);
      expect(h.warnings.join('\n')).not.toContain('local-dev-token-0001');
      expect(h.warnings.join('\n')).not.toContain('not-the-token');
    });
  }

  it('GET /health → 200 {status, version}, no auth, no Web+ call', async () => {
    // Arrange
    h = await startHarness(world());

    // Act
    const result = http(
      await h.handler(httpEvent({ method: 'GET', path: '/health', token: null }), fakeContext()),
    );

    // Assert
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toMatchObject({ version: 'test' });
    expect(h.sandbox.journal()).toHaveLength(0);
  });
});
