import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PolicyError } from '#shared/policy/errors.js';
import { loadPolicy, parsePolicyText } from '#shared/policy/load.js';

const examples = join(import.meta.dirname, '../../docs/examples');

describe('docs/policy.md examples', () => {
  const files = readdirSync(examples).filter((f) => /^policy.*\.(ya?ml|json)$/.test(f));

  it('has examples to check', () => {
    expect(files.length).toBeGreaterThanOrEqual(4);
  });

  it.each(files)('%s loads and validates', (file) => {
    const policy = loadPolicy({ file: join(examples, file) });
    expect(policy.defaults.mode).toMatch(/^(off|dry-run|enforce)$/);
    expect(policy.sweep.maxAbortsPerRun).toBeGreaterThanOrEqual(0);
  });

  it('the rollout example enforces one environment and protects another', () => {
    const policy = loadPolicy({ file: join(examples, 'policy-rollout.yaml') });
    expect(policy.defaults.mode).toBe('dry-run');
    expect(policy.defaults.maxIdleMinutes).toBe(45);
    expect(policy.defaults.maxDurationMinutes).toBe(240);
    expect(policy.environments['we-5d39b8ba6786bd4b14950001']).toEqual({
      mode: 'enforce',
      maxIdleMinutes: 30,
    });
    expect(policy.protect.envIds).toEqual(['we-5d39b8ba6786bd4b14950005']);
    expect(policy.sweep.maxAbortsPerRun).toBe(5);
  });

  it('every YAML block in docs/policy.md validates', () => {
    const md = readFileSync(join(import.meta.dirname, '../../docs/policy.md'), 'utf8');
    const blocks = [...md.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks.length).toBeGreaterThanOrEqual(3);
    for (const block of blocks) expect(() => parsePolicyText(block)).not.toThrow();
  });
});

describe('policy validation', () => {
  it('names an unknown key', () => {
    expect(() => parsePolicyText('defaults:\n  maxIdleMinute: 30\n')).toThrow(
      /unknown key "defaults.maxIdleMinute"/,
    );
  });

  it('names an invalid value', () => {
    const run = () => parsePolicyText('defaults:\n  maxIdleMinutes: -5\n');
    expect(run).toThrow(PolicyError);
    expect(run).toThrow(/defaults.maxIdleMinutes/);
  });

  it('rejects an EnvId key that is not an EnvId', () => {
    expect(() => parsePolicyText('environments:\n  prod: { mode: off }\n')).toThrow(/environments/);
  });

  it('built-in defaults when no policy is given', () => {
    const policy = loadPolicy({});
    expect(policy.defaults).toEqual({
      mode: 'enforce',
      maxIdleMinutes: 30,
      maxDurationMinutes: 240,
      includePaused: false,
    });
    expect(policy.defaults.actions).toBeUndefined();
    expect(policy.sweep).toEqual({ maxAbortsPerRun: 20, maxReadAgeSeconds: 60 });
    expect(policy.alarmMaxAgeMinutes).toBe(15);
  });
});
