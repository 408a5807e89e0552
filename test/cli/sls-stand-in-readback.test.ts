/**
 * Reading records back from the SLS stand-in works without a detour (issue 15, trial difficulty
 * 1): `sandbox --sls` keeps a stand-in running and prints the exact environment; with it,
 * `sweep --scenario` writes there, `setup-sls` creates the index (the stand-in serves the bare
 * loopback address for its default project, as docs/reference/sls.md says) and `log --sls
 * --summary` reads the records back. All through the built CLI, at 80 and 120 columns.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cliEnv, runCli } from '../helpers/cli-run.js';

const DEMO = 'sandbox/scenarios/demo.json';
let child: ChildProcess;
let stdout = '';
let variables: Record<string, string> = {};

beforeAll(async () => {
  child = spawn(process.execPath, [BIN, 'sandbox', '--sls', '--port', '0', '--sls-port', '0'], {
    env: cliEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      stdout += d;
      if (/log --sls --summary\n/.test(stdout)) resolve();
    });
    child.on('exit', (code) => reject(new Error(`sandbox exited ${code}`)));
  });
  const line = /^ {2}export (.+)$/m.exec(stdout)![1]!;
  variables = Object.fromEntries(line.split(' ').map((kv) => kv.split('=') as [string, string]));
});

afterAll(async () => {
  child.kill('SIGINT');
  await new Promise((resolve) => child.once('close', resolve));
});

const KEYS = {
  ALIBABA_CLOUD_ACCESS_KEY_ID: 'sandbox-ak',
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'sandbox-secret',
};

describe('sandbox --sls prints the environment to use the stand-in', () => {
  it('the variables, the keys it accepts and the three commands', () => {
    expect(Object.keys(variables)).toEqual([
      'LOG_STORE',
      'SLS_ENDPOINT',
      'SLS_PROJECT',
      'SLS_LOGSTORE',
    ]);
    expect(variables.SLS_ENDPOINT).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(variables).toMatchObject({
      LOG_STORE: 'sls',
      SLS_PROJECT: 'webplus-abort-demo',
      SLS_LOGSTORE: 'outcomes',
    });
    expect(stdout).toContain('it accepts the sandbox keys sandbox-ak / sandbox-secret');
    expect(stdout).toContain(
      '  ALIBABA_CLOUD_ACCESS_KEY_ID=sandbox-ak ALIBABA_CLOUD_ACCESS_KEY_SECRET=sandbox-secret npx webplus-abort log --sls --summary',
    );
  });

  it('sweep writes there, setup-sls creates the index, log --sls --summary reads every record back', async () => {
    const sweep = await runCli(['sweep', '--scenario', DEMO], cliEnv(variables));
    expect(sweep.code).toBe(0);
    expect(sweep.stdout.replaceAll('\n  ', ' ')).toMatch(
      /^records: 7 records written to sls webplus-abort-demo\/outcomes \(5 decisions, 2 intents\)$/m,
    );
    const setup = await runCli(['setup-sls'], cliEnv({ ...variables, ...KEYS }));
    expect(setup.stderr).not.toContain('ProjectNotExist');
    expect(setup.code).toBe(0);
    expect(setup.stdout).toMatch(/^created {3}index {7}outcomes$/m);
    // a second run changes nothing (idempotent)
    const again = await runCli(['setup-sls'], cliEnv({ ...variables, ...KEYS }));
    expect(again.stdout).toMatch(/0 created, 0 updated, 6 unchanged/);
    for (const columns of [80, 120]) {
      const log = await runCli(
        ['log', '--sls', '--summary'],
        cliEnv({ ...variables, ...KEYS, COLUMNS: String(columns) }),
      );
      expect(log.code).toBe(0);
      expect(log.stdout).toMatch(/^aborted +2$/m);
      expect(log.stdout).toMatch(/^skipped +3$/m);
      expect(log.stdout).toMatch(/^abort_sending +2$/m);
      expect(log.stdout.replaceAll('\n  ', ' ')).toMatch(
        /^7 of 7 record\(s\) in sls webplus-abort-demo\/outcomes since /m,
      );
      for (const line of log.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(columns);
    }
  });
});

describe('start --sls', () => {
  it('the final hint names `sandbox --sls` and `log --sls`, not the file', async () => {
    const run = await runCli(['start', '--sls'], cliEnv({ COLUMNS: '120' }));
    expect(run.code).toBe(0);
    const hint = run.stdout.slice(run.stdout.lastIndexOf('next:')).replace(/\n +/g, ' ');
    expect(hint).toContain(
      'the SLS stand-in stopped with `start`; `npx webplus-abort sandbox --sls` keeps one running',
    );
    expect(hint).toContain('`npx webplus-abort log --sls --summary`');
    expect(hint).not.toContain('lists the records');
  });

  it('without --sls the hint names the file the records went to', async () => {
    const env = cliEnv({ COLUMNS: '120' });
    const run = await runCli(['start'], env);
    const hint = run.stdout.slice(run.stdout.lastIndexOf('next:')).replace(/\n +/g, ' ');
    expect(hint).toContain(
      `\`npx webplus-abort log\` lists the records (file ${env.OUTCOME_LOG_FILE})`,
    );
  });
});
