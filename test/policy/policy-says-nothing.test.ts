/**
 * Issue 10, kind 6: policies that say nothing. An empty, `null`, whitespace-only or comment-only
 * policy (file or `POLICY`) stops the cold start: the built-in defaults apply only when no policy
 * is given at all. An alarm rule that matches every alarm is refused, and so is an explicitly
 * empty list whose emptiness would mean "all" (`actions`, `sweep.appIds`).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '#shared/config/errors.js';
import { PolicyError } from '#shared/policy/errors.js';
import { loadPolicy, parsePolicyText } from '#shared/policy/load.js';
import { buildHandler } from '../../functions/abort-stuck-changes/cold-start.js';

const NOTHING: [string, string][] = [
  ['empty', ''],
  ['whitespace', '  \n\t\n'],
  ['a comment', '# the policy goes here\n'],
  ['null', 'null'],
  ['~', '~'],
  ['an empty YAML document', '---\n'],
];

describe('kind 6: a policy that says nothing is a cold-start error', () => {
  for (const [label, text] of NOTHING) {
    it(`POLICY ${label}: the cold start refuses it, naming POLICY`, () => {
      // Act
      const start = () => buildHandler({ POLICY: text, LOG_STORE: 'stdout' });

      // Assert
      expect(start).toThrow(/POLICY/);
      try {
        start();
      } catch (err) {
        expect(err instanceof PolicyError || err instanceof ConfigError).toBe(true);
      }
    });

    it(`policy file ${label}: refused, naming the file`, () => {
      // Arrange
      const file = join(mkdtempSync(join(tmpdir(), 'policy-')), 'policy.yaml');
      writeFileSync(file, text);

      // Act + Assert
      expect(() => loadPolicy({ file })).toThrow(PolicyError);
      expect(() => loadPolicy({ file })).toThrow(/policy file .*policy\.yaml.* says nothing/);
      expect(() => buildHandler({ POLICY_FILE: file, LOG_STORE: 'stdout' })).toThrow(
        /says nothing/,
      );
    });
  }

  it('no policy at all: the built-in defaults apply', () => {
    // Act + Assert
    expect(loadPolicy({}).defaults.mode).toBe('enforce');
    expect(() => buildHandler({ LOG_STORE: 'stdout' })).not.toThrow();
  });

  it('{} states no mode: refused naming defaults.mode (test/policy/policy-mode.test.ts)', () => {
    expect(() => parsePolicyText('{}')).toThrow(/defaults\.mode/);
    expect(parsePolicyText('defaults: {mode: dry-run}').sweep.maxAbortsPerRun).toBe(20);
  });

  for (const match of [{}, { dimensions: {} }]) {
    it(`an alarm rule matching every alarm (${JSON.stringify(match)}) is refused`, () => {
      // Arrange
      const text = JSON.stringify({
        defaults: { mode: 'enforce' },
        alarms: [{ match, envIds: ['we-5d39b8ba6786bd4b14950001'] }],
      });

      // Act + Assert
      expect(() => parsePolicyText(text)).toThrow(PolicyError);
      expect(() => parsePolicyText(text)).toThrow(/alarms\.0\.match/);
    });
  }

  for (const [key, policy] of [
    ['defaults.actions', { defaults: { actions: [] } }],
    [
      'environments.we-5d39b8ba6786bd4b14950001.actions',
      {
        environments: { 'we-5d39b8ba6786bd4b14950001': { actions: [] } },
      },
    ],
    ['sweep.appIds', { sweep: { appIds: [] } }],
  ] as const) {
    it(`${key}: [] is refused (an empty list never means all; leave the key out)`, () => {
      // Act
      let error: unknown;
      try {
        parsePolicyText(JSON.stringify(policy));
      } catch (err) {
        error = err;
      }

      // Assert
      expect(error).toBeInstanceOf(PolicyError);
      expect((error as PolicyError).key).toBe(key);
      expect((error as Error).message).toMatch(/leave the key out/);
    });
  }

  it('alarmMaxAgeMinutes must be whole minutes > 0', () => {
    expect(() => parsePolicyText('alarmMaxAgeMinutes: 0')).toThrow(/alarmMaxAgeMinutes/);
    expect(
      parsePolicyText('defaults: {mode: enforce}\nalarmMaxAgeMinutes: 30').alarmMaxAgeMinutes,
    ).toBe(30);
    expect(parsePolicyText('defaults: {mode: enforce}').alarmMaxAgeMinutes).toBe(15);
  });
});
