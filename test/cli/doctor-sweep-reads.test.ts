/**
 * Red-team rt12 M2: `doctor` said "nothing blocks enforce" where every sweep fails. Now its
 * webplus row reads page 1 of DescribeApplications by the sweep's own paging rules (a TotalCount
 * implying more than the page cap fails both), then tries the sweep's other reads once each:
 * DescribeAppEnvs of the first application and DescribeChange of an environment's latest
 * change (with its EnvId). A read the keys may not make fails the row, naming the read; the
 * verdict line speaks only of what was checked. Through the built CLI and the sandbox.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEnv, runCli } from '../helpers/cli-run.js';

const APP = 'wa-5d39b7a06786bd4b14930001';
const ENV = 'we-5d39b8ba6786bd4b14950001';
const CHANGE = 'wc-5d3a963d5802611c4ddc0001';

const tmp = mkdtempSync(join(tmpdir(), 'doctor-reads-'));
const scenarioFile = (name: string, faults: unknown[]) => {
  const path = join(tmp, name);
  writeFileSync(
    path,
    JSON.stringify({
      apps: [{ AppId: APP, AppName: 'shop' }],
      envs: [{ EnvId: ENV, AppId: APP, EnvName: 'shop-prod' }],
      changes: [
        {
          ChangeId: CHANGE,
          EnvId: ENV,
          ActionName: 'Apply',
          startedMinutesAgo: 95,
          idleMinutes: 90,
        },
      ],
      faults,
    }),
  );
  return path;
};

interface Row {
  check: string;
  status: string;
  detail: string;
  action?: string;
  code?: string;
}

async function doctor(path: string) {
  const { code, stdout } = await runCli(['doctor', '--scenario', path, '--json'], cliEnv());
  const doc = JSON.parse(stdout) as { checks: Row[] };
  const web = doc.checks.find((c) => c.check === 'webplus')!;
  return { code, web };
}

async function sweep(path: string) {
  const { stdout } = await runCli(['sweep', '--scenario', path, '--dry-run', '--json'], cliEnv());
  return stdout;
}

const forbidden = (action: string) => ({
  action,
  responses: [{ status: 403, code: 'Forbidden.RAM', message: `no permission for ${action}` }],
});

describe('doctor tries the reads a sweep makes, by the sweep’s rules', () => {
  it('all reads answer: ok, and the row names each read it made', async () => {
    const { code, web } = await doctor(scenarioFile('fine.json', []));
    expect(code).toBe(0);
    expect(web.status).toBe('ok');
    expect(web.detail).toContain('reachable, 1 application(s)');
    expect(web.detail).toContain(`DescribeAppEnvs of ${APP}: 1 environment(s)`);
    expect(web.detail).toContain(`DescribeChange of ${CHANGE} (${ENV}): read`);
  });

  it('TotalCount 10^20 beside one application: FAIL ListingTooLarge, as the sweep fails', async () => {
    const body = `{"Code":"OK","Message":"success","RequestId":"E1B2C3D4-0000-4000-8000-000000000001","PageNumber":1,"PageSize":100,"TotalCount":100000000000000000000,"Applications":{"Application":[{"AppId":"${APP}","AppName":"shop","RegionId":"cn-hangzhou"}]}}`;
    const path = scenarioFile('huge.json', [
      {
        action: 'DescribeApplications',
        responses: [
          { status: 200, contentType: 'application/json;charset=utf-8', body },
          { status: 200, contentType: 'application/json;charset=utf-8', body },
          { status: 200, contentType: 'application/json;charset=utf-8', body },
        ],
      },
    ]);
    const { code, web } = await doctor(path);
    expect(code).toBe(1);
    expect(web).toMatchObject({
      status: 'fail',
      action: 'DescribeApplications',
      code: 'ListingTooLarge',
    });
    expect(web.detail).toContain('more than the 100-page cap');
    expect(await sweep(path)).toContain('ListingTooLarge');
  });

  it('DescribeAppEnvs refused (403 Forbidden.RAM): FAIL naming DescribeAppEnvs', async () => {
    const { code, web } = await doctor(
      scenarioFile('envs403.json', [forbidden('DescribeAppEnvs')]),
    );
    expect(code).toBe(1);
    expect(web).toMatchObject({ status: 'fail', action: 'DescribeAppEnvs', code: 'Forbidden.RAM' });
    expect(web.detail).toMatch(/^DescribeAppEnvs at /);
  });

  it('DescribeChange refused (403 Forbidden.RAM): FAIL naming DescribeChange', async () => {
    const { code, web } = await doctor(scenarioFile('dc403.json', [forbidden('DescribeChange')]));
    expect(code).toBe(1);
    expect(web).toMatchObject({ status: 'fail', action: 'DescribeChange', code: 'Forbidden.RAM' });
    expect(web.detail).toMatch(/^DescribeChange at /);
  });

  it('the verdict line says only what was checked', async () => {
    const { code, stdout } = await runCli(
      ['doctor', '--scenario', scenarioFile('verdict.json', [])],
      cliEnv({ HTTP_AUTH_TOKENS: undefined }),
    );
    expect(code).toBe(0);
    expect(stdout).toContain('nothing checked blocks enforce');
    expect(stdout).not.toContain(': nothing blocks enforce');
  });
});
