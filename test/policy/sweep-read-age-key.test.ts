/**
 * `sweep.maxReadAgeSeconds` (red-team 24 F10; docs/policy.md "Keys"): whole seconds 1 … 3600,
 * default 60; anything else refused at cold start, naming the key.
 */
import { describe, expect, it } from 'vitest';
import { PolicyError } from '#shared/policy/errors.js';
import { parsePolicy } from '#shared/policy/load.js';

const withSweep = (sweep: Record<string, unknown>) => ({ defaults: { mode: 'enforce' }, sweep });

describe('sweep.maxReadAgeSeconds', () => {
  it('defaults to 60, with or without a sweep section', () => {
    expect(parsePolicy({ defaults: { mode: 'enforce' } }).sweep.maxReadAgeSeconds).toBe(60);
    expect(parsePolicy(withSweep({ maxAbortsPerRun: 5 })).sweep.maxReadAgeSeconds).toBe(60);
  });

  for (const ok of [1, 60, 3600])
    it(`accepts ${ok}`, () => {
      expect(parsePolicy(withSweep({ maxReadAgeSeconds: ok })).sweep.maxReadAgeSeconds).toBe(ok);
    });

  for (const bad of [0, -1, 1.5, 3601, '60', null, Number.POSITIVE_INFINITY])
    it(`refuses ${JSON.stringify(bad)}, naming the key`, () => {
      expect(() => parsePolicy(withSweep({ maxReadAgeSeconds: bad }))).toThrow(PolicyError);
      expect(() => parsePolicy(withSweep({ maxReadAgeSeconds: bad }))).toThrow(
        /sweep\.maxReadAgeSeconds/,
      );
    });
});
