/**
 * Issue 11's alarm figures, at production pacing (WEBPLUS_QPS 10, WEBPLUS_CONCURRENCY 4,
 * ATTEMPT_TIMEOUT_MS 3000, DEADLINE_MARGIN_MS 2000; Web+ latency 20 ms):
 * - an EventBridge batch of 1,000 alarms (200 at ci scale), each naming one stuck change, under
 *   `function.timeout` 20 s (6 s at ci): the handler returns within timeout − margin; one record
 *   per alarm's id (acted on, or `timeout` "not sent" for those the deadline left); every change
 *   Web+ accepted an AbortChange for is recorded `aborted`;
 * - one CloudMonitor callback naming 300 ChangeIds: answered within 4.5 s of its arrival; one
 *   record per id (ALARM_MAX_IDS 10 acted on, 290 `deferred`).
 * - one CloudMonitor callback whose dimensions hold 24,000 series (12,000 at ci), one ChangeId
 *   each (red-team 11 F5: it froze the instance 41.8 s, no record written): answered within
 *   4.5 s of its arrival; the first MAX_DIMENSION_ITEMS (10,000) series read, each id recorded
 *   once (acted on, `deferred`, or named by the summary `deferred` record), and one `deferred`
 *   record counting the series not read.
 */
import { randomUUID } from 'node:crypto';
import { MAX_DIMENSION_ITEMS } from '#shared/intake/alarm/dimensions.js';
import type { OutcomeRecord } from '#shared/model/record.js';
import {
  appId,
  change,
  changeId,
  envId,
  fcContext,
  httpEventObject,
  memoryStore,
  startRig,
  summaryOf,
} from '../helpers.js';
import { CREDENTIALS, HTTP_TOKEN, type SoakContext, type SoakSection, seconds } from './context.js';
import { isOk } from './world.js';

/** The policy of the figure sections: enforce, the rest defaults. */
export const ENFORCE = { defaults: { mode: 'enforce' } };

/** Production pacing of these figures. */
export const PRODUCTION_ENV = {
  WEBPLUS_QPS: '10',
  WEBPLUS_CONCURRENCY: '4',
  ATTEMPT_TIMEOUT_MS: '3000',
  DEADLINE_MARGIN_MS: '2000',
  HTTP_AUTH_TOKENS: HTTP_TOKEN,
};

/** `n` environments with one stuck change each (40 per application). */
export function stuckWorld(n: number, latencyMs: number): Record<string, unknown> {
  return {
    credentials: [CREDENTIALS],
    apps: Array.from({ length: Math.ceil(n / 40) }, (_, i) => ({
      AppId: appId(i),
      AppName: `app-${i}`,
    })),
    envs: Array.from({ length: n }, (_, e) => ({
      EnvId: envId(e),
      AppId: appId(Math.floor(e / 40)),
      EnvName: `env-${e}`,
    })),
    changes: Array.from({ length: n }, (_, e) => change({ n: e, env: e, idleMin: 90, ageMin: 95 })),
    latencyMs,
  };
}

/** A fresh EventBridge CloudMonitor alert envelope naming `dimensions` (fired just now). */
export function freshEnvelope(id: string, dimensions: string): Record<string, unknown> {
  return {
    specversion: '1.0',
    id,
    source: 'acs.cms',
    type: 'cms:CloudMonitor:AlertWebHook',
    subject: 'acs.cms:cn-hangzhou:1234567890123456:alarmRule_uuid_00aa11bb22cc33dd44ee55ff',
    time: new Date().toISOString(),
    datacontenttype: 'application/json;charset=utf-8',
    aliyunaccountid: '1234567890123456',
    aliyunregionid: 'cn-hangzhou',
    data: {
      alertName: 'webplus-deploy-5xx',
      alertState: 'ALERT',
      metricName: 'code5XX',
      namespace: 'acs_customMetric_1234567890123456',
      ruleId: 'alarmRule_uuid_00aa11bb22cc33dd44ee55ff',
      dimensions,
      timestamp: String(Date.now()),
    },
  };
}

/**
 * A CloudMonitor callback (HTTP trigger, form body) naming `ids`, arrived at `arrivalMs`; with
 * `envIds`, each series also carries its change's `envId`, as the operator guide's custom
 * metric does (an alarm naming only a ChangeId first lists the applications to learn its EnvId).
 */
export function callbackEvent(
  ids: readonly string[],
  arrivalMs = Date.now(),
  envIds?: readonly string[],
): Buffer {
  const body = new URLSearchParams({
    alertName: 'webplus-deploy-5xx',
    alertState: 'ALERT',
    ruleId: 'rule-soak',
    timestamp: String(Date.now()),
    dimensions: JSON.stringify(
      ids.map((id, i) => (envIds?.[i] ? { changeId: id, envId: envIds[i] } : { changeId: id })),
    ),
  }).toString();
  const event = httpEventObject({
    path: '/cms-callback',
    body,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=UTF-8' },
    query: { token: HTTP_TOKEN },
  });
  (event.requestContext as Record<string, unknown>).timeEpoch = String(arrivalMs);
  return Buffer.from(JSON.stringify(event));
}

/** How many records each id got, and the outcomes. */
function perId(records: readonly OutcomeRecord[]): {
  counts: Map<string, number>;
  outcomes: Map<string, number>;
} {
  const counts = new Map<string, number>();
  const outcomes = new Map<string, number>();
  for (const r of records) {
    if (r.changeId) counts.set(r.changeId, (counts.get(r.changeId) ?? 0) + 1);
    outcomes.set(r.outcome, (outcomes.get(r.outcome) ?? 0) + 1);
  }
  return { counts, outcomes };
}

const tallyText = (m: Map<string, number>) =>
  [...m]
    .sort()
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');

function oneEach(ids: readonly string[], counts: Map<string, number>): boolean {
  return ids.every((id) => counts.get(id) === 1) && counts.size === ids.length;
}

async function batch(ctx: SoakContext): Promise<void> {
  const n = ctx.pick(200, 1000);
  const timeoutS = ctx.pick(6, 20);
  const budgetMs = timeoutS * 1000 - 2000;
  const store = memoryStore();
  const rig = await startRig(stuckWorld(n, 20), { env: PRODUCTION_ENV, policy: ENFORCE, store });
  try {
    const ids = Array.from({ length: n }, (_, i) => changeId(i));
    const event = Buffer.from(
      JSON.stringify(ids.map((id) => freshEnvelope(`soak-${randomUUID()}`, `{changeId=${id}}`))),
    );
    const started = Date.now();
    const result = await rig.handler(event, fcContext(CREDENTIALS, timeoutS));
    const ms = Date.now() - started;
    const summary = summaryOf(result);
    ctx.outputs.push(JSON.stringify(summary));
    const { counts, outcomes } = perId(store.records);
    ctx.info(
      `EventBridge batch of ${n}: ${tallyText(outcomes)}; ${rig.sandbox.journal().length} Web+ calls`,
    );
    ctx.figure(
      `EventBridge batch of ${n} alarms: returned in`,
      seconds(ms),
      `≤ timeout − margin = ${seconds(budgetMs)} (function.timeout ${timeoutS} s)`,
      ms <= budgetMs,
    );
    ctx.figure(
      `EventBridge batch of ${n} alarms: records per named change`,
      `${counts.size} changes recorded, ${[...counts.values()].filter((k) => k > 1).length} twice; summary ${summary.results.length} results`,
      `one each for all ${n}`,
      oneEach(ids, counts) && summary.results.length === store.records.length,
    );
    const acceptedIds = new Set(
      rig.sandbox
        .journal()
        .filter((j) => j.action === 'AbortChange' && isOk(j))
        .map((j) => j.changeId!),
    );
    const notRecorded = [...acceptedIds].filter(
      (id) => !store.records.some((r) => r.changeId === id && r.outcome === 'aborted'),
    );
    ctx.figure(
      `EventBridge batch of ${n} alarms: accepted AbortChange recorded aborted`,
      `${acceptedIds.size - notRecorded.length} of ${acceptedIds.size}`,
      'all',
      notRecorded.length === 0,
    );
    ctx.outputs.push(...rig.stdoutLines, ...rig.warnings);
  } finally {
    await rig.close();
  }
}

async function callback300(ctx: SoakContext): Promise<void> {
  const n = 300;
  const store = memoryStore();
  const rig = await startRig(stuckWorld(n, 20), { env: PRODUCTION_ENV, policy: ENFORCE, store });
  try {
    const ids = Array.from({ length: n }, (_, i) => changeId(i));
    const arrival = Date.now();
    const result = await rig.handler(callbackEvent(ids, arrival), fcContext(CREDENTIALS, 60));
    const ms = Date.now() - arrival;
    const summary = summaryOf(result);
    ctx.outputs.push(JSON.stringify(summary));
    const { counts, outcomes } = perId(store.records);
    ctx.info(`callback of ${n} ids: ${tallyText(outcomes)}`);
    ctx.figure(
      `CloudMonitor callback naming ${n} ids: answered in`,
      seconds(ms),
      '≤ 4.5 s from arrival',
      ms <= 4500,
    );
    ctx.figure(
      `CloudMonitor callback naming ${n} ids: records per id`,
      `${counts.size} ids recorded (${outcomes.get('deferred') ?? 0} deferred), ${[...counts.values()].filter((k) => k > 1).length} twice`,
      `one each for all ${n}`,
      oneEach(ids, counts),
    );
    ctx.outputs.push(...rig.stdoutLines, ...rig.warnings);
  } finally {
    await rig.close();
  }
}

async function callbackManySeries(ctx: SoakContext): Promise<void> {
  const n = ctx.pick(12_000, 24_000);
  const read = Math.min(n, MAX_DIMENSION_ITEMS);
  const store = memoryStore();
  const rig = await startRig(stuckWorld(20, 20), {
    // The body is about 1.5 MB at 24,000 series: above the 256 KiB default limit.
    env: { ...PRODUCTION_ENV, HTTP_MAX_BODY_BYTES: String(8 * 1024 * 1024) },
    policy: ENFORCE,
    store,
  });
  try {
    const ids = Array.from({ length: n }, (_, i) => changeId(i));
    const arrival = Date.now();
    const result = await rig.handler(callbackEvent(ids, arrival), fcContext(CREDENTIALS, 60));
    const ms = Date.now() - arrival;
    const summary = summaryOf(result);
    ctx.outputs.push(JSON.stringify(summary));
    // Each read id once: in a record's changeId, or named in the summary deferred record.
    const counts = new Map<string, number>();
    for (const r of store.records) {
      const named = r.changeId ? [r.changeId] : ((r.detail ?? '').match(/wc-[0-9a-f]{24}/g) ?? []);
      for (const id of named) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    const summaryCount = store.records.find((r) => /more ChangeIds/.test(r.detail ?? ''));
    const countedInSummary = Number(
      /^not acted on: (\d+) more/.exec(summaryCount?.detail ?? '')?.[1] ?? 0,
    );
    const unreadRecords = store.records.filter((r) => /^not read: /.test(r.detail ?? ''));
    const namedOnce = [...counts.values()].every((k) => k === 1);
    const accounted = store.records.filter((r) => r.changeId).length + countedInSummary;
    ctx.figure(
      `alarm with ${n.toLocaleString('en-US')} dimension series: answered in`,
      seconds(ms),
      '≤ 4.5 s from arrival',
      ms <= 4500,
    );
    ctx.figure(
      `alarm with ${n.toLocaleString('en-US')} dimension series: records written`,
      `${store.records.length} records: ${accounted} of the ${read} ids read accounted for (${namedOnce ? 'none' : 'some'} twice), ${unreadRecords.length} record for ${n - read} series not read`,
      `every id read once, 1 record for the ${n - read} not read`,
      accounted === read &&
        namedOnce &&
        unreadRecords.length === (n > read ? 1 : 0) &&
        (n === read ||
          unreadRecords[0]!.detail!.startsWith(`not read: ${n - read} dimension series`)) &&
        summary.results.length === store.records.length,
    );
    ctx.outputs.push(...rig.stdoutLines, ...rig.warnings);
  } finally {
    await rig.close();
  }
}

export const alarmBudgetsSection: SoakSection = {
  name: 'alarm-budgets',
  title:
    '1,000-alarm EventBridge batch, a 300-id callback and a 24,000-series callback within their budgets',
  run: async (ctx) => {
    await batch(ctx);
    await callback300(ctx);
    await callbackManySeries(ctx);
  },
};
