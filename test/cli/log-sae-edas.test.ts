/**
 * `log` selects SAE and EDAS records (issue 15, trial difficulty 4): `--change` takes a
 * ChangeOrderId as intake does, `--platform` and `--app` filter (repeatable, like `--outcome`),
 * and `--summary` groups by platform and environment / application. Through the built CLI over
 * the records `start` wrote (Web+, SAE and EDAS), at 80 and 120 columns.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, runCli } from '../helpers/cli-run.js';

const SAE_ORDER = 'ba8e6c3c-9b1a-4ad2-9e1f-5f0e5c5e0001';
const SAE_APP = '7171a6ca-d1cd-4928-8642-7d5cfe69a001';
const EDAS_APP = '6826ccd2-5c57-46c0-a2e5-6caca07c0001';
let env: NodeJS.ProcessEnv;
let all: Array<Record<string, unknown>>;

beforeAll(async () => {
  env = cliEnv();
  const start = await runCli(['start'], env);
  expect(start.code).toBe(0);
  all = readFileSync(env.OUTCOME_LOG_FILE!, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
});

const json = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('log filters for SAE and EDAS', () => {
  it('--change takes a ChangeOrderId', async () => {
    const run = await runCli(['log', '--change', SAE_ORDER, '--json'], env);
    expect(run.code).toBe(0);
    // The abort's intent record (red-team 25 G15), then its decision
    expect(json(run.stdout)).toEqual([
      expect.objectContaining({
        kind: 'intent',
        platform: 'sae',
        changeId: SAE_ORDER,
        outcome: 'abort_sending',
      }),
      expect.objectContaining({ platform: 'sae', changeId: SAE_ORDER, outcome: 'aborted' }),
    ]);
  });

  it('--platform is repeatable; webplus matches records without a platform', async () => {
    const platformed = await runCli(
      ['log', '--platform', 'sae', '--platform', 'edas', '--json'],
      env,
    );
    const got = json(platformed.stdout);
    expect(got.length).toBe(
      all.filter((r) => r.platform === 'sae' || r.platform === 'edas').length,
    );
    expect(new Set(got.map((r) => r.platform))).toEqual(new Set(['sae', 'edas']));
    const webplus = json((await runCli(['log', '--platform', 'webplus', '--json'], env)).stdout);
    expect(webplus.length).toBe(all.filter((r) => (r.platform ?? 'webplus') === 'webplus').length);
    expect(webplus.length).toBeGreaterThan(0);
  });

  it('--app is repeatable, and takes SAE / EDAS application ids', async () => {
    const run = await runCli(['log', '--app', SAE_APP, '--app', EDAS_APP, '--json'], env);
    // each app's stuck order: its intent record (red-team 25 G15) and its decision
    expect(
      json(run.stdout)
        .map((r) => `${r.appId} ${r.kind ?? 'decision'}`)
        .sort(),
    ).toEqual([
      `${EDAS_APP} decision`,
      `${EDAS_APP} intent`,
      `${SAE_APP} decision`,
      `${SAE_APP} intent`,
    ]);
  });

  it('a malformed value is refused by name (exit 2)', async () => {
    const run = await runCli(['log', '--change', 'ba8e6c3c'], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      '--change must be a ChangeId (wc- and 24 hex digits) or an SAE / EDAS ChangeOrderId (a lower-case UUID), got "ba8e6c3c"',
    );
    const platform = await runCli(['log', '--platform', 'fc'], env);
    expect(platform.code).toBe(2);
    expect(platform.stderr).toContain('--platform must be one of webplus, sae, edas, got "fc"');
  });
});

describe.each([80, 120])('log --summary at %i columns', (columns) => {
  it('groups by platform and environment / application; every line fits', async () => {
    const run = await runCli(['log', '--summary'], { ...env, COLUMNS: String(columns) });
    expect(run.code).toBe(0);
    for (const line of run.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(columns);
    expect(run.stdout).toMatch(/^PLATFORM {2}ENVIRONMENT \/ APP +RECORDS$/m);
    expect(run.stdout).toMatch(new RegExp(`^sae +app ${SAE_APP} +1 aborted$`, 'm'));
    expect(run.stdout).toMatch(new RegExp(`^edas +app ${EDAS_APP} +1 aborted$`, 'm'));
    expect(run.stdout).toMatch(/^webplus +we-5d39b8ba6786bd4b14950001 +1 aborted$/m);
    expect(run.stdout).not.toMatch(/^- {2,}\d/m);
  });
});
