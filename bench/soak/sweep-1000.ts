/**
 * Issue 11's sweep figure: 1,000 environments, each with an in-flight change (2 % stuck),
 * `function.timeout` 20 s, Web+ latency 20 ms, WEBPLUS_QPS 10, production defaults otherwise
 * (ATTEMPT_TIMEOUT_MS 3000, DEADLINE_MARGIN_MS 2000, WEBPLUS_CONCURRENCY 4). Timer runs follow
 * each other in consecutive 5-minute slots until every in-flight environment was examined.
 * Figures: each run returns within timeout − margin; in each run every examined change (a
 * DescribeChange answered OK) has exactly one record and no record names an unexamined one; the
 * summary's `left` matches; the number of timer runs to full coverage is at most the bound the
 * runs state (`sweep.parts`). At ci scale: 100 environments, timeout 5 s, QPS 30, ATTEMPT_TIMEOUT_MS 1000.
 */
import type { OutcomeRecord } from '#shared/model/record.js';
import type { RunSummary } from '#shared/pipeline/summary.js';
import { appId, change, envId, fcContext, memoryStore, startRig, summaryOf } from '../helpers.js';
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
  let bound = Number.POSITIVE_INFINITY;
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
        bound = Math.min(bound, p.parts);
        if (p.left !== p.inFlight - p.examined || p.examined < examined.size) {
          badLeft.push(`run ${runs}: ${JSON.stringify(p)} vs ${examined.size} read`);
        }
      }
      ctx.info(
        `run ${runs}: ${seconds(ms)}, ${journal.length} Web+ calls, ${examined.size} examined, ${records.length} records, left ${p?.left ?? '?'} (part ${p?.firstPart ?? '?'} of ${p?.parts ?? '?'}); covered ${seen.size} of ${envs}`,
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
    ctx.figure(
      `sweep ${envs} envs: timer runs to full coverage`,
      `${runs} runs (${seen.size} of ${envs} examined)`,
      `all covered within the stated bound of ${bound} runs`,
      seen.size === envs && runs <= bound,
    );
    ctx.outputs.push(...rig.stdoutLines, ...rig.warnings);
  } finally {
    await rig.close();
  }
}

export const sweep1000Section: SoakSection = {
  name: 'sweep-1000',
  title: 'sweep of 1,000 environments under function.timeout 20 s at QPS 10, then coverage',
  run: sweep1000,
};
