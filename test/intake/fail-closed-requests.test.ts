/**
 * Issue 10, kind 4: requests that do not say what they seem to. Every JSON body, query and timer
 * payload refuses unknown keys (400 / `invalid` naming the key), so a misspelt `dryRun` can never
 * be dropped while the abort goes ahead; an explicitly empty list never means "everything".
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import {
  appId,
  change,
  changeId,
  envId,
  httpEvent,
  scenario,
  summaryOf,
  timerEvent,
} from '../helpers/world.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function stuck(): Promise<Harness> {
  h = await startHarness(
    scenario(
      [2],
      [
        change({ n: 1, env: 0, idleMin: 90, ageMin: 95 }),
        change({ n: 2, env: 1, idleMin: 90, ageMin: 95 }),
      ],
    ),
  );
  return h;
}

function errorOf(result: unknown): { status: number; code: string; field?: string } {
  const r = result as { statusCode: number; body: string };
  const e = (JSON.parse(r.body) as { error: { code: string; field?: string } }).error;
  return { status: r.statusCode, code: e.code, field: e.field };
}

describe('kind 4: unknown keys are refused, never dropped', () => {
  for (const key of ['DryRun', 'dry_run', 'dryrun', 'dry-run', 'force', 'changeID']) {
    for (const path of ['/abort', '/sweep']) {
      it(`${path} body with "${key}": 400 naming it, no Web+ call`, async () => {
        // Arrange
        const harness = await stuck();
        const body =
          path === '/abort' ? { changeIds: [changeId(1)], [key]: true } : { [key]: true };

        // Act
        const result = await harness.handler(
          httpEvent({ path, body: JSON.stringify(body) }),
          fakeContext(),
        );

        // Assert
        expect(errorOf(result)).toEqual({ status: 400, code: 'invalid_input', field: key });
        expect(harness.sandbox.journal()).toHaveLength(0);
        expect(harness.records()).toHaveLength(0);
      });
    }
  }

  it('?dry-run=true on /abort: 400 naming it', async () => {
    // Arrange
    const harness = await stuck();

    // Act
    const result = await harness.handler(
      httpEvent({
        path: '/abort',
        body: JSON.stringify({ changeIds: [changeId(1)] }),
        query: { 'dry-run': 'true' },
      }),
      fakeContext(),
    );

    // Assert
    expect(errorOf(result)).toEqual({ status: 400, code: 'invalid_input', field: 'dry-run' });
    expect(harness.sandbox.abortCalls()).toBe(0);
  });

  it('a form body with dry_run=true: 400 naming it', async () => {
    // Arrange
    const harness = await stuck();

    // Act
    const result = await harness.handler(
      httpEvent({ path: '/abort', body: `changeIds=${changeId(1)}&dry_run=true` }),
      fakeContext(),
    );

    // Assert
    expect(errorOf(result).field).toBe('dry_run');
    expect(harness.sandbox.abortCalls()).toBe(0);
  });

  it('a JSON body repeating a key ({"dryRun":true,"dryRun":false}): 400, no abort', async () => {
    // Arrange
    const harness = await stuck();

    // Act
    const result = await harness.handler(
      httpEvent({
        path: '/abort',
        body: `{"changeIds":["${changeId(1)}"],"dryRun":true,"dryRun":false}`,
      }),
      fakeContext(),
    );

    // Assert
    expect(errorOf(result)).toEqual({ status: 400, code: 'invalid_body', field: 'dryRun' });
    expect(harness.sandbox.abortCalls()).toBe(0);
  });

  for (const key of ['DryRun', 'dry_run', 'dryrun', 'bogus']) {
    it(`timer payload with "${key}": invalid naming payload.${key}, nothing swept`, async () => {
      // Arrange
      const harness = await stuck();

      // Act
      const s = summaryOf(await harness.handler(timerEvent({ [key]: true }), fakeContext()));

      // Assert
      expect(harness.sandbox.journal()).toHaveLength(0);
      expect(s.results).toEqual([expect.objectContaining({ outcome: 'invalid' })]);
      expect(s.results[0]?.detail).toContain(`payload.${key}`);
    });
  }

  it('timer payload with a bad threshold: invalid, nothing swept (never the policy value instead)', async () => {
    // Arrange
    const harness = await stuck();

    // Act
    const s = summaryOf(await harness.handler(timerEvent({ maxIdleMinutes: '60' }), fakeContext()));

    // Assert
    expect(harness.sandbox.journal()).toHaveLength(0);
    expect(s.results.map((r) => r.outcome)).toEqual(['invalid']);
  });

  it('timer payload that is not JSON: invalid, nothing swept', async () => {
    // Arrange
    const harness = await stuck();

    // Act
    const s = summaryOf(await harness.handler(timerEvent('sweep everything'), fakeContext()));

    // Assert
    expect(harness.sandbox.journal()).toHaveLength(0);
    expect(s.results.map((r) => r.outcome)).toEqual(['invalid']);
  });
});

describe('kind 4: an explicitly empty list never means everything', () => {
  for (const key of ['envIds', 'appIds']) {
    it(`/sweep {"${key}": []}: 400 naming ${key}`, async () => {
      // Arrange
      const harness = await stuck();

      // Act
      const result = await harness.handler(
        httpEvent({ path: '/sweep', body: JSON.stringify({ [key]: [] }) }),
        fakeContext(),
      );

      // Assert
      expect(errorOf(result)).toEqual({ status: 400, code: 'invalid_input', field: key });
      expect(harness.sandbox.journal()).toHaveLength(0);
    });

    it(`/sweep ?${key}= (empty): 400 naming ${key}`, async () => {
      // Arrange
      const harness = await stuck();

      // Act
      const result = await harness.handler(
        httpEvent({ path: '/sweep', query: { [key]: '' } }),
        fakeContext(),
      );

      // Assert
      expect(errorOf(result).field).toBe(key);
      expect(harness.sandbox.journal()).toHaveLength(0);
    });

    it(`timer payload {"${key}": []}: invalid, nothing swept`, async () => {
      // Arrange
      const harness = await stuck();

      // Act
      const s = summaryOf(await harness.handler(timerEvent({ [key]: [] }), fakeContext()));

      // Assert
      expect(harness.sandbox.journal()).toHaveLength(0);
      expect(s.results).toEqual([expect.objectContaining({ outcome: 'invalid' })]);
      expect(s.results[0]?.detail).toContain(`payload.${key}`);
    });
  }

  it('/abort {"changeIds": [], "envIds": []}: 400', async () => {
    // Arrange
    const harness = await stuck();

    // Act
    const result = await harness.handler(
      httpEvent({ path: '/abort', body: JSON.stringify({ changeIds: [], envIds: [] }) }),
      fakeContext(),
    );

    // Assert
    expect(errorOf(result).status).toBe(400);
    expect(harness.sandbox.journal()).toHaveLength(0);
  });

  it('envIds and appIds together are refused, not one silently preferred', async () => {
    // Arrange
    const harness = await stuck();

    // Act
    const result = await harness.handler(
      httpEvent({
        path: '/sweep',
        body: JSON.stringify({ envIds: [envId(0)], appIds: [appId(0)] }),
      }),
      fakeContext(),
    );
    const timer = summaryOf(
      await harness.handler(timerEvent({ envIds: [envId(0)], appIds: [appId(0)] }), fakeContext()),
    );

    // Assert
    expect(errorOf(result)).toEqual({ status: 400, code: 'invalid_input', field: 'appIds' });
    expect(timer.results.map((r) => r.outcome)).toEqual(['invalid']);
    expect(harness.sandbox.journal()).toHaveLength(0);
  });

  it('an absent list still means everything the policy allows (the contract)', async () => {
    // Arrange
    const harness = await stuck();

    // Act
    const s = summaryOf(await harness.handler(timerEvent({}), fakeContext()));

    // Assert
    expect(s.results.map((r) => r.outcome)).toEqual(['aborted', 'aborted']);
  });
});
