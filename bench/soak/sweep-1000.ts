/**
 * Issue 11's sweep figure: 1,000 environments, each with an in-flight change (2 % stuck),
 * `function.timeout` 20 s, Web+ latency 20 ms, WEBPLUS_QPS 10, production defaults otherwise
 * (ATTEMPT_TIMEOUT_MS 3000, RETRY_MAX_ATTEMPTS 4, DEADLINE_MARGIN_MS 2000, WEBPLUS_CONCURRENCY
 * 4). Timer runs follow each other in consecutive 5-minute slots until every in-flight
 * environment was examined. Figures: each run returns within timeout − margin; in each run every
 * examined change (a DescribeChange answered OK) has exactly one record and no record names an
 * unexamined one; the summary's `left` matches; the timer runs to full coverage against the
 * bounds the runs state (`sweep.worstCaseRuns` when a run is sure of its part, else the nominal
 * `sweep.nominalRuns`: Web+ at 20 ms is rate-bound). At ci scale: 100 environments, timeout 5 s,
 * QPS 30, ATTEMPT_TIMEOUT_MS 1000.
 *
 * Then the slow-Web+ figure (red-team F2): the same account at latency 2 s, `function.timeout`
 * 10 s, defaults. Every promise a run prints must hold: a worst-case bound only where the run is
 * sure of its part, the applications not listed named as not covered, and with a stated bound
 * every window of that many consecutive slots covers everything. The runs are independent (dry
 * run, no state between runs), so the slots run at once, each on its own instance (rig).
 *
 * Then the mid-read figure (red-team 11 F7): the store read every 250 ms during one sweep, each
 * read as if FC killed the instance then, holds every change already read that needs no abort.
 */
import type { OutcomeRecord } from '#shared/model/record.js';
import type { RunSummary } from '#shared/pipeline/summary.js';
import {
  appId,
  change,
  changeId,
  envId,
  fcContext,
  memoryStore,
  startRig,
  summaryOf,
} from '../helpers.js';
import { CREDENTIALS, type SoakContext, type SoakSection, seconds } from './context.js';
import { isOk } from './world.js';

const SLOT_MS = 5 * 60_000;
const FIRST_SLOT = Date.parse('2026-12-02T00:00:00Z');

/** A timer event of slot `k` (5-minute slots from FIRST_SLOT). */
export function timerAt(k: number): Buffer {
  return Buffer.from(
    JSON.stringify({
      triggerTime: new Date(FIRST_SLOT + k * SLOT_MS).toISOString().replace('.000', ''),
      triggerName: 'sweep-stuck-changes',
      payload: '{}',
    }),
  );
}

/** `n` environments (40 per application), each with one in-flight change; every 50th stuck. */
export function inFlightWorld(n: number, latencyMs: number): Record<string, unknown> {
  const envs = Array.from({ length: n }, (_, e) => ({
    EnvId: envId(e),
    AppId: appId(Math.floor(e / 40)),
    EnvName: `env-${e}`,
  }));
  const apps = Array.from({ length: Math.ceil(n / 40) }, (_, i) => ({
    AppId: appId(i),
    AppName: `app-${i}`,
  }));
  const changes = Array.from({ length: n }, (_, e) =>
    change({
      n: e,
      env: e,
      ...(e % 50 === 0 ? { idleMin: 90, ageMin: 95 } : { idleMin: 2, ageMin: 5 }),
    }),
  );
  return { credentials: [CREDENTIALS], apps, envs, changes, latencyMs };
}

async function sweep1000(ctx: SoakContext): Promise<void> {
  const envs = ctx.pick(100, 1000);
  const timeoutS = ctx.pick(5, 20);
  const qps = ctx.pick(30, 10);
  const attemptMs = ctx.pick(1000, 3000);
  const marginMs = 2000;
  const budgetMs = timeoutS * 1000 - marginMs;
  ctx.info(
    `${envs} environments in flight, function.timeout ${timeoutS} s, latency 20 ms, WEBPLUS_QPS ${qps}, ATTEMPT_TIMEOUT_MS ${attemptMs}, DEADLINE_MARGIN_MS ${marginMs}`,
  );
  const store = memoryStore();
  const rig = await startRig(inFlightWorld(envs, 20), {
    env: {
      WEBPLUS_QPS: String(qps),
      ATTEMPT_TIMEOUT_MS: String(attemptMs),
      DEADLINE_MARGIN_MS: String(marginMs),
    },
    policy: { defaults: { mode: 'enforce' } },
    store,
  });
  const seen = new Set<string>();
  let runs = 0;
  let worstMs = 0;
  let worstBound: number | undefined;
  let nominalBound: number | undefined;
  let anyWorst = true;
  let anyNominal = true;
  let examinedTotal = 0;
  let recordedTotal = 0;
  const badRuns: string[] = [];
  const badLeft: string[] = [];
  try {
    while (seen.size < envs && runs < 60) {
      const j0 = rig.sandbox.journal().length;
      const r0 = store.records.length;
      const started = Date.now();
      const result = await rig.handler(timerAt(runs), fcContext(CREDENTIALS, timeoutS));
      const ms = Date.now() - started;
      runs++;
      worstMs = Math.max(worstMs, ms);
      const summary: RunSummary = summaryOf(result);
      ctx.outputs.push(JSON.stringify(summary));
      const records: OutcomeRecord[] = store.records.slice(r0);
      const journal = rig.sandbox.journal().slice(j0);
      const examined = new Set(
        journal.filter((j) => j.action === 'DescribeChange' && isOk(j)).map((j) => j.changeId!),
      );
      const perChange = new Map<string, number>();
      for (const r of records) {
        if (r.changeId) perChange.set(r.changeId, (perChange.get(r.changeId) ?? 0) + 1);
      }
      const twice = [...perChange].filter(([, k]) => k > 1).length;
      const missing = [...examined].filter((id) => !perChange.has(id)).length;
      const unexamined = [...perChange.keys()].filter((id) => !examined.has(id)).length;
      if (twice + missing + unexamined > 0) {
        badRuns.push(`run ${runs}: ${twice} twice, ${missing} missing, ${unexamined} unexamined`);
      }
      examinedTotal += examined.size;
      recordedTotal += perChange.size;
      for (const id of examined) seen.add(id);
      const p = summary.sweep;
      if (p) {
        if (p.worstCaseRuns === undefined) anyWorst = false;
        else worstBound = Math.max(worstBound ?? 0, p.worstCaseRuns);
        if (p.nominalRuns === undefined) anyNominal = false;
        else nominalBound = Math.max(nominalBound ?? 0, p.nominalRuns);
        if (p.left !== p.inFlight - p.examined || p.examined < examined.size) {
          badLeft.push(`run ${runs}: ${JSON.stringify(p)} vs ${examined.size} read`);
        }
      }
      if (runs === 1 && p) ctx.info(`run 1 states: ${p.coverage}`);
      ctx.info(
        `run ${runs}: ${seconds(ms)}, ${journal.length} Web+ calls, ${examined.size} examined, ${records.length} records, left ${p?.left ?? '?'} (part ${p?.firstPart ?? '?'} of ${p?.parts ?? '?'}, ${p?.partSize ?? '?'} each, ${p?.guaranteedPerRun ?? '?'} sure, G ${p?.partsPerRun ?? '?'}); covered ${seen.size} of ${envs}`,
      );
    }
    ctx.figure(
      `sweep ${envs} envs: slowest run returned in`,
      seconds(worstMs),
      `≤ timeout − margin = ${seconds(budgetMs)}`,
      worstMs <= budgetMs,
    );
    ctx.figure(
      `sweep ${envs} envs: examined changes with exactly one record`,
      `${recordedTotal} recorded of ${examinedTotal} examined over ${runs} runs${badRuns.length ? `; ${badRuns.slice(0, 3).join('; ')}` : ''}`,
      'every examined change one record, none other',
      badRuns.length === 0 && recordedTotal === examinedTotal,
    );
    ctx.figure(
      `sweep ${envs} envs: summary says how many were left`,
      badLeft.length ? badLeft.slice(0, 3).join('; ') : 'left = inFlight − examined in every run',
      'consistent with the reads',
      badLeft.length === 0,
    );
    const worstWords = anyWorst && worstBound !== undefined ? `${worstBound} runs` : 'none stated';
    const nominalWords =
      anyNominal && nominalBound !== undefined ? `${nominalBound} runs` : 'none stated';
    // The bound that must hold here: the worst case when stated, else the nominal one (20 ms
    // with 4 in flight is 200 calls/s, far above the pacer's QPS: rate-bound).
    const bound = anyWorst ? worstBound : anyNominal ? nominalBound : undefined;
    ctx.figure(
      `sweep ${envs} envs at 20 ms: timer runs to full coverage`,
      `${runs} runs (${seen.size} of ${envs} examined)`,
      `≤ the stated bound: worst case ${worstWords}, nominal ${nominalWords}`,
      seen.size === envs && bound !== undefined && runs <= bound,
    );
    ctx.outputs.push(...rig.stdoutLines, ...rig.warnings);
  } finally {
    await rig.close();
  }
  await slowFigure(ctx, envs);
  await midReadFigure(ctx, envs, ctx.pick(15, 40), qps, attemptMs);
}

/**
 * Records stream (red-team 11 F7): the store is read every 250 ms while one sweep runs, each
 * read standing for a kill at that instant. A change whose DescribeChange was answered more
 * than 1.5 s before (the outcome log's 1 s flush, and slack) and that needs no abort must be in
 * that read already; the stuck ones (every 50th: `would_abort`) wait for the reads by design.
 */
async function midReadFigure(
  ctx: SoakContext,
  envs: number,
  timeoutS: number,
  qps: number,
  attemptMs: number,
): Promise<void> {
  // 250 ms a reply, 4 in flight: about 16 reads a second, a read phase of seconds (at full
  // scale it meets the deadline: the kill and the deadline both in one figure).
  const latencyMs = 250;
  ctx.info(
    `mid-read: ${envs} environments in flight, latency ${latencyMs} ms, function.timeout ${timeoutS} s, WEBPLUS_QPS ${qps}, dry run`,
  );
  const store = memoryStore();
  const rig = await startRig(inFlightWorld(envs, latencyMs), {
    env: {
      ABORT_DRY_RUN: 'true',
      WEBPLUS_QPS: String(qps),
      ATTEMPT_TIMEOUT_MS: String(attemptMs),
      DEADLINE_MARGIN_MS: '2000',
    },
    store,
  });
  const stuck = new Set(
    Array.from({ length: envs }, (_, e) => e)
      .filter((e) => e % 50 === 0)
      .map((e) => changeId(e)),
  );
  let kills = 0;
  let worstMissing = 0;
  let readBefore = 0;
  try {
    let done = false;
    const run = rig.handler(timerAt(0), fcContext(CREDENTIALS, timeoutS)).finally(() => {
      done = true;
    });
    while (!done) {
      await new Promise((r) => setTimeout(r, 250));
      const now = Date.now();
      const recorded = new Set(store.records.map((r) => r.changeId));
      const answered = rig.sandbox
        .journal()
        .filter(
          (j) =>
            j.action === 'DescribeChange' &&
            isOk(j) &&
            Date.parse(j.time) + latencyMs < now - 1500 &&
            !stuck.has(j.changeId!),
        )
        .map((j) => j.changeId!);
      if (done) break;
      kills++;
      readBefore = Math.max(readBefore, answered.length);
      worstMissing = Math.max(worstMissing, answered.filter((id) => !recorded.has(id)).length);
    }
    await run;
  } finally {
    await rig.close();
  }
  ctx.figure(
    `sweep ${envs} envs, store read every 250 ms mid-sweep (as if killed then)`,
    `${kills} reads, up to ${readBefore} changes read > 1.5 s before a read, ${worstMissing} of them missing from it`,
    '0 missing: every change read (and needing no abort) already recorded',
    kills > 0 && readBefore > 0 && worstMissing === 0,
  );
}

/**
 * The slow-Web+ figure: latency 2 s, `function.timeout` 10 s, the defaults. Runs `slots`
 * consecutive slots at once (each on its own rig: the runs share no state) and checks every
 * promise printed.
 */
async function slowFigure(ctx: SoakContext, envs: number): Promise<void> {
  const timeoutS = 10;
  const latencyMs = 2000;
  const env = {
    ABORT_DRY_RUN: 'true',
    WEBPLUS_QPS: '10',
    WEBPLUS_CONCURRENCY: '4',
    ATTEMPT_TIMEOUT_MS: '3000',
    RETRY_MAX_ATTEMPTS: '4',
    RETRY_BASE_MS: '200',
    RETRY_MAX_DELAY_MS: '5000',
    DEADLINE_MARGIN_MS: '2000',
  };
  ctx.info(
    `slow Web+: ${envs} environments in flight (${Math.ceil(envs / 40)} applications), latency ${latencyMs} ms, function.timeout ${timeoutS} s, defaults (QPS 10, 4 in flight, ATTEMPT_TIMEOUT_MS 3000, RETRY_MAX_ATTEMPTS 4, margin 2000), dry run`,
  );
  const runOne = async (slot: number) => {
    const store = memoryStore();
    const rig = await startRig(inFlightWorld(envs, latencyMs), { env, store });
    try {
      const started = Date.now();
      const summary: RunSummary = summaryOf(
        await rig.handler(timerAt(slot), fcContext(CREDENTIALS, timeoutS)),
      );
      const ms = Date.now() - started;
      const examined = new Set(
        rig.sandbox
          .journal()
          .filter((j) => j.action === 'DescribeChange')
          .map((j) => j.changeId!),
      );
      ctx.outputs.push(JSON.stringify(summary), ...rig.stdoutLines);
      return { slot, summary, records: store.records as OutcomeRecord[], ms, examined };
    } finally {
      await rig.close();
    }
  };
  const first = await runOne(0);
  const p0 = first.summary.sweep!;
  ctx.info(`slow run 1 states: ${p0.coverage}`);
  // With a stated worst-case bound P: 2P − 1 slots (every window of P); without: 3 slots.
  const slots = p0.worstCaseRuns !== undefined ? 2 * p0.worstCaseRuns - 1 : 3;
  const rest = await Promise.all(Array.from({ length: slots - 1 }, (_, k) => runOne(k + 1)));
  const runs = [first, ...rest];
  const problems: string[] = [];
  let covered = 0;
  const seen = new Set<string>();
  for (const run of runs) {
    const p = run.summary.sweep!;
    for (const id of run.examined) seen.add(id);
    ctx.info(
      `slow run ${run.slot + 1}: ${seconds(run.ms)}, ${p.examined} examined, ${p.left} left, ${p.notListed} listing(s) not read whole, worst case ${p.worstCaseRuns ?? 'none'}, nominal ${p.nominalRuns ?? 'none'}`,
    );
    if (run.ms > (timeoutS - 2) * 1000) problems.push(`run ${run.slot + 1} took ${run.ms} ms`);
    const notListedRecords = run.records.filter(
      (r) => r.appId && !r.changeId && /listing environments of wa-/.test(r.detail ?? ''),
    );
    if (p.notListed > 0 && (p.worstCaseRuns !== undefined || p.nominalRuns !== undefined))
      problems.push(`run ${run.slot + 1} claims a bound with ${p.notListed} listing(s) missing`);
    if (notListedRecords.length !== p.notListed)
      problems.push(
        `run ${run.slot + 1}: ${notListedRecords.length} not-listed records for ${p.notListed}`,
      );
    if (p.worstCaseRuns !== undefined && !p.firstPartExamined)
      problems.push(`run ${run.slot + 1} claims the bound without its part`);
    const claims = run.records.filter((r) =>
      /examined within \d+ timer runs \(/.test(r.detail ?? ''),
    );
    if (claims.length > 0 && p.worstCaseRuns === undefined)
      problems.push(`run ${run.slot + 1}: a record claims a bound the summary does not`);
  }
  // Every window of P consecutive slots covers everything listed, where P is claimed.
  const P = p0.worstCaseRuns;
  if (P !== undefined) {
    for (let start = 0; start + P <= runs.length; start++) {
      const window = new Set<string>();
      for (const run of runs.slice(start, start + P)) for (const id of run.examined) window.add(id);
      if (window.size < p0.inFlight)
        problems.push(`slots ${start + 1}…${start + P}: ${window.size} of ${p0.inFlight}`);
    }
  }
  covered = seen.size;
  ctx.figure(
    `sweep ${envs} envs at 2 s latency, function.timeout 10 s: promises printed`,
    problems.length
      ? problems.slice(0, 3).join('; ')
      : `${runs.length} runs, ${covered} of ${envs} examined; worst case ${P ?? 'none stated'}, ${runs.reduce((a, r) => a + r.summary.sweep!.notListed, 0)} listing(s) named not covered`,
    'every printed promise held (a bound only where it holds; what was not listed named)',
    problems.length === 0,
  );
}

export const sweep1000Section: SoakSection = {
  name: 'sweep-1000',
  title:
    'sweep of 1,000 environments under function.timeout 20 s at QPS 10, then coverage; and at 2 s latency under 10 s',
  run: sweep1000,
};
