import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loadScenarioFile,
  startWebplusSandbox,
  type WebplusSandbox,
} from '../../sandbox/webplus/index.js';
import { cliEnv, runCli } from '../helpers/cli-run.js';
import { type FcApiStandIn, startFcApiStandIn } from '../helpers/fc-api-stand-in.js';

/** The demo scenario accepts sandbox-ak / sandbox-secret (sandbox/scenarios/demo.json). */
const GOOD = { access_key_id: 'sandbox-ak', access_key_secret: 'sandbox-secret' };
const WRONG_SECRET = 'wrong-secret-must-never-print-4711';

let sandbox: WebplusSandbox;
let fcApi: FcApiStandIn;

beforeAll(async () => {
  sandbox = await startWebplusSandbox(await loadScenarioFile('sandbox/scenarios/demo.json'), {
    port: 0,
  });
  fcApi = await startFcApiStandIn({
    keys: [{ accessKeyId: 'fc-profile-ak', accessKeySecret: 'fc-profile-secret-0042' }],
    functions: ['ops/abort-stuck-changes', 'abort-stuck-changes'],
  });
});

afterAll(async () => {
  await sandbox.close();
  await fcApi.close();
});

/** A child environment with a temp HOME holding `~/.aliyun/config.json` (aliyun CLI format). */
function withConfig(config: unknown, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = cliEnv({ WEBPLUS_ENDPOINT: sandbox.url, ...extra });
  mkdirSync(join(env.HOME!, '.aliyun'), { recursive: true });
  writeFileSync(
    join(env.HOME!, '.aliyun', 'config.json'),
    typeof config === 'string' ? config : JSON.stringify(config),
  );
  return env;
}

const CONFIG = {
  current: 'dev',
  profiles: [
    { name: 'dev', mode: 'AK', ...GOOD, region_id: 'cn-shanghai' },
    { name: 'wrong', mode: 'AK', access_key_id: 'sandbox-ak', access_key_secret: WRONG_SECRET },
    {
      name: 'fc',
      mode: 'AK',
      access_key_id: 'fc-profile-ak',
      access_key_secret: 'fc-profile-secret-0042',
      region_id: 'cn-beijing',
    },
  ],
};

describe('credentials and region like the aliyun CLI (temp HOME with ~/.aliyun/config.json)', () => {
  it('the current profile signs the Web+ calls; the source and region are named, never a value', async () => {
    const env = withConfig(CONFIG);

    const run = await runCli(['sweep', '--dry-run'], env);

    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(
      'webplus-abort: credentials: profile "dev" (mode AK) in ~/.aliyun/config.json; region cn-shanghai (profile "dev")',
    );
    expect(run.stdout).toMatch(/^2 would_abort, 3 skipped, 0 failed in/m);
    const everything = run.stdout + run.stderr + readFileSync(env.OUTCOME_LOG_FILE!, 'utf8');
    expect(everything).not.toContain('sandbox-secret');
  });

  it('--profile picks another profile: a wrong secret is refused by the sandbox, and not printed', async () => {
    const env = withConfig(CONFIG);

    const run = await runCli(['sweep', '--dry-run', '--profile', 'wrong'], env);

    expect(run.stderr).toContain('credentials: profile "wrong" (mode AK) in ~/.aliyun/config.json');
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^failed\s/m);
    const everything = run.stdout + run.stderr + readFileSync(env.OUTCOME_LOG_FILE!, 'utf8');
    expect(everything).not.toContain(WRONG_SECRET);
  });

  it('--region wins over the profile region', async () => {
    const run = await runCli(
      ['sweep', '--dry-run', '--region', 'ap-southeast-1'],
      withConfig(CONFIG),
    );

    expect(run.stderr).toContain('region ap-southeast-1 (--region)');
  });

  it('environment keys come before the config file', async () => {
    const env = withConfig(CONFIG, {
      ALIBABA_CLOUD_ACCESS_KEY_ID: 'sandbox-ak',
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'sandbox-secret',
    });

    const run = await runCli(['sweep', '--dry-run'], env);

    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(
      'credentials: environment variables (ALIBABA_CLOUD_ACCESS_KEY_ID)',
    );
  });

  it('an unknown --profile: exit 2, one line counting the profiles, echoing no value of the file', async () => {
    const run = await runCli(['sweep', '--profile', 'nope'], withConfig(CONFIG));

    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(
      'webplus-abort: the --profile name is not the name of any of the 3 profiles in ~/.aliyun/config.json (its value is not shown); `aliyun configure list` lists them',
    );
  });

  it('a broken config.json: exit 2, and none of its content (secrets) is echoed', async () => {
    const broken = `{"current":"dev","profiles":[{"name":"dev","access_key_secret":"${WRONG_SECRET}"`;

    const run = await runCli(['sweep'], withConfig(broken));

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('~/.aliyun/config.json is not valid JSON');
    expect(run.stderr + run.stdout).not.toContain(WRONG_SECRET);
  });

  it('no source at all: start falls back to the demo and says what it looked for', async () => {
    const run = await runCli(['start'], cliEnv());

    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(
      /no Alibaba Cloud credentials \(looked for: no ALIBABA_CLOUD_ACCESS_KEY_ID, no OIDC variables, no ~\/\.aliyun\/config\.json/,
    );
  });

  it('invoke --remote --service uses the profile and region through @alicloud/fc2 (signature checked)', async () => {
    const env = withConfig(CONFIG, {
      ALIBABA_CLOUD_ACCOUNT_ID: '1234567890123456',
      FC_ENDPOINT: fcApi.url,
    });
    fcApi.reply = {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"results":[]}',
    };

    const run = await runCli(
      [
        'invoke',
        '--remote',
        '--service',
        'ops',
        '--function',
        'abort-stuck-changes',
        '--event',
        'test/fixtures/timer-sweep.json',
        '--profile',
        'fc',
      ],
      env,
    );

    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ results: [] });
    expect(run.stderr).toContain(
      'credentials: profile "fc" (mode AK) in ~/.aliyun/config.json; region cn-beijing (profile "fc"); FC 2.0 API (@alicloud/fc2), service ops, function abort-stuck-changes',
    );
    const seen = fcApi.seen.at(-1)!;
    expect(seen).toMatchObject({ api: 'fc2', service: 'ops', signatureValid: true });
    expect(seen.body.equals(readFileSync('test/fixtures/timer-sweep.json'))).toBe(true);
    expect(run.stderr + run.stdout).not.toContain('fc-profile-secret-0042');
  });

  it('invoke --remote without --service goes through the FC 3.0 API (signature checked)', async () => {
    const env = withConfig(CONFIG, {
      ALIBABA_CLOUD_ACCOUNT_ID: '1234567890123456',
      FC_ENDPOINT: fcApi.url,
    });

    const run = await runCli(
      [
        'invoke',
        '--remote',
        '--function',
        'abort-stuck-changes',
        '--event',
        'test/fixtures/timer-sweep.json',
        '--profile',
        'fc',
      ],
      env,
    );

    expect(run.code, run.stderr).toBe(0);
    expect(fcApi.seen.at(-1)).toMatchObject({
      api: 'fc3',
      functionName: 'abort-stuck-changes',
      signatureValid: true,
    });
    expect(run.stderr).toContain('FC 3.0 API (@alicloud/fc20230330)');
  });
});
