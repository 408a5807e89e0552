import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNotifyReceiver } from './sandbox/notify/server.js';
import { startSlsStandIn } from './sandbox/sls/server.js';

const sls = await startSlsStandIn({ defaultProject: 'webplus-abort-demo' });
const ding = await startNotifyReceiver({ kind: 'dingtalk', secret: 'SECdemo0123456789abcdef' });
const dir = mkdtempSync(join(tmpdir(), 'demo-'));
const env = {
  ...process.env,
  OUTCOME_LOG_FILE: join(dir, 'outcomes.jsonl'),
  SLS_ENDPOINT: sls.url,
  SLS_PROJECT: 'webplus-abort-demo',
  SLS_LOGSTORE: 'outcomes',
  ALIBABA_CLOUD_ACCESS_KEY_ID: 'sandbox-ak',
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'sandbox-secret',
  NOTIFY_DINGTALK_URL: ding.url,
  NOTIFY_DINGTALK_SECRET: 'SECdemo0123456789abcdef',
  POLICY: JSON.stringify({ notify: { targets: [{ kind: 'dingtalk', urlEnv: 'NOTIFY_DINGTALK_URL', secretEnv: 'NOTIFY_DINGTALK_SECRET' }] } }),
  COLUMNS: '100',
};
const run = (args: string[], extra: Record<string, string> = {}) =>
  new Promise<void>((resolve) => {
    const child = spawn(process.execPath, ['bin/webplus-abort.js', ...args], { env: { ...env, ...extra } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => {
      console.log(`$ webplus-abort ${args.join(' ')}\n${out}${err ? `[stderr]\n${err}` : ''}[exit ${code}]\n`);
      resolve();
    });
  });
await run(['setup-sls']);
await run(['setup-sls']);
await run(['sweep', '--scenario', 'sandbox/scenarios/demo.json'], { LOG_STORE: 'sls' });
await run(['log', '--sls', '--summary']);
await run(['log', '--sls', '--outcome', 'aborted', '--outcome', 'notified']);
console.log('--- DingTalk received:');
for (const c of ding.calls()) console.log(c.accepted, c.problem ?? '', '\n' + JSON.stringify(JSON.parse(c.body), null, 2));
await sls.close();
await ding.close();
