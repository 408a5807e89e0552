/**
 * Smoke test of the built function bundle (run `npm run build` first):
 * `npx tsx scripts/smoke-bundle.ts`.
 *
 * 1. starts the Web+ sandbox (sandbox/scenarios/demo.json) and the SLS stand-in on loopback;
 * 2. copies dist/ (index.js, yaml.js, sls-sdk.js, package.json, sls.proto: the deployed code
 *    folder) into a temp folder with no node_modules above it, so the bundle must be
 *    self-contained, as in FC;
 * 3. in a fresh plain `node` process (no tsx hooks), with WEBPLUS_ENDPOINT, LOG_STORE=sls,
 *    SLS_ENDPOINT, SLS_PROJECT and SLS_LOGSTORE set before the bundle is required, loads the
 *    bundle with createRequire, calls `initialize(context)` and then
 *    `handler(Buffer.from(<test/fixtures/timer-sweep.json>), context)` with a fake FC context
 *    holding the sandbox-ak / sandbox-secret credentials; this lazily loads sls-sdk.js (the
 *    bundled @alicloud/log), which reads sls.proto next to it;
 * 4. asserts the summary has aborted results and the stand-in holds exactly one log per result.
 *
 * Prints one line (`smoke-bundle ok: ...` or `smoke-bundle FAILED: ...`); exit status 1 on failure.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSlsStandIn } from '../sandbox/sls/server.js';
import { startWebplusSandbox } from '../sandbox/webplus/index.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PROJECT = 'smoke-project';
const LOGSTORE = 'smoke-logstore';

/** Runs in the child: plain node, ESM, the bundle loaded with createRequire. */
const CHILD = `
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
const require = createRequire(process.env.SMOKE_BUNDLE);
const started = process.hrtime.bigint();
const bundle = require(process.env.SMOKE_BUNDLE);
const loadMs = Number(process.hrtime.bigint() - started) / 1e6;
if (typeof bundle.handler !== 'function' || typeof bundle.initialize !== 'function') {
  throw new Error('the bundle does not export handler and initialize');
}
const context = {
  requestId: 'smoke-' + Date.now(),
  credentials: { accessKeyId: 'sandbox-ak', accessKeySecret: 'sandbox-secret' },
  function: { name: 'abort-stuck-changes', handler: 'index.handler', memory: 256, timeout: 60 },
  service: { logProject: '${PROJECT}', logStore: '${LOGSTORE}' },
  region: 'cn-hangzhou',
  accountId: '1234567890123456',
};
await bundle.initialize(context);
const summary = await bundle.handler(readFileSync(process.env.SMOKE_EVENT), context);
process.stdout.write('\\nSMOKE-RESULT ' + JSON.stringify({ loadMs, summary }) + '\\n');
`;

interface ChildResult {
  loadMs: number;
  summary: { results?: { outcome: string; changeId?: string }[] };
}

function runChild(env: NodeJS.ProcessEnv, cwd: string): Promise<ChildResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString('utf8');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) {
        reject(
          new Error(
            `bundle process exited ${code}: ${err.trim().split('\n').slice(-5).join(' | ')}`,
          ),
        );
        return;
      }
      try {
        const line = out.split('\n').find((l) => l.startsWith('SMOKE-RESULT '));
        if (!line) throw new Error('no result line');
        resolvePromise(JSON.parse(line.slice('SMOKE-RESULT '.length)) as ChildResult);
      } catch {
        reject(
          new Error(`bundle process printed no summary: ${out.slice(0, 200)} ${err.slice(0, 200)}`),
        );
      }
    });
  });
}

async function main(): Promise<string> {
  const bundleDir = join(root, 'dist');
  const work = mkdtempSync(join(tmpdir(), 'smoke-bundle-'));
  const scenario = JSON.parse(
    readFileSync(join(root, 'sandbox', 'scenarios', 'demo.json'), 'utf8'),
  );
  const sandbox = await startWebplusSandbox(scenario);
  const sls = await startSlsStandIn();
  try {
    const code = join(work, 'code');
    cpSync(bundleDir, code, { recursive: true });
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TZ: process.env.TZ,
      WEBPLUS_ENDPOINT: sandbox.url,
      LOG_STORE: 'sls',
      SLS_ENDPOINT: sls.url,
      SLS_PROJECT: PROJECT,
      SLS_LOGSTORE: LOGSTORE,
      FC_FUNCTION_NAME: 'abort-stuck-changes',
      FC_REGION: 'cn-hangzhou',
      SMOKE_BUNDLE: join(code, 'index.js'),
      SMOKE_EVENT: join(root, 'test', 'fixtures', 'timer-sweep.json'),
    };
    const { loadMs, summary } = await runChild(env, work);
    const results = summary.results ?? [];
    const aborted = results.filter((r) => r.outcome === 'aborted');
    if (aborted.length === 0) {
      throw new Error(`no aborted results: ${JSON.stringify(summary).slice(0, 300)}`);
    }
    const all = sls.logs(PROJECT, LOGSTORE);
    // Each abort writes its intent record (kind "intent", red-team 25 G15) before its request,
    // named by its decision record's `intentId`: one decision record per result, and every
    // intent named by exactly one of them.
    const intents = all.filter((l) => l.contents.kind === 'intent');
    const logs = all.filter((l) => l.contents.kind !== 'intent');
    if (logs.length !== results.length) {
      throw new Error(
        `${results.length} results but ${logs.length} decision logs in the SLS stand-in`,
      );
    }
    const named = logs.map((l) => l.contents.intentId).filter(Boolean);
    const intentIds = intents.map((l) => l.contents.recordId);
    if (
      intentIds.length < aborted.length ||
      new Set(named).size !== named.length ||
      [...intentIds].sort().join() !== [...named].sort().join()
    ) {
      throw new Error(
        `${intents.length} intent logs for ${aborted.length} aborted results, named by ${named.length} decision logs`,
      );
    }
    const logged = new Set(logs.map((l) => l.contents.changeId).filter(Boolean));
    const missing = aborted.filter((r) => r.changeId && !logged.has(r.changeId));
    if (missing.length > 0) {
      throw new Error(`aborted changes with no log: ${missing.map((r) => r.changeId).join(', ')}`);
    }
    return `${results.length} results (${aborted.length} aborted), ${logs.length} SLS decision logs and ${intents.length} intents, bundle loaded in ${loadMs.toFixed(0)} ms`;
  } finally {
    await Promise.allSettled([sandbox.close(), sls.close()]);
    rmSync(work, { recursive: true, force: true });
  }
}

main().then(
  (line) => {
    console.log(`smoke-bundle ok: ${line}`);
  },
  (error: unknown) => {
    console.log(`smoke-bundle FAILED: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
