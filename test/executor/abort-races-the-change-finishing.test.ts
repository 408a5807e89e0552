/**
 * C08: the abort races the change finishing on its own. The sweep lists a change as running;
 * AbortChange answers 400 ChangeFinished → one call, no retry, `already_finished`, the invocation
 * succeeds. ChangeOnAborting → `already_aborting`, success, no retry.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { calls, change, changeId, scenario, summaryOf, timerEvent } from '../helpers/world.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const cases = [
  { code: 'ChangeFinished', outcome: 'already_finished' },
  { code: 'ChangeOnAborting', outcome: 'already_aborting' },
] as const;

describe('C08: an abort racing the change finishing ends already_finished / already_aborting, not retried', () => {
  for (const { code, outcome } of cases) {
    it(`AbortChange 400 ${code} → ${outcome}, exactly one call`, async () => {
      // Arrange
      h = await startHarness(
        scenario([1], [change({ n: 1, env: 0, idleMin: 90, ageMin: 95 })], {
          faults: [
            {
              action: 'AbortChange',
              changeId: changeId(1),
              responses: [{ status: 400, code, message: `change is ${code}` }],
            },
          ],
        }),
      );

      // Act
      const s = summaryOf(await h.handler(timerEvent(), fakeContext()));

      // Assert
      expect(calls(h.sandbox.journal(), 'AbortChange')).toHaveLength(1);
      expect(s.results).toEqual([
        expect.objectContaining({ changeId: changeId(1), outcome, attempts: 1, errorCode: code }),
      ]);
      expect(h.records()).toEqual([expect.objectContaining({ outcome, attempts: 1 })]);
    });
  }

  it('a manual abort of a change that already finished in Web+: already_finished, no AbortChange', async () => {
    // Arrange
    h = await startHarness(
      scenario(
        [1],
        [
          change({
            n: 1,
            env: 0,
            idleMin: 90,
            ageMin: 95,
            extra: { finished: true, succeed: true },
          }),
        ],
      ),
    );

    // Act
    const s = summaryOf(
      await h.handler(
        Buffer.from(
          JSON.stringify({
            version: 'v1',
            rawPath: '/abort',
            body: JSON.stringify({ changeIds: [changeId(1)] }),
            isBase64Encoded: false,
            headers: {
              'content-type': 'application/json',
              'x-abort-token': 'local-dev-token-0001',
            },
            queryParameters: {},
            requestContext: { http: { method: 'POST', path: '/abort' }, requestId: 'r-1' },
          }),
        ),
        fakeContext(),
      ),
    );

    // Assert
    expect(s.results).toEqual([
      expect.objectContaining({ outcome: 'already_finished', attempts: 0 }),
    ]);
    expect(h.sandbox.abortCalls()).toBe(0);
  });
});
