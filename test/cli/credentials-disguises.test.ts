/**
 * Red-team finding B4 of issue 12, as a kind: a `~/.aliyun/config.json` whose secret or token
 * sits in a field an error quotes (`current`, `mode`, `region_id`, a profile's `name`, any other
 * field), raw or disguised, was printed by the CLI. Now no message about the file or a region
 * quotes a value (it names the field; an unknown profile is "not one of the N profiles"), and
 * every message passes the redactor with the file's values. Property (fast-check) over the
 * field, the disguise and the command, through the real CLI as a child process; outputs checked
 * with the independent test/helpers/leaks.ts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loadScenarioFile,
  startWebplusSandbox,
  type WebplusSandbox,
} from '../../sandbox/webplus/index.js';
import { cliEnv, runCli } from '../helpers/cli-run.js';
import { disguiseArb } from '../helpers/disguise.js';
import { leaks } from '../helpers/leaks.js';

let sandbox: WebplusSandbox;
beforeAll(async () => {
  sandbox = await startWebplusSandbox(await loadScenarioFile('sandbox/scenarios/demo.json'));
});
afterAll(async () => {
  await sandbox.close();
});

const PLANTED = 'Pz7Kq2Wx9Lm4Vb8Nc3Rt6Yh1';
const OTHER_SECRET = 'Ot4Hr8Sk2Qw6Ez1Xc5Vb9Nm3';
const STS = 'CAIS9Fq2Lz7Xk4Wm8Rp3Tv6Nb1Hc5Yd0Gs2Je7Ua';

/** A config.json with `value` in `field` (of the file, or of the profile in use). */
function configWith(field: string, value: string): unknown {
  const profile: Record<string, unknown> = {
    name: 'dev',
    mode: 'StsToken',
    access_key_id: 'sandbox-ak',
    access_key_secret: OTHER_SECRET,
    sts_token: STS,
    region_id: 'cn-hangzhou',
  };
  const file: Record<string, unknown> = { current: 'dev', profiles: [profile] };
  if (field === 'current') file.current = value;
  else if (field === 'name') {
    profile.name = value;
    file.current = value;
  } else profile[field] = value;
  file.profiles = [profile, { name: 'other', mode: 'AK', access_key_secret: OTHER_SECRET }];
  return file;
}

describe('B4: no value of a credentials file is printed, whichever field it sits in (fast-check)', () => {
  it('raw or disguised, in current / mode / region_id / name / another field: stdout and stderr clean', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('current', 'mode', 'region_id', 'name', 'ram_role_arn', 'source_profile'),
        fc.oneof(
          fc.constant({ how: 'raw', text: PLANTED }),
          disguiseArb(PLANTED, ['base64', 'middle', 'hex', 'reversed', 'separators']),
        ),
        fc.constantFrom(['sweep', '--dry-run'], ['doctor'], ['sweep', '--profile', 'nope']),
        async (field, planted, args) => {
          // A profile's name is shown when it is a short word (16 characters or fewer): a piece
          // of a secret that short as a name is not a case this covers.
          fc.pre(field !== 'name' || planted.text.length > 16);
          // Arrange
          const env = cliEnv({ WEBPLUS_ENDPOINT: sandbox.url });
          mkdirSync(join(env.HOME!, '.aliyun'), { recursive: true });
          const config = configWith(field, planted.text);
          writeFileSync(join(env.HOME!, '.aliyun', 'config.json'), JSON.stringify(config));

          // Act
          const run = await runCli(args, env);

          // Assert: it said something about the file or ran, and leaked nothing.
          const out = `${run.stdout}\n${run.stderr}`;
          for (const s of [PLANTED, OTHER_SECRET, STS]) {
            expect(leaks(out, s), `${field} ${planted.how} ${args.join(' ')}: ${out}`).toEqual([]);
          }
          if (field !== 'name' && field !== 'ram_role_arn' && field !== 'source_profile') {
            expect(out.includes(planted.text), out).toBe(false);
          }
        },
      ),
      { numRuns: 16, seed: 44 },
    );
  });

  it('an unknown "current": the error names the field and the count, never the value', async () => {
    // Arrange
    const env = cliEnv({ WEBPLUS_ENDPOINT: sandbox.url });
    mkdirSync(join(env.HOME!, '.aliyun'), { recursive: true });
    writeFileSync(
      join(env.HOME!, '.aliyun', 'config.json'),
      JSON.stringify(configWith('current', PLANTED)),
    );

    // Act
    const run = await runCli(['sweep', '--dry-run'], env);

    // Assert
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(
      'webplus-abort: the "current" field is not the name of any of the 2 profiles in ~/.aliyun/config.json (its value is not shown); `aliyun configure list` lists them',
    );
  });

  it('a region_id that is a secret: the error names the field and the length, never the value', async () => {
    // Arrange
    const env = cliEnv({ WEBPLUS_ENDPOINT: sandbox.url });
    mkdirSync(join(env.HOME!, '.aliyun'), { recursive: true });
    writeFileSync(
      join(env.HOME!, '.aliyun', 'config.json'),
      JSON.stringify(configWith('region_id', PLANTED)),
    );

    // Act
    const run = await runCli(['sweep', '--dry-run'], env);

    // Assert
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'the "region_id" field of profile "dev" must be a region id such as cn-hangzhou (its value, 24 characters, is not shown)',
    );
  });
});
