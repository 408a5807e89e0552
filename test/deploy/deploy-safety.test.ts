/**
 * Issue 10, kind 9: safe by default when deployed. s.yaml deploys in dry-run unless the operator
 * turns enforce on; s.yaml and s-prod.yaml name distinct functions; FC drops async alarm events
 * older than the policy's alarmMaxAgeMinutes; a deploy with no (or a sample) HTTP token is
 * refused by the pre-deploy check both deploy paths run; and a function started with no token
 * writes a cold-start warning record.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { OutcomeRecord } from '#shared/model/record.js';
import { loadPolicy } from '#shared/policy/load.js';
import { buildHandler } from '../../functions/abort-stuck-changes/cold-start.js';
import { startWebplusSandbox, type WebplusSandbox } from '../../sandbox/webplus/index.js';
import { deployProblems } from '../../scripts/check-deploy.js';
import { fakeContext } from '../helpers/fc-context.js';
import { timerEvent } from '../helpers/world.js';

const root = resolve(import.meta.dirname, '..', '..');
const GOOD = { HTTP_AUTH_TOKENS: 'a'.repeat(24), FC_ROLE_ARN: 'acs:ram::1:role/x' };

interface Props {
  functionName: string;
  environmentVariables: Record<string, string>;
  asyncInvokeConfig: { maxAsyncEventAgeInSeconds?: number };
}
function project(file: string): { props: Props; preDeploy: string[] } {
  const doc = parse(readFileSync(join(root, file), 'utf8')) as {
    resources: Record<string, { props: Props; actions: { 'pre-deploy': { run: string }[] } }>;
  };
  const resource = doc.resources['abort-stuck-changes']!;
  return { props: resource.props, preDeploy: resource.actions['pre-deploy'].map((a) => a.run) };
}

function runCheck(env: Record<string, string>): { status: number; out: string } {
  try {
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', join(root, 'scripts/check-deploy.ts')],
      { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', stdio: 'pipe' },
    );
    return { status: 0, out };
  } catch (err) {
    const e = err as { status: number; stderr: string; stdout: string };
    return { status: e.status, out: `${e.stdout}${e.stderr}` };
  }
}

let sandbox: WebplusSandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

describe('kind 9: safe by default when deployed', () => {
  it('s.yaml deploys in dry-run unless ABORT_DRY_RUN=false is given; s-prod.yaml starts in dry-run', () => {
    expect(project('s.yaml').props.environmentVariables.ABORT_DRY_RUN).toBe(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Serverless Devs variable, verbatim
      "${env('ABORT_DRY_RUN', 'true')}",
    );
    expect(project('s-prod.yaml').props.environmentVariables.ABORT_DRY_RUN).toBe('true');
  });

  it('dev and prod name distinct functions', () => {
    const dev = project('s.yaml').props.functionName;
    const prod = project('s-prod.yaml').props.functionName;
    expect(dev).toBe('abort-stuck-changes-dev');
    expect(prod).toBe('abort-stuck-changes');
  });

  it('maxAsyncEventAgeInSeconds is the policy’s alarmMaxAgeMinutes × 60 in both files', () => {
    for (const file of ['s.yaml', 's-prod.yaml']) {
      const { props } = project(file);
      const inline = props.environmentVariables.POLICY;
      const policy = loadPolicy(inline === undefined ? {} : { inline });
      expect(props.asyncInvokeConfig.maxAsyncEventAgeInSeconds, file).toBe(
        policy.alarmMaxAgeMinutes * 60,
      );
    }
  });

  it('both deploy paths run the pre-deploy check before building', () => {
    for (const file of ['s.yaml', 's-prod.yaml']) {
      expect(project(file).preDeploy.join(' && '), file).toMatch(/npm run check-deploy/);
    }
    const scripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts;
    expect(scripts.deploy).toMatch(/^npm run check-deploy && .*s deploy$/);
    expect(scripts['check-deploy']).toBe('tsx scripts/check-deploy.ts');
  });

  it('the check refuses no token, a sample token, a short token, a bad ABORT_DRY_RUN, no role', () => {
    expect(deployProblems({ FC_ROLE_ARN: 'r' }).join(' ')).toContain('HTTP_AUTH_TOKENS is not set');
    expect(deployProblems({ ...GOOD, HTTP_AUTH_TOKENS: ' , ' }).join(' ')).toContain('not set');
    expect(
      deployProblems({ ...GOOD, HTTP_AUTH_TOKENS: 'local-dev-token-0001' }).join(' '),
    ).toContain('comes from the docs');
    expect(deployProblems({ ...GOOD, HTTP_AUTH_TOKENS: 'short' }).join(' ')).toContain(
      '5 characters',
    );
    expect(deployProblems({ ...GOOD, ABORT_DRY_RUN: 'flase' }).join(' ')).toContain(
      'ABORT_DRY_RUN',
    );
    expect(deployProblems({ HTTP_AUTH_TOKENS: GOOD.HTTP_AUTH_TOKENS }).join(' ')).toContain(
      'FC_ROLE_ARN',
    );
    expect(deployProblems(GOOD)).toEqual([]);
  });

  it('the script exits 1 without a token (never printing one) and 0 with one, saying dry-run', () => {
    // Act
    const refused = runCheck({ FC_ROLE_ARN: 'r' });
    const sample = runCheck({ FC_ROLE_ARN: 'r', HTTP_AUTH_TOKENS: 'local-dev-token' });
    const ok = runCheck(GOOD);

    // Assert
    expect(refused.status).toBe(1);
    expect(refused.out).toContain('deploy refused');
    expect(sample.status).toBe(1);
    expect(sample.out).not.toContain('local-dev-token');
    expect(ok.status).toBe(0);
    expect(ok.out).toContain('starts in dry-run');
    expect(ok.out).not.toContain(GOOD.HTTP_AUTH_TOKENS);
  }, 60_000);

  it('a function started with no HTTP token writes one cold-start warning record', async () => {
    // Arrange
    sandbox = await startWebplusSandbox({ apps: [], envs: [], changes: [] });
    const file = join(mkdtempSync(join(tmpdir(), 'cold-')), 'outcomes.jsonl');
    const handler = buildHandler({
      WEBPLUS_ENDPOINT: sandbox.url,
      LOG_STORE: 'file',
      OUTCOME_LOG_FILE: file,
    });

    // Act
    await handler(timerEvent(), fakeContext());
    await handler(timerEvent(), fakeContext());

    // Assert
    const records = readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as OutcomeRecord);
    const warnings = records.filter((r) => r.reason === 'cold-start');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ outcome: 'skipped', trigger: 'timer', attempts: 0 });
    expect(warnings[0]?.detail).toContain('HTTP_AUTH_TOKENS is not set');
  });
});
