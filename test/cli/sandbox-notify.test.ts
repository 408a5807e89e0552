/**
 * `sandbox --notify dingtalk --notify slack` (issue 15, second operator trial, difficulties 2, 4,
 * 6 and 5): every named receiver runs (not only the last), the printed policy names all of them,
 * the DingTalk secret has the robot's `SEC` shape, each received message is printed on stderr with
 * its JSON body, and the printed commands work as written: `doctor --notify-test` delivers to both
 * (its `notify` rows then do not point at `--notify-test` again) and the demo sweep notifies both.
 * All through the built CLI; the commands are taken from the sandbox's own output.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cliEnv, runCli } from '../helpers/cli-run.js';

let child: ChildProcess;
let stdout = '';
let stderr = '';
const variables: Record<string, string> = {};
let policyFile = '';

beforeAll(async () => {
  child = spawn(
    process.execPath,
    [BIN, 'sandbox', '--port', '0', '--notify', 'dingtalk', '--notify', 'slack'],
    { env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      stdout += d;
      if (/npx webplus-abort sweep [^\n]*\n/.test(stdout)) resolve();
    });
    child.on('exit', (code) => reject(new Error(`sandbox exited ${code}`)));
  });
  for (const m of stdout.matchAll(/^ {2}export (.+)$/gm)) {
    for (const kv of m[1]!.split(' ')) {
      const at = kv.indexOf('=');
      variables[kv.slice(0, at)] = kv.slice(at + 1).replace(/^'|'$/g, '');
    }
  }
  // the printed `printf '…' > /tmp/notify-policy.yaml`, written where this test owns the file
  const printf = /^ {2}printf '(.*)' > \/tmp\/notify-policy\.yaml$/m.exec(stdout)![1]!;
  policyFile = join(mkdtempSync(join(tmpdir(), 'sandbox-notify-')), 'notify-policy.yaml');
  writeFileSync(policyFile, printf.replaceAll('\\n', '\n'));
});

afterAll(async () => {
  child.kill('SIGINT');
  await new Promise((resolve) => child.once('close', resolve));
});

describe('sandbox with two receivers', () => {
  it('prints both receivers, a SEC-shaped DingTalk secret and one policy naming both', () => {
    expect(stdout).toMatch(/^dingtalk receiver at http:\/\/127\.0\.0\.1:\d+\/robot\/…: /m);
    expect(stdout).toMatch(/^slack receiver at http:\/\/127\.0\.0\.1:\d+\/services\/.+…: /m);
    expect(Object.keys(variables)).toEqual([
      'NOTIFY_DINGTALK_URL',
      'NOTIFY_DINGTALK_SECRET',
      'NOTIFY_SLACK_URL',
    ]);
    expect(variables.NOTIFY_DINGTALK_SECRET).toMatch(/^SEC[0-9a-f]{32}$/);
    expect(stdout).toContain(
      "printf 'defaults:\\n  mode: enforce\\nnotify:\\n  targets:\\n    - kind: dingtalk\\n      urlEnv: NOTIFY_DINGTALK_URL\\n      secretEnv: NOTIFY_DINGTALK_SECRET\\n    - kind: slack\\n      urlEnv: NOTIFY_SLACK_URL\\n' > /tmp/notify-policy.yaml",
    );
  });

  it('the printed doctor --notify-test delivers to both; its notify rows no longer point at it', async () => {
    const run = await runCli(
      ['doctor', '--scenario', 'sandbox/scenarios/demo.json', '--notify-test', '--json'],
      cliEnv({ ...variables, POLICY_FILE: policyFile }),
    );
    const report = JSON.parse(run.stdout) as {
      checks: Array<{ check: string; subject?: string; status: string; detail: string }>;
    };
    expect(
      report.checks.filter((c) => c.check === 'notify-test').map((c) => [c.subject, c.status]),
    ).toEqual([
      ['dingtalk', 'ok'],
      ['slack', 'ok'],
    ]);
    for (const row of report.checks.filter((c) => c.check === 'notify')) {
      expect(row.detail).not.toContain('--notify-test');
    }
  });

  it('the printed sweep notifies both, and the sandbox prints each body on stderr', async () => {
    const run = await runCli(
      ['sweep', '--scenario', 'sandbox/scenarios/demo.json'],
      cliEnv({ ...variables, POLICY_FILE: policyFile }),
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^notified: dingtalk delivered; slack delivered$/m);
    const deadline = Date.now() + 5000;
    while (!/slack receiver: accepted: webplus-abort: 2 aborted/.test(stderr)) {
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const bodies = [...stderr.matchAll(/^ {2}body: (.+)$/gm)].map(
      (m) => JSON.parse(m[1]!) as Record<string, unknown>,
    );
    expect(bodies.some((b) => b.msgtype === 'markdown')).toBe(true);
    expect(bodies.some((b) => typeof b.text === 'string' && Array.isArray(b.blocks))).toBe(true);
    expect(stderr).toMatch(
      /^webplus-abort: dingtalk receiver: accepted: #### webplus-abort: 2 aborted \(cli\)$/m,
    );
    expect(stderr).not.toContain(variables.NOTIFY_DINGTALK_SECRET);
  });
});
