/**
 * Pre-deploy check: `npm run check-deploy` (`tsx scripts/check-deploy.ts`), run by `npm run deploy`
 * and by the `pre-deploy` actions of s.yaml and s-prod.yaml before `s deploy`. It reads the same
 * environment variables the deployment description does (`${env('HTTP_AUTH_TOKENS')}`, ...) and
 * refuses (exit status 1, one line per problem on stderr) a deploy that would go out unsafe:
 * - no HTTP token (`HTTP_AUTH_TOKENS` unset or empty): CloudMonitor callbacks and manual aborts
 *   would all answer 401, and nobody would notice until an alarm was missed;
 * - a token shorter than {@link MIN_TOKEN_CHARS} characters, or one from the docs: appearing
 *   anywhere in README.md, CHANGELOG.md, docs/ (examples included), s.yaml / s-prod.yaml
 *   (comments included) or the sandbox scenarios, or built on a sample token they show
 *   (`local-dev-token-0002xyz`; scripts/doc-tokens.ts): the callback URL carries it, so it must be
 *   a real secret;
 * - `ABORT_DRY_RUN` set to anything but `true` / `false` (the function would refuse to start);
 * - `FC_ROLE_ARN` unset (the function would run without the role its RAM policy grants).
 * On success it prints one line saying whether the deploy starts in dry-run (the default) or
 * enforce. Never prints a token.
 */

import { resolve } from 'node:path';
import { type DocText, docSourceOf, readDocTexts } from './doc-tokens.js';

/** Shortest accepted HTTP token, characters (`openssl rand -hex 24` gives 48). */
export const MIN_TOKEN_CHARS = 16;

/** Tokens that appear in this repository's docs and tests: never valid for a deploy. */
export const SAMPLE_TOKENS: readonly string[] = [
  'local-dev-token',
  'oracle-world-token-0123456789',
];

/** The repository this script belongs to (its docs are what a token is checked against). */
const ROOT = resolve(import.meta.dirname, '..');

/**
 * The problems of a deploy environment, in words (empty when it may go ahead).
 * @param docs the published texts tokens are checked against; @default those of this repository
 *   (an unreadable one is itself a problem: the check fails closed)
 */
export function deployProblems(
  env: Readonly<Record<string, string | undefined>>,
  docs?: readonly DocText[],
): string[] {
  const problems: string[] = [];
  let texts: readonly DocText[] = docs ?? [];
  if (!docs) {
    try {
      texts = readDocTexts(ROOT);
    } catch (err) {
      problems.push(
        `cannot read the docs to check the HTTP tokens against (${(err as Error).message}): run check-deploy from the repository`,
      );
    }
  }
  const tokens = (env.HTTP_AUTH_TOKENS ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  if (tokens.length === 0) {
    problems.push(
      'HTTP_AUTH_TOKENS is not set: every HTTP route but /health would answer 401 (CloudMonitor callbacks and manual aborts included). Set it, e.g. export HTTP_AUTH_TOKENS=$(openssl rand -hex 24)',
    );
  }
  tokens.forEach((token, i) => {
    if (token.length < MIN_TOKEN_CHARS) {
      problems.push(
        `HTTP_AUTH_TOKENS token ${i + 1} has ${token.length} characters, fewer than ${MIN_TOKEN_CHARS}`,
      );
      return;
    }
    const source = SAMPLE_TOKENS.includes(token)
      ? 'the docs'
      : docSourceOf(token, texts, SAMPLE_TOKENS);
    if (source) {
      // never the token itself: only where it comes from
      problems.push(
        `HTTP_AUTH_TOKENS token ${i + 1} comes from the docs (${source}): anyone who read them knows it; choose a secret one, e.g. $(openssl rand -hex 24)`,
      );
    }
  });
  const dryRun = env.ABORT_DRY_RUN?.trim().toLowerCase();
  if (dryRun !== undefined && dryRun !== '' && dryRun !== 'true' && dryRun !== 'false') {
    problems.push(`ABORT_DRY_RUN must be true or false, got ${JSON.stringify(env.ABORT_DRY_RUN)}`);
  }
  if (!env.FC_ROLE_ARN?.trim()) {
    problems.push(
      'FC_ROLE_ARN is not set: the function needs its RAM role (docs/ram/: sls.json and one file per enabled platform)',
    );
  }
  return problems;
}

/** Whether the deploy starts in dry-run: s.yaml and s-prod.yaml default ABORT_DRY_RUN to true. */
export function deploysInDryRun(env: Readonly<Record<string, string | undefined>>): boolean {
  return env.ABORT_DRY_RUN?.trim().toLowerCase() !== 'false';
}

function main(): void {
  const problems = deployProblems(process.env);
  if (problems.length > 0) {
    for (const p of problems) process.stderr.write(`check-deploy: ${p}\n`);
    process.stderr.write('check-deploy: deploy refused\n');
    process.exitCode = 1;
    return;
  }
  process.stdout.write(
    deploysInDryRun(process.env)
      ? 'check-deploy ok: the function starts in dry-run (ABORT_DRY_RUN=true); set ABORT_DRY_RUN=false to enforce\n'
      : 'check-deploy ok: ABORT_DRY_RUN=false, the function will send AbortChange where the policy says enforce\n',
  );
}

if (process.argv[1] && /check-deploy\.ts$/.test(process.argv[1])) main();
