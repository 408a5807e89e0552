/**
 * Red-team 11 F2': `DEADLINE_MARGIN_MS` below what the end of an invocation needs (the last
 * records' SLS attempt, then the answer) is refused at cold start, naming the variable and the
 * minimum; the minimum is derived from the code's own constants and is tight.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '#shared/config/config.js';
import { ConfigError } from '#shared/config/errors.js';
import {
  ANSWER_RESERVE_MAX_MS,
  answerReserveMs,
  MIN_DEADLINE_MARGIN_MS,
  SLS_MIN_ATTEMPT_MS,
} from '#shared/core/write-budget.js';
import { SLS_MIN_ATTEMPT_MS as STORE_MIN_ATTEMPT_MS } from '#shared/outcome-log/sls-store.js';

const env = (margin: string) => ({ DEADLINE_MARGIN_MS: margin, LOG_STORE: 'stdout' });

describe('DEADLINE_MARGIN_MS minimum', () => {
  it('0 and 499 are refused at cold start, naming the variable and the 500 ms minimum', () => {
    for (const margin of ['0', '1', '499']) {
      let caught: unknown;
      try {
        loadConfig(env(margin));
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(ConfigError);
      expect((caught as ConfigError).variable).toBe('DEADLINE_MARGIN_MS');
      expect((caught as ConfigError).message).toBe(
        `invalid DEADLINE_MARGIN_MS: ${margin} ms is less than the 500 ms the end of an invocation needs (one SLS attempt of SLS_MIN_ATTEMPT_MS 250 ms for the last records, then half the margin, at most 500 ms, to answer): with less the function runs past function.timeout`,
      );
    }
  });

  it('500 and the default 2000 are accepted', () => {
    expect(loadConfig(env('500')).deadlineMarginMs).toBe(500);
    expect(loadConfig({ LOG_STORE: 'stdout' }).deadlineMarginMs).toBe(2000);
  });

  it('the minimum is the smallest margin that leaves one SLS attempt before the answer reserve', () => {
    expect(STORE_MIN_ATTEMPT_MS).toBe(SLS_MIN_ATTEMPT_MS);
    expect([SLS_MIN_ATTEMPT_MS, ANSWER_RESERVE_MAX_MS, MIN_DEADLINE_MARGIN_MS]).toEqual([
      250, 500, 500,
    ]);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 600_000 }), (margin) => {
        // Between the work deadline and the records' write deadline: margin − answer reserve.
        const forWrites = margin - answerReserveMs(margin);
        expect(forWrites >= SLS_MIN_ATTEMPT_MS).toBe(margin >= MIN_DEADLINE_MARGIN_MS);
      }),
    );
  });
});
