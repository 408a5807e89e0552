/**
 * C10: clock skew is not retryable. The sandbox answers 400 InvalidTimeStamp.Expired → one
 * attempt, failed, detail says the clock is off. The `date` header is RFC 1123 GMT whatever TZ
 * is: with TZ=Asia/Shanghai every request still carries a valid signature and date.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { calls, change, changeId, scenario, summaryOf, timerEvent } from '../helpers/world.js';

let h: Harness | undefined;
const tz = process.env.TZ;
afterEach(async () => {
  await h?.close();
  h = undefined;
  if (tz === undefined) delete process.env.TZ;
  else process.env.TZ = tz;
});

describe('C10: clock skew is not retried, and dates are GMT whatever TZ', () => {
  it('AbortChange 400 InvalidTimeStamp.Expired → failed after one attempt, clock named', async () => {
    // Arrange
    h = await startHarness(
      scenario([1], [change({ n: 1, env: 0, idleMin: 90, ageMin: 95 })], {
        faults: [
          {
            action: 'AbortChange',
            changeId: changeId(1),
            responses: Array(4).fill({
              status: 400,
              code: 'InvalidTimeStamp.Expired',
              message: 'Specified time stamp or date value is expired.',
            }),
          },
        ],
      }),
    );

    // Act
    const s = summaryOf(await h.handler(timerEvent(), fakeContext()));

    // Assert
    expect(calls(h.sandbox.journal(), 'AbortChange')).toHaveLength(1);
    expect(s.results).toEqual([
      expect.objectContaining({
        outcome: 'failed',
        attempts: 1,
        errorCode: 'InvalidTimeStamp.Expired',
      }),
    ]);
    expect(s.results[0]?.detail).toContain('clock');
  });

  it('TZ=Asia/Shanghai: the sweep and the abort are signed and dated right', async () => {
    // Arrange
    process.env.TZ = 'Asia/Shanghai';
    h = await startHarness(scenario([1], [change({ n: 1, env: 0, idleMin: 90, ageMin: 95 })]));

    // Act
    const s = summaryOf(await h.handler(timerEvent(), fakeContext()));

    // Assert
    const journal = h.sandbox.journal();
    expect(journal.length).toBeGreaterThan(0);
    expect(journal.every((j) => j.signatureValid && j.status === 200)).toBe(true);
    expect(s.results).toEqual([expect.objectContaining({ outcome: 'aborted', attempts: 1 })]);
  });
});
