/**
 * `webplus-abort doctor` through the real built CLI (a child process, as an operator runs it):
 * against the sandbox (`--scenario`) and, by the same code path, against a "cloud" that is a
 * sandbox the test started and points WEBPLUS_ENDPOINT at (environment keys, as on a laptop).
 * Checked here with the test's own readers (no doctor code): the table at 80 and 120 columns,
 * the --json document, the exit statuses, the sandbox journals (only read actions, one per
 * platform and region), SLS (written only with --sls-write), and that no secret planted in
 * Web+'s error messages reaches any output.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSlsStandIn } from '../../sandbox/sls/server.js';
import { startWebplusSandbox, type WebplusSandbox } from '../../sandbox/webplus/index.js';
import { cliEnv, runCli, runCliOnTty } from '../helpers/cli-run.js';

const DEMO = 'sandbox/scenarios/demo.json';
const RETIRED = 'sandbox/scenarios/retired.json';
const STS_REFUSED = 'sandbox/scenarios/sts-refused.json';
const TOKEN = 'doctor-test-token-0123456789';

/** The --json document as this test reads it (its own type, not the doctor's). */
interface Doc {
  version: string;
  target: string;
  platforms: string[];
  regions: string[];
  verdict: string;
  exitCode: number;
  counts: Record<string, number>;
  checks: Array<Record<string, unknown> & { check: string; status: string; detail: string }>;
}

const tmp = mkdtempSync(join(tmpdir(), 'doctor-test-'));
const file = (name: string, content: unknown) => {
  const path = join(tmp, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};
const rowsOf = (doc: Doc, check: string) => doc.checks.filter((c) => c.check === check);
/**
 * The test's own reader of the checklist table: columns found from the heading line, a row
 * starts where RESULT is filled, and each column's lines are joined with spaces.
 */
function parseTable(stdout: string): Array<{ result: string; check: string; detail: string }> {
  const lines = stdout.split('\n');
  const head = lines.findIndex((l) => l.startsWith('RESULT'));
  const checkAt = lines[head]!.indexOf('CHECK');
  const detailAt = lines[head]!.indexOf('DETAIL');
  const rows: Array<{ result: string; check: string; detail: string }> = [];
  for (const line of lines.slice(head + 1)) {
    if (!line.startsWith(' ') && !/^(ok|warn|FAIL|skip) /.test(line)) break;
    const result = line.slice(0, checkAt).trim();
    const check = line.slice(checkAt, detailAt).trim();
    const detail = line.slice(detailAt).trim();
    if (result) rows.push({ result, check, detail });
    else {
      const row = rows.at(-1)!;
      if (check) row.check += ` ${check}`;
      if (detail) row.detail += ` ${detail}`;
    }
  }
  return rows;
}
/** Prose after the table, continuation lines (two spaces) joined. */
const lastProse = (stdout: string) =>
  stdout
    .trimEnd()
    .replaceAll(/\n {2}(?=\S)/g, ' ')
    .split('\n')
    .at(-1)!;
const jsonLines = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe.each([80, 120])('doctor on the demo scenario at %i columns (a pipe)', (columns) => {
  let run: Awaited<ReturnType<typeof runCli>>;
  beforeAll(async () => {
    run = await runCli(
      ['doctor', '--scenario', DEMO],
      cliEnv({ COLUMNS: String(columns), HTTP_AUTH_TOKENS: TOKEN }),
    );
  });

  it('exit 0, every line fits, the checklist has its rows and one summary line', () => {
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(columns);
    expect(lines[0]).toBe('doctor · sandbox · platforms webplus · regions cn-hangzhou');
    expect(lines[1]).toMatch(/^RESULT {2}CHECK +DETAIL$/);
    const rows = parseTable(run.stdout);
    expect(rows.map((r) => `${r.result} ${r.check}`)).toEqual([
      'ok credentials sandbox',
      'ok configuration',
      'ok http-tokens',
      'ok webplus cn-hangzhou',
      'skip sls-write file',
      'ok policy built-in',
      'ok policy defaults',
      'ok policy wa-5d39b7a06786bd4b14930001',
      'ok policy wa-5d39b7a06786bd4b14930002',
    ]);
    const web = rows[3]!.detail;
    expect(web).toMatch(
      /^DescribeApplications at http:\/\/127\.0\.0\.1:\d+ \(sandbox\): reachable, 2 application\(s\), RequestId [0-9A-F-]{36}; DescribeAppEnvs of wa-5d39b7a06786bd4b14930001: \d+ environment\(s\); DescribeChange of wc-[0-9a-f]{24} \(we-[0-9a-f]{24}\): read$/,
    );
    expect(rows[4]!.detail).toMatch(/^skipped \(use --sls-write\); records go to the file /);
    expect(rows[7]!.detail).toMatch(/^application shop in cn-hangzhou: swept;/);
    expect(lastProse(run.stdout)).toBe(
      '8 ok, 0 warning(s), 0 failed, 1 skipped: nothing checked blocks enforce',
    );
    expect(run.stderr).toContain(
      'webplus-abort: doctor against the sandbox: Web+ at http://127.0.0.1:',
    );
  });
});

describe('doctor on a terminal and with --wide', () => {
  it('a terminal: the RESULT column is coloured; a pipe with --wide: one line per row', async () => {
    const tty = await runCliOnTty(['doctor', '--scenario', DEMO], cliEnv({ COLUMNS: '100' }));
    expect(tty.code).toBe(0);
    expect(tty.output).toContain(`${String.fromCharCode(27)}[32mok${String.fromCharCode(27)}[39m`);
    expect(tty.output).toContain(
      `${String.fromCharCode(27)}[33mwarn${String.fromCharCode(27)}[39m`,
    );
    const wide = await runCli(['doctor', '--scenario', DEMO, '--wide'], cliEnv({ COLUMNS: '80' }));
    const lines = wide.stdout.trimEnd().split('\n');
    // heading, column headings, 9 rows, summary
    expect(lines).toHaveLength(12);
    expect(lines[5]).toMatch(
      /^ok {6}webplus cn-hangzhou {2,}DescribeApplications at .* RequestId [0-9A-F-]{36}; DescribeAppEnvs .*: read$/,
    );
    expect(wide.stdout).not.toContain(String.fromCharCode(27));
  });

  it("Web+'s clock unknown (no Date header, or 10 min off) or 2 min off: a warning, not a failure", async () => {
    const base = {
      apps: [{ AppId: 'wa-5d39b7a06786bd4b14930001', AppName: 'shop' }],
      envs: [],
      changes: [],
    };
    for (const [name, extra, words] of [
      ['no-date.json', { dateHeader: false }, 'no Date header'],
      ['skew.json', { clockSkewMs: 120_000 }, "Web+'s clock is 120 s off"],
      ['far.json', { clockSkewMs: 600_000 }, "Web+'s clock is unknown: its Date header says"],
    ] as const) {
      const { code, stdout } = await runCli(
        ['doctor', '--scenario', file(name, { ...base, ...extra }), '--json'],
        cliEnv(),
      );
      expect(code).toBe(0);
      const [web] = rowsOf(JSON.parse(stdout) as Doc, 'webplus');
      expect(web!.status).toBe('warn');
      expect(web!.detail).toContain(words);
    }
  });

  it('control characters in what Web+ answers never reach the terminal (no fake rows, no escapes)', async () => {
    const ESC = String.fromCharCode(27);
    const path = file('control.json', {
      apps: [],
      envs: [],
      changes: [],
      faults: [
        {
          action: 'DescribeApplications',
          responses: [
            {
              status: 400,
              code: 'InvalidParameter',
              message: `bad${ESC}[2J${ESC}[32m\nok      webplus       all fine\r\u009b31m`,
            },
          ],
        },
      ],
    });
    const { code, stdout } = await runCli(['doctor', '--scenario', path], cliEnv());
    expect(code).toBe(1);
    expect(stdout).not.toContain(ESC);
    expect(stdout).not.toContain('\r');
    expect(stdout).not.toContain('\u009b');
    const rows = parseTable(stdout).filter((r) => r.check.startsWith('webplus'));
    expect(rows.map((r) => r.result)).toEqual(['FAIL']);
  });

  it('no application in a region is a warning naming the region, not a failure', async () => {
    const path = file('empty.json', { apps: [], envs: [], changes: [] });
    const { code, stdout } = await runCli(['doctor', '--scenario', path, '--json'], cliEnv());
    expect(code).toBe(0);
    const [web] = rowsOf(JSON.parse(stdout) as Doc, 'webplus');
    expect(web).toMatchObject({ status: 'warn', applications: 0 });
    expect(web!.detail).toContain('no application in cn-hangzhou');
  });
});

describe('doctor --json', () => {
  it('one document: every row has a check, a status and a detail; counts match the rows', async () => {
    const { code, stdout } = await runCli(['doctor', '--scenario', DEMO, '--json'], cliEnv());
    expect(code).toBe(0);
    const doc = JSON.parse(stdout) as Doc;
    expect(doc).toMatchObject({
      target: 'sandbox',
      platforms: ['webplus'],
      regions: ['cn-hangzhou'],
      verdict: 'ok',
      exitCode: 0,
    });
    const counted: Record<string, number> = { ok: 0, warn: 0, fail: 0, skipped: 0 };
    for (const c of doc.checks) {
      expect(typeof c.detail).toBe('string');
      counted[c.status]! += 1;
    }
    expect(doc.counts).toEqual(counted);
    expect(rowsOf(doc, 'credentials')).toEqual([
      expect.objectContaining({ subject: 'sandbox', status: 'ok' }),
    ]);
    // No token set: a warning, which does not fail the doctor.
    expect(rowsOf(doc, 'http-tokens')[0]).toMatchObject({ status: 'warn' });
    const [web] = rowsOf(doc, 'webplus');
    expect(web).toMatchObject({
      subject: 'cn-hangzhou',
      status: 'ok',
      regionId: 'cn-hangzhou',
      endpointSource: 'sandbox',
      action: 'DescribeApplications',
      applications: 2,
      totalCount: 2,
    });
    expect(web!.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(web!.requestId).toMatch(/^[0-9A-F-]{36}$/);
    const policy = rowsOf(doc, 'policy');
    expect(policy.map((p) => p.subject)).toEqual([
      'built-in',
      'defaults',
      'wa-5d39b7a06786bd4b14930001',
      'wa-5d39b7a06786bd4b14930002',
    ]);
    expect(policy[1]).toMatchObject({ mode: 'enforce' });
  });

  it('the policy rows follow the policy: kill switch, an environment off, a protected one', async () => {
    const policy = {
      defaults: { mode: 'enforce', maxIdleMinutes: 45 },
      environments: {
        'we-5d39b8ba6786bd4b14950003': { mode: 'off' },
        'we-5d39b8ba6786bd4b14950004': { includePaused: true },
      },
      protect: { envIds: ['we-5d39b8ba6786bd4b14950001'], appIds: ['wa-5d39b7a06786bd4b14930002'] },
      sweep: { appIds: ['wa-5d39b7a06786bd4b14930001'] },
    };
    const { code, stdout } = await runCli(
      ['doctor', '--scenario', DEMO, '--json'],
      cliEnv({ POLICY: JSON.stringify(policy), ABORT_DRY_RUN: 'true' }),
    );
    expect(code).toBe(0);
    const rows = rowsOf(JSON.parse(stdout) as Doc, 'policy');
    const bySubject = new Map(rows.map((r) => [r.subject, r]));
    expect(bySubject.get('POLICY')?.detail).toContain('kill switch ABORT_DRY_RUN ON');
    expect(bySubject.get('defaults')).toMatchObject({ mode: 'dry-run' });
    expect(bySubject.get('defaults')?.detail).toContain('idle > 45 min');
    expect(bySubject.get('we-5d39b8ba6786bd4b14950003')).toMatchObject({ mode: 'off' });
    expect(bySubject.get('we-5d39b8ba6786bd4b14950004')?.detail).toContain('paused ones too');
    expect(bySubject.get('we-5d39b8ba6786bd4b14950001')?.detail).toContain(
      'protected: we-5d39b8ba6786bd4b14950001 is in protect.envIds',
    );
    expect(bySubject.get('wa-5d39b7a06786bd4b14930002')?.detail).toContain('protect.appIds');
    expect(bySubject.get('wa-5d39b7a06786bd4b14930001')?.detail).toContain(': swept;');
  });
});

describe('doctor on a retired Web+ and on one that refuses STS keys', () => {
  it('retired: exit 1, the webplus row FAIL with InvalidApi.NotFound, kind unavailable', async () => {
    const { code, stdout } = await runCli(['doctor', '--scenario', RETIRED, '--json'], cliEnv());
    expect(code).toBe(1);
    const doc = JSON.parse(stdout) as Doc;
    expect(doc).toMatchObject({ verdict: 'failed', exitCode: 1 });
    expect(rowsOf(doc, 'webplus')[0]).toMatchObject({
      status: 'fail',
      blocks: 'failed',
      code: 'InvalidApi.NotFound',
      errorKind: 'unavailable',
      httpStatus: 404,
    });
    expect(rowsOf(doc, 'webplus')[0]!.detail).toContain('retired or unavailable');
  });

  it('retired, as a table: the FAIL row and the summary say what to do', async () => {
    const { code, stdout } = await runCli(['doctor', '--scenario', RETIRED], cliEnv());
    expect(code).toBe(1);
    const row = parseTable(stdout).find((r) => r.check === 'webplus cn-hangzhou');
    expect(row?.result).toBe('FAIL');
    expect(row?.detail).toContain('retired or unavailable (HTTP 404 InvalidApi.NotFound)');
    expect(lastProse(stdout)).toMatch(
      /, 1 failed, 1 skipped: fix the FAIL rows before enabling enforce$/,
    );
  });

  it('UserTypeInvalid: exit 1; the row says Web+ refuses STS keys; credentials say STS', async () => {
    const { code, stdout } = await runCli(
      ['doctor', '--scenario', STS_REFUSED, '--json'],
      cliEnv(),
    );
    expect(code).toBe(1);
    const doc = JSON.parse(stdout) as Doc;
    expect(rowsOf(doc, 'credentials')[0]!.detail).toContain('STS token');
    const [web] = rowsOf(doc, 'webplus');
    expect(web).toMatchObject({
      status: 'fail',
      code: 'UserTypeInvalid',
      errorKind: 'credentials',
      httpStatus: 401,
    });
    expect(web!.detail).toContain('Web+ refuses STS keys');
  });
});

describe('doctor is read-only', () => {
  const scenario = {
    apps: [
      { AppId: 'wa-5d39b7a06786bd4b14930001', AppName: 'shop' },
      { AppId: 'wa-5d39b7a06786bd4b14930002', AppName: 'billing', RegionId: 'cn-shanghai' },
    ],
    envs: [
      { EnvId: 'we-5d39b8ba6786bd4b14950001', AppId: 'wa-5d39b7a06786bd4b14930001', EnvName: 'p' },
    ],
    changes: [
      {
        ChangeId: 'wc-5d3a963d5802611c4ddc0001',
        EnvId: 'we-5d39b8ba6786bd4b14950001',
        startedMinutesAgo: 95,
        idleMinutes: 90,
      },
    ],
    strict: true,
    sae: {
      apps: [{ AppId: '5b6d0a4e-1c2f-4a3b-9d8e-7f6a5b4c0001', AppName: 'orders' }],
      changeOrders: [
        {
          ChangeOrderId: 'co-sae-1',
          AppId: '5b6d0a4e-1c2f-4a3b-9d8e-7f6a5b4c0001',
          Status: 1,
          idleMinutes: 90,
          startedMinutesAgo: 95,
        },
      ],
    },
    edas: {
      apps: [{ AppId: '6c7e1b5f-2d3a-4b4c-8e9f-8a7b6c5d0001', Name: 'billing' }],
      changeOrders: [
        {
          ChangeOrderId: 'co-edas-1',
          AppId: '6c7e1b5f-2d3a-4b4c-8e9f-8a7b6c5d0001',
          Status: 1,
          idleMinutes: 90,
          startedMinutesAgo: 95,
        },
      ],
    },
  };

  it('every platform and region: one list call each (Web+: the sweep’s first reads), nothing else, signatures valid', async () => {
    const path = file('all-platforms.json', scenario);
    const journal = join(tmp, 'journal.jsonl');
    const { code, stdout, stderr } = await runCli(
      [
        'doctor',
        '--scenario',
        path,
        '--platform',
        'webplus,sae',
        '--platform',
        'edas',
        '--journal',
        journal,
        '--json',
      ],
      cliEnv({
        WEBPLUS_REGIONS: 'cn-hangzhou,cn-shanghai',
        SAE_REGIONS: 'cn-shenzhen,cn-hangzhou,cn-shenzhen',
      }),
    );
    expect(stderr).not.toContain('Error');
    expect(code).toBe(0);
    const doc = JSON.parse(stdout) as Doc;
    expect(doc.platforms).toEqual(['webplus', 'sae', 'edas']);
    expect(doc.regions).toEqual(['cn-hangzhou', 'cn-shanghai', 'cn-shenzhen']);
    expect(
      doc.checks
        .filter((c) => ['webplus', 'sae', 'edas'].includes(c.check))
        .map((c) => `${c.check}:${c.subject}:${c.status}:${c.endpointSource}`),
    ).toEqual([
      'webplus:cn-hangzhou:ok:sandbox',
      'webplus:cn-shanghai:ok:sandbox',
      // One row per platform and region (SAE_REGIONS in order without repeats; EDAS_REGIONS
      // unset: the function's region)
      'sae:cn-shenzhen:ok:sandbox',
      'sae:cn-hangzhou:ok:sandbox',
      'edas:cn-hangzhou:ok:sandbox',
    ]);
    const entries = jsonLines(journal);
    const calls = entries.map((e) => `${e.product}:${e.action}`).sort();
    expect(calls).toEqual([
      'edas:ListApplication',
      'sae:ListApplications',
      'sae:ListApplications',
      // Web+: page 1 of DescribeApplications, then DescribeAppEnvs of the first application and
      // DescribeChange of its environment's latest change (rt12 M2); never AbortChange.
      'webplus:DescribeAppEnvs',
      'webplus:DescribeAppEnvs',
      'webplus:DescribeApplications',
      'webplus:DescribeApplications',
      'webplus:DescribeChange',
    ]);
    // Each SAE region's call went with that region's real host (one emulator serves both).
    expect(
      entries
        .filter((e) => e.product === 'sae')
        .map((e) => `${e.host} ${e.regionId}`)
        .sort(),
    ).toEqual([
      'sae.cn-hangzhou.aliyuncs.com cn-hangzhou',
      'sae.cn-shenzhen.aliyuncs.com cn-shenzhen',
    ]);
    for (const e of entries) expect(e.signatureValid).toBe(true);
    const regions = entries
      .filter((e) => e.product === 'webplus')
      .map((e) => `${e.regionId}:${e.action}`)
      .sort();
    expect(regions).toEqual([
      'cn-hangzhou:DescribeAppEnvs',
      'cn-hangzhou:DescribeApplications',
      'cn-hangzhou:DescribeChange',
      'cn-shanghai:DescribeAppEnvs',
      'cn-shanghai:DescribeApplications',
    ]);
    // What the policy means on SAE and EDAS: the platform's rules and each application read.
    const policy = rowsOf(doc, 'policy').map((r) => r.subject);
    expect(policy).toEqual(
      expect.arrayContaining([
        'sae',
        '5b6d0a4e-1c2f-4a3b-9d8e-7f6a5b4c0001',
        'edas',
        '6c7e1b5f-2d3a-4b4c-8e9f-8a7b6c5d0001',
      ]),
    );
  });

  it('PLATFORMS enables SAE and EDAS as it does for the function; --platform overrides it', async () => {
    const path = file('all-platforms-2.json', scenario);
    const enabled = await runCli(
      ['doctor', '--scenario', path, '--json'],
      cliEnv({ PLATFORMS: 'webplus,edas' }),
    );
    expect(enabled.code).toBe(0);
    expect((JSON.parse(enabled.stdout) as Doc).platforms).toEqual(['webplus', 'edas']);
    const narrowed = await runCli(
      ['doctor', '--scenario', path, '--platform', 'sae', '--json'],
      cliEnv({ PLATFORMS: 'webplus,edas' }),
    );
    const doc = JSON.parse(narrowed.stdout) as Doc;
    expect(doc.platforms).toEqual(['sae']);
    expect(doc.checks.filter((c) => c.check === 'webplus' || c.check === 'edas')).toEqual([]);
    const policy = {
      defaults: { mode: 'dry-run' },
      platforms: {
        sae: {
          mode: 'enforce',
          protect: { appIds: ['5b6d0a4e-1c2f-4a3b-9d8e-7f6a5b4c0001'] },
          apps: { '5b6d0a4e-1c2f-4a3b-9d8e-7f6a5b4c0002': { mode: 'off' } },
        },
      },
    };
    const rules = await runCli(
      ['doctor', '--scenario', path, '--platform', 'sae', '--json'],
      cliEnv({ POLICY: JSON.stringify(policy) }),
    );
    expect(rules.code).toBe(0);
    const bySubject = new Map(
      rowsOf(JSON.parse(rules.stdout) as Doc, 'policy').map((r) => [r.subject, r]),
    );
    expect(bySubject.get('sae')).toMatchObject({ mode: 'enforce' });
    expect(bySubject.get('5b6d0a4e-1c2f-4a3b-9d8e-7f6a5b4c0001')).toMatchObject({ mode: 'off' });
    expect(bySubject.get('5b6d0a4e-1c2f-4a3b-9d8e-7f6a5b4c0001')?.detail).toContain(
      'platforms.sae.protect.appIds',
    );
    expect(bySubject.get('5b6d0a4e-1c2f-4a3b-9d8e-7f6a5b4c0002')).toMatchObject({ mode: 'off' });
    expect(bySubject.get('5b6d0a4e-1c2f-4a3b-9d8e-7f6a5b4c0002')?.detail).toContain(
      '(named by the policy)',
    );
  });

  it('SLS: nothing without --sls-write; with it exactly one record of kind doctor', async () => {
    const sls = await startSlsStandIn();
    try {
      const env = {
        LOG_STORE: 'sls',
        SLS_ENDPOINT: sls.url,
        SLS_PROJECT: 'doctor-project',
        SLS_LOGSTORE: 'outcomes',
      };
      const without = await runCli(['doctor', '--scenario', DEMO, '--json'], cliEnv(env));
      expect(without.code).toBe(0);
      expect(rowsOf(JSON.parse(without.stdout) as Doc, 'sls-write')[0]).toMatchObject({
        status: 'skipped',
        subject: 'sls',
      });
      expect(sls.journal()).toEqual([]);
      expect(sls.logs()).toEqual([]);

      const withWrite = await runCli(
        ['doctor', '--scenario', DEMO, '--sls-write', '--json'],
        cliEnv(env),
      );
      expect(withWrite.code).toBe(0);
      const row = rowsOf(JSON.parse(withWrite.stdout) as Doc, 'sls-write')[0]!;
      expect(row).toMatchObject({ status: 'ok', action: 'PutLogs' });
      const logs = sls.logs('doctor-project', 'outcomes');
      expect(logs).toHaveLength(1);
      expect(logs[0]!.contents).toMatchObject({
        kind: 'doctor',
        outcome: 'checked',
        trigger: 'cli',
        attempts: '0',
      });
      expect(row.detail).toContain(`recordId ${logs[0]!.contents.recordId}`);
      expect(sls.journal().map((e) => e.action ?? 'PutLogs')).toEqual(['PutLogs']);
    } finally {
      await sls.close();
    }
  });
});

describe('doctor against "the cloud": the same code path, only the endpoint differs', () => {
  let web: WebplusSandbox;
  beforeAll(async () => {
    web = await startWebplusSandbox({
      credentials: [
        { accessKeyId: 'LTAI-doctor-test-id', accessKeySecret: 'doctor-test-secret-value-01' },
      ],
      apps: [{ AppId: 'wa-5d39b7a06786bd4b14930001', AppName: 'shop', RegionId: 'cn-shanghai' }],
      envs: [],
      changes: [],
      strict: true,
    });
  });
  afterAll(() => web.close());

  it('environment keys, --region, WEBPLUS_ENDPOINT: signed reads with the region header', async () => {
    const { code, stdout, stderr } = await runCli(
      ['doctor', '--region', 'cn-shanghai', '--json'],
      cliEnv({
        ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAI-doctor-test-id',
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'doctor-test-secret-value-01',
        WEBPLUS_ENDPOINT: web.url,
        HTTP_AUTH_TOKENS: TOKEN,
      }),
    );
    expect(code).toBe(0);
    expect(stderr).toContain('webplus-abort: doctor: credentials: environment');
    const doc = JSON.parse(stdout) as Doc;
    expect(doc).toMatchObject({ target: 'cloud', regions: ['cn-shanghai'] });
    expect(rowsOf(doc, 'credentials')[0]).toMatchObject({ subject: 'env', status: 'ok' });
    expect(rowsOf(doc, 'webplus')[0]).toMatchObject({
      status: 'ok',
      endpointSource: 'WEBPLUS_ENDPOINT',
      applications: 1,
    });
    expect(rowsOf(doc, 'http-tokens')[0]).toMatchObject({ status: 'ok' });
    const journal = web.journal();
    expect(journal.map((e) => [e.action, e.regionId, e.signatureValid, e.query.RegionId])).toEqual([
      ['DescribeApplications', 'cn-shanghai', true, 'cn-shanghai'],
      // The first application's environments (it has none: no DescribeChange).
      ['DescribeAppEnvs', 'cn-shanghai', true, 'cn-shanghai'],
    ]);
    // Never a value of the keys, not even the id.
    expect(stdout + stderr).not.toContain('LTAI-doctor-test-id');
    expect(stdout + stderr).not.toContain('doctor-test-secret');
  });

  it('--sls-write with the file store: exit 2, the row says SLS is not configured', async () => {
    const { code, stdout } = await runCli(
      ['doctor', '--sls-write', '--json'],
      cliEnv({
        ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAI-doctor-test-id',
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'doctor-test-secret-value-01',
        WEBPLUS_ENDPOINT: web.url,
        FC_REGION: 'cn-shanghai',
      }),
    );
    expect(code).toBe(2);
    expect(rowsOf(JSON.parse(stdout) as Doc, 'sls-write')[0]).toMatchObject({
      status: 'fail',
      blocks: 'usage',
      subject: 'file',
    });
  });

  it('keys from an aliyun CLI profile: the row names the profile and mode, never a value', async () => {
    const env = cliEnv({ WEBPLUS_ENDPOINT: web.url, HTTP_AUTH_TOKENS: TOKEN });
    mkdirSync(join(env.HOME!, '.aliyun'), { recursive: true });
    writeFileSync(
      join(env.HOME!, '.aliyun', 'config.json'),
      JSON.stringify({
        current: 'ops',
        profiles: [
          {
            name: 'ops',
            mode: 'AK',
            access_key_id: 'LTAI-doctor-test-id',
            access_key_secret: 'doctor-test-secret-value-01',
            region_id: 'cn-shanghai',
          },
        ],
      }),
    );
    const { code, stdout, stderr } = await runCli(['doctor', '--profile', 'ops', '--json'], env);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout) as Doc;
    expect(doc.regions).toEqual(['cn-shanghai']);
    expect(rowsOf(doc, 'credentials')[0]).toMatchObject({
      subject: 'profile',
      status: 'ok',
      detail:
        'profile "ops" (mode AK) in ~/.aliyun/config.json: an AccessKey pair; values never shown',
    });
    expect(stdout + stderr).not.toContain('LTAI-doctor-test-id');
    expect(stdout + stderr).not.toContain('doctor-test-secret');
  });

  it('a closed port: the webplus row FAIL "not reachable", exit 1', async () => {
    const { code, stdout } = await runCli(
      ['doctor', '--json'],
      cliEnv({
        ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAI-doctor-test-id',
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'doctor-test-secret-value-01',
        WEBPLUS_ENDPOINT: 'http://127.0.0.1:1',
      }),
    );
    expect(code).toBe(1);
    const [row] = rowsOf(JSON.parse(stdout) as Doc, 'webplus');
    expect(row).toMatchObject({ status: 'fail', blocks: 'failed', code: 'ECONNREFUSED' });
    expect(row!.detail).toContain('not reachable (ECONNREFUSED)');
  });

  it('endpoints from the SDK endpoint maps, per platform and region (no keys: nothing is sent)', async () => {
    const endpointsOf = async (env: Record<string, string | undefined>) => {
      const { code, stdout } = await runCli(
        ['doctor', '--platform', 'webplus,sae,edas', '--json'],
        cliEnv({ WEBPLUS_ENDPOINT: undefined, ...env }),
      );
      expect(code).toBe(2);
      return (JSON.parse(stdout) as Doc).checks
        .filter((c) => ['webplus', 'sae', 'edas'].includes(c.check))
        .map((c) => `${c.check} ${c.subject} ${c.endpoint} ${c.endpointSource} ${c.status}`);
    };
    // The expected hosts, copied from the SDK endpoint maps (docs/reference/webplus-api.md,
    // docs/reference/sae-edas.md), not computed.
    expect(
      await endpointsOf({
        WEBPLUS_REGIONS: 'cn-shanghai,cn-hongkong,ap-southeast-1',
        SAE_REGIONS: 'cn-hongkong',
        EDAS_REGIONS: 'us-west-1,cn-chengdu',
      }),
    ).toEqual([
      'webplus cn-shanghai https://webplus.cn-hangzhou.aliyuncs.com endpoint-map skipped',
      'webplus cn-hongkong https://webplus-vpc.cn-hongkong.aliyuncs.com endpoint-map skipped',
      'webplus ap-southeast-1 https://webplus.aliyuncs.com endpoint-map skipped',
      'sae cn-hongkong https://sae.cn-hongkong.aliyuncs.com endpoint-map skipped',
      'edas us-west-1 https://edas.ap-northeast-1.aliyuncs.com endpoint-map skipped',
      'edas cn-chengdu https://edas.aliyuncs.com endpoint-map skipped',
    ]);
    expect(
      await endpointsOf({
        FC_REGION: 'cn-chengdu',
        SAE_ENDPOINT: 'https://sae-vpc.example.test',
      }),
    ).toEqual([
      'webplus cn-chengdu https://webplus.aliyuncs.com endpoint-map skipped',
      'sae cn-chengdu https://sae-vpc.example.test SAE_ENDPOINT skipped',
      'edas cn-chengdu https://edas.aliyuncs.com endpoint-map skipped',
    ]);
  });

  it('without credentials: exit 2, credentials FAIL, the read not sent', async () => {
    const before = web.journal().length;
    const { code, stdout } = await runCli(
      ['doctor', '--json'],
      cliEnv({ WEBPLUS_ENDPOINT: web.url }),
    );
    expect(code).toBe(2);
    const doc = JSON.parse(stdout) as Doc;
    expect(rowsOf(doc, 'credentials')[0]).toMatchObject({ status: 'fail', blocks: 'usage' });
    expect(rowsOf(doc, 'webplus')[0]).toMatchObject({ status: 'skipped' });
    expect(web.journal().length).toBe(before);
  });

  it('an unknown region: FAIL naming it, exit 2; nothing sent', async () => {
    const before = web.journal().length;
    const { code, stdout } = await runCli(
      ['doctor', '--region', 'xx-nowhere-1', '--json'],
      cliEnv({
        ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAI-doctor-test-id',
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'doctor-test-secret-value-01',
      }),
    );
    expect(code).toBe(2);
    const [row] = rowsOf(JSON.parse(stdout) as Doc, 'webplus');
    expect(row).toMatchObject({ status: 'fail', blocks: 'usage', subject: 'xx-nowhere-1' });
    expect(row!.detail).toContain('no Web+ endpoint is known for region xx-nowhere-1');
    expect(web.journal().length).toBe(before);
  });
});

describe('doctor: configuration and usage mistakes', () => {
  it('a short HTTP token: exit 2, the row names its position and length, never its value', async () => {
    const { code, stdout } = await runCli(
      ['doctor', '--scenario', DEMO],
      cliEnv({ HTTP_AUTH_TOKENS: `${TOKEN},shorty9` }),
    );
    expect(code).toBe(2);
    const row = parseTable(stdout).find((r) => r.check === 'http-tokens');
    expect(row?.result).toBe('FAIL');
    expect(row?.detail).toMatch(/^HTTP_AUTH_TOKENS: token 2 \(7 characters\) of 2 must be/);
    expect(stdout).not.toContain('shorty9');
    expect(stdout).not.toContain(TOKEN);
  });

  it('an invalid policy: exit 2 with the key named; the reads still run', async () => {
    const { code, stdout } = await runCli(
      ['doctor', '--scenario', DEMO, '--json'],
      cliEnv({ POLICY: '{"defaults":{"mode":"sometimes"}}' }),
    );
    expect(code).toBe(2);
    const doc = JSON.parse(stdout) as Doc;
    expect(rowsOf(doc, 'policy')[0]).toMatchObject({ status: 'fail', subject: 'POLICY' });
    expect(rowsOf(doc, 'policy')[0]!.detail).toContain('defaults.mode');
    expect(rowsOf(doc, 'webplus')[0]).toMatchObject({ status: 'ok' });
  });

  it('a notify target whose variable is unset: exit 2, the configuration row names it alone, no URL printed', async () => {
    const policy = {
      defaults: { mode: 'dry-run' },
      notify: { targets: [{ kind: 'slack', urlEnv: 'DOCTOR_SLACK_URL' }] },
    };
    const { code, stdout } = await runCli(
      ['doctor', '--scenario', DEMO, '--json'],
      cliEnv({ POLICY: JSON.stringify(policy), DOCTOR_SLACK_URL: undefined }),
    );
    expect(code).toBe(2);
    const rows = rowsOf(JSON.parse(stdout) as Doc, 'configuration');
    // one configuration row, the FAIL: never `ok configuration` beside it (issue 15)
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ subject: 'notify.targets', status: 'fail', blocks: 'usage' });
    expect(rows[0]!.detail).toContain('DOCTOR_SLACK_URL');
    // With the variable set, the row is gone and the URL (a secret) is nowhere.
    const url = 'https://hooks.slack.com/services/T000/B000/doctorsecretpath0123';
    const ok = await runCli(
      ['doctor', '--scenario', DEMO, '--json'],
      cliEnv({ POLICY: JSON.stringify(policy), DOCTOR_SLACK_URL: url }),
    );
    expect(ok.code).toBe(0);
    expect(rowsOf(JSON.parse(ok.stdout) as Doc, 'configuration')).toHaveLength(1);
    expect(ok.stdout + ok.stderr).not.toContain('doctorsecretpath');
  });

  it('--platform bogus and --journal without --scenario: exit 2 with the usage line', async () => {
    const bogus = await runCli(['doctor', '--platform', 'bogus'], cliEnv());
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toContain('--platform must be one of webplus, sae, edas, got "bogus"');
    expect(bogus.stderr).toContain('usage: webplus-abort doctor');
    const journal = await runCli(['doctor', '--journal', join(tmp, 'j.jsonl')], cliEnv());
    expect(journal.code).toBe(2);
    expect(journal.stderr).toContain('--journal needs --scenario');
  });
});
