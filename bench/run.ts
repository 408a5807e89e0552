/**
 * Benchmarks (issues 7 and 16; issue 16's targets): cold start, bundle size and largest modules, sweep throughput, memory,
 * alarm to abort. Prints one line per figure: `name  value unit  target  ratio`, and writes
 * bench/RESULTS.md with the machine and date. Run with `npm run bench` (builds dist/ first when
 * it is missing). Settings are chosen per figure and printed with it.
 */
import { execFileSync, fork, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { loadConfig } from '#shared/config/config.js';
import { createRuntime } from '#shared/pipeline/runtime.js';
import { parsePolicy } from '#shared/policy/load.js';
import { createHandler } from '../functions/abort-stuck-changes/handler.js';
import { startWebplusSandbox } from '../sandbox/webplus/index.js';
import {
  FUNCTION_CHUNKS,
  functionBundleOptions,
  SOURCE_CHUNKS,
} from '../scripts/bundle-options.mjs';
import { JSON_POLICY, measureFirstDecision } from './first-decision.js';
import {
  appId,
  change,
  changeId,
  envId,
  eventBridgeEvent,
  fcContext,
  memoryStore,
  timerEvent,
} from './helpers.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bundlePath = join(root, 'dist', 'index.js');
const outDir = join(root, 'bench', 'out');
const SANDBOX_CREDENTIALS = { accessKeyId: 'sandbox-ak', accessKeySecret: 'sandbox-secret' };

interface Figure {
  name: string;
  value: number;
  unit: string;
  target: string;
  ratio: string;
  ok?: boolean;
}
const figures: Figure[] = [];
const notes: string[] = [];
/** Every line printed, pasted into RESULTS.md. */
const printed: string[] = [];
function print(line: string): void {
  printed.push(line);
  console.log(line);
}

function fmt(n: number, digits = 1): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(digits);
}
function figure(f: Figure): void {
  figures.push(f);
  const verdict = f.ok === undefined ? '' : f.ok ? '  ok' : '  MISS';
  print(
    `${f.name.padEnd(34)} ${`${fmt(f.value)} ${f.unit}`.padEnd(16)} ${f.target.padEnd(14)} ${f.ratio}${verdict}`,
  );
}
function note(line: string): void {
  notes.push(line);
  print(`  # ${line}`);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const percentile = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

/** Runs `node -e script` without blocking this process (the sandbox answers from here). */
function runChild(script: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['-e', script], { cwd: root, env });
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
      if (code === 0) resolvePromise(out);
      else reject(new Error(`child exited ${code}: ${err.slice(-400)}`));
    });
  });
}

// ---------------------------------------------------------------------------------------------

/**
 * Wall ms of a fresh `node -e code`, and the CPU ms (user + system) the process reports at exit.
 * The child gets `PATH` and `HOME` only, as the first-decision children do (bench/first-decision.ts):
 * an inherited `NODE_EXTRA_CA_CERTS` (set on some machines, this one included) makes node read a
 * CA bundle at every start (~40 ms CPU here), which would be measured in both figures and hide
 * the bundle's own share of the ratio.
 */
function timeNode(code: string): { wall: number; cpu: number } {
  const report =
    "process.on('exit',()=>{const u=process.cpuUsage();process.stdout.write(String((u.user+u.system)/1000))})";
  const t = performance.now();
  const r = spawnSync(process.execPath, ['-e', `${code};${report}`], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    encoding: 'utf8',
  });
  const wall = performance.now() - t;
  if (r.status !== 0) throw new Error(`node -e ${code} exited ${r.status}: ${r.stderr}`);
  return { wall, cpu: Number(r.stdout) };
}

async function coldStart(): Promise<void> {
  const RUNS = 15;
  const LOAD = "require('./dist/index.js')";
  const bare: { wall: number; cpu: number }[] = [];
  const load: { wall: number; cpu: number }[] = [];
  timeNode('0'); // warm the page cache
  timeNode(LOAD);
  for (let i = 0; i < RUNS; i++) {
    bare.push(timeNode('0'));
    load.push(timeNode(LOAD));
  }
  const b = median(bare.map((x) => x.wall));
  const l = median(load.map((x) => x.wall));
  figure({ name: 'bare node -e 0', value: b, unit: 'ms', target: '-', ratio: '1.00x (baseline)' });
  figure({
    name: 'cold start (require dist/index.js)',
    value: l,
    unit: 'ms',
    target: '<= 1.2x bare',
    ratio: `${(l / b).toFixed(2)}x`,
    ok: l / b <= 1.2,
  });
  const bc = median(bare.map((x) => x.cpu));
  const lc = median(load.map((x) => x.cpu));
  figure({
    name: 'cold start CPU (user+sys)',
    value: lc,
    unit: 'ms',
    target: '- (context)',
    ratio: `${(lc / bc).toFixed(2)}x bare CPU ${fmt(bc)} ms (less sensitive to a loaded machine)`,
  });

  // Cold start to first decision (issue 16): demo scenario, default configuration, sandbox in
  // this process, the function and a bare node:http process making the same calls, paired.
  const fd = await measureFirstDecision(7);
  const fw = median(fd.fn.map((x) => x.wall));
  const fc = median(fd.fn.map((x) => x.cpu));
  const bw = median(fd.bare.map((x) => x.wall));
  const bcpu = median(fd.bare.map((x) => x.cpu));
  note(
    `cold start to first decision: 7 pairs; fresh node loads dist/index.js, initialize, one timer event on sandbox/scenarios/demo.json (${fd.calls} Web+ calls, outcomes ${JSON.stringify(fd.outcomes)}); defaults except WEBPLUS_ENDPOINT (the sandbox), LOG_STORE=stdout (FC's default without SLS_PROJECT; no SLS endpoint here), POLICY_FILE docs/examples/policy-rollout.yaml; bare = node:http making the same ${fd.calls} calls in order`,
  );
  figure({
    name: 'first decision wall',
    value: fw,
    unit: 'ms',
    target: '<= 1.5x bare',
    ratio: `${(fw / bw).toFixed(2)}x bare ${fmt(bw)} ms`,
    ok: fw / bw <= 1.5,
  });
  figure({
    name: 'first decision CPU',
    value: fc,
    unit: 'ms',
    target: '<= 1.5x bare',
    ratio: `${(fc / bcpu).toFixed(2)}x bare ${fmt(bcpu)} ms`,
    ok: fc / bcpu <= 1.5,
  });
  const init = median(fd.initMs);
  figure({
    name: 'initialize (example policy)',
    value: Number(init.toFixed(1)),
    unit: 'ms',
    target: '<= 10 ms',
    ratio: `${(init / 10).toFixed(2)}x of target; CPU ${fmt(median(fd.initCpuMs))} ms`,
    ok: init <= 10,
  });
  // The same measure with a JSON policy (s-prod.yaml's inline POLICY is JSON): yaml not loaded.
  const fj = await measureFirstDecision(5, JSON_POLICY);
  const initJson = median(fj.initMs);
  figure({
    name: 'initialize (JSON policy)',
    value: Number(initJson.toFixed(1)),
    unit: 'ms',
    target: '<= 10 ms',
    ratio: `${(initJson / 10).toFixed(2)}x of target; CPU ${fmt(median(fj.initCpuMs))} ms`,
    ok: initJson <= 10,
  });
  const fjw = median(fj.fn.map((x) => x.wall));
  const fjc = median(fj.fn.map((x) => x.cpu));
  note(
    `with docs/examples/policy.json instead (5 pairs): first decision wall ${fmt(fjw)} ms (${(fjw / median(fj.bare.map((x) => x.wall))).toFixed(2)}x bare), CPU ${fmt(fjc)} ms (${(fjc / median(fj.bare.map((x) => x.cpu))).toFixed(2)}x bare)`,
  );
}

async function bundle(): Promise<void> {
  const size = statSync(bundlePath).size;
  const KB = 1024;
  // What a cold start loads: index.js alone with a JSON policy and LOG_STORE other than sls;
  // each chunk beside it (FUNCTION_CHUNKS) is read only when its need comes (yaml.js: a YAML
  // policy, at initialize; sls-sdk.js: the first SLS write), and is counted apart.
  figure({
    name: 'bundle size dist/index.js',
    value: Math.round(size / KB),
    unit: 'KB',
    target: '<= 300 KB',
    ratio: `${(size / (300 * KB)).toFixed(2)}x of target`,
    ok: size <= 300 * KB,
  });
  note(
    `bundle: dist/index.js is what every cold start loads (JSON policy, LOG_STORE stdout or file); loaded only when needed, counted apart: ${Object.entries(
      FUNCTION_CHUNKS,
    )
      .map(
        ([pkg, file]) =>
          `${file} ${Math.round(statSync(join(root, 'dist', file)).size / KB)} KB (${pkg}: ${pkg === 'yaml' ? 'a YAML policy, at initialize' : 'LOG_STORE=sls, at the first write'})`,
      )
      .join(', ')}; ${Object.values(SOURCE_CHUNKS)
      .map(
        (file) =>
          `${file} ${Math.round(statSync(join(root, 'dist', file)).size / KB)} KB (${file === 'platforms.js' ? 'an SAE/EDAS request' : 'a notification'}, at the first one)`,
      )
      .join(', ')}`,
  );
  // Our own build with a metafile (same options as scripts/build.mjs), for the module breakdown.
  mkdirSync(outDir, { recursive: true });
  const result = await build(functionBundleOptions(root, join(outDir, 'bench-bundle.js')));
  if (!result.metafile) throw new Error('esbuild returned no metafile');
  writeFileSync(join(outDir, 'bench-meta.json'), JSON.stringify(result.metafile));
  const byPackage = packageSizes(result.metafile);
  const top = [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 10);
  note(
    `largest modules in the bundle (bytes of minified output, esbuild metafile bench/out/bench-meta.json): ${top.map(([p, n]) => `${p} ${(n / 1024).toFixed(0)} KB`).join(', ')}`,
  );
}

function packageSizes(meta: Metafile): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const output of Object.values(meta.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      const key = m ? m[1]! : `(ours) ${input.split('/')[0]}`;
      sizes.set(key, (sizes.get(key) ?? 0) + bytesInOutput);
    }
  }
  return sizes;
}

// ---------------------------------------------------------------------------------------------

const SWEEP = { envs: 2000, stuck: 500, latencyMs: 20, qpsLimit: 50, envsPerApp: 100 };
// Defaults except QPS, set to what the sandbox allows (issue 16); concurrency stays default.
const SWEEP_ENV = { WEBPLUS_QPS: '50' };

async function sweepThroughput(): Promise<void> {
  const apps = Array.from({ length: SWEEP.envs / SWEEP.envsPerApp }, (_, i) => ({
    AppId: appId(i),
    AppName: `app-${i}`,
  }));
  const envs = Array.from({ length: SWEEP.envs }, (_, e) => ({
    EnvId: envId(e),
    AppId: appId(Math.floor(e / SWEEP.envsPerApp)),
    EnvName: `env-${e}`,
  }));
  // Stuck changes spread over the environments; the rest have a finished change or none.
  const changes = [];
  const step = SWEEP.envs / SWEEP.stuck;
  for (let i = 0; i < SWEEP.stuck; i++) {
    changes.push(change({ n: i, env: i * step, idleMin: 90, ageMin: 95 }));
  }
  for (let e = 1; e < SWEEP.envs; e += 2) {
    if (e % step === 0) continue;
    changes.push(
      change({ n: 10_000 + e, env: e, idleMin: 90, extra: { finished: true, succeed: true } }),
    );
  }
  const sandbox = await startWebplusSandbox({
    apps,
    envs,
    changes,
    latencyMs: SWEEP.latencyMs,
    qpsLimit: SWEEP.qpsLimit,
  });
  const dir = mkdtempSync(join(tmpdir(), 'bench-sweep-'));
  const script = `
const b = require('./dist/index.js');
const ctx = ${JSON.stringify(fcContext(SANDBOX_CREDENTIALS, 600))};
(async () => {
  await b.initialize(ctx);
  const t = performance.now();
  const s = await b.handler(Buffer.from(${JSON.stringify(timerEvent().toString())}), ctx);
  const ms = performance.now() - t;
  const outcomes = {};
  let throttledFailed = 0;
  for (const r of s.results) {
    outcomes[r.outcome] = (outcomes[r.outcome] || 0) + 1;
    if (r.outcome === 'failed' && /thrott/i.test(String(r.errorCode) + String(r.errorMessage))) throttledFailed++;
  }
  process.stdout.write('BENCH-RESULT ' + JSON.stringify({ ms, outcomes, throttledFailed,
    maxRssKb: process.resourceUsage().maxRSS }) + '\\n');
})().catch((e) => { console.error(e); process.exit(1); });`;
  const out = await runChild(script, {
    ...process.env,
    WEBPLUS_ENDPOINT: sandbox.url,
    LOG_STORE: 'file',
    OUTCOME_LOG_FILE: join(dir, 'outcomes.jsonl'),
    POLICY: JSON.stringify({ defaults: { mode: 'enforce' }, sweep: { maxAbortsPerRun: 1000 } }),
    ...SWEEP_ENV,
  });
  const line = out.split('\n').find((l) => l.startsWith('BENCH-RESULT '));
  if (!line) throw new Error(`sweep child printed no result: ${out.slice(0, 300)}`);
  const r = JSON.parse(line.slice('BENCH-RESULT '.length)) as {
    ms: number;
    outcomes: Record<string, number>;
    throttledFailed: number;
    maxRssKb: number;
  };
  const journal = sandbox.journal();
  await sandbox.close();
  const minimum =
    Math.ceil(apps.length / 100) +
    apps.length * Math.ceil(SWEEP.envsPerApp / 100) +
    SWEEP.stuck + // DescribeChange per applying env
    SWEEP.stuck; // AbortChange per stuck change
  const floorMs = (minimum / SWEEP.qpsLimit) * 1000;
  const throttledAnswers = journal.filter((j) => j.code === 'Throttling.User').length;
  note(
    `sweep settings: ${SWEEP.envs} envs in ${apps.length} apps, ${SWEEP.stuck} stuck; sandbox latencyMs ${SWEEP.latencyMs}, qpsLimit ${SWEEP.qpsLimit}; WEBPLUS_QPS ${SWEEP_ENV.WEBPLUS_QPS}, WEBPLUS_CONCURRENCY default, policy sweep.maxAbortsPerRun 1000; bundle dist/index.js in a child process`,
  );
  note(
    `sweep outcomes: ${JSON.stringify(r.outcomes)}; Throttling.User answers from the sandbox: ${throttledAnswers}`,
  );
  figure({
    name: 'sweep wall time',
    value: Math.round(r.ms),
    unit: 'ms',
    target: '<= 1.05x floor',
    ratio: `${(r.ms / floorMs).toFixed(3)}x floor ${fmt(floorMs)} ms`,
    ok: r.ms / floorMs <= 1.05,
  });
  figure({
    name: 'sweep Web+ calls',
    value: journal.length,
    unit: 'calls',
    target: '1.00x min',
    ratio: `${(journal.length / minimum).toFixed(3)}x minimum ${minimum}`,
    ok: journal.length === minimum,
  });
  figure({
    name: 'sweep failed by throttling',
    value: r.throttledFailed,
    unit: 'changes',
    target: '0',
    ratio: r.throttledFailed === 0 ? '-' : 'miss',
    ok: r.throttledFailed === 0,
  });
  const rssMb = r.maxRssKb / 1024;
  figure({
    name: 'sweep peak RSS (maxRSS)',
    value: Number(rssMb.toFixed(1)),
    unit: 'MB',
    target: '<= 64 MB',
    ratio: `${(rssMb / 64).toFixed(2)}x of 64 MB`,
    ok: rssMb <= 64,
  });
}

// ---------------------------------------------------------------------------------------------

async function alarmToAbort(): Promise<void> {
  // The alarm is the EventBridge fixture's (test/fixtures/eventbridge-cms-alert.json): a custom
  // metric's `changeId` dimension only, so the EnvId DescribeChange needs is learned from the
  // region's listing (the first alarm, a warm-up) and then from the instance's memory of it
  // (shared/targeting/directory-cache.ts): DescribeChange, DescribeAppEnvStatus, AbortChange.
  // Default pacing (WEBPLUS_QPS 10, burst 10): at most 10 calls start in any second (issue 16),
  // so 3 alarms of 3 calls a second go without waiting: alarms are started 350 ms apart, as
  // alarms arriving faster than the limit would wait by design (at 300 ms apart, 4 alarms, 12
  // calls, would fall in some second).
  const N = 220;
  const WARM = 20;
  const SPACING_MS = 350;
  const envs = Array.from({ length: N }, (_, e) => ({
    EnvId: envId(e),
    AppId: appId(Math.floor(e / 100)),
    EnvName: `env-${e}`,
  }));
  const apps = Array.from({ length: Math.ceil(N / 100) }, (_, i) => ({
    AppId: appId(i),
    AppName: `app-${i}`,
  }));
  const changes = envs.map((_, e) => change({ n: e, env: e, idleMin: 90, ageMin: 95 }));
  // The sandbox runs in its own process (bench/alarm-sandbox.ts) so that its work does not
  // share the handler's event loop; it timestamps each request's arrival and answer.
  const child = fork(join(root, 'bench', 'alarm-sandbox.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  type Arrival = { at: number; done: number; abort: boolean };
  const ask = <T>(message: unknown): Promise<T> =>
    new Promise((resolvePromise) => {
      child.once('message', (m) => resolvePromise(m as T));
      child.send(message as object);
    });
  const { url } = await ask<{ url: string }>({ scenario: { apps, envs, changes, latencyMs: 0 } });
  const store = memoryStore();
  // Default configuration (issue 16): only the endpoint points at the sandbox.
  const config = loadConfig({ WEBPLUS_ENDPOINT: url });
  const runtime = createRuntime({
    config,
    policy: parsePolicy({ defaults: { mode: 'enforce' } }),
    version: 'bench',
    store,
    sink: () => {},
    warn: () => {},
  });
  const handler = createHandler(runtime);
  const now = (): number => performance.timeOrigin + performance.now();
  try {
    const starts: number[] = [];
    const cpuMs: number[] = [];
    for (let i = 0; i < N; i++) {
      const due = (starts[i - 1] ?? 0) + SPACING_MS;
      if (now() < due) await new Promise((r) => setTimeout(r, due - now()));
      const event = eventBridgeEvent(`bench-alarm-${i}`, `{userId=1, changeId=${changeId(i)}}`);
      const c0 = process.cpuUsage();
      const t0 = now();
      await handler(event, fcContext(SANDBOX_CREDENTIALS, 60));
      const c = process.cpuUsage(c0);
      starts.push(t0);
      if (i >= WARM) cpuMs.push((c.user + c.system) / 1000);
    }
    const { arrivals, abortCalls } = await ask<{ arrivals: Arrival[]; abortCalls: number }>(
      'arrivals',
    );
    if (abortCalls !== N) throw new Error(`${abortCalls} AbortChange calls for ${N} alarms`);
    // Events ran one at a time: the requests between two event starts belong to the first.
    const raw: number[] = [];
    const net: number[] = [];
    const perAlarm: number[] = [];
    let a = 0;
    for (let i = 0; i < N; i++) {
      const end = starts[i + 1] ?? Number.POSITIVE_INFINITY;
      const mine: Arrival[] = [];
      while (a < arrivals.length && arrivals[a]!.at < end) mine.push(arrivals[a++]!);
      const k = mine.findIndex((x) => x.abort);
      if (k < 0) throw new Error(`event ${i}: no AbortChange seen`);
      if (i < WARM) continue;
      perAlarm.push(mine.length);
      const toAbort = mine[k]!.at - starts[i]!;
      const sandboxOwn = mine.slice(0, k).reduce((s, x) => s + (x.done - x.at), 0);
      raw.push(toAbort);
      net.push(toAbort - sandboxOwn);
    }
    const aborted = store.records.filter((r) => r.outcome === 'aborted').length;
    note(
      `alarm to abort: ${N} EventBridge alarms (changeId dimension only, as test/fixtures/eventbridge-cms-alert.json), first ${WARM} as warm-up (the first lists the region), started ${SPACING_MS} ms apart; warm in-process handler from source, default configuration (WEBPLUS_QPS 10, burst = QPS; alarms one after another), sandbox in a separate process, latencyMs 0; ${aborted} aborted; Web+ calls per measured alarm p50 ${median(perAlarm)}, max ${Math.max(...perAlarm)}; net = minus the sandbox's own answer time for the reads before the abort (p50 raw ${fmt(percentile(raw, 50), 2)} ms, p99 raw ${fmt(percentile(raw, 99), 2)} ms); net p90 ${fmt(percentile(net, 90), 2)}, p95 ${fmt(percentile(net, 95), 2)}, max ${fmt(Math.max(...net), 2)} ms, ${net.filter((x) => x >= 5).length} of ${net.length} at 5 ms or more; handler process CPU per event (whole invocation, its Web+ calls, GC included) p50 ${fmt(percentile(cpuMs, 50), 2)} ms, p99 ${fmt(percentile(cpuMs, 99), 2)} ms; load average at the end ${loadavg()[0]!.toFixed(2)} on ${cpus().length} cores`,
    );
    figure({
      name: 'alarm to abort p50',
      value: Number(percentile(net, 50).toFixed(2)),
      unit: 'ms',
      target: '-',
      ratio: '-',
    });
    const p99 = percentile(net, 99);
    figure({
      name: 'alarm to abort p99',
      value: Number(p99.toFixed(2)),
      unit: 'ms',
      target: '< 5 ms',
      ratio: `${(p99 / 5).toFixed(2)}x of target`,
      ok: p99 < 5,
    });
  } finally {
    child.send('close');
  }
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  if (!existsSync(bundlePath)) {
    console.log('dist/index.js missing: running npm run build');
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  }
  const started = new Date();
  const machine = `load average ${loadavg()[0]!.toFixed(2)} at start, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 1024 ** 3).toFixed(1)} GB memory (${(freemem() / 1024 ** 3).toFixed(1)} GB free), node ${process.version}, ${process.platform} ${process.arch}`;
  print(`bench: ${machine}, ${started.toISOString()}`);
  print(`${'name'.padEnd(34)} ${'value'.padEnd(16)} ${'target'.padEnd(14)} ratio`);
  const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const sections: [string, () => Promise<void>][] = [
    ['cold', coldStart],
    ['bundle', bundle],
    ['sweep', sweepThroughput],
    ['alarm', alarmToAbort],
  ];
  for (const [name, run] of sections) {
    if (only.length && !only.includes(name)) continue;
    await run();
  }
  const lines = [
    '# Benchmark results',
    '',
    `- Date: ${started.toISOString()}`,
    `- Machine: ${machine}`,
    `- Command: \`npm run bench\``,
    '',
    '| name | value | unit | target | ratio | verdict |',
    '|---|---|---|---|---|---|',
    ...figures.map(
      (f) =>
        `| ${f.name} | ${fmt(f.value)} | ${f.unit} | ${f.target} | ${f.ratio} | ${f.ok === undefined ? '' : f.ok ? 'ok' : 'MISS'} |`,
    ),
    '',
    '## Notes',
    '',
    ...notes.map((n) => `- ${n}`),
    '',
    '## Output of this run',
    '',
    '```',
    ...printed,
    '```',
    '',
  ];
  // Hand-written analysis of misses (profiles), kept beside the script and appended to each run.
  const analysis = join(root, 'bench', 'ANALYSIS.md');
  if (existsSync(analysis)) lines.push(readFileSync(analysis, 'utf8'));
  // The soak's figures of its last full run (`npm run soak`, issue 11), kept the same way.
  const soak = join(root, 'bench', 'SOAK.md');
  if (existsSync(soak)) lines.push(readFileSync(soak, 'utf8'));
  if (!process.argv.includes('--no-write')) {
    writeFileSync(join(root, 'bench', 'RESULTS.md'), lines.join('\n'));
    console.log('wrote bench/RESULTS.md');
  }
}

await main();
