/**
 * Issue 16's cold-start figures, side by side in one run:
 * - cold start to first decision: a fresh `node` loads `dist/index.js`, runs `initialize`, and
 *   handles one timer event on the demo scenario (sandbox/scenarios/demo.json) with the default
 *   configuration, the sandbox in another process (this one); ÷ a bare `node` process making the
 *   same HTTP calls (method, path, query, body, in order, taken from the sandbox journal of the
 *   run it is paired with) with `node:http`. Wall (spawn to exit) and CPU (user + system at exit).
 * - `initialize` alone with the documented example policy (docs/examples/policy-rollout.yaml),
 *   measured inside the fresh process (ms, `performance.now()` around the call).
 * Where the configuration is not the default: WEBPLUS_ENDPOINT points at the sandbox (the default
 * is the real cn-hangzhou endpoint) and LOG_STORE=stdout (what FC uses without SLS_PROJECT; an SLS
 * store needs an SLS endpoint this bench does not start). Everything else (WEBPLUS_QPS 10, burst,
 * concurrency, retries) is the default.
 */
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadScenarioFile, startWebplusSandbox } from '../sandbox/webplus/index.js';
import { fcContext, timerEvent } from './helpers.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DEMO = join(root, 'sandbox', 'scenarios', 'demo.json');
export const EXAMPLE_POLICY = join(root, 'docs', 'examples', 'policy-rollout.yaml');
/** The same kind of policy in JSON (what s-prod.yaml's inline `POLICY` is): no yaml loaded. */
export const JSON_POLICY = join(root, 'docs', 'examples', 'policy.json');
const SANDBOX_CREDENTIALS = { accessKeyId: 'sandbox-ak', accessKeySecret: 'sandbox-secret' };

/** One child's measures: wall ms from spawn to exit, CPU ms it reported, its printed result. */
export interface ChildRun {
  wall: number;
  cpu: number;
  out: string;
}

const REPORT =
  "process.on('exit',()=>{const u=process.cpuUsage();process.stdout.write('\\nCPU '+String((u.user+u.system)/1000)+'\\n')});";

function run(script: string, env: NodeJS.ProcessEnv): Promise<ChildRun> {
  return new Promise((resolvePromise, reject) => {
    const t = performance.now();
    const child = spawn(process.execPath, ['-e', REPORT + script], { cwd: root, env });
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
      const wall = performance.now() - t;
      if (code !== 0) return reject(new Error(`child exited ${code}: ${err.slice(-600)}`));
      const m = /\nCPU ([\d.]+)\n/.exec(out);
      resolvePromise({ wall, cpu: m ? Number(m[1]) : Number.NaN, out });
    });
  });
}

/** The fresh-process script: load, initialize (timed), one timer event; prints a RESULT line. */
function functionScript(): string {
  const ctx = JSON.stringify(fcContext(SANDBOX_CREDENTIALS, 60));
  const event = JSON.stringify(timerEvent().toString());
  return `
const b = require('./dist/index.js');
const ctx = ${ctx};
(async () => {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  await b.initialize(ctx);
  const c = process.cpuUsage(c0);
  const initMs = performance.now() - t0;
  const initCpuMs = (c.user + c.system) / 1000;
  const s = await b.handler(Buffer.from(${event}), ctx);
  const outcomes = {};
  for (const r of s.results || []) outcomes[r.outcome] = (outcomes[r.outcome] || 0) + 1;
  process.stdout.write('\\nRESULT ' + JSON.stringify({ initMs, initCpuMs, outcomes }) + '\\n');
})().catch((e) => { console.error(String(e && e.message)); process.exit(1); });`;
}

/** The bare script: the same requests in order with node:http (answers are read and dropped). */
function bareScript(url: string, calls: { method: string; path: string; body: string }[]): string {
  return `
const http = require('node:http');
const u = new URL(${JSON.stringify(url)});
const calls = ${JSON.stringify(calls)};
(async () => {
  for (const c of calls) {
    await new Promise((ok, ko) => {
      const req = http.request({ host: u.hostname, port: u.port, method: c.method, path: c.path,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(c.body) } },
        (res) => { res.resume(); res.on('end', ok); });
      req.on('error', ko);
      req.end(c.body);
    });
  }
})().catch((e) => { console.error(String(e)); process.exit(1); });`;
}

export interface FirstDecision {
  fn: ChildRun[];
  bare: ChildRun[];
  initMs: number[];
  /** CPU ms (user + system) of the process during `initialize` */
  initCpuMs: number[];
  calls: number;
  outcomes: Record<string, number>;
}

/**
 * Runs `runs` pairs (function, then bare), each pair against a fresh demo sandbox.
 * @throws Error when a child fails or the function reaches no decision
 */
export async function measureFirstDecision(
  runs: number,
  policyFile: string = EXAMPLE_POLICY,
): Promise<FirstDecision> {
  const scenario = await loadScenarioFile(DEMO);
  const result: FirstDecision = {
    fn: [],
    bare: [],
    initMs: [],
    initCpuMs: [],
    calls: 0,
    outcomes: {},
  };
  for (let i = 0; i < runs; i++) {
    const sandbox = await startWebplusSandbox(scenario);
    try {
      const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        FC_FUNCTION_NAME: 'abort-stuck-changes',
        FC_REGION: 'cn-hangzhou',
        WEBPLUS_ENDPOINT: sandbox.url,
        LOG_STORE: 'stdout',
        POLICY_FILE: policyFile,
      };
      const fn = await run(functionScript(), env);
      const line = fn.out.split('\n').find((l) => l.startsWith('RESULT '));
      if (!line) throw new Error(`function child printed no result: ${fn.out.slice(-300)}`);
      const r = JSON.parse(line.slice(7)) as {
        initMs: number;
        initCpuMs: number;
        outcomes: Record<string, number>;
      };
      if (Object.keys(r.outcomes).length === 0) throw new Error('no decision in the timer event');
      const journal = sandbox.journal();
      const calls = journal.map((j) => {
        const q = new URLSearchParams(j.query).toString();
        return { method: j.method, path: q ? `${j.path}?${q}` : j.path, body: j.body };
      });
      const bare = await run(bareScript(sandbox.url, calls), { PATH: process.env.PATH });
      result.fn.push(fn);
      result.bare.push(bare);
      result.initMs.push(r.initMs);
      result.initCpuMs.push(r.initCpuMs);
      result.calls = calls.length;
      result.outcomes = r.outcomes;
    } finally {
      await sandbox.close();
    }
  }
  return result;
}
