/**
 * Web+ reads that fail still leave a record: a listing that fails names the application; a
 * DescribeChange that fails names the change; credentials refused are a failed record, not a
 * crash. The handler always resolves.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import {
  appId,
  calls,
  change,
  changeId,
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

describe('failed reads become records', () => {
  it('DescribeAppEnvs of one app fails for good: one failed record naming the app, the other app swept', async () => {
    // Arrange
    h = await startHarness(
      scenario(
        [1, 1],
        [
          change({ n: 1, env: 0, idleMin: 90, ageMin: 95 }),
          change({ n: 2, env: 1, idleMin: 90, ageMin: 95 }),
        ],
        {
          faults: [
            {
              action: 'DescribeAppEnvs',
              responses: [{ status: 403, code: 'Forbidden.RAM', message: 'no' }],
            },
          ],
        },
      ),
      { env: { WEBPLUS_CONCURRENCY: '1' } },
    );

    // Act
    const s = summaryOf(await h.handler(timerEvent(), fakeContext()));

    // Assert
    const failed = s.results.filter((r) => r.outcome === 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]?.errorCode).toBe('Forbidden.RAM');
    const records = h.records();
    expect(records.find((r) => r.outcome === 'failed')?.appId).toBe(appId(0));
    expect(s.results.filter((r) => r.outcome === 'aborted')).toHaveLength(1);
  });

  it('DescribeChange 403 for a foreign change named by hand: not_found, no AbortChange', async () => {
    // Arrange
    h = await startHarness(
      scenario([1], [change({ n: 1, env: 0, idleMin: 90, ageMin: 95, extra: { foreign: true } })]),
    );

    // Act
    const s = summaryOf(
      await h.handler(
        httpEvent({ path: '/abort', body: JSON.stringify({ changeIds: [changeId(1)] }) }),
        fakeContext(),
      ),
    );

    // Assert
    expect(s.results).toEqual([
      expect.objectContaining({ changeId: changeId(1), outcome: 'not_found' }),
    ]);
    expect(calls(h.sandbox.journal(), 'AbortChange')).toHaveLength(0);
  });

  it('wrong credentials: every read refused, one failed record, the handler resolves', async () => {
    // Arrange
    h = await startHarness(scenario([1], [change({ n: 1, env: 0, idleMin: 90, ageMin: 95 })]));

    // Act
    const s = summaryOf(
      await h.handler(
        timerEvent(),
        fakeContext({
          credentials: { accessKeyId: 'sandbox-ak', accessKeySecret: 'wrong-secret' },
        }),
      ),
    );

    // Assert
    expect(s.results).toHaveLength(1);
    expect(s.results[0]?.outcome).toBe('failed');
    expect(h.sandbox.abortCalls()).toBe(0);
    expect(JSON.stringify(h.records())).not.toContain('wrong-secret');
  });
});
