/**
 * A notification's result is visible (issue 15, trial difficulty 5), through the built CLI at 80
 * and 120 columns: the run output says what each target did, the records count includes the
 * notification record, a failed delivery gets a stderr line and leaves the exit status as it was;
 * `doctor` has a `notify` row per target (kind, URL host only, variables set) and
 * `--notify-test` sends one test message to each. Also (difficulty 9) the message names the
 * platform and application of SAE / EDAS items and the webhook's items carry `platform`.
 * Receivers are the signature-checking loopback ones of sandbox/notify/.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NotifyReceiver, startNotifyReceiver } from '../../sandbox/notify/server.js';
import { cliEnv, runCli } from '../helpers/cli-run.js';

const DEMO = 'sandbox/scenarios/demo.json';
const SECRET = 'whsec-test-0123456789abcdef';
let receiver: NotifyReceiver;
let closedUrl: string;

const POLICY = JSON.stringify({
  defaults: { mode: 'enforce' },
  notify: {
    targets: [
      { kind: 'webhook', urlEnv: 'HOOK_URL', secretEnv: 'HOOK_SECRET' },
      { kind: 'webhook', urlEnv: 'DOWN_URL' },
    ],
  },
});

beforeAll(async () => {
  receiver = await startNotifyReceiver({ kind: 'webhook', secret: SECRET });
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  closedUrl = `http://127.0.0.1:${port}/hook/down-token-0123456789`;
});
afterAll(async () => {
  await receiver.close();
});

const env = (columns: number, extra: Record<string, string> = {}) =>
  cliEnv({
    COLUMNS: String(columns),
    POLICY,
    HOOK_URL: receiver.url,
    HOOK_SECRET: SECRET,
    DOWN_URL: closedUrl,
    ...extra,
  });

describe.each([80, 120])('sweep with two webhook targets, one down, at %i columns', (columns) => {
  let run: Awaited<ReturnType<typeof runCli>>;
  beforeAll(async () => {
    run = await runCli(['sweep', '--scenario', DEMO], env(columns));
  });

  it('the records line counts the notification record; one notified line per run', () => {
    const out = run.stdout.replaceAll('\n  ', ' ');
    expect(out).toMatch(
      /^records: 8 records written to file \S+ \(5 decisions, 2 intents, 1 notification\)$/m,
    );
    expect(out).toMatch(
      /^notified: webhook delivered; webhook-2 NOT delivered \(connection failed \(\w+\)[^)]*\)\)?$/m,
    );
    for (const line of run.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(columns);
  });

  it('the failed delivery is on stderr; the exit status is unchanged (0)', () => {
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(
      /^webplus-abort: notification NOT delivered to webhook-2 \(.+\); recorded as notify_failed .+the exit status is unchanged/m,
    );
    expect(run.stderr).not.toContain('down-token-0123456789');
    expect(run.stdout).not.toContain('down-token-0123456789');
  });
});

describe('doctor: a notify row per target, and --notify-test', () => {
  it('kind, URL host only (never the token path), whether the variables are set', async () => {
    const run = await runCli(['doctor', '--scenario', DEMO, '--json'], env(120));
    const report = JSON.parse(run.stdout) as {
      checks: Array<{ check: string; subject?: string; status: string; detail: string }>;
    };
    const rows = report.checks.filter((c) => c.check === 'notify');
    const host = new URL(receiver.url).host;
    expect(rows).toEqual([
      expect.objectContaining({ subject: 'webhook', status: 'ok' }),
      expect.objectContaining({ subject: 'webhook-2', status: 'ok' }),
    ]);
    expect(rows[0]!.detail).toBe(
      `webhook to ${host}; HOOK_URL set; secret HOOK_SECRET set; \`doctor --notify-test\` sends a test message`,
    );
    expect(rows[1]!.detail).toContain(
      `webhook to ${new URL(closedUrl).host}; DOWN_URL set; no signing secret`,
    );
    expect(run.stdout).not.toContain(receiver.token);
    expect(run.stdout).not.toContain('down-token-0123456789');
    expect(run.stdout).not.toContain(SECRET);
  });

  it('an unset variable: the notify row FAILs, and no `ok configuration` row beside the FAIL', async () => {
    const run = await runCli(['doctor', '--scenario', DEMO, '--json'], env(120, { DOWN_URL: '' }));
    const report = JSON.parse(run.stdout) as {
      checks: Array<{ check: string; subject?: string; status: string }>;
    };
    expect(report.checks.filter((c) => c.check === 'configuration').map((c) => c.status)).toEqual([
      'fail',
    ]);
    expect(report.checks.find((c) => c.subject === 'webhook-2')).toMatchObject({
      check: 'notify',
      status: 'fail',
    });
    expect(run.code).toBe(2);
  });

  it('--notify-test sends one signed test message to each target and reports delivered / not', async () => {
    const before = receiver.accepted().length;
    const run = await runCli(['doctor', '--scenario', DEMO, '--notify-test'], env(120));
    const accepted = receiver.accepted().slice(before);
    expect(accepted).toHaveLength(1);
    expect(JSON.parse(accepted[0]!.body)).toMatchObject({
      title:
        'webplus-abort: test message from `webplus-abort doctor --notify-test` (nothing was aborted)',
      items: [],
    });
    expect(run.stdout).toMatch(/^ok +notify-test +webhook to 127\.0\.0\.1:\d+: delivered/m);
    expect(run.stdout).toMatch(/^FAIL +notify-test +webhook to 127\.0\.0\.1:\d+: NOT delivered/m);
    expect(run.code).toBe(1);
  });
});

describe('SAE / EDAS items name their platform and application; webhook items carry platform', () => {
  it('start: the webhook body of the sweep', async () => {
    const before = receiver.accepted().length;
    const run = await runCli(['start'], env(120, { DOWN_URL: receiver.url }));
    expect(run.code).toBe(0);
    const bodies = receiver
      .accepted()
      .slice(before)
      .map((c) => JSON.parse(c.body) as { items: Array<Record<string, unknown>>; text: string });
    const sweep = bodies.find((b) => b.items.some((i) => i.platform === 'sae'))!;
    expect(sweep).toBeDefined();
    expect(sweep.items.map((i) => i.platform).sort()).toEqual(
      ['edas', 'sae', 'webplus', 'webplus'].sort(),
    );
    expect(sweep.text).toMatch(
      /^aborted ba8e6c3c-9b1a-4ad2-9e1f-5f0e5c5e0001 on SAE app \S+ \(7171a6ca-d1cd-4928-8642-7d5cfe69a001\)|^aborted ba8e6c3c-9b1a-4ad2-9e1f-5f0e5c5e0001 on SAE app 7171a6ca-d1cd-4928-8642-7d5cfe69a001/m,
    );
    expect(sweep.text).toMatch(/^aborted 28ab8de8-22b9-430d-9952-00f676930001 on EDAS app /m);
  });
});
