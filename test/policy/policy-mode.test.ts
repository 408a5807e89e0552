/**
 * Issue 10, red-team finding e: a policy that states no mode must not mean enforce. A given
 * policy (POLICY or POLICY_FILE) without `defaults.mode` is a cold-start error naming
 * `defaults.mode`; the built-in defaults (no policy given at all) are documented in
 * docs/policy.md. Through the real cold start (functions/abort-stuck-changes/cold-start.ts).
 */
import { describe, expect, it } from 'vitest';
import { PolicyError } from '#shared/policy/errors.js';
import { parsePolicy, parsePolicyText } from '#shared/policy/load.js';
import { buildHandler } from '../../functions/abort-stuck-changes/cold-start.js';

describe('a policy that states no mode is refused (finding e)', () => {
  for (const text of [
    '{}',
    'defaults: {}',
    '{"defaults":{}}',
    '{"defaults":{"maxIdleMinutes":20},"sweep":{"maxAbortsPerRun":10}}',
    'environments:\n  we-5d39b8ba6786bd4b14950001: { mode: enforce }\n',
    'protect:\n  envIds: [we-5d39b8ba6786bd4b14950001]\n',
  ]) {
    it(`${JSON.stringify(text)} → PolicyError naming defaults.mode`, () => {
      // Act
      let error: unknown;
      try {
        parsePolicyText(text, 'POLICY');
      } catch (err) {
        error = err;
      }

      // Assert
      expect(error).toBeInstanceOf(PolicyError);
      expect((error as PolicyError).key).toBe('defaults.mode');
      expect((error as Error).message).toMatch(/POLICY: the policy names no mode/);
    });
  }

  it('the cold start refuses POLICY={} with the key, never starts in enforce', () => {
    // Act
    const run = () => buildHandler({ LOG_STORE: 'stdout', POLICY: '{}' });

    // Assert
    expect(run).toThrow(/defaults\.mode/);
  });

  it('a stated mode is read as stated; environments without one take it', () => {
    // Act
    const policy = parsePolicy({
      defaults: { mode: 'dry-run' },
      environments: { 'we-5d39b8ba6786bd4b14950001': { maxIdleMinutes: 5 } },
    });

    // Assert
    expect(policy.defaults.mode).toBe('dry-run');
    expect(policy.environments['we-5d39b8ba6786bd4b14950001']?.mode).toBeUndefined();
  });
});
