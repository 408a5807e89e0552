import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseSource, describeResolved, resolveCredentials } from '../../cli/credentials.js';
import { summaryLine } from '../../cli/render/outcomes.js';
import { cliEnv, runCli } from '../helpers/cli-run.js';

const root = join(import.meta.dirname, '../..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const blocks = (md: string, lang: string) =>
  [...md.matchAll(new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``, 'g'))].map((m) => m[1]!);

describe('docs/operator-guide.md: the aliyun CLI profile sample', () => {
  const guide = read('docs/operator-guide.md');
  const profile = blocks(guide, 'json').find((b) => b.includes('"profiles"'));

  it('is a config.json the CLI reads: profile "prod", mode AK, region cn-shanghai', async () => {
    expect(profile).toBeDefined();
    const home = mkdtempSync(join(tmpdir(), 'docs-profile-'));
    mkdirSync(join(home, '.aliyun'));
    writeFileSync(join(home, '.aliyun', 'config.json'), profile!);

    const chosen = chooseSource({}, {}, home);
    const resolved = await resolveCredentials({ region: 'cn-shanghai' }, {}, home);

    expect(chosen.source).toEqual({
      kind: 'profile',
      description: 'profile "prod" (mode AK) in ~/.aliyun/config.json',
    });
    expect(chosen.profileRegion).toEqual({ region: 'cn-shanghai', profile: 'prod' });
    expect(resolved.credentials?.accessKeyId).toBe('LTAI-your-key-id');
    // The stderr line the guide shows is the one the CLI prints for it.
    const shown = blocks(guide, 'text').find((b) => b.includes('credentials: profile "prod"'));
    expect(shown?.trim()).toBe(`webplus-abort: ${describeResolved(resolved)}`);
  });
});

describe('README.md: the npm start output', () => {
  const sample = blocks(read('README.md'), 'text').find((b) => b.startsWith('sweep (timer)'));

  it('fits the 100 columns it was captured at, with the summary line the code prints', () => {
    expect(sample).toBeDefined();
    for (const line of sample!.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
    const rows = [
      'aborted',
      'aborted',
      'aborted',
      'aborted',
      'skipped',
      'skipped',
      'skipped',
      'skipped',
    ].map((outcome) => ({ outcome }));
    // the duration differs on every run: the sample's first one read as 0.8 s
    expect(sample!.replace(/ in \d+\.\d s\n/, ' in 0.8 s\n')).toContain(
      `${summaryLine(rows, 800)}\n`,
    );
  });
});

describe('the doctor samples (README.md, docs/operator-guide.md) are what the CLI prints', () => {
  /** Ports and RequestIds differ on every run; everything else must be the same bytes. */
  const normal = (text: string) =>
    text
      .replaceAll(/127\.0\.0\.1:\d{4,5}/g, '127.0.0.1:PORT')
      .replaceAll(/[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}/g, 'REQUEST-ID')
      .trimEnd();
  const env = (columns: number) =>
    cliEnv({ COLUMNS: String(columns), OUTCOME_LOG_FILE: undefined, HTTP_AUTH_TOKENS: undefined });

  it('README: doctor on the demo scenario at 80 columns', async () => {
    const sample = blocks(read('README.md'), 'text').find((b) => b.startsWith('doctor · sandbox'));
    expect(sample).toBeDefined();
    const { code, stdout } = await runCli(
      ['doctor', '--scenario', 'sandbox/scenarios/demo.json'],
      env(80),
    );
    expect(code).toBe(0);
    expect(normal(sample!)).toBe(normal(stdout));
  });

  it('operator guide: doctor on sts-refused.json at 100 columns', async () => {
    const sample = blocks(read('docs/operator-guide.md'), 'text').find((b) =>
      b.startsWith('doctor · sandbox'),
    );
    expect(sample).toBeDefined();
    const { code, stdout } = await runCli(
      ['doctor', '--scenario', 'sandbox/scenarios/sts-refused.json'],
      env(100),
    );
    expect(code).toBe(1);
    expect(normal(sample!)).toBe(normal(stdout));
  });
});

describe('the npm start samples (README.md, docs/operator-guide.md) are what the CLI prints', () => {
  /** Invocation ids and durations differ on every run; everything else must be the same bytes. */
  const normal = (text: string) =>
    text
      .replaceAll(/cli-[0-9a-f-]{36}/g, 'cli-ID')
      .replaceAll(/ in \d+\.\d s$/gm, ' in N s')
      .trimEnd();
  let stdout = '';
  const started = runCli(
    ['start'],
    cliEnv({ COLUMNS: '100', OUTCOME_LOG_FILE: undefined, HTTP_AUTH_TOKENS: undefined }),
  ).then((r) => {
    stdout = r.stdout.replace(/^\n/, '');
    return r;
  });

  it('README: the whole stdout at 100 columns', async () => {
    expect((await started).code).toBe(0);
    const sample = blocks(read('README.md'), 'text').find((b) => b.startsWith('sweep (timer)'));
    expect(normal(sample!)).toBe(normal(stdout));
  });

  it('operator guide: the sweep part, up to its records line', async () => {
    await started;
    const sample = blocks(read('docs/operator-guide.md'), 'text').find((b) =>
      b.startsWith('sweep (timer)'),
    );
    expect(normal(sample!)).toBe(normal(stdout.split('\n\n')[0]!));
  });
});
