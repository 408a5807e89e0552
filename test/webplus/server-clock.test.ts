/**
 * Red-team finding B5 of issue 12: with replies of one invocation carrying `Date` headers that
 * disagree (a proxy or load balancer stamping one reply 3 h ahead), the last reading decided and
 * a healthy change was aborted on "Web+'s clock (180 min ahead)". The kind: clock evidence that
 * disagrees within an invocation, beyond what rounding and transit explain plus
 * CLOCK_DISAGREEMENT_TOLERANCE_MS, makes the server's clock unknown (no stuck age is judged on
 * it; the detail says why). The oracle below is the interval rule written out independently.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CLOCK_DISAGREEMENT_TOLERANCE_MS,
  CLOCK_TRUST_TOLERANCE_MS,
  ServerClock,
} from '#shared/webplus/server-clock.js';

const T0 = Date.parse('2026-12-02T04:00:00Z');
const header = (ms: number) => new Date(ms).toUTCString();

describe('ServerClock: readings that disagree make the clock unknown', () => {
  it('readings that agree: the latest one is the estimate', () => {
    // Arrange
    const clock = new ServerClock();

    // Act: Web+ 2 min ahead, replies 80 ms round trips
    clock.observe(header(T0 + 120_000), T0 + 80, T0);
    clock.observe(header(T0 + 10_000 + 120_000), T0 + 10_080, T0 + 10_000);

    // Assert
    expect(clock.skewMs()).toBeGreaterThan(119_000);
    expect(clock.skewMs()).toBeLessThan(121_000);
    expect(clock.unknownWhy()).toBeUndefined();
  });

  it('one reply stamped 3 h ahead among level ones: unknown, and the words say so', () => {
    // Arrange
    const clock = new ServerClock();

    // Act
    clock.observe(header(T0), T0 + 50, T0);
    clock.observe(header(T0 + 1_000 + 3 * 3_600_000), T0 + 1_050, T0 + 1_000);
    clock.observe(header(T0 + 2_000), T0 + 2_050, T0 + 2_000);

    // Assert
    expect(clock.skewMs()).toBeUndefined();
    expect(clock.unknownWhy()).toBe(
      "its replies' Date headers disagree: one puts it level with the function's clock, another 180 min ahead of the function's clock (more than 5 s apart beyond their transit and rounding)",
    );
  });

  it('a slow reply widens its own interval: 4 s of transit is not a disagreement', () => {
    // Arrange
    const clock = new ServerClock();

    // Act: the server stamped the slow reply early in a 4 s round trip
    clock.observe(header(T0), T0 + 40, T0);
    clock.observe(header(T0 + 10_000), T0 + 14_000, T0 + 10_000);

    // Assert
    expect(clock.skewMs()).not.toBeUndefined();
    expect(clock.unknownWhy()).toBeUndefined();
  });

  it('property: unknown exactly when two readings lie further apart than transit, rounding and the tolerance', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            sentOffsetMs: fc.integer({ min: 0, max: 60_000 }),
            transitMs: fc.integer({ min: 0, max: 5_000 }),
            stampAt: fc.double({ min: 0, max: 1, noNaN: true }),
            serverSkewMs: fc.constantFrom(0, 0, 0, 90_000, 3 * 3_600_000, -7_000, 2_000),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        (readings) => {
          // Arrange
          const clock = new ServerClock();
          const intervals: [number, number][] = [];
          for (const r of readings) {
            const sent = T0 + r.sentOffsetMs;
            const received = sent + r.transitMs;
            const stampedAt = sent + Math.floor(r.stampAt * r.transitMs);
            const serverSecond = Math.floor((stampedAt + r.serverSkewMs) / 1000) * 1000;
            // Act
            clock.observe(header(serverSecond), received, sent);
            intervals.push([serverSecond - received, serverSecond + 1000 - sent]);
          }
          // Assert (oracle): some pair of intervals lies more than the tolerance apart, in
          // order of arrival (the first disagreement latches)
          let lo = Number.NEGATIVE_INFINITY;
          let hi = Number.POSITIVE_INFINITY;
          let apart = false;
          for (const [a, b] of intervals) {
            if (
              a > hi + CLOCK_DISAGREEMENT_TOLERANCE_MS ||
              b < lo - CLOCK_DISAGREEMENT_TOLERANCE_MS
            )
              apart = true;
            lo = Math.max(lo, a);
            hi = Math.min(hi, b);
          }
          // ... or the last reading (the estimate) lies more than 5 min from the function's
          // clock (red-team 12 F8): written out from the header, not from the class.
          const r = readings[readings.length - 1]!;
          const sent = T0 + r.sentOffsetMs;
          const serverSecond =
            Math.floor((sent + Math.floor(r.stampAt * r.transitMs) + r.serverSkewMs) / 1000) * 1000;
          const far = Math.abs(serverSecond + 500 - (sent + r.transitMs)) > 5 * 60_000;
          expect(clock.skewMs() === undefined).toBe(apart || far);
          expect(clock.unknownWhy() === undefined).toBe(!(apart || far));
          const skews = new Set(readings.map((r) => r.serverSkewMs));
          if (skews.size === 1) expect(apart).toBe(false);
        },
      ),
      { numRuns: 500, seed: 5 },
    );
  });
});

describe('ServerClock: a Date header far from the function clock is not believed (red-team 12 F8)', () => {
  for (const [label, skewMs, words] of [
    ['+3 h', 3 * 3_600_000, '180 min ahead of'],
    ['-3 h', -3 * 3_600_000, '180 min behind'],
    ['+10 min', 10 * 60_000, '10 min ahead of'],
  ] as const) {
    it(`every reply ${label}, consistently: unknown, the words name the header and the function's clock`, () => {
      // Arrange
      const clock = new ServerClock();

      // Act: two agreeing replies
      clock.observe(header(T0 + skewMs), T0 + 40, T0);
      clock.observe(header(T0 + 5_000 + skewMs), T0 + 5_040, T0 + 5_000);

      // Assert
      expect(clock.skewMs()).toBeUndefined();
      expect(clock.unknownWhy()).toBe(
        `its Date header says ${header(T0 + 5_000 + skewMs)}, the function's clock said ${new Date(T0 + 5_040).toISOString()} when that reply arrived: ${words} the function's clock, more than the 5 min tolerance, and which clock is wrong cannot be told`,
      );
    });
  }

  it('4 min off is within the tolerance: the estimate stands', () => {
    // Arrange
    const clock = new ServerClock();

    // Act
    clock.observe(header(T0 + 4 * 60_000), T0 + 40, T0);

    // Assert
    expect(CLOCK_TRUST_TOLERANCE_MS).toBe(5 * 60_000);
    expect(clock.skewMs()).toBeGreaterThan(4 * 60_000 - 1_000);
    expect(clock.unknownWhy()).toBeUndefined();
  });
});
