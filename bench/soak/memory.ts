/**
 * Issue 11's memory figures: the built bundle (dist/index.js, what FC runs; built here first)
 * in a child process of its own, a fresh heap per case, peak RSS from
 * `process.resourceUsage().maxRSS`. Target: ≤ 128 MB with clear records.
 * - 50 MB DescribeChange replies (with content-length) for 20 changes of one `/abort`;
 * - 50 MB chunked replies without content-length to every call of a sweep (a raw server);
 * - DescribeApplications answering `TotalCount` 10^8;
 * - SLS (the stand-in) answering each PutLogs of an `/abort` of 20 changes with 200 and a 50 MB
 *   chunked body (`huge-reply`), then a gzip body inflating to 50 MB (`gzip-reply`): the
 *   records on the stdout fallback (issue 11 F2).
 * The same cases at both scales (each is one request or one listing).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSlsStandIn } from '../../sandbox/sls/server.js';
import { startWebplusSandbox } from '../../sandbox/webplus/index.js';
import { appId, change, changeId, fcContext, httpEventObject, timerEvent } from '../helpers.js';
import { ENFORCE } from './alarm-budgets.js';
import { CREDENTIALS, HTTP_TOKEN, type SoakContext, type SoakSection } from './context.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const LIMIT_MB = 128;
const BIG = 50 * 1024 * 1024;

interface ChildOut {
  maxRssKb: number;
  results: {
    outcome: string;
    errorCode?: string;
    detail?: string;
    errorMessage?: string;
  }[];
  /** The child's stdout lines other than the result (the records' stdout fallback). */
  lines: string[];
}

/** Runs the bundle's handler once on `event` in a fresh `node`, against `endpoint`. */
function runBundle(
  endpoint: string,
  event: Buffer,
  env: Record<string, string> = {},
): Promise<ChildOut> {
  const script = `
const b = require('./dist/index.js');
const ctx = JSON.parse(process.env.SOAK_CONTEXT);
(async () => {
  await b.initialize(ctx);
  const r = await b.handler(Buffer.from(process.env.SOAK_EVENT, 'base64'), ctx);
  const s = 'statusCode' in r ? JSON.parse(r.body) : r;
  process.stdout.write('SOAK-RESULT ' + JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS,
    results: s.results.map((x) => ({ outcome: x.outcome, errorCode: x.errorCode, detail: x.detail, errorMessage: x.errorMessage })) }) + '\\n');
})().catch((e) => { console.error(e); process.exit(1); });`;
  const dir = mkdtempSync(join(tmpdir(), 'soak-memory-'));
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['-e', script], {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        WEBPLUS_ENDPOINT: endpoint,
        LOG_STORE: 'file',
        OUTCOME_LOG_FILE: join(dir, 'outcomes.jsonl'),
        POLICY: JSON.stringify(ENFORCE),
        HTTP_AUTH_TOKENS: HTTP_TOKEN,
        SOAK_CONTEXT: JSON.stringify(fcContext(CREDENTIALS, 60)),
        SOAK_EVENT: event.toString('base64'),
        ...env,
      },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('SOAK-RESULT '));
      const lines = out.split('\n').filter((l) => l !== '' && !l.startsWith('SOAK-RESULT '));
      if (code === 0 && line)
        resolvePromise({ ...(JSON.parse(line.slice(12)) as ChildOut), lines });
      else reject(new Error(`memory child exited ${code}: ${err.slice(-400)}`));
    });
  });
}

const mb = (kb: number) => Math.round(kb / 1024);
const tally = (out: ChildOut) => {
  const m = new Map<string, number>();
  for (const r of out.results) {
    const k = `${r.outcome}${r.errorCode ? `/${r.errorCode}` : ''}`;
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return [...m].map(([k, n]) => `${n} ${k}`).join(', ');
};

async function bigReplies(ctx: SoakContext): Promise<void> {
  const n = 20;
  const body = `{"Code":"OK","Pad":"${'x'.repeat(BIG)}"}`;
  const sandbox = await startWebplusSandbox({
    credentials: [CREDENTIALS],
    apps: [{ AppId: appId(0), AppName: 'a' }],
    envs: Array.from({ length: n }, (_, e) => ({
      EnvId: `we-5d39b8ba6786bd4b14${e.toString(16).padStart(6, '0')}`,
      AppId: appId(0),
      EnvName: `env-${e}`,
    })),
    changes: Array.from({ length: n }, (_, e) => change({ n: e, env: e, idleMin: 90 })),
    faults: [
      {
        action: 'DescribeChange',
        responses: Array(n * 4).fill({ status: 200, contentType: 'application/json', body }),
      },
    ],
  });
  try {
    const event = Buffer.from(
      JSON.stringify(
        httpEventObject({
          path: '/abort',
          body: JSON.stringify({ changeIds: Array.from({ length: n }, (_, i) => changeId(i)) }),
          headers: { Authorization: `Bearer ${HTTP_TOKEN}` },
        }),
      ),
    );
    const out = await runBundle(sandbox.url, event);
    const clear = out.results.every(
      (r) =>
        r.outcome === 'failed' &&
        r.errorCode === 'ReplyTooLarge' &&
        /bytes/.test(r.errorMessage ?? ''),
    );
    ctx.figure(
      `${n} DescribeChange replies of 50 MB (content-length): peak RSS`,
      `${mb(out.maxRssKb)} MB; records: ${tally(out)}`,
      `≤ ${LIMIT_MB} MB, every change failed ReplyTooLarge naming the size`,
      mb(out.maxRssKb) <= LIMIT_MB && out.results.length === n && clear,
    );
  } finally {
    await sandbox.close();
  }
}

async function chunkedReplies(ctx: SoakContext): Promise<void> {
  let sentMb = 0;
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(65536, 0x78);
    let left = BIG;
    let closed = false;
    res.on('close', () => {
      closed = true;
    });
    res.write('{"Code":"OK","Pad":"');
    const pump = () => {
      let more = true;
      while (!closed && left > 0 && more) {
        more = res.write(chunk);
        left -= chunk.length;
        sentMb += chunk.length / 1048576;
      }
      if (!closed && left > 0) res.once('drain', pump);
      else if (!closed) res.end('"}');
    };
    pump();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const out = await runBundle(
      `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      timerEvent(),
    );
    const clear =
      out.results.length > 0 &&
      out.results.every(
        (r) =>
          r.outcome === 'failed' &&
          /ReplyTooLarge|too large|over the/i.test(`${r.errorCode} ${r.detail}`),
      );
    ctx.figure(
      'sweep against 50 MB chunked replies (no content-length): peak RSS',
      `${mb(out.maxRssKb)} MB (server sent ${Math.round(sentMb)} MB before the client hung up); records: ${tally(out)}`,
      `≤ ${LIMIT_MB} MB, the listing failed with the size named`,
      mb(out.maxRssKb) <= LIMIT_MB && clear,
    );
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

async function absurdTotalCount(ctx: SoakContext): Promise<void> {
  const sandbox = await startWebplusSandbox({
    credentials: [CREDENTIALS],
    apps: [{ AppId: appId(0), AppName: 'a' }],
    envs: [],
    changes: [],
    faults: [
      {
        action: 'DescribeApplications',
        responses: [
          {
            status: 200,
            contentType: 'application/json',
            // a whole envelope (Code, Message, RequestId: red-team 25 G16), so that only
            // the TotalCount is what the sweep refuses
            body: JSON.stringify({
              Code: 'OK',
              Message: 'success',
              RequestId: 'soak-total-count',
              Applications: { Application: [{ AppId: appId(0), AppName: 'a' }] },
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
    const out = await runBundle(sandbox.url, timerEvent());
    const calls = sandbox.journal().length;
    const clear =
      out.results.length === 1 &&
      out.results[0]!.errorCode === 'ListingTooLarge' &&
      /TotalCount 100000000/.test(out.results[0]!.detail ?? '');
    ctx.figure(
      'DescribeApplications TotalCount 10^8: peak RSS',
      `${mb(out.maxRssKb)} MB, ${calls} Web+ call; records: ${tally(out)}`,
      `≤ ${LIMIT_MB} MB, one record naming TotalCount, no page read`,
      mb(out.maxRssKb) <= LIMIT_MB && clear && calls === 1,
    );
  } finally {
    await sandbox.close();
  }
}

/** SLS answering PutLogs with 50 MB (chunked) or a gzip bomb: cut or refused, records on the fallback. */
async function slsHugeReplies(ctx: SoakContext): Promise<void> {
  const n = 20;
  const sandbox = await startWebplusSandbox({
    credentials: [CREDENTIALS],
    apps: [{ AppId: appId(0), AppName: 'a' }],
    envs: Array.from({ length: n }, (_, e) => ({
      EnvId: `we-5d39b8ba6786bd4b14${e.toString(16).padStart(6, '0')}`,
      AppId: appId(0),
      EnvName: `env-${e}`,
    })),
    changes: Array.from({ length: n }, (_, e) => change({ n: e, env: e, idleMin: 90 })),
  });
  const sls = await startSlsStandIn({ credentials: [CREDENTIALS] });
  try {
    const event = Buffer.from(
      JSON.stringify(
        httpEventObject({
          path: '/abort',
          body: JSON.stringify({ changeIds: Array.from({ length: n }, (_, i) => changeId(i)) }),
          headers: { Authorization: `Bearer ${HTTP_TOKEN}` },
        }),
      ),
    );
    for (const kind of ['huge-reply', 'gzip-reply'] as const) {
      sls.setFailure({ kind, sizeBytes: BIG });
      const out = await runBundle(sandbox.url, event, {
        LOG_STORE: 'sls',
        SLS_ENDPOINT: sls.url,
        SLS_PROJECT: 'ops-audit',
        SLS_LOGSTORE: 'webplus-abort',
      });
      const code = kind === 'huge-reply' ? 'ReplyTooLarge' : 'CompressedReply';
      const reason = kind === 'huge-reply' ? 'over the 65536-byte limit' : 'content-encoding gzip';
      const fallback = new Set<string>();
      for (const l of out.lines) {
        try {
          const r = JSON.parse(l) as { changeId?: string; logWriteFailed?: { reason?: string } };
          if (r.changeId && r.logWriteFailed?.reason?.includes(reason)) fallback.add(r.changeId);
        } catch {
          // not a record line
        }
      }
      const ids = Array.from({ length: n }, (_, i) => changeId(i));
      const inFallback = ids.filter((id) => fallback.has(id)).length;
      ctx.figure(
        `SLS ${kind === 'huge-reply' ? '50 MB reply (chunked)' : 'gzip reply inflating to 50 MB'}: peak RSS, records in fallback`,
        `${mb(out.maxRssKb)} MB; ${inFallback} of ${ids.length} changes' records on the stdout fallback (${code}), ${out.lines.length} lines`,
        `≤ ${LIMIT_MB} MB, records in fallback (all ${n})`,
        mb(out.maxRssKb) <= LIMIT_MB && out.results.length === n && inFallback === n,
      );
    }
  } finally {
    await sls.close();
    await sandbox.close();
  }
}

export const memorySection: SoakSection = {
  name: 'memory',
  title: '50 MB replies (Web+ and SLS) and TotalCount 10^8 in the built bundle: peak RSS',
  run: async (ctx) => {
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'ignore' });
    await bigReplies(ctx);
    await chunkedReplies(ctx);
    await absurdTotalCount(ctx);
    await slsHugeReplies(ctx);
  },
};
