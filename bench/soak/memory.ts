/**
 * Issue 11 figure: bounded memory. A child process runs the real handler (the sandbox runs in
 * this process, so its 50 MB bodies are not counted there) against Web+ replies of 50 MB
 * (DescribeChange of 8 changes at once, and a DescribeAppEnvs page) and a DescribeApplications
 * reply claiming TotalCount 10^8; its peak RSS must stay at or under 128 MB and every record
 * must say what happened (the reply's size, the TotalCount).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startWebplusSandbox } from '../../sandbox/webplus/index.js';
import type { OutcomeRecord } from '../../shared/outcome-log/record.js';
import { appId, change, changeId, envId, httpEventObject, timerEvent } from '../helpers.js';
import { CREDENTIALS, HTTP_TOKEN, check, figure } from './common.js';

const MB = 1024 * 1024;

function bigJson(size: number, head: Record<string, unknown>): string {
  const start = JSON.stringify({ ...head, Pad: '' }).slice(0, -2);
  return `${start}${'x'.repeat(size)}"}`;
}

export async function memory(): Promise<void> {
  console.log('== memory (50 MB replies, TotalCount 10^8)');
  const big = bigJson(50 * MB, { Code: 'OK', RequestId: 'big' });
  const N = 8;
  const changes = Array.from({ length: N }, (_, n) => change({ n, env: n, idleMin: 90, ageMin: 95 }));
  const sandbox = await startWebplusSandbox({
    credentials: [CREDENTIALS],
    apps: [{ AppId: appId(0), AppName: 'app' }],
    envs: Array.from({ length: N }, (_, e) => ({ EnvId: envId(e), AppId: appId(0), EnvName: `e${e}` })),
    changes,
    faults: [
      {
        action: 'DescribeChange',
        responses: Array(4 * N).fill({ status: 200, contentType: 'application/json', body: big }),
      },
      {
        action: 'DescribeAppEnvs',
        responses: Array(4).fill({ status: 200, contentType: 'application/json', body: big }),
      },
      {
        action: 'DescribeApplications',
        responses: [
          {
            status: 200,
            contentType: 'application/json',
            body: JSON.stringify({
              Code: 'OK',
              RequestId: 'huge-total',
              Applications: { Application: [{ AppId: appId(0), AppName: 'app' }] },
              PageNumber: 1,
              PageSize: 100,
              TotalCount: 100_000_000,
            }),
          },
        ],
      },
    ],
  });
  try {
    const abort = httpEventObject({
      path: '/abort',
      body: JSON.stringify({ changeIds: changes.map((_, n) => changeId(n)) }),
      headers: { Authorization: `Bearer ${HTTP_TOKEN}` },
    });
    const events = [abort, JSON.parse(timerEvent().toString())];
    const out = await new Promise<string>((resolve, reject) => {
      const c = spawn(
        process.execPath,
        ['--import', 'tsx', join(import.meta.dirname, 'memory-child.ts'), sandbox.url, JSON.stringify(events)],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
          env: {
            ...process.env,
            HTTP_AUTH_TOKENS: HTTP_TOKEN,
            SOAK_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
            SOAK_ACCESS_KEY_SECRET: CREDENTIALS.accessKeySecret,
          },
        },
      );
      let text = '';
      c.stdout.on('data', (d: Buffer) => {
        text += d.toString();
      });
      c.on('error', reject);
      c.on('exit', () => resolve(text));
    });
    const { maxRssMb, records } = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as {
      maxRssMb: number;
      records: OutcomeRecord[];
    };
    figure('50 MB replies and TotalCount 10^8: peak RSS of the function process', `${maxRssMb.toFixed(1)} MB`, '<= 128 MB', maxRssMb <= 128);
    const tooLarge = records.filter((r) => /over the 1048576-byte limit/.test(`${r.detail} ${r.errorMessage ?? ''}`));
    check(
      '50 MB replies: every change named gets a record naming the reply size',
      records.filter((r) => r.changeId).length === N && tooLarge.length >= N,
      `${records.length} records, ${tooLarge.length} naming the limit`,
    );
    check(
      'TotalCount 10^8: the listing is refused with a record naming TotalCount',
      records.some((r) => /TotalCount 100000000/.test(r.detail)),
      records.map((r) => r.detail).filter((d) => /TotalCount/.test(d)).join(' | ') || 'no such record',
    );
  } finally {
    await sandbox.close();
  }
}
