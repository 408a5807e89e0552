/**
 * The reliability suite (issue 7): fault soak, log-store outage, bad input, security, deadline.
 * `npm run soak` runs the full size; `npm run soak -- --scale ci` a scaled-down run for .ci/run.
 * Everything runs against the Web+ sandbox and the SLS stand-in on loopback, through the real
 * handler. Prints one line per check and `soak: N checks passed, N checks failed` (the test run owns the plain `N passed, N failed` line); exits 1 when a check failed.
 *
 * Settings used (fast retries, an engine not held back by production pacing):
 * WEBPLUS_QPS 10000, WEBPLUS_CONCURRENCY 32, RETRY_MAX_ATTEMPTS 4, RETRY_BASE_MS 1,
 * RETRY_MAX_DELAY_MS 5, ATTEMPT_TIMEOUT_MS 5000; the deadline check uses the production-like
 * ATTEMPT_TIMEOUT_MS 3000, DEADLINE_MARGIN_MS 2000, RETRY_BASE_MS 200 and function.timeout 10 s.
 *
 * What "could be aborted" means under random faults: the sandbox draws a fault per request, not
 * per change, so a permanent fault (ResourceAuthFailed) does not mark a change for good: the next
 * request for it may pass. A stuck, policy-abortable change may therefore stay unaborted after
 * two sweeps only when, in each sweep, the path to its abort met faults: a listing or a
 * DescribeChange failed (the change was not examined, or recorded `failed` / `not_found`), or
 * every AbortChange for it was answered with a fault (recorded `failed` / `not_found` /
 * `timeout`). The check: every abortable change that some AbortChange was answered OK for is
 * aborted (or aborting) in sandbox state; every one that is not was, in both sweeps, unexamined
 * or recorded failed/not_found/timeout with every AbortChange of that sweep answered with a fault.
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import type { OutcomeRecord } from '#shared/model/record.js';
import { OutcomeLog } from '#shared/outcome-log/outcome-log.js';
import { createSlsStore } from '#shared/outcome-log/sls-store.js';
import type { OutcomeStore } from '#shared/outcome-log/store.js';
import type { RunSummary } from '#shared/pipeline/summary.js';
import { type SlsStandIn, startSlsStandIn } from '../sandbox/sls/server.js';
import type { JournalEntry } from '../sandbox/webplus/index.js';
import {
  appId,
  change,
  changeId,
  envId,
  eventBridgeEvent,
  fcContext,
  httpEventObject,
  memoryStore,
  type Rig,
  startRig,
  summaryOf,
  timerEvent,
} from './helpers.js';

// ---------------------------------------------------------------------------------------------
// Scale, secrets, output capture, checks

const scaleArg = process.argv.indexOf('--scale');
const ci = scaleArg >= 0 && process.argv[scaleArg + 1] === 'ci';
const SIZE = ci
  ? { stuck: 300, healthy: 60, paused: 60, protected: 60, dryRun: 60, quiet: 100, fuzz: 1000 }
  : {
      stuck: 5000,
      healthy: 500,
      paused: 500,
      protected: 500,
      dryRun: 500,
      quiet: 1000,
      fuzz: 10000,
    };
const SEED = 20260529;
const TRANSIENT = 0.2;
const PERMANENT = 0.02;
const MAX_ATTEMPTS = 4;

const CREDENTIALS = {
  accessKeyId: 'soak-ak',
  accessKeySecret: `soak-secret-${randomBytes(12).toString('hex')}`,
  securityToken: `soak-sts-${randomBytes(24).toString('hex')}`,
};
const HTTP_TOKEN = `soak-http-${randomBytes(16).toString('hex')}`;
const WRONG_TOKEN = `soak-wrong-${randomBytes(16).toString('hex')}`;
const SECRETS: [string, string][] = [
  ['access key secret', CREDENTIALS.accessKeySecret],
  ['STS token', CREDENTIALS.securityToken],
  ['HTTP token', HTTP_TOKEN],
  ['wrong HTTP token', WRONG_TOKEN],
];

/** Everything the suite saw go out: scanned for secrets at the end. */
const outputs: string[] = [];
const captured: string[] = [];
for (const stream of [process.stdout, process.stderr]) {
  const original = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    captured.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString());
    return original(chunk, ...rest);
  }) as typeof stream.write;
}
const uncaught: unknown[] = [];
process.on('uncaughtException', (err) => uncaught.push(err));
process.on('unhandledRejection', (err) => uncaught.push(err));

let passed = 0;
let failed = 0;
function check(name: string, ok: boolean, detail = ''): void {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? `: ${detail}` : ''}`);
}
function info(line: string): void {
  console.log(`     ${line}`);
}

const BASE_ENV = {
  WEBPLUS_QPS: '10000',
  WEBPLUS_CONCURRENCY: '32',
  RETRY_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
  RETRY_BASE_MS: '1',
  RETRY_MAX_DELAY_MS: '5',
  ATTEMPT_TIMEOUT_MS: '5000',
  HTTP_AUTH_TOKENS: HTTP_TOKEN,
};

// ---------------------------------------------------------------------------------------------
// The soak world: stuck, healthy, paused, protected and dry-run changes among quiet environments

type Kind = 'stuck' | 'healthy' | 'paused' | 'protected' | 'dryRun' | 'quiet';
interface World {
  scenario: Record<string, unknown>;
  policy: Record<string, unknown>;
  kindOf: Map<string, Kind>;
  envOf: Map<string, string>;
  ids: Record<Kind, string[]>;
}

function buildWorld(
  size: Record<Kind, number>,
  extra: Record<string, unknown> = {},
  policyExtra: Record<string, unknown> = {},
): World {
  const envs: Record<string, unknown>[] = [];
  const changes: Record<string, unknown>[] = [];
  const kindOf = new Map<string, Kind>();
  const envOf = new Map<string, string>();
  const ids: Record<Kind, string[]> = {
    stuck: [],
    healthy: [],
    paused: [],
    protected: [],
    dryRun: [],
    quiet: [],
  };
  const protectEnvs: string[] = [];
  const environments: Record<string, unknown> = {};
  const ENVS_PER_APP = 40;
  let e = 0;
  let c = 0;
  const kinds: Kind[] = ['stuck', 'healthy', 'paused', 'protected', 'dryRun', 'quiet'];
  for (const kind of kinds) {
    for (let i = 0; i < size[kind]; i++, e++) {
      const env = envId(e);
      envs.push({ EnvId: env, AppId: appId(Math.floor(e / ENVS_PER_APP)), EnvName: `env-${e}` });
      if (kind === 'protected') protectEnvs.push(env);
      if (kind === 'dryRun') environments[env] = { mode: 'dry-run' };
      if (kind === 'quiet' && i % 2 === 1) continue; // never deployed
      const n = c++;
      const spec =
        kind === 'healthy'
          ? { idleMin: 2, ageMin: 5 }
          : kind === 'quiet'
            ? { idleMin: 90, ageMin: 95, extra: { finished: true, succeed: true } }
            : kind === 'paused'
              ? { idleMin: 90, ageMin: 95, extra: { paused: true } }
              : { idleMin: 90, ageMin: 95 };
      changes.push(change({ n, env: e, ...spec }));
      const id = changeId(n);
      kindOf.set(id, kind);
      envOf.set(id, env);
      ids[kind].push(id);
    }
  }
  const apps = Array.from({ length: Math.ceil(e / ENVS_PER_APP) }, (_, i) => ({
    AppId: appId(i),
    AppName: `app-${i}`,
  }));
  return {
    scenario: { credentials: [CREDENTIALS], apps, envs, changes, ...extra },
    policy: {
      protect: { envIds: protectEnvs, appIds: [] },
      environments,
      sweep: { maxAbortsPerRun: 100_000 },
      ...policyExtra,
    },
    kindOf,
    envOf,
    ids,
  };
}

const isOk = (j: JournalEntry): boolean => j.status >= 200 && j.status < 300;
const abortsOf = (journal: JournalEntry[], id: string): JournalEntry[] =>
  journal.filter((j) => j.action === 'AbortChange' && j.changeId === id);

function isAbortedInSandbox(rig: Rig, world: World, id: string): boolean {
  const c = rig.sandbox.change(id);
  if (c?.ChangeAborted) return true;
  const env = rig.sandbox.appEnv(world.envOf.get(id)!);
  return Boolean(env?.AbortingChange && env.LatestChangeId === id);
}

interface SweepRun {
  summary: RunSummary;
  records: OutcomeRecord[];
  journal: JournalEntry[];
  ms: number;
}

async function sweep(rig: Rig, records: () => OutcomeRecord[]): Promise<SweepRun> {
  const j0 = rig.sandbox.journal().length;
  const r0 = records().length;
  const started = Date.now();
  const result = await rig.handler(timerEvent(), fcContext(CREDENTIALS));
  const ms = Date.now() - started;
  outputs.push(JSON.stringify(result));
  return {
    summary: summaryOf(result),
    records: records().slice(r0),
    journal: rig.sandbox.journal().slice(j0),
    ms,
  };
}

/** One record per in-flight change examined in a sweep, none twice, none for unknown changes. */
function checkOneRecordPerChange(label: string, world: World, run: SweepRun): void {
  const counts = new Map<string, number>();
  for (const r of run.records) {
    if (r.changeId) counts.set(r.changeId, (counts.get(r.changeId) ?? 0) + 1);
  }
  const twice = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
  check(`${label}: no change recorded twice`, twice.length === 0, twice.slice(0, 3).join(', '));
  const unknown = [...counts.keys()].filter((id) => world.kindOf.get(id) === undefined);
  check(`${label}: records name only in-flight changes`, unknown.length === 0, unknown.join(', '));
  const quiet = [...counts.keys()].filter((id) => world.kindOf.get(id) === 'quiet');
  check(`${label}: no record for quiet environments`, quiet.length === 0, quiet.join(', '));
  const examined = new Set(
    run.journal.filter((j) => j.action === 'DescribeChange' && isOk(j)).map((j) => j.changeId!),
  );
  const missing = [...examined].filter((id) => !counts.has(id));
  check(
    `${label}: every examined change has a record`,
    missing.length === 0,
    `${examined.size} examined, ${counts.size} recorded${missing.length ? `, missing ${missing.slice(0, 3).join(', ')}` : ''}`,
  );
  check(
    `${label}: summary results equal records`,
    run.summary.results.length === run.records.length,
    `${run.summary.results.length} results, ${run.records.length} records`,
  );
}

function checkPolicy(label: string, rig: Rig, world: World, runs: SweepRun[]): void {
  const journal = rig.sandbox.journal();
  const outside = (['healthy', 'paused', 'protected', 'dryRun'] as Kind[]).flatMap((k) =>
    world.ids[k].filter(
      (id) =>
        abortsOf(journal, id).length > 0 ||
        isAbortedInSandbox(rig, world, id) ||
        runs.some((run) => run.records.some((r) => r.changeId === id && r.outcome === 'aborted')),
    ),
  );
  check(
    `${label}: zero aborts outside the policy (healthy, paused, protected, dry-run)`,
    outside.length === 0,
    outside.length
      ? `${outside.length}: ${outside.slice(0, 3).join(', ')}`
      : 'journal and state clean',
  );
  const wouldAbort = runs[0]!.records.filter(
    (r) => r.changeId && world.kindOf.get(r.changeId) === 'dryRun' && r.outcome === 'would_abort',
  ).length;
  info(
    `${label}: dry-run changes recorded would_abort in sweep 1: ${wouldAbort} of ${world.ids.dryRun.length}`,
  );
}

/** Stuck changes: aborted, or met faults on every path in both sweeps. Returns the first sweep's failed count. */
function checkAbortable(label: string, rig: Rig, world: World, runs: SweepRun[]): void {
  const all = rig.sandbox.journal();
  let aborted = 0;
  const notAbortedButOk: string[] = [];
  const unexplained: string[] = [];
  const reasons = new Map<string, number>();
  for (const id of world.ids.stuck) {
    const okAbort = abortsOf(all, id).some(isOk);
    const inState = isAbortedInSandbox(rig, world, id);
    if (inState) aborted++;
    if (okAbort && !inState) notAbortedButOk.push(id);
    if (!okAbort && inState) unexplained.push(`${id} aborted without an OK AbortChange`);
    if (inState) continue;
    const why: string[] = [];
    for (const [i, run] of runs.entries()) {
      const record = run.records.find((r) => r.changeId === id);
      const calls = abortsOf(run.journal, id);
      if (!record) {
        why.push(`s${i + 1}:unexamined`);
        continue;
      }
      const faulted = ['failed', 'not_found', 'timeout'].includes(record.outcome);
      if (!faulted || calls.some(isOk)) {
        unexplained.push(`${id} sweep ${i + 1}: ${record.outcome}, ${calls.length} calls`);
      }
      why.push(`s${i + 1}:${record.outcome}${calls.length ? '' : '(read)'}`);
    }
    const key = why.join(' ');
    reasons.set(key, (reasons.get(key) ?? 0) + 1);
  }
  check(
    `${label}: every abortable change with an accepted AbortChange is aborted in sandbox state`,
    notAbortedButOk.length === 0,
    `${aborted} of ${world.ids.stuck.length} aborted/aborting${notAbortedButOk.length ? `; not: ${notAbortedButOk.slice(0, 3).join(', ')}` : ''}`,
  );
  check(
    `${label}: every stuck change left unaborted met faults in both sweeps`,
    unexplained.length === 0,
    unexplained.length
      ? unexplained.slice(0, 3).join('; ')
      : `${world.ids.stuck.length - aborted} left: ${[...reasons].map(([k, n]) => `${n}x ${k}`).join(', ') || 'none'}`,
  );
  // Failed in sweep 1: every attempt met a fault.
  const first = runs[0]!;
  const failedRecords = first.records.filter((r) => r.outcome === 'failed');
  const bad = failedRecords.filter(
    (r) => r.changeId && abortsOf(first.journal, r.changeId).some(isOk),
  );
  check(
    `${label}: every failed in sweep 1 met a fault on every attempt`,
    bad.length === 0,
    bad.map((r) => r.changeId).join(', '),
  );
  const attempted = world.ids.stuck.filter((id) => abortsOf(first.journal, id).length > 0).length;
  const retriesSpent = failedRecords.filter((r) => r.changeId && r.attempts >= MAX_ATTEMPTS).length;
  const expected = attempted * TRANSIENT ** MAX_ATTEMPTS;
  const notFound = first.records.filter(
    (r) => r.outcome === 'not_found' && r.changeId && world.kindOf.get(r.changeId) === 'stuck',
  ).length;
  info(
    `${label}: sweep 1 failed ${failedRecords.length} (retries spent: ${retriesSpent}; expected N x rate^attempts = ${attempted} x ${TRANSIENT}^${MAX_ATTEMPTS} = ${expected.toFixed(1)}); not_found (permanent ResourceAuthFailed) ${notFound}`,
  );
  check(
    `${label}: failed with retries spent within reason of N x rate^attempts`,
    retriesSpent <= Math.max(5, expected * 3 + 3 * Math.sqrt(expected)),
    `${retriesSpent} vs ${expected.toFixed(1)} expected`,
  );
}

async function faultSoak(): Promise<void> {
  console.log(
    `== fault soak (${SIZE.stuck} stuck; transient ${TRANSIENT}, permanent ${PERMANENT}, seed ${SEED})`,
  );
  const world = buildWorld(SIZE, {
    randomFaults: { transient: TRANSIENT, permanent: PERMANENT, seed: SEED },
  });
  const store = memoryStore();
  const rig = await startRig(world.scenario, { env: BASE_ENV, policy: world.policy, store });
  try {
    const runs: SweepRun[] = [];
    for (let i = 1; i <= 2; i++) {
      const run = await sweep(rig, () => store.records);
      runs.push(run);
      const tally = new Map<string, number>();
      for (const r of run.records) tally.set(r.outcome, (tally.get(r.outcome) ?? 0) + 1);
      info(
        `sweep ${i}: ${run.ms} ms, ${run.journal.length} Web+ calls, ${run.records.length} records: ${[...tally].map(([k, n]) => `${k} ${n}`).join(', ')}`,
      );
      checkOneRecordPerChange(`fault soak sweep ${i}`, world, run);
    }
    checkPolicy('fault soak', rig, world, runs);
    checkAbortable('fault soak', rig, world, runs);
    outputs.push(JSON.stringify(store.records), JSON.stringify(rig.sandbox.journal()));
    outputs.push(...rig.stdoutLines, ...rig.warnings);
  } finally {
    await rig.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Log-store outage

const decisionKey = (r: {
  changeId?: string;
  envId?: string;
  outcome: string;
  attempts?: number | string;
}): string => `${r.changeId ?? ''}|${r.envId ?? ''}|${r.outcome}|${String(r.attempts ?? 0)}`;

function multisetDiff(a: string[], b: string[]): { onlyA: number; onlyB: number } {
  const m = new Map<string, number>();
  for (const k of a) m.set(k, (m.get(k) ?? 0) + 1);
  for (const k of b) m.set(k, (m.get(k) ?? 0) - 1);
  let onlyA = 0;
  let onlyB = 0;
  for (const n of m.values()) {
    if (n > 0) onlyA += n;
    else onlyB -= n;
  }
  return { onlyA, onlyB };
}

async function logStoreOutage(): Promise<void> {
  console.log('== log-store outage (SLS stand-in failing half the time, then all the time)');
  const world = buildWorld(SIZE, {
    // Transient Web+ faults only: a permanent one on DescribeApplications would end a sweep with a
    // single decision, and this section is about the log store, not Web+.
    randomFaults: { transient: TRANSIENT, permanent: 0, seed: SEED + 1 },
  });
  const sls: SlsStandIn = await startSlsStandIn({ credentials: [CREDENTIALS] });
  const store: OutcomeStore = createSlsStore({
    endpoint: sls.url,
    project: 'soak-audit',
    logstore: 'webplus-abort',
    baseDelayMs: 1,
    maxAttempts: MAX_ATTEMPTS,
    attemptTimeoutMs: 5000,
  });
  const rig = await startRig(world.scenario, { env: BASE_ENV, policy: world.policy, store });
  try {
    const alwaysInFlight = SIZE.healthy + SIZE.paused + SIZE.protected + SIZE.dryRun;
    for (const every of ['half', 'all'] as const) {
      sls.setFailure({ kind: 'server-busy', every });
      const logs0 = sls.logs().length;
      const lines0 = rig.stdoutLines.length;
      const run = await sweep(rig, () => []);
      const inSls = sls.logs().slice(logs0);
      const fallback = rig.stdoutLines
        .slice(lines0)
        .map((l) => JSON.parse(l) as OutcomeRecord & { logWriteFailed?: unknown })
        .filter((l) => l.logWriteFailed);
      const stored = [
        ...inSls.map((l) => decisionKey(l.contents as unknown as OutcomeRecord)),
        ...fallback.map(decisionKey),
      ];
      const decisions = run.summary.results.map(decisionKey);
      const diff = multisetDiff(stored, decisions);
      info(
        `SLS ${every}: ${decisions.length} decisions; ${inSls.length} in SLS, ${fallback.length} on stdout fallback; ${sls.journal().length} PutLogs so far`,
      );
      check(
        `log-store outage (${every}): the sweep decided on the in-flight changes`,
        decisions.length > alwaysInFlight / 2,
        `${decisions.length} decisions; ${alwaysInFlight} changes stay in flight (healthy, paused, protected, dry-run)`,
      );
      check(
        `log-store outage (${every}): SLS + fallback equal the decisions, none duplicated`,
        diff.onlyA === 0 && diff.onlyB === 0 && stored.length === decisions.length,
        `${stored.length} stored vs ${decisions.length} decisions; ${diff.onlyA} extra, ${diff.onlyB} missing`,
      );
    }
    outputs.push(JSON.stringify(sls.logs()), JSON.stringify(sls.journal()));
    outputs.push(JSON.stringify(rig.sandbox.journal()), ...rig.stdoutLines, ...rig.warnings);
    await partialBatchFailure();
  } finally {
    await rig.close();
    await sls.close();
  }
}

/**
 * More records than one PutLogs takes (4096): the first batch is stored, then SLS fails for good.
 * The stdout fallback must carry only the records SLS did not store (fixed in OutcomeLog: the
 * SLS store reports how many it wrote; before, every record was repeated on stdout).
 */
async function partialBatchFailure(): Promise<void> {
  const sls = await startSlsStandIn({ credentials: [CREDENTIALS] });
  const lines: string[] = [];
  const log = new OutcomeLog(
    createSlsStore({
      endpoint: sls.url,
      project: 'soak-audit',
      logstore: 'webplus-abort',
      baseDelayMs: 1,
      maxAttempts: 2,
      attemptTimeoutMs: 5000,
    }),
    (line) => lines.push(line),
  );
  const N = 5000;
  const time = new Date().toISOString();
  const records: OutcomeRecord[] = Array.from({ length: N }, (_, i) => ({
    time,
    changeId: changeId(i),
    trigger: 'timer',
    invocationId: 'soak-partial-batch',
    mode: 'enforce',
    outcome: 'skipped',
    detail: 'soak: partial batch failure',
    attempts: 0,
  }));
  // Once the first PutLogs has arrived, every later one fails.
  let armed = true;
  const poll = (): void => {
    if (!armed) return;
    if (sls.journal().length >= 1) {
      sls.setFailure({ kind: 'server-busy', every: 'all' });
      armed = false;
      return;
    }
    setImmediate(poll);
  };
  setImmediate(poll);
  try {
    const report = await log.write(records, {
      invocationId: 'soak-partial-batch',
      trigger: 'timer',
      functionName: 'abort-stuck-changes',
      region: 'cn-hangzhou',
      credentials: CREDENTIALS,
      deadlineMs: Date.now() + 60_000,
    });
    armed = false;
    const inSls = sls.logs().map((l) => l.contents.changeId ?? '');
    const fallback = lines.map((l) => (JSON.parse(l) as OutcomeRecord).changeId ?? '');
    const all = [...inSls, ...fallback];
    info(
      `partial batch failure: ${N} records; ${inSls.length} in SLS, ${fallback.length} on stdout fallback (${report.fallback?.reason ?? 'no fallback'})`,
    );
    check(
      'log-store outage (later batch fails): exercised (first batch stored, a later one failed)',
      inSls.length > 0 && fallback.length > 0,
      `${inSls.length} stored, ${fallback.length} fallback`,
    );
    check(
      'log-store outage (later batch fails): SLS + fallback equal the records, none duplicated',
      all.length === N && new Set(all).size === N,
      `${all.length} stored for ${N} records, ${all.length - new Set(all).size} duplicates`,
    );
    outputs.push(JSON.stringify(sls.journal()), ...lines);
  } finally {
    armed = false;
    await sls.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Bad input

/**
 * The sandbox holds in-flight changes, all in protected environments: any input that reaches
 * Web+ produces at least one record that is neither `ignored` nor `invalid` (a sweep or an abort
 * examines a protected change and records `skipped`). So for every input whose answer is a 4xx,
 * or whose results are all `ignored` / `invalid`, a grown journal would be a Web+ call made for
 * invalid input. Nothing can ever be aborted (protected), which is checked too.
 */
async function badInput(): Promise<void> {
  console.log(
    `== bad input (${SIZE.fuzz} generated events and HTTP requests, fast-check seed ${SEED})`,
  );
  const world = buildWorld(
    { stuck: 0, healthy: 0, paused: 0, protected: 6, dryRun: 0, quiet: 2 },
    {},
    {},
  );
  const store = memoryStore();
  const rig = await startRig(world.scenario, {
    env: { ...BASE_ENV, HTTP_MAX_BODY_BYTES: '65536', HTTP_MAX_IDS: '20' },
    policy: world.policy,
    store,
  });
  const knownIds = world.ids.protected;
  const idArb = fc.oneof(
    fc.string(),
    fc.constantFrom(...knownIds),
    fc.constant('wc-../../etc/passwd'),
    fc.constant(`${knownIds[0]}\u0000`),
  );
  const body = fc.oneof(
    fc.jsonValue().map((v) => JSON.stringify(v)),
    fc.string(),
    fc
      .record(
        {
          changeIds: fc.oneof(fc.array(idArb, { maxLength: 30 }), idArb, fc.jsonValue()),
          envIds: fc.oneof(fc.array(fc.string()), fc.jsonValue()),
          appIds: fc.array(fc.string()),
          dryRun: fc.jsonValue(),
          note: fc.oneof(fc.string(), fc.jsonValue()),
        },
        { requiredKeys: [] },
      )
      .map((v) => JSON.stringify(v)),
    fc.constant('x'.repeat(70_000)),
    fc.constant(''),
  );
  const headers = fc.oneof(
    { arbitrary: fc.constant({ Authorization: `Bearer ${HTTP_TOKEN}` }), weight: 5 },
    { arbitrary: fc.constant({ 'X-Abort-Token': HTTP_TOKEN }), weight: 2 },
    { arbitrary: fc.constant({}), weight: 1 },
    { arbitrary: fc.constant({ Authorization: `Bearer ${WRONG_TOKEN}` }), weight: 1 },
    { arbitrary: fc.constant({ 'X-Abort-Token': WRONG_TOKEN }), weight: 1 },
    { arbitrary: fc.dictionary(fc.string(), fc.string(), { maxKeys: 4 }), weight: 1 },
  );
  const httpArb = fc
    .record({
      method: fc.oneof(
        { arbitrary: fc.constant('POST'), weight: 6 },
        { arbitrary: fc.constantFrom('GET', 'PUT', 'DELETE', 'OPTIONS'), weight: 2 },
        { arbitrary: fc.string(), weight: 1 },
      ),
      path: fc.oneof(
        {
          arbitrary: fc.constantFrom(
            '/abort',
            '/sweep',
            '/health',
            '/cms-callback',
            '/',
            '/abort/',
          ),
          weight: 6,
        },
        { arbitrary: fc.string(), weight: 1 },
      ),
      body,
      headers,
      query: fc.oneof(
        fc.constant({}),
        fc.dictionary(fc.string(), fc.string(), { maxKeys: 4 }),
        fc.record({ changeIds: idArb }),
        fc.constant({ token: WRONG_TOKEN }),
      ),
      isBase64Encoded: fc.boolean(),
    })
    .map((o) => ({ http: true as const, event: httpEventObject(o) }));
  const otherArb = fc.oneof(
    fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
    fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
    fc.string().map((s) => Buffer.from(s)),
    fc.anything(),
    fc
      .record({ triggerName: fc.jsonValue(), payload: fc.jsonValue() })
      .map((v) => Buffer.from(JSON.stringify(v))),
    fc
      .tuple(
        fc.string(),
        fc.oneof(
          fc.string(),
          idArb.map((id) => `changeId=${id}`),
        ),
      )
      .map(([id, dims]) => eventBridgeEvent(`fuzz-${id}`, dims)),
  );
  const eventArb = fc.oneof(
    { arbitrary: httpArb, weight: 1 },
    { arbitrary: otherArb.map((event) => ({ http: false as const, event })), weight: 1 },
  );
  const samples = fc.sample(eventArb, { numRuns: SIZE.fuzz, seed: SEED });
  let threw = 0;
  let notJson = 0;
  let badStatus = 0;
  let callsForInvalid = 0;
  const statuses = new Map<number, number>();
  let calledOk = 0;
  const examples: string[] = [];
  try {
    for (const sample of samples) {
      const j0 = rig.sandbox.journal().length;
      const event = sample.http ? Buffer.from(JSON.stringify(sample.event)) : sample.event;
      let invalid = false;
      try {
        const result = await rig.handler(event, fcContext(CREDENTIALS, 30));
        const text = JSON.stringify(result);
        outputs.push(text);
        if (result && typeof result === 'object' && 'statusCode' in result) {
          const status = result.statusCode;
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          if (!(status >= 200 && status < 300) && !(status >= 400 && status < 500)) badStatus++;
          let parsed: unknown;
          try {
            parsed = JSON.parse(result.body);
          } catch {
            notJson++;
          }
          const type = Object.entries(result.headers ?? {}).find(
            ([k]) => k.toLowerCase() === 'content-type',
          )?.[1];
          if (!String(type).includes('json')) notJson++;
          if (status >= 400) invalid = true;
          else if (parsed && typeof parsed === 'object' && 'results' in parsed) {
            invalid = (parsed as RunSummary).results.every((r) =>
              ['ignored', 'invalid'].includes(r.outcome),
            );
          }
        } else {
          invalid = summaryOf(result).results.every((r) =>
            ['ignored', 'invalid'].includes(r.outcome),
          );
        }
      } catch (err) {
        threw++;
        if (examples.length < 3) examples.push(String(err));
        outputs.push(String((err as Error)?.stack ?? err));
      }
      const grew = rig.sandbox.journal().length > j0;
      if (grew && invalid) {
        callsForInvalid++;
        if (examples.length < 3) examples.push(JSON.stringify(sample.event).slice(0, 300));
      }
      if (grew && !invalid) calledOk++;
    }
    info(
      `HTTP statuses: ${[...statuses]
        .sort((a, b) => a[0] - b[0])
        .map(([s, n]) => `${s}x${n}`)
        .join(' ')}; inputs that reached Web+ (valid): ${calledOk}`,
    );
    check(
      'bad input: no exception from the handler',
      threw === 0,
      `${threw} threw ${examples.join(' | ')}`,
    );
    check(
      'bad input: no Web+ call for invalid input',
      callsForInvalid === 0,
      `${callsForInvalid} ${examples.join(' | ')}`,
    );
    check('bad input: every HTTP answer is 2xx or 4xx', badStatus === 0, `${badStatus} otherwise`);
    check('bad input: every HTTP answer is JSON', notJson === 0, `${notJson} not JSON`);
    check(
      'bad input: nothing aborted',
      rig.sandbox.abortCalls() === 0 ||
        rig.sandbox.journal().every((j) => j.action !== 'AbortChange' || !isOk(j)),
      `${rig.sandbox.abortCalls()} AbortChange calls`,
    );
    outputs.push(JSON.stringify(store.records), JSON.stringify(rig.sandbox.journal()));
    outputs.push(...rig.stdoutLines, ...rig.warnings);
  } finally {
    await rig.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Security

async function security(): Promise<void> {
  console.log('== security (unauthenticated and wrong-token requests)');
  const world = buildWorld({ stuck: 3, healthy: 0, paused: 0, protected: 0, dryRun: 0, quiet: 0 });
  const store = memoryStore();
  const rig = await startRig(world.scenario, { env: BASE_ENV, policy: world.policy, store });
  const body = JSON.stringify({ changeIds: world.ids.stuck });
  const requests: [string, Record<string, unknown>][] = [
    ['no token /abort', httpEventObject({ path: '/abort', body })],
    ['no token /sweep', httpEventObject({ path: '/sweep', body: '{}' })],
    [
      'no token /cms-callback',
      httpEventObject({ path: '/cms-callback', body: 'alertState=ALERT' }),
    ],
    [
      'wrong bearer',
      httpEventObject({
        path: '/abort',
        body,
        headers: { Authorization: `Bearer ${WRONG_TOKEN}` },
      }),
    ],
    [
      'wrong X-Abort-Token',
      httpEventObject({ path: '/abort', body, headers: { 'X-Abort-Token': WRONG_TOKEN } }),
    ],
    [
      'bearer of the wrong scheme',
      httpEventObject({ path: '/abort', body, headers: { Authorization: `Basic ${HTTP_TOKEN}` } }),
    ],
    [
      'token prefix',
      httpEventObject({
        path: '/abort',
        body,
        headers: { Authorization: `Bearer ${HTTP_TOKEN.slice(0, -1)}` },
      }),
    ],
    [
      'wrong ?token=',
      httpEventObject({
        path: '/cms-callback',
        body: 'alertState=ALERT',
        query: { token: WRONG_TOKEN },
      }),
    ],
    ['?token= on /abort', httpEventObject({ path: '/abort', body, query: { token: HTTP_TOKEN } })],
  ];
  try {
    for (const [name, event] of requests) {
      const j0 = rig.sandbox.journal().length;
      const result = await rig.handler(Buffer.from(JSON.stringify(event)), fcContext(CREDENTIALS));
      outputs.push(JSON.stringify(result));
      const status = 'statusCode' in result ? result.statusCode : 0;
      check(
        `security: ${name} → 401, no Web+ call`,
        status === 401 && rig.sandbox.journal().length === j0,
        `status ${status}, ${rig.sandbox.journal().length - j0} calls`,
      );
    }
    check(
      'security: no record for refused requests',
      store.records.length === 0,
      `${store.records.length} records`,
    );
    // One authenticated request, so that every output path carries real traffic for the scan.
    const ok = await rig.handler(
      Buffer.from(
        JSON.stringify(
          httpEventObject({
            path: '/abort',
            body,
            headers: { Authorization: `Bearer ${HTTP_TOKEN}` },
          }),
        ),
      ),
      fcContext(CREDENTIALS),
    );
    outputs.push(JSON.stringify(ok));
    check(
      'security: the right token is accepted',
      'statusCode' in ok &&
        ok.statusCode === 200 &&
        rig.sandbox.abortCalls() === world.ids.stuck.length,
      `status ${'statusCode' in ok ? ok.statusCode : '?'}, ${rig.sandbox.abortCalls()} AbortChange`,
    );
    outputs.push(JSON.stringify(store.records), JSON.stringify(rig.sandbox.journal()));
    outputs.push(...rig.stdoutLines, ...rig.warnings);
  } finally {
    await rig.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Deadline

async function deadline(): Promise<void> {
  const TIMEOUT_S = 10;
  const MARGIN_MS = 2000;
  console.log(`== deadline (function.timeout ${TIMEOUT_S} s, Web+ AbortChange hung)`);
  const world = buildWorld({ stuck: 5, healthy: 0, paused: 0, protected: 0, dryRun: 0, quiet: 0 });
  world.scenario.faults = world.ids.stuck.map((id) => ({
    action: 'AbortChange',
    changeId: id,
    responses: Array(10).fill({ delayMs: 60_000, status: 503, code: 'ServiceUnavailable' }),
  }));
  const store = memoryStore();
  const rig = await startRig(world.scenario, {
    env: {
      ...BASE_ENV,
      RETRY_BASE_MS: '200',
      RETRY_MAX_DELAY_MS: '5000',
      ATTEMPT_TIMEOUT_MS: '3000',
      DEADLINE_MARGIN_MS: String(MARGIN_MS),
    },
    policy: world.policy,
    store,
  });
  try {
    const started = Date.now();
    const result = await rig.handler(timerEvent(), fcContext(CREDENTIALS, TIMEOUT_S));
    const elapsed = Date.now() - started;
    outputs.push(JSON.stringify(result));
    const budget = TIMEOUT_S * 1000 - MARGIN_MS;
    check(
      `deadline: handler returned within timeout - margin (${budget} ms)`,
      elapsed <= budget,
      `${elapsed} ms`,
    );
    const ids = store.records.map((r) => r.changeId);
    check(
      'deadline: one record per change',
      ids.length === world.ids.stuck.length &&
        new Set(ids).size === ids.length &&
        world.ids.stuck.every((id) => ids.includes(id)),
      `${ids.length} records: ${store.records.map((r) => r.outcome).join(', ')}`,
    );
    outputs.push(JSON.stringify(store.records), ...rig.stdoutLines, ...rig.warnings);
  } finally {
    await rig.close();
  }
}

// ---------------------------------------------------------------------------------------------

function scanSecrets(): void {
  const haystack = [...outputs, ...captured];
  for (const [name, secret] of SECRETS) {
    const hits = haystack.filter((text) => text.includes(secret)).length;
    check(
      `security: no ${name} in any output`,
      hits === 0,
      `${haystack.length} outputs scanned, ${hits} hits`,
    );
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  console.log(`soak: scale ${ci ? 'ci' : 'full'}, node ${process.version}`);
  const sections: [string, () => Promise<void>][] = [
    ['fault soak', faultSoak],
    ['log-store outage', logStoreOutage],
    ['bad input', badInput],
    ['security', security],
    ['deadline', deadline],
  ];
  for (const [name, run] of sections) {
    const t = Date.now();
    try {
      await run();
    } catch (err) {
      check(`${name}: ran to the end`, false, String((err as Error)?.stack ?? err));
    }
    info(`${name}: ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }
  scanSecrets();
  check(
    'no uncaught exception or unhandled rejection',
    uncaught.length === 0,
    uncaught.map(String).join('; '),
  );
  console.log(
    `soak summary: scale ${ci ? 'ci' : 'full'}, ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  console.log(`soak: ${passed} checks passed, ${failed} checks failed`);
  process.exitCode = failed > 0 ? 1 : 0;
}

await main();
