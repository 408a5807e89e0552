/**
 * AbortChange whose answer is lost (socket reset, attempt timeout): the change is re-read before
 * anything else is sent (b12 item 3: a lost answer does not prove the request was not acted on),
 * so an abort that landed is recorded `aborted` without a second AbortChange. Only a re-read that
 * proves the change still running with no abort under way lets AbortChange be sent again as the
 * next attempt (bresend), within RETRY_MAX_ATTEMPTS; spent → `failed` naming the last code.
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

async function abortWith(responses: unknown[], env: Record<string, string> = {}) {
  h = await startHarness(
    scenario(
      [1],
      [change({ n: 1, env: 0, idleMin: 90, ageMin: 95, extra: { abortStepSeconds: null } })],
      {
        faults: [{ action: 'AbortChange', changeId: changeId(1), responses }],
      },
    ),
    { env },
  );
  const s = summaryOf(await h.handler(timerEvent(), fakeContext()));
  const journal = h.sandbox.journal();
  return {
    result: s.results[0],
    aborts: calls(journal, 'AbortChange').length,
    reads: calls(journal, 'DescribeChange').length,
  };
}

describe('ambiguous AbortChange failures', () => {
  it('reset after the abort applied: re-read shows it aborting → aborted, one AbortChange', async () => {
    // Arrange / Act
    const { result, aborts, reads } = await abortWith([{ reset: true, applied: true }]);

    // Assert
    expect(result).toMatchObject({ outcome: 'aborted', attempts: 1 });
    expect(result?.detail).toContain('reply was lost');
    expect(aborts).toBe(1);
    expect(reads).toBe(2);
  });

  it('reset before the abort applied: re-read proves it running → re-sent once, aborted (attempts 2)', async () => {
    // Arrange / Act
    const { result, aborts, reads } = await abortWith([{ reset: true }, 'ok']);

    // Assert
    expect(result).toMatchObject({ outcome: 'aborted', attempts: 2 });
    expect(aborts).toBe(2);
    expect(reads).toBeGreaterThanOrEqual(2);
  });

  it('resets every time, never applied: 3 AbortChange (RETRY_MAX_ATTEMPTS), each after a re-read, failed, never aborted', async () => {
    // Arrange / Act
    const { result, aborts, reads } = await abortWith(Array(4).fill({ reset: true }), {
      RETRY_MAX_ATTEMPTS: '3',
    });

    // Assert
    expect(result).toMatchObject({ outcome: 'failed', attempts: 3, errorCode: 'ECONNRESET' });
    expect(result?.detail).toContain('retries spent: 3 attempt(s)');
    expect(aborts).toBe(3);
    expect(reads).toBeGreaterThanOrEqual(4);
    expect(h?.sandbox.change(changeId(1))?.ChangeFinished).toBe(false);
  });

  it('attempt timeout with the abort applied on arrival: aborted, one AbortChange', async () => {
    // Arrange / Act
    const { result, aborts } = await abortWith([{ delayMs: 5_000 }], { ATTEMPT_TIMEOUT_MS: '300' });

    // Assert
    expect(result).toMatchObject({ outcome: 'aborted', attempts: 1 });
    expect(aborts).toBe(1);
  });
});
