import { mkdtemp, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type RawRequestSpec, sendRawRequest } from '../../sandbox/webplus/raw-client.js';
import { startWebplusSandbox, type WebplusSandbox } from '../../sandbox/webplus/server.js';

interface Roa {
  request(
    method: string,
    path: string,
    query?: Record<string, string>,
    body?: string,
    headers?: Record<string, string>,
    opts?: Record<string, unknown>,
  ): Promise<unknown>;
}
const { ROAClient } = createRequire(import.meta.url)('@alicloud/pop-core') as {
  ROAClient: new (config: Record<string, unknown>) => Roa;
};
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

const base = {
  apps: [{ AppId: 'wa-1', AppName: 'shop' }],
  envs: [
    { EnvId: 'we-1', AppId: 'wa-1', EnvName: 'shop-prod' },
    { EnvId: 'we-2', AppId: 'wa-1', EnvName: 'shop-test' },
  ],
  changes: [
    { ChangeId: 'wc-1', EnvId: 'we-1', idleMinutes: 40, abortStepSeconds: 60 },
    { ChangeId: 'wc-2', EnvId: 'we-2', idleMinutes: 40, abortStepSeconds: 60 },
  ],
};

const sandboxes: WebplusSandbox[] = [];
afterEach(async () => {
  await Promise.all(sandboxes.splice(0).map((s) => s.close()));
});

async function start(extra: Record<string, unknown> = {}) {
  const sb = await startWebplusSandbox({ ...base, ...extra });
  sandboxes.push(sb);
  const c = new ROAClient({
    endpoint: sb.url,
    apiVersion: '2019-03-20',
    accessKeyId: 'sandbox-ak',
    accessKeySecret: 'sandbox-secret',
  });
  const abort = (id: string) =>
    c.request('POST', '/pop/v1/wam/change/abort', {}, `ChangeId=${id}`, FORM, { timeout: 5_000 });
  return { sb, c, abort };
}

async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    const r = await p;
    return typeof r === 'string' ? `string:${r}` : `ok:${String((r as { Code?: string }).Code)}`;
  } catch (err) {
    const e = err as { statusCode?: number; code?: string };
    return `error:${e.statusCode ?? '-'}:${e.code}`;
  }
}

const rawAbort = (id: string): RawRequestSpec => ({
  method: 'POST',
  path: '/pop/v1/wam/change/abort',
  body: `ChangeId=${id}`,
  accessKeyId: 'sandbox-ak',
  accessKeySecret: 'sandbox-secret',
});

describe('Web+ sandbox scripted faults', () => {
  it('answers a JSON error, a raw HTML 502 and a status-only error without changing state, then behaves normally', async () => {
    const { sb, abort } = await start({
      faults: [
        {
          action: 'AbortChange',
          changeId: 'wc-1',
          responses: [
            { status: 503, code: 'ServiceUnavailable' },
            { status: 502, contentType: 'text/html', body: '<html>502</html>' },
            { status: 429 },
          ],
        },
      ],
    });

    const results = [
      await outcome(abort('wc-1')),
      await outcome(abort('wc-1')),
      await outcome(abort('wc-1')),
    ];
    const stateAfterFaults = sb.appEnv('we-1')?.AbortingChange;
    const normal = await outcome(abort('wc-1'));

    expect(results).toEqual([
      'error:503:ServiceUnavailable',
      'string:<html>502</html>', // pop-core resolves non-JSON replies as strings
      'error:429:Throttling.User',
    ]);
    expect(stateAfterFaults).toBe(false);
    expect(normal).toBe('ok:OK');
    expect(sb.appEnv('we-1')?.AbortingChange).toBe(true);
    expect(sb.journal().map((e) => [e.status, e.code, e.fault])).toEqual([
      [503, 'ServiceUnavailable', 'scripted:error'],
      [502, 'RawReply', 'scripted:raw'],
      [429, 'Throttling.User', 'scripted:error'],
      [200, 'OK', undefined],
    ]);
  });

  it('matches faults by changeId and envId only', async () => {
    const { c, abort } = await start({
      faults: [
        {
          action: 'AbortChange',
          changeId: 'wc-1',
          responses: [{ status: 500, code: 'InternalError' }],
        },
        { action: 'DescribeChanges', envId: 'we-2', responses: [{ status: 503 }] },
      ],
    });

    const otherChange = await outcome(abort('wc-2'));
    const otherEnv = await outcome(c.request('GET', '/pop/v1/wam/change', { EnvId: 'we-1' }));
    const faultedEnv = await outcome(c.request('GET', '/pop/v1/wam/change', { EnvId: 'we-2' }));

    expect([otherChange, otherEnv, faultedEnv]).toEqual([
      'ok:OK',
      'ok:OK',
      'error:503:ServiceUnavailable',
    ]);
  });

  it('applies the state change on arrival and answers after delayMs', async () => {
    const { sb } = await start({
      faults: [{ action: 'AbortChange', responses: [{ delayMs: 400 }] }],
    });
    const began = Date.now();

    const pending = sendRawRequest(sb.url, rawAbort('wc-1'));
    await new Promise((r) => setTimeout(r, 150));
    const abortingBeforeAnswer = sb.appEnv('we-1')?.AbortingChange;
    const res = await pending;

    expect(abortingBeforeAnswer).toBe(true);
    expect(res.status).toBe(200);
    expect(Date.now() - began).toBeGreaterThanOrEqual(390);
  });

  it('resets the socket without a change, or after applying it with applied: true', async () => {
    const { sb, abort } = await start({
      faults: [
        { action: 'AbortChange', changeId: 'wc-1', responses: [{ reset: true }] },
        { action: 'AbortChange', changeId: 'wc-2', responses: [{ reset: true, applied: true }] },
      ],
    });

    const plainReset = await outcome(abort('wc-1'));
    const appliedReset = await outcome(abort('wc-2'));

    expect(plainReset).toBe('error:-:ECONNRESET');
    expect(appliedReset).toBe('error:-:ECONNRESET');
    expect(sb.appEnv('we-1')?.AbortingChange).toBe(false);
    expect(sb.appEnv('we-2')?.AbortingChange).toBe(true);
    expect(sb.journal().map((e) => [e.status, e.code, e.fault])).toEqual([
      [0, 'SocketReset', 'scripted:reset'],
      [0, 'SocketReset', 'scripted:reset-applied'],
    ]);
    expect(await outcome(abort('wc-2'))).toBe('error:400:ChangeOnAborting');
  });

  it('does not let a request with a bad signature consume a fault', async () => {
    const { sb, abort } = await start({
      faults: [{ action: 'AbortChange', responses: [{ status: 503 }] }],
    });

    const forged = await sendRawRequest(sb.url, { ...rawAbort('wc-1'), signWith: 'guess' });
    const real = await outcome(abort('wc-1'));

    expect(forged.json?.['Code']).toBe('SignatureDoesNotMatch');
    expect(real).toBe('error:503:ServiceUnavailable');
  });

  it('replaces faults and latency at run time with update()', async () => {
    const { sb, abort } = await start();

    sb.update({
      faults: [{ action: 'AbortChange', responses: [{ status: 503 }] }],
      latencyMs: 200,
    });
    const began = Date.now();
    const faulted = await outcome(abort('wc-1'));
    const took = Date.now() - began;
    sb.update({ latencyMs: 0 });

    expect(faulted).toBe('error:503:ServiceUnavailable');
    expect(took).toBeGreaterThanOrEqual(190);
    expect(() => sb.update({ latencyMs: -1 })).toThrow(/latencyMs/);
  });
});

describe('Web+ sandbox throttling', () => {
  it('answers 400 Throttling.User past qpsLimit (burst = limit)', async () => {
    const { sb, c } = await start({ qpsLimit: 2 });

    const results = await Promise.all(
      Array.from({ length: 8 }, () => outcome(c.request('GET', '/pop/v1/wam/application', {}))),
    );

    expect(results.filter((r) => r === 'ok:OK')).toHaveLength(2);
    expect(results.filter((r) => r === 'error:400:Throttling.User')).toHaveLength(6);
    expect(sb.journal().filter((e) => e.fault === 'throttle:qps')).toHaveLength(6);
  });

  it('answers 400 Throttling.User past maxInFlight', async () => {
    const { c } = await start({ maxInFlight: 2, latencyMs: 300 });

    const results = await Promise.all(
      Array.from({ length: 5 }, () => outcome(c.request('GET', '/pop/v1/wam/application', {}))),
    );
    const afterwards = await outcome(c.request('GET', '/pop/v1/wam/application', {}));

    expect(results.filter((r) => r === 'ok:OK')).toHaveLength(2);
    expect(results.filter((r) => r === 'error:400:Throttling.User')).toHaveLength(3);
    expect(afterwards).toBe('ok:OK');
  });
});

describe('Web+ sandbox random faults', () => {
  async function run(seed: number): Promise<{ seen: string[]; aborting: boolean | undefined }> {
    const { sb } = await start({ randomFaults: { transient: 0.4, permanent: 0.1, seed } });
    const seen: string[] = [];
    for (let i = 0; i < 40; i++) {
      try {
        const res = await sendRawRequest(sb.url, {
          method: 'GET',
          path: '/pop/v1/wam/changeInfo',
          query: { ChangeId: 'wc-1' },
          accessKeyId: 'sandbox-ak',
          accessKeySecret: 'sandbox-secret',
        });
        seen.push(`${res.status}:${String(res.json?.['Code'] ?? res.headers['content-type'])}`);
      } catch (err) {
        seen.push(`reset:${(err as { code?: string }).code}`);
      }
    }
    return { seen, aborting: sb.appEnv('we-1')?.AbortingChange };
  }

  it('draws the same faults for the same seed and different ones for another', async () => {
    const a = await run(11);
    const b = await run(11);
    const other = await run(12);

    expect(b.seen).toEqual(a.seen);
    expect(other.seen).not.toEqual(a.seen);
    expect(a.seen.filter((s) => s === '200:OK').length).toBeGreaterThan(5);
    expect(a.seen.filter((s) => s !== '200:OK').length).toBeGreaterThan(5);
    for (const s of a.seen) {
      expect([
        '200:OK',
        '503:ServiceUnavailable',
        '502:text/html',
        '400:Throttling.User',
        '403:ResourceAuthFailed',
        'reset:ECONNRESET',
      ]).toContain(s);
    }
  });

  it('never changes state on a random fault', async () => {
    const { sb, abort } = await start({ randomFaults: { transient: 0, permanent: 1, seed: 3 } });

    const result = await outcome(abort('wc-1'));

    expect(result).toBe('error:500:ResourceAuthFailed');
    expect(sb.appEnv('we-1')?.AbortingChange).toBe(false);
  });
});

describe('Web+ sandbox journal', () => {
  it('records every request with its fields and no secrets', async () => {
    const { sb } = await start({
      credentials: [
        {
          accessKeyId: 'STS.journal',
          accessKeySecret: 'very-secret-value',
          securityToken: 'token-value-xyz',
        },
      ],
    });
    const c = new ROAClient({
      endpoint: sb.url,
      apiVersion: '2019-03-20',
      accessKeyId: 'STS.journal',
      accessKeySecret: 'very-secret-value',
      securityToken: 'token-value-xyz',
    });
    const arrival = Date.now();

    await c.request('POST', '/pop/v1/wam/change/abort', {}, 'ChangeId=wc-1', FORM);
    await outcome(c.request('GET', '/pop/v1/wam/changeInfo', { ChangeId: 'wc-404' }));
    await sendRawRequest(sb.url, {
      ...rawAbort('wc-2'),
      accessKeyId: 'STS.journal',
      accessKeySecret: 'x',
    });
    const journal = sb.journal();
    const dir = await mkdtemp(join(tmpdir(), 'journal-'));
    const file = join(dir, 'nested', 'journal.jsonl');
    await sb.writeJournal(file);
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');

    expect(journal).toHaveLength(3);
    const [first, second, third] = journal;
    expect(first).toMatchObject({
      method: 'POST',
      path: '/pop/v1/wam/change/abort',
      action: 'AbortChange',
      query: {},
      body: 'ChangeId=wc-1',
      changeId: 'wc-1',
      envId: 'we-1',
      status: 200,
      code: 'OK',
      accessKeyId: 'STS.journal',
      signatureValid: true,
    });
    expect(first?.nonce).toMatch(/^[0-9a-f]{32}$/);
    expect(Date.parse(first?.time ?? '')).toBeGreaterThanOrEqual(arrival - 5);
    expect(first?.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(second).toMatchObject({
      action: 'DescribeChange',
      query: { ChangeId: 'wc-404' },
      changeId: 'wc-404',
      status: 404,
      code: 'ChangeNotExists',
    });
    expect(second?.envId).toBeUndefined();
    expect(third).toMatchObject({
      status: 400,
      code: 'SignatureDoesNotMatch',
      signatureValid: false,
    });
    expect(lines.map((l) => JSON.parse(l))).toEqual(journal);
    const text = JSON.stringify(journal);
    expect(text).not.toContain('very-secret-value');
    expect(text).not.toContain('token-value-xyz');
    expect(text).not.toContain('acs STS.journal:');
  });
});
