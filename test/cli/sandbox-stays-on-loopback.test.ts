/**
 * A sandbox run (`--scenario`) never reaches a cloud host (issue 15, trial difficulty 3): every
 * enabled platform goes to a loopback emulator; a platform the scenario has no section for is not
 * enabled, whatever PLATFORMS or an *_ENDPOINT variable says; PLATFORMS is honoured (unset means
 * `webplus`, as in the function). Run through the built CLI with a preload that refuses, and
 * logs, every non-loopback connection and DNS lookup (test/helpers/loopback-only.cjs).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '#shared/config/config.js';
import { createRuntime } from '#shared/pipeline/runtime.js';
import { loadPolicy } from '#shared/policy/load.js';
import { SandboxEscapeError } from '../../cli/errors.js';
import { assertLoopbackRuntime, sandboxEnv } from '../../cli/setup.js';
import { cliEnv, runCli } from '../helpers/cli-run.js';

const DEMO = 'sandbox/scenarios/demo.json';
const ALL = 'sandbox/scenarios/demo-all-platforms.json';
const SAE_ORDER = 'ba8e6c3c-9b1a-4ad2-9e1f-5f0e5c5e0001';
const EDAS_ORDER = '28ab8de8-22b9-430d-9952-00f676930001';
const PRELOAD = join(process.cwd(), 'test', 'helpers', 'loopback-only.cjs');

/** The test's own idea of loopback: shares nothing with cli/sandbox-platforms.ts. */
const onThisMachine = (url: string) => /^https?:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/.test(url);

/** A CLI run whose every non-loopback connect or lookup is refused and logged. */
async function guardedRun(args: string[], extra: Record<string, string | undefined> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'loopback-only-'));
  const attempts = join(dir, 'attempts.jsonl');
  writeFileSync(attempts, '');
  const env = cliEnv({
    COLUMNS: '100',
    NODE_OPTIONS: `--require ${PRELOAD}`,
    LOOPBACK_ONLY_LOG: attempts,
    ...extra,
  });
  const run = await runCli(args, env);
  const all = (() => {
    try {
      return readFileSync(env.OUTCOME_LOG_FILE!, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    } catch {
      return [];
    }
  })();
  // Decision records; each abort's intent record (red-team 25 G15) apart
  const records = all.filter((r) => r.kind !== 'intent');
  const intents = all.filter((r) => r.kind === 'intent');
  return { ...run, records, intents, escapes: readFileSync(attempts, 'utf8') };
}

describe('the preload sees a connection that leaves the machine', () => {
  it('a connect to a cloud host is refused and logged', async () => {
    // The check itself: without it, "no escapes" would prove nothing.
    const dir = mkdtempSync(join(tmpdir(), 'loopback-only-'));
    const attempts = join(dir, 'attempts.jsonl');
    writeFileSync(attempts, '');
    const { spawnSync } = await import('node:child_process');
    const out = spawnSync(
      process.execPath,
      [
        '--require',
        PRELOAD,
        '-e',
        "try { require('node:https').get('https://sae.cn-hangzhou.aliyuncs.com/').on('error', (e) => console.log(e.code)); } catch (e) { console.log(e.code); }",
      ],
      { env: { ...process.env, LOOPBACK_ONLY_LOG: attempts }, encoding: 'utf8' },
    );
    expect(out.stdout.trim()).toBe('EREFUSEDBYTEST');
    expect(readFileSync(attempts, 'utf8')).toContain('sae.cn-hangzhou.aliyuncs.com');
  });
});

describe('a platform the scenario has no section for is not enabled, and nothing leaves loopback', () => {
  for (const [platform, id] of [
    ['sae', SAE_ORDER],
    ['edas', EDAS_ORDER],
  ] as const) {
    it(`PLATFORMS=webplus,${platform} abort --platform ${platform} on demo.json: failed PlatformNotEnabled naming the id, no DNS/TCP attempt`, async () => {
      const run = await guardedRun(['abort', '--platform', platform, id, '--scenario', DEMO], {
        PLATFORMS: `webplus,${platform}`,
        // a caller's endpoint variable must not survive into a sandbox run either
        SAE_ENDPOINT: 'https://sae.cn-hangzhou.aliyuncs.com',
        EDAS_ENDPOINT: 'https://edas.cn-hangzhou.aliyuncs.com',
      });
      expect(run.escapes).toBe('');
      expect(run.code).toBe(1);
      expect(run.records).toEqual([
        expect.objectContaining({
          platform,
          changeId: id,
          outcome: 'failed',
          errorCode: 'PlatformNotEnabled',
          attempts: 0,
          detail: expect.stringContaining(`has no ${platform} section`),
        }),
      ]);
      // the row shows the id passed; the hint fits the reason
      expect(run.stdout).toMatch(new RegExp(`^failed\\s+${id}`, 'm'));
      expect(run.stdout.replaceAll('\n  ', ' ')).toContain(
        `next: nothing was sent to ${platform.toUpperCase()}: it is not enabled in this run; WHY says what enables it`,
      );
      expect(run.stdout).not.toContain('the next sweep re-checks');
      expect(run.stderr).not.toContain('aliyuncs.com');
    });
  }

  it('a sweep with PLATFORMS=webplus,sae,edas on demo.json: Web+ swept on loopback, SAE and EDAS one failed record each', async () => {
    const run = await guardedRun(['sweep', '--dry-run', '--scenario', DEMO], {
      PLATFORMS: 'webplus,sae,edas',
    });
    expect(run.escapes).toBe('');
    const failed = run.records.filter((r) => r.outcome === 'failed');
    expect(failed.map((r) => [r.platform, r.errorCode])).toEqual([
      ['sae', 'PlatformNotEnabled'],
      ['edas', 'PlatformNotEnabled'],
    ]);
    expect(run.records.filter((r) => r.outcome === 'would_abort')).toHaveLength(2);
  });

  it('sweep --platform sae on demo.json: no attempt to leave', async () => {
    const run = await guardedRun(['sweep', '--platform', 'sae', '--scenario', DEMO], {
      PLATFORMS: 'sae',
    });
    expect(run.escapes).toBe('');
    expect(run.records).toEqual([
      expect.objectContaining({ platform: 'sae', errorCode: 'PlatformNotEnabled' }),
    ]);
  });
});

describe('PLATFORMS is honoured in the sandbox as in the function', () => {
  it('PLATFORMS=webplus with a scenario that has SAE: PlatformNotEnabled naming PLATFORMS, the order untouched', async () => {
    const run = await guardedRun(['abort', '--platform', 'sae', SAE_ORDER, '--scenario', ALL], {
      PLATFORMS: 'webplus',
    });
    expect(run.escapes).toBe('');
    expect(run.code).toBe(1);
    expect(run.records).toEqual([
      expect.objectContaining({
        changeId: SAE_ORDER,
        outcome: 'failed',
        errorCode: 'PlatformNotEnabled',
        detail: 'platform sae is not enabled: PLATFORMS is webplus; add sae to it',
      }),
    ]);
  });

  it('PLATFORMS unset means webplus only (fail closed), as in the function', async () => {
    const run = await guardedRun(['abort', '--platform', 'edas', EDAS_ORDER, '--scenario', ALL], {
      PLATFORMS: undefined,
    });
    expect(run.records).toEqual([
      expect.objectContaining({ outcome: 'failed', errorCode: 'PlatformNotEnabled' }),
    ]);
  });

  it('PLATFORMS=webplus,sae with the section: aborted by the loopback emulator, every emulator URL printed', async () => {
    const run = await guardedRun(['abort', '--platform', 'sae', SAE_ORDER, '--scenario', ALL], {
      PLATFORMS: 'webplus,sae',
      SAE_ENDPOINT: 'https://sae.cn-hangzhou.aliyuncs.com',
    });
    expect(run.escapes).toBe('');
    expect(run.code).toBe(0);
    expect(run.records).toEqual([
      expect.objectContaining({ platform: 'sae', changeId: SAE_ORDER, outcome: 'aborted' }),
    ]);
    expect(run.intents).toEqual([
      expect.objectContaining({ platform: 'sae', changeId: SAE_ORDER, outcome: 'abort_sending' }),
    ]);
    expect(run.stderr).toMatch(
      /Web\+ sandbox at http:\/\/127\.0\.0\.1:\d+, SAE sandbox at http:\/\/127\.0\.0\.1:\d+, EDAS sandbox at http:\/\/127\.0\.0\.1:\d+/,
    );
    // the SAE hint names its platform and gives the command
    expect(run.stdout.replaceAll('\n  ', ' ')).toContain(
      'next: SAE aborts asynchronously; `webplus-abort sweep --platform sae --dry-run` in a minute',
    );
  });
});

describe('generated environments: a sandbox runtime has loopback endpoints only', () => {
  const hosts = [
    'https://sae.cn-hangzhou.aliyuncs.com',
    'https://edas.cn-shanghai.aliyuncs.com',
    'https://webplus.cn-hangzhou.aliyuncs.com',
    'http://10.0.0.1:8080',
  ];
  const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
  it('whatever PLATFORMS, *_ENDPOINT, *_REGION(S) the caller set, and whichever sections the scenario has', () => {
    fc.assert(
      fc.property(
        fc.subarray(['webplus', 'sae', 'edas'], { minLength: 0 }),
        maybe(fc.constantFrom(...hosts)),
        maybe(fc.constantFrom(...hosts)),
        maybe(fc.constantFrom(...hosts)),
        maybe(fc.constantFrom('cn-shanghai', 'cn-beijing,cn-hangzhou', 'ap-southeast-1')),
        fc.boolean(),
        fc.boolean(),
        (platforms, saeEndpoint, edasEndpoint, webplusEndpoint, regions, hasSae, hasEdas) => {
          const base: NodeJS.ProcessEnv = {
            ...(platforms.length > 0 ? { PLATFORMS: platforms.join(',') } : {}),
            ...(saeEndpoint ? { SAE_ENDPOINT: saeEndpoint } : {}),
            ...(edasEndpoint ? { EDAS_ENDPOINT: edasEndpoint } : {}),
            ...(webplusEndpoint ? { WEBPLUS_ENDPOINT: webplusEndpoint } : {}),
            ...(regions
              ? {
                  WEBPLUS_REGIONS: regions,
                  SAE_REGIONS: regions,
                  EDAS_REGIONS: regions,
                }
              : {}),
          };
          const emulators = {
            webplus: 'http://127.0.0.1:40001',
            ...(hasSae ? { sae: 'http://127.0.0.1:40002' } : {}),
            ...(hasEdas ? { edas: 'http://127.0.0.1:40003' } : {}),
          };
          const { env, notEnabled } = sandboxEnv(base, { emulators, path: 'x.json' });
          const runtime = createRuntime({
            config: loadConfig(env),
            policy: loadPolicy({}),
            version: 'test',
            platformNotEnabled: notEnabled,
            env: {},
          });
          for (const r of runtime.regions) expect(onThisMachine(r.endpoint)).toBe(true);
          for (const name of ['sae', 'edas'] as const) {
            const regions = runtime.platforms[name].regions;
            for (const r of regions) expect(onThisMachine(r.endpoint)).toBe(true);
            // enabled exactly when PLATFORMS lists it and the scenario has its emulator
            const listed = platforms.includes(name);
            const present = name === 'sae' ? hasSae : hasEdas;
            expect(regions.length > 0).toBe(listed && present);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a runtime pointing anywhere else is refused before any call (SandboxEscapeError)', () => {
    const runtime = createRuntime({
      config: loadConfig({ PLATFORMS: 'webplus,sae', WEBPLUS_ENDPOINT: 'http://127.0.0.1:1' }),
      policy: loadPolicy({}),
      version: 'test',
      env: {},
    });
    expect(() => assertLoopbackRuntime(runtime)).toThrow(SandboxEscapeError);
    expect(() => assertLoopbackRuntime(runtime)).toThrow(
      /sae cn-hangzhou calls to https:\/\/sae\.cn-hangzhou\.aliyuncs\.com/,
    );
  });
});
