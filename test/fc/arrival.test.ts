/**
 * The request's arrival (requestContext.timeEpoch) bounded by now, checked against a direct
 * reading of the rule over generated inputs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arrivalMs } from '#shared/fc/arrival.js';

describe('arrivalMs', () => {
  it('is never after now nor before now - maxAge; a plausible timeEpoch is kept as sent', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1_700_000_000_000, max: 1_900_000_000_000 }),
        fc.integer({ min: -120_000, max: 120_000 }),
        fc.integer({ min: 1000, max: 600_000 }),
        fc.boolean(),
        (now, offset, maxAge, asString) => {
          const sent = now - offset;
          const r = arrivalMs(asString ? String(sent) : sent, now, maxAge);
          expect(r.atMs).toBeLessThanOrEqual(now);
          expect(r.atMs).toBeGreaterThanOrEqual(now - maxAge);
          const plausible = offset <= maxAge;
          expect(r.trusted).toBe(plausible);
          expect(r.atMs).toBe(plausible ? Math.min(sent, now) : now);
        },
      ),
    );
  });

  it('anything unreadable counts as now, untrusted', () => {
    const now = 1_800_000_000_000;
    for (const raw of [
      undefined,
      '',
      'soon',
      '1e12',
      '-5',
      {},
      Number.NaN,
      '17792424000001234567',
    ]) {
      expect(arrivalMs(raw, now, 60_000)).toEqual({ atMs: now, trusted: false });
    }
  });
});
