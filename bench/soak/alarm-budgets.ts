/**
 * Issue 11 figures: a CloudMonitor callback naming 300 changes answers within 4.5 s of its
 * arrival (`requestContext.timeEpoch`) with one record per id (the ids past ALARM_MAX_IDS
 * recorded `deferred`, naming the cut); an EventBridge batch of 1,000 alarms (ci: 200) returns
 * within function.timeout − margin with one record per id. Web+ latency 20 ms, QPS 10.
 */
import { randomUUID } from 'node:crypto';
import {
  change,
  changeId,
  fcContext,
  httpEventObject,
  memoryStore,
  startRig,
  summaryOf,
} from '../helpers.js';
import { BASE_ENV, CREDENTIALS, HTTP_TOKEN, check, ci, figure, outputs } from './common.js';

const QPS = 10;

function envelope(id: string, cid: string): Record<string, unknown> {
  return {
    specversion: '1.0',
    id,
    source: 'acs.cms',
    type: 'cms:CloudMonitor:AlertWebHook',
    time: '2026-05-20T10:00:00+08:00',
    datacontenttype: 'application/json;charset=utf-8',
    aliyunaccountid: '1234567890123456',
    aliyunregionid: 'cn-hangzhou',
    data: {
      alertName: 'webplus-deploy-5xx',
      alertState: 'ALERT',
      ruleId: 'alarmRule_uuid_batch',
      dimensions: `{changeId=${cid}}`,
    },
  };
}

async function callback300(): Promise<void> {
  const IDS = 300;
  const changes = Array.from({ length: IDS }, (_, n) =>
    change({ n, env: n, idleMin: 90, ageMin: 95 }),
  );
  const envs = changes.map((c, e) => ({
    EnvId: String(c.EnvId),
    AppId: 'wa-5d39b8ba6786bd4b14000000',
    EnvName: `env-${e}`,
  }));
  const store = memoryStore();
  const rig = await startRig(
    {
      credentials: [CREDENTIALS],
      apps: [{ AppId: 'wa-5d39b8ba6786bd4b14000000', AppName: 'app' }],
      envs,
      changes,
      latencyMs: 20,
      qpsLimit: QPS,
    },
    { env: { ...BASE_ENV, WEBPLUS_QPS: String(QPS), WEBPLUS_CONCURRENCY: '4' }, store },
  );
  try {
    const dims = JSON.stringify(changes.map((c) => ({ changeId: c.ChangeId })));
    const body = new URLSearchParams({
      alertName: 'webplus-deploy-5xx',
      alertState: 'ALERT',
      ruleId: 'rule-300',
      dimensions: dims,
    }).toString();
    const event = httpEventObject({
      path: '/cms-callback',
      body,
      query: { token: HTTP_TOKEN },
      headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=UTF-8' },
    });
    const arrival = Date.now();
    (event.requestContext as Record<string, unknown>).timeEpoch = String(arrival);
    const result = await rig.handler(Buffer.from(JSON.stringify(event)), fcContext(CREDENTIALS, 60));
    const elapsed = Date.now() - arrival;
    outputs.push(JSON.stringify(result));
    const s = summaryOf(result);
    figure('300-id callback: answer after arrival', `${elapsed} ms`, '<= 4500 ms', elapsed <= 4500);
    const ids = store.records.map((r) => r.changeId).filter(Boolean);
    const wanted = new Set(changes.map((c) => String(c.ChangeId)));
    check(
      '300-id callback: one record per id',
      ids.length === IDS && new Set(ids).size === IDS && ids.every((id) => wanted.has(id!)),
      `${ids.length} records, ${new Set(ids).size} distinct`,
    );
    const byOutcome = new Map<string, number>();
    for (const r of s.results) byOutcome.set(r.outcome, (byOutcome.get(r.outcome) ?? 0) + 1);
    const deferred = store.records.filter((r) => r.outcome === 'deferred');
    check(
      '300-id callback: the cut ids are recorded deferred, naming the cap',
      deferred.length > 0 && deferred.every((r) => /ALARM_MAX_IDS/.test(r.detail)),
      [...byOutcome].map(([k, v]) => `${k} ${v}`).join(', '),
    );
  } finally {
    await rig.close();
  }
}

async function eventBridgeBatch(): Promise<void> {
  const ALARMS = ci ? 200 : 1000;
  const TIMEOUT_S = ci ? 5 : 20;
  const MARGIN_MS = ci ? 1000 : 2000;
  const changes = Array.from({ length: ALARMS }, (_, n) =>
    change({ n, env: n, idleMin: 90, ageMin: 95 }),
  );
  const envs = changes.map((c, e) => ({
    EnvId: String(c.EnvId),
    AppId: 'wa-5d39b8ba6786bd4b14000000',
    EnvName: `env-${e}`,
  }));
  const store = memoryStore();
  const rig = await startRig(
    {
      credentials: [CREDENTIALS],
      apps: [{ AppId: 'wa-5d39b8ba6786bd4b14000000', AppName: 'app' }],
      envs,
      changes,
      latencyMs: 20,
      qpsLimit: QPS,
    },
    {
      env: {
        ...BASE_ENV,
        WEBPLUS_QPS: String(QPS),
        WEBPLUS_CONCURRENCY: '4',
        ATTEMPT_TIMEOUT_MS: ci ? '1000' : '3000',
        DEADLINE_MARGIN_MS: String(MARGIN_MS),
      },
      store,
    },
  );
  try {
    const batch = changes.map((_, n) => envelope(randomUUID(), changeId(n)));
    const started = Date.now();
    const result = await rig.handler(Buffer.from(JSON.stringify(batch)), fcContext(CREDENTIALS, TIMEOUT_S));
    const elapsed = Date.now() - started;
    outputs.push(JSON.stringify(result));
    const budget = TIMEOUT_S * 1000 - MARGIN_MS;
    figure(
      `${ALARMS}-alarm EventBridge batch: handler start to return`,
      `${elapsed} ms`,
      `<= timeout - margin = ${budget} ms`,
      elapsed <= budget,
    );
    const ids = store.records.map((r) => r.changeId).filter(Boolean);
    const s = summaryOf(result);
    const aborted = s.results.filter((r) => r.outcome === 'aborted').length;
    const timedOut = s.results.filter((r) => r.outcome === 'timeout').length;
    check(
      `${ALARMS}-alarm EventBridge batch: one record per id`,
      ids.length === ALARMS && new Set(ids).size === ALARMS,
      `${ids.length} records (${aborted} aborted, ${timedOut} timeout: not sent before the deadline)`,
    );
    check(
      `${ALARMS}-alarm EventBridge batch: every AbortChange the sandbox accepted is recorded aborted`,
      rig.sandbox.journal().filter((j) => j.action === 'AbortChange' && j.status === 200).length ===
        aborted,
      `${aborted} aborted records`,
    );
  } finally {
    await rig.close();
  }
}

export async function alarmBudgets(): Promise<void> {
  console.log(`== alarm budgets (Web+ latency 20 ms, QPS ${QPS})`);
  await callback300();
  await eventBridgeBatch();
}
