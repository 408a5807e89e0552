/**
 * Operator trial #8: `doctor --region R` names R and its source (`--region`) in the heading and
 * the configuration row, also when the credentials fail (no such profile), through the built CLI.
 */
import { describe, expect, it } from 'vitest';
import { cliEnv, runCli } from '../helpers/cli-run.js';

interface Doc {
  regions: string[];
  checks: Array<{ check: string; status: string; detail: string }>;
}

describe('doctor --region is shown as given, with its source', () => {
  it('credentials failing (an unknown --profile): regions cn-shanghai (--region), exit 2', async () => {
    const run = await runCli(
      ['doctor', '--profile', 'prod', '--region', 'cn-shanghai', '--json'],
      cliEnv(),
    );
    expect(run.code).toBe(2);
    const doc = JSON.parse(run.stdout) as Doc;
    expect(doc.regions).toEqual(['cn-shanghai']);
    const config = doc.checks.find((c) => c.check === 'configuration')!;
    expect(config.detail).toContain('cn-shanghai (--region)');
    expect(config.detail).not.toContain('cn-hangzhou');
  });

  it('credentials working: the same label, not FC_REGION', async () => {
    const run = await runCli(
      ['doctor', '--region', 'cn-shanghai', '--json'],
      cliEnv({
        ALIBABA_CLOUD_ACCESS_KEY_ID: 'doctor-region-ak',
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'doctor-region-secret-0123456789',
        WEBPLUS_ENDPOINT: 'http://127.0.0.1:9',
      }),
    );
    const doc = JSON.parse(run.stdout) as Doc;
    expect(doc.regions).toEqual(['cn-shanghai']);
    const config = doc.checks.find((c) => c.check === 'configuration')!;
    expect(config.detail).toContain('cn-shanghai (--region)');
    expect(config.detail).not.toContain('(FC_REGION)');
  });
});
