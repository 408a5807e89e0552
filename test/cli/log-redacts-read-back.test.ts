/**
 * `webplus-abort log` prints nothing it has not passed through the redactor: a store can hold
 * what this version did not write (an older version, another writer into the same file or
 * logstore, a hand edit). Through the built CLI (a child process), with the secrets in the
 * environment as an operator has them; checked with plain and disguised (base64, split, hex)
 * forms by the test's own encoders.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEnv, runCli } from '../helpers/cli-run.js';

const SECRET = 'Zq7Wv3Kx9Lm2Np5Rt8Bc4Hd6Jf1Gs0Ty';
const STS = 'CAISyQ3Xv8Rk2Wm7Zp4Lc9Nb1Hy6Gd5Fs3Jw0QeTu8';
const HTTP = 'rt-http-token-Qm4Xz9Lk2Wv7';
const NOTIFY = 'notify-secret-SEC7f3a9c2e41b8d6e0';

const disguises = (s: string) => [
  s,
  Buffer.from(s).toString('base64'),
  Buffer.from(s).toString('hex'),
  `${s.slice(0, 12)}" + "${s.slice(12)}`,
];

function storeWith(path: string): void {
  const lines = [SECRET, STS, HTTP, NOTIFY].flatMap((s, i) =>
    disguises(s).map((d, j) =>
      JSON.stringify({
        recordId: `r-${i}-${j}`,
        time: `2026-05-20T02:0${i}:0${j}.000Z`,
        changeId: 'wc-5d3a963d5802611c4ddc0001',
        envId: 'we-5d39b8ba6786bd4b14950001',
        trigger: 'timer',
        invocationId: 'inv-hand-edited',
        outcome: 'failed',
        detail: `Web+ said ${d}`,
        errorMessage: `echo ${d}`,
        attempts: 1,
      }),
    ),
  );
  writeFileSync(path, `${lines.join('\n')}\n`);
}

describe('log read-back redaction (file store holding secrets)', () => {
  it.each([
    [['log']],
    [['log', '--json']],
    [['log', '--summary']],
    [['log', '--outcome', 'failed']],
  ])('%j prints no secret in any of its disguises', async (args) => {
    const env = cliEnv({
      ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAI-hand-edited-0001',
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: SECRET,
      ALIBABA_CLOUD_SECURITY_TOKEN: STS,
      HTTP_AUTH_TOKENS: `other-token-0123456789,${HTTP}`,
      NOTIFY_DINGTALK_SECRET: NOTIFY,
      COLUMNS: '200',
    });
    storeWith(env.OUTCOME_LOG_FILE!);
    const run = await runCli(args, env);
    expect(run.code, run.stderr).toBe(0);
    const out = run.stdout + run.stderr;
    for (const s of [SECRET, STS, HTTP, NOTIFY]) {
      for (const d of disguises(s)) expect(out).not.toContain(d);
      expect(out).not.toContain(s.slice(4, 16));
    }
    if (args.includes('--json')) {
      const records = run.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(records).toHaveLength(16); // every record still printed, none dropped
      expect(records.every((r) => r.changeId === 'wc-5d3a963d5802611c4ddc0001')).toBe(true);
    }
  });
});

describe('every profile of ~/.aliyun/config.json is a secret to log (red-team 12b F5)', () => {
  it('log --json prints no access_key_secret or sts_token of any profile, current or not', async () => {
    const CURRENT = 'CfgA1currentProfile123QWE';
    const OTHER = 'CfgB2otherProfile987QWE';
    const STS_OTHER = 'CAIScfgC3stsOfAThirdProfile456';
    const env = cliEnv({ COLUMNS: '200' });
    mkdirSync(join(env.HOME!, '.aliyun'), { recursive: true });
    writeFileSync(
      join(env.HOME!, '.aliyun', 'config.json'),
      JSON.stringify({
        current: 'a',
        profiles: [
          { name: 'a', mode: 'AK', access_key_id: 'LTAI-a', access_key_secret: CURRENT },
          { name: 'b', mode: 'AK', access_key_id: 'LTAI-b', access_key_secret: OTHER },
          {
            name: 'c',
            mode: 'StsToken',
            access_key_id: 'STS.c',
            access_key_secret: 'CfgC3secretOfThird000',
            sts_token: STS_OTHER,
          },
        ],
      }),
    );
    writeFileSync(
      env.OUTCOME_LOG_FILE!,
      `${[CURRENT, OTHER, STS_OTHER]
        .map((s, i) =>
          JSON.stringify({
            recordId: `cfg-${i}`,
            time: `2026-05-20T02:00:0${i}.000Z`,
            changeId: 'wc-5d3a963d5802611c4ddc0001',
            envId: 'we-5d39b8ba6786bd4b14950001',
            trigger: 'timer',
            invocationId: 'inv-cfg',
            outcome: 'failed',
            detail: `Web+ said ${s}`,
            attempts: 1,
          }),
        )
        .join('\n')}\n`,
    );
    for (const args of [['log', '--json'], ['log']]) {
      const run = await runCli(args, env);
      expect(run.code, run.stderr).toBe(0);
      for (const s of [CURRENT, OTHER, STS_OTHER]) expect(run.stdout + run.stderr).not.toContain(s);
    }
  });
});
