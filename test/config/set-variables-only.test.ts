/**
 * Issue 16: a cold start builds the schemas of the variables that are set only
 * (shared/config/config.ts `readVariables`); what a configuration reads as is unchanged. The
 * first refusal is still the first invalid variable in the documented order (CONFIG_VARIABLES),
 * whatever order the environment lists them in; an unset variable is its default; a value read
 * once does not stay for the next configuration.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '#shared/config/config.js';
import { ConfigError } from '#shared/config/errors.js';

function refusal(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('accepted');
}

describe('only the set variables go through their schemas', () => {
  it('names the first invalid variable of the documented order, whatever the order of the environment', () => {
    // Arrange: three invalid variables, listed last-first and first-last
    const backwards = { EDAS_QPS: '0', WEBPLUS_QPS: 'abc', LOG_STORE: 'kafka' };
    const forwards = { LOG_STORE: 'kafka', WEBPLUS_QPS: 'abc', EDAS_QPS: '0' };
    // Act
    const a = refusal(backwards);
    const b = refusal(forwards);
    // Assert
    expect(a.variable).toBe('LOG_STORE');
    expect(a.message).toBe(b.message);
    expect(a.message).toMatch(/^invalid LOG_STORE: /);
    expect(refusal({ EDAS_QPS: '0', WEBPLUS_QPS: 'abc' }).message).toBe(
      'invalid WEBPLUS_QPS: must be a whole number',
    );
    expect(refusal({ EDAS_QPS: '0' }).message).toBe(
      'invalid EDAS_QPS: Too small: expected number to be >=1',
    );
  });

  it('reads set values through their schema and unset ones as their defaults, call after call', () => {
    // Arrange / Act
    const set = loadConfig({
      WEBPLUS_QPS: ' 42 ',
      ABORT_DRY_RUN: 'TRUE',
      PLATFORMS: 'sae, webplus',
    });
    const unset = loadConfig({});
    // Assert
    expect(set.webplusQps).toBe(42);
    expect(set.webplusBurst).toBe(42);
    expect(set.dryRun).toBe(true);
    expect(set.platforms).toEqual(['sae', 'webplus']);
    expect(unset.webplusQps).toBe(10);
    expect(unset.webplusBurst).toBe(10);
    expect(unset.dryRun).toBe(false);
    expect(unset.platforms).toEqual(['webplus']);
    expect(unset.httpMaxBodyBytes).toBe(262144);
    expect(unset.outcomeLogFile).toBe('.webplus-abort/outcomes.jsonl');
  });

  it('gives each configuration its own PLATFORMS list', () => {
    // Arrange
    const first = loadConfig({});
    // Act
    first.platforms.push('sae');
    const second = loadConfig({});
    // Assert
    expect(second.platforms).toEqual(['webplus']);
  });
});
