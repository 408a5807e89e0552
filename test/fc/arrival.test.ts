/**
 * The request's arrival (requestContext.timeEpoch) bounded by now, checked against a direct
 * reading of the rule over generated inputs; an arrival that is not known says which fact, and
 * counts from the earliest moment known (red-team 11 F8).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arrivalMs } from '#shared/fc/arrival.js';

describe('arrivalMs', () => {
  it('a plausible timeEpoch is kept as sent; a future or too old one is not known, and says so', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1_700_000_000_000, max: 1_900_000_000_000 }),
        fc.integer({ min: -120_000, max: 120_000 }),
        fc.integer({ min: 1000, max: 600_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.boolean(),
        (now, offset, maxAge, coldStartAgo, asString) => {
          const sent = now - offset;
          const earliest = now - coldStartAgo;
          const r = arrivalMs(asString ? String(sent) : sent, now, maxAge, earliest);
          expect(r.atMs).toBeLessThanOrEqual(now);
          const plausible = offset >= 0 && offset <= maxAge;
          expect(r.trusted).toBe(plausible);
          if (plausible) {
            expect(r).toEqual({ atMs: sent, trusted: true });
          } else {
            // Never longer than from the earliest moment known; never from the future.
            expect(r.atMs).toBe(earliest);
            expect(r.unknownWhy).toBe(
              offset < 0
                ? `requestContext.timeEpoch is ${-offset} ms in the future`
                : `requestContext.timeEpoch is ${offset} ms before the handler started, more than the function's timeout (${maxAge} ms)`,
            );
          }
        },
      ),
    );
  });

  it('missing or unreadable: not known, naming which, counted from now by default', () => {
    const now = 1_800_000_000_000;
    expect(arrivalMs(undefined, now, 60_000)).toEqual({
      atMs: now,
      trusted: false,
      unknownWhy: 'requestContext.timeEpoch is missing',
    });
    expect(arrivalMs('', now, 60_000).unknownWhy).toBe('requestContext.timeEpoch is missing');
    for (const [raw, shown] of [
      ['soon', '"soon"'],
      ['1e12', '"1e12"'],
      ['-5', '"-5"'],
      [{}, '"{}"'],
      [Number.NaN, '"null"'],
      ['17792424000001234567', '"17792424000001234567"'],
    ] as const) {
      expect(arrivalMs(raw, now, 60_000)).toEqual({
        atMs: now,
        trusted: false,
        unknownWhy: `requestContext.timeEpoch is not epoch ms (got ${shown})`,
      });
    }
  });
});
