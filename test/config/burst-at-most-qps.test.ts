/**
 * Issue 16: at most WEBPLUS_QPS calls start in any second, so WEBPLUS_BURST above WEBPLUS_QPS
 * could never be used: it is refused at cold start, naming the variable, rather than read as a
 * promise the pacer does not keep.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '#shared/config/config.js';
import { ConfigError } from '#shared/config/errors.js';

const load = (env: Record<string, string>) => loadConfig({ LOG_STORE: 'stdout', ...env });

describe('WEBPLUS_BURST is at most WEBPLUS_QPS', () => {
  it('a burst above the QPS is refused, naming WEBPLUS_BURST and both values', () => {
    let caught: unknown;
    try {
      load({ WEBPLUS_QPS: '10', WEBPLUS_BURST: '11' });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).variable).toBe('WEBPLUS_BURST');
    expect((caught as ConfigError).message).toBe(
      'invalid WEBPLUS_BURST: 11 is more than WEBPLUS_QPS 10: at most WEBPLUS_QPS calls start in any second, so a burst can be at most that',
    );
  });

  it('a burst above the default QPS 10 is refused too', () => {
    expect(() => load({ WEBPLUS_BURST: '20' })).toThrow(
      /WEBPLUS_BURST: 20 is more than WEBPLUS_QPS 10/,
    );
  });

  it('a burst equal to or under the QPS is kept; unset is the QPS', () => {
    expect(load({ WEBPLUS_QPS: '10', WEBPLUS_BURST: '10' }).webplusBurst).toBe(10);
    expect(load({ WEBPLUS_QPS: '50', WEBPLUS_BURST: '1' }).webplusBurst).toBe(1);
    expect(load({ WEBPLUS_QPS: '7' }).webplusBurst).toBe(7);
    expect(load({}).webplusBurst).toBe(10);
  });
});
