import { createServer, type Server } from 'node:net';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, runCli, runCliOnTty } from '../helpers/cli-run.js';

const DEMO = 'sandbox/scenarios/demo.json';
/** An SGR colour sequence (ESC [ 3x m), built without a control character in a regex literal. */
const ESC = String.fromCharCode(27);
const COLOUR = new RegExp(`${ESC}\\[3\\dm`);

describe.each([80, 120])('sweep --dry-run on the demo at %i columns (a pipe)', (columns) => {
  let stdout: string;
  let code: number | null;

  beforeAll(async () => {
    ({ stdout, code } = await runCli(
      ['sweep', '--dry-run', '--scenario', DEMO],
      cliEnv({ COLUMNS: String(columns) }),
    ));
  });

  it('every line fits, nothing is coloured, exit 0', () => {
    expect(code).toBe(0);
    for (const line of stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(columns);
    expect(stdout).not.toMatch(COLOUR);
  });

  it('rows sorted by severity, then environment name; names beside the ids', () => {
    const order = [...stdout.matchAll(/^(would_abort|skipped)\s+wc-\S+0(\d)\b/gm)].map(
      (m) => `${m[1]}:${m[2]}`,
    );
    // billing-prod (0002) before shop-prod (0001); then billing-staging, shop-canary, shop-gray.
    expect(order).toEqual([
      'would_abort:2',
      'would_abort:1',
      'skipped:4',
      'skipped:3',
      'skipped:7',
    ]);
    expect(stdout).toContain('shop/shop-prod');
    expect(stdout).toContain('billing/billing-staging');
  });

  it('one summary line, where the records went, and the next step', () => {
    expect(stdout).toMatch(/^2 would_abort, 3 skipped, 0 failed in \d+\.\d s$/m);
    expect(stdout).toMatch(/^records: 5 records written to file /m);
    // Prose lines wrap at the width with a two-space indent: unwrap before matching.
    expect(stdout.replaceAll('\n  ', ' ')).toMatch(
      /^next: 2 change\(s\) would be aborted; run again without dry-run to abort them: `webplus-abort sweep --scenario sandbox\/scenarios\/demo\.json`$/m,
    );
  });
});

describe('on a terminal (pseudo-terminal through `script`)', () => {
  it('outcomes are coloured and a progress line is drawn and erased on stderr', async () => {
    const { code, output } = await runCliOnTty(
      ['sweep', '--dry-run', '--scenario', DEMO],
      cliEnv({ COLUMNS: '100' }),
    );

    expect(code).toBe(0);
    expect(output).toMatch(COLOUR);
    expect(output).toMatch(
      new RegExp(
        `\r${ESC}\\[2Ksweeping: \\d+ Web\\+ request\\(s\\) done, \\d+ in flight, \\d+\\.\\d s`,
      ),
    );
    expect(output).toContain('\r\u001b[2K');
    expect(stripVTControlCharacters(output)).toMatch(/2 would_abort, 3 skipped, 0 failed in/);
  });

  it('NO_COLOR: no colour even on a terminal', async () => {
    const { output } = await runCliOnTty(
      ['sweep', '--dry-run', '--scenario', DEMO],
      cliEnv({ COLUMNS: '100', NO_COLOR: '1' }),
    );

    expect(output).not.toMatch(COLOUR);
    expect(output).toMatch(/would_abort/);
  });
});

describe('mistakes get one line and the documented exit status', () => {
  let holder: Server;
  let port: number;

  beforeAll(async () => {
    holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    port = (holder.address() as { port: number }).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => holder.close(() => resolve()));
  });

  const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

  it.each([
    ['serve', ['serve', '--scenario', DEMO]],
    ['sandbox', ['sandbox']],
  ])('%s on a port in use: exit 2, one line naming the port and --port', async (_name, args) => {
    const run = await runCli([...args, '--port', String(port)]);

    expect(run.code).toBe(2);
    const errors = lines(run.stderr).filter((l) => !l.startsWith('webplus-abort: Web+ sandbox at'));
    expect(errors).toEqual([
      `webplus-abort: port ${port} is already in use on 127.0.0.1: stop what holds it, or pass --port N (--port 0 picks a free port)`,
    ]);
    expect(run.stdout).toBe('');
  });

  it('an unknown ChangeId: exit 1, one line naming it (the table still shows not_found)', async () => {
    const run = await runCli(['abort', 'wc-5d3a963d5802611c4ddc0099', '--scenario', DEMO]);

    expect(run.code).toBe(1);
    expect(lines(run.stderr).filter((l) => l.includes('not found'))).toEqual([
      'webplus-abort: not found in this account (region cn-hangzhou): wc-5d3a963d5802611c4ddc0099; check the ids, --profile and --region',
    ]);
    expect(run.stdout).toMatch(/^not_found\s+wc-5d3a963d5802611c4ddc0099/m);
  });

  it('an unknown EnvId given to sweep --env: exit 1, one line', async () => {
    const run = await runCli(['sweep', '--env', 'we-5d39b8ba6786bd4b14950099', '--scenario', DEMO]);

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^webplus-abort: not found in this account .*we-5d39b8ba6786bd4b14950099/m,
    );
  });

  it('a non-JSON event file: exit 2, one line, no usage dump, nothing on stdout', async () => {
    const run = await runCli(['invoke', '--event', 'README.md']);

    expect(run.code).toBe(2);
    expect(lines(run.stderr)).toHaveLength(1);
    expect(run.stderr).toMatch(/^webplus-abort: event file README\.md is not JSON \(/);
    expect(run.stdout).toBe('');
  });

  it('a usage error prints the usage of that command only', async () => {
    const run = await runCli(['sweep', '--no-such-option']);

    expect(run.code).toBe(2);
    expect(lines(run.stderr)).toEqual([
      "error: unknown option '--no-such-option'",
      'usage: webplus-abort sweep [options]',
      '(`webplus-abort sweep --help` lists every option)',
    ]);
  });

  it('a bad option combination prints the message and that usage line', async () => {
    const run = await runCli(['invoke', '--event', 'test/fixtures/timer-sweep.json', '--async']);

    expect(run.code).toBe(2);
    expect(lines(run.stderr)).toEqual([
      'webplus-abort: --function, --service, --qualifier and --async need --remote',
      'usage: webplus-abort invoke [options]',
      '(`webplus-abort invoke --help` lists every option)',
    ]);
  });
});
