/**
 * `invoke` and notifications (issue 15, a leftover of session 19): stdout stays the one JSON
 * document the README promises, the notification's result goes to stderr as one `notified:` line
 * (and a NOT-delivered line for a failed target), the exit status does not change, and no
 * webhook token or signing secret is printed. Also: the DingTalk body shown in
 * docs/operator-guide.md ("Hear of it: notifications") is what the CLI really sends for the demo
 * sweep, but for the invocation id, so that the sample cannot drift from the code.
 * Receivers are the signature-checking loopback ones of sandbox/notify/; the CLI is the built one.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NotifyReceiver, startNotifyReceiver } from '../../sandbox/notify/server.js';
import { cliEnv, runCli } from '../helpers/cli-run.js';

const DEMO = 'sandbox/scenarios/demo.json';
const HOOK_SECRET = 'whsec-invoke-0123456789abcdef';
const DING_SECRET = 'SEC0123456789abcdef0123456789abcdef';
let hook: NotifyReceiver;
let ding: NotifyReceiver;
let closedUrl: string;

beforeAll(async () => {
  hook = await startNotifyReceiver({ kind: 'webhook', secret: HOOK_SECRET });
  ding = await startNotifyReceiver({ kind: 'dingtalk', secret: DING_SECRET });
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  closedUrl = `http://127.0.0.1:${port}/hook/down-token-invoke-0123456789`;
});
afterAll(async () => {
  await hook.close();
  await ding.close();
});

describe('invoke with a timer event and two webhook targets, one down', () => {
  let run: Awaited<ReturnType<typeof runCli>>;
  beforeAll(async () => {
    run = await runCli(
      ['invoke', '--event', 'test/fixtures/timer-sweep.json', '--scenario', DEMO],
      cliEnv({
        POLICY: JSON.stringify({
          defaults: { mode: 'enforce' },
          notify: {
            targets: [
              { kind: 'webhook', urlEnv: 'HOOK_URL', secretEnv: 'HOOK_SECRET' },
              { kind: 'webhook', urlEnv: 'DOWN_URL' },
            ],
          },
        }),
        HOOK_URL: hook.url,
        HOOK_SECRET,
        DOWN_URL: closedUrl,
      }),
    );
  });

  it('stdout is exactly one JSON document with the decisions; the exit status is 0', () => {
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout) as {
      trigger: string;
      results: Array<{ outcome: string; changeId?: string }>;
    };
    expect(doc.trigger).toBe('timer');
    expect(
      doc.results
        .filter((r) => r.outcome === 'aborted')
        .map((r) => r.changeId)
        .sort(),
    ).toEqual(['wc-5d3a963d5802611c4ddc0001', 'wc-5d3a963d5802611c4ddc0002']);
  });

  it('stderr has one notified line naming each target, and one NOT-delivered line', () => {
    const lines = run.stderr.replaceAll('\n  ', ' ').split('\n');
    const notified = lines.filter((l) => l.startsWith('notified: '));
    expect(notified).toHaveLength(1);
    expect(notified[0]).toMatch(
      /^notified: webhook delivered; webhook-2 NOT delivered \(connection failed \(\w+\)[^)]*\)\)?$/,
    );
    expect(
      lines.filter((l) => /^webplus-abort: notification NOT delivered to webhook-2 /.test(l)),
    ).toHaveLength(1);
    expect(run.stdout).not.toContain('notified:');
  });

  it('the delivered message reached the receiver, signed; no token or secret is printed', () => {
    expect(hook.accepted().length).toBeGreaterThanOrEqual(1);
    for (const text of [run.stdout, run.stderr]) {
      expect(text).not.toContain(hook.token);
      expect(text).not.toContain('down-token-invoke-0123456789');
      expect(text).not.toContain(HOOK_SECRET);
    }
  });
});

describe('the DingTalk sample of docs/operator-guide.md', () => {
  it('is the body the CLI sends for the demo sweep (the invocation id aside)', async () => {
    const run = await runCli(
      ['sweep', '--scenario', DEMO],
      cliEnv({
        POLICY: JSON.stringify({
          defaults: { mode: 'enforce' },
          notify: {
            targets: [{ kind: 'dingtalk', urlEnv: 'DING_URL', secretEnv: 'DING_SECRET' }],
          },
        }),
        DING_URL: ding.url,
        DING_SECRET,
      }),
    );
    expect(run.code).toBe(0);
    const got = ding.accepted().at(-1);
    expect(got).toBeDefined();
    const sent = JSON.parse(got!.body) as { markdown: { text: string } };
    const md = readFileSync('docs/operator-guide.md', 'utf8');
    const section = md.slice(md.indexOf('### Hear of it: notifications'));
    const sample = JSON.parse(/```json\n([\s\S]*?)```/.exec(section)![1]!) as {
      markdown: { text: string };
    };
    const neutral = (o: unknown) =>
      JSON.stringify(o).replace(/cli-[0-9a-f-]{36}/g, 'cli-<invocation>');
    expect(neutral(sample)).toBe(neutral(sent));
  });
});
