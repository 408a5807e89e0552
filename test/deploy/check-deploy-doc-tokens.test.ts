/**
 * `check-deploy` refuses any HTTP token from the repository's docs (issue 15, trial difficulty 2):
 * the sample `local-dev-token-0001`, a token built on it, and any token-shaped word of any other
 * published text, not only the bare `local-dev-token`. Run as the operator ran it (the script in
 * a child process); generated over every token-shaped word of the docs; a fresh random token
 * passes.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deployProblems } from '../../scripts/check-deploy.js';
import { readDocTexts } from '../../scripts/doc-tokens.js';

const root = resolve(import.meta.dirname, '..', '..');
const ROLE = 'acs:ram::123:role/x';

function runCheck(token: string): { status: number; out: string } {
  try {
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', join(root, 'scripts/check-deploy.ts')],
      {
        env: { PATH: process.env.PATH ?? '', HTTP_AUTH_TOKENS: token, FC_ROLE_ARN: ROLE },
        encoding: 'utf8',
        stdio: 'pipe',
      },
    );
    return { status: 0, out };
  } catch (err) {
    const e = err as { status: number; stderr: string; stdout: string };
    return { status: e.status, out: `${e.stdout}${e.stderr}` };
  }
}

/** A token-shaped word (16+ URL-safe characters) from a doc other than README, found by this test. */
function wordFrom(file: string): string {
  const words = readFileSync(join(root, file), 'utf8').match(/[A-Za-z0-9._~-]{16,}/g) ?? [];
  const word = words.find((w) => /\d/.test(w) && /[a-z]/.test(w) && !w.startsWith('-'));
  if (!word) throw new Error(`no token-shaped word in ${file}`);
  return word;
}

describe('check-deploy refuses tokens from the docs', () => {
  for (const token of [
    'local-dev-token-0001',
    'local-dev-token-0002xyz',
    wordFrom('docs/reference/fc-triggers.md'),
    wordFrom('s.yaml'),
  ]) {
    it(`refuses ${token} (exit 1), never printing it`, () => {
      const run = runCheck(token);
      expect(run.status).toBe(1);
      expect(run.out).toMatch(/HTTP_AUTH_TOKENS token 1 comes from the docs \(/);
      expect(run.out).toContain('check-deploy: deploy refused');
      expect(run.out).not.toContain(`${token}:`);
    });
  }

  it('a fresh random token passes', () => {
    const run = runCheck(randomBytes(24).toString('hex'));
    expect(run.out).toMatch(/^check-deploy ok: /);
    expect(run.status).toBe(0);
  });
});

describe('every token-shaped word of every published text is refused (generated)', () => {
  const texts = readDocTexts(root);
  const words = [...new Set(texts.flatMap((t) => t.text.match(/[A-Za-z0-9._~-]{16,}/g) ?? []))];
  it(`${words.length} words, in any case`, () => {
    expect(words.length).toBeGreaterThan(100);
    fc.assert(
      fc.property(fc.constantFrom(...words), fc.boolean(), (word, upper) => {
        const token = upper ? word.toUpperCase() : word;
        const problems = deployProblems({ HTTP_AUTH_TOKENS: token, FC_ROLE_ARN: ROLE }, texts);
        expect(problems.some((p) => p.includes('comes from the docs'))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('an unreadable docs tree fails closed', () => {
    const problems = deployProblems({
      HTTP_AUTH_TOKENS: randomBytes(24).toString('hex'),
      FC_ROLE_ARN: ROLE,
    });
    expect(problems).toEqual([]); // the repository's docs read fine here
    expect(() => readDocTexts(join(root, 'no-such-dir'))).toThrow();
  });
});
