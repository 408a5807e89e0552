/**
 * The soak runner (bench/soak.ts) as the README runs it: `--list` names every section the README
 * mentions, `--only security --scale ci` prints one line per figure (ok/FAIL, name, value) and
 * the closing count and exits 0, an unknown section is refused naming the sections (exit 2).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const soak = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'bench/soak.ts', ...args], {
    encoding: 'utf8',
    timeout: 120_000,
  });

describe('npm run soak', () => {
  it('--list names every section, including those the README names', () => {
    const run = soak(['--list']);
    expect(run.status).toBe(0);
    const names = run.stdout
      .trim()
      .split('\n')
      .map((l) => l.split('\t')[0]);
    for (const name of ['sweep-1000', 'alarm-budgets', 'one-change-storm', 'kill-nine']) {
      expect(names).toContain(name);
    }
    const readme = readFileSync('README.md', 'utf8');
    const only = readme.match(/npm run soak -- --only ([a-z0-9,-]+)/)![1]!.split(',');
    for (const name of only) expect(names).toContain(name);
  });

  it('--only security --scale ci: one ok line per figure, the count, exit 0', () => {
    const run = soak(['--scale', 'ci', '--only', 'security']);
    expect(run.status).toBe(0);
    const lines = run.stdout.split('\n');
    const figures = lines.filter((l) => /^(ok {2}|FAIL) /.test(l));
    expect(figures.length).toBeGreaterThanOrEqual(15);
    expect(figures.every((l) => l.startsWith('ok   '))).toBe(true);
    expect(lines).toContain('== security: security (unauthenticated and wrong-token requests)');
    expect(
      figures.some((l) => /^ok {3}security: access key secret in any output: 0 hits/.test(l)),
    ).toBe(true);
    expect(lines.some((l) => /^soak: \d+ checks passed, 0 checks failed$/.test(l))).toBe(true);
  });

  it('an unknown section: exit 2, naming the sections', () => {
    const run = soak(['--only', 'no-such-section']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(
      /^soak: --only: unknown section no-such-section; sections: fault-soak, /,
    );
  });
});
