/**
 * Small builders for end-to-end tests through the handler: well-formed Web+ ids, scenario
 * pieces, and FC event Buffers (timer, HTTP, CloudMonitor callback, EventBridge). Shapes from
 * docs/reference/fc-triggers.md; the recorded payloads are in test/fixtures/.
 */

import type { HandlerResult } from '#shared/pipeline/handle-event.js';
import type { RunSummary } from '#shared/pipeline/summary.js';
import type { JournalEntry } from '../../sandbox/webplus/index.js';

const MINUTE_MS = 60_000;

function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}

/** `wa-` + 24 hex digits; n in 0..65535 */
export const appId = (n: number): string => `wa-5d39b8ba6786bd4b1496${hex4(n)}`;
/** `we-` + 24 hex digits; n in 0..65535 */
export const envId = (n: number): string => `we-5d39b8ba6786bd4b1495${hex4(n)}`;
/** `wc-` + 24 hex digits; n in 0..65535 */
export const changeId = (n: number): string => `wc-5d3a963d5802611c4ddc${hex4(n)}`;

export interface ChangeSpec {
  n: number;
  env: number;
  /** minutes without progress, from now (absolute UpdateTime) */
  idleMin?: number;
  /** minutes since creation, from now (absolute CreateTime) */
  ageMin?: number;
  /** exact ms since last progress (wins over idleMin) */
  idleMs?: number;
  extra?: Record<string, unknown>;
}

/** A scenario change with absolute CreateTime / UpdateTime relative to the real clock now. */
export function change(spec: ChangeSpec): Record<string, unknown> {
  const now = Date.now();
  const idleMs = spec.idleMs ?? (spec.idleMin ?? 45) * MINUTE_MS;
  const ageMs = Math.max(idleMs, (spec.ageMin ?? 60) * MINUTE_MS);
  return {
    ChangeId: changeId(spec.n),
    EnvId: envId(spec.env),
    ActionName: 'Apply',
    CreateTime: now - ageMs,
    UpdateTime: now - idleMs,
    ...spec.extra,
  };
}

/**
 * One application per entry of `envsPerApp` (app i holds that many environments, numbered on),
 * plus the given changes.
 */
export function scenario(
  envsPerApp: number[],
  changes: Record<string, unknown>[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const apps = envsPerApp.map((_, i) => ({ AppId: appId(i), AppName: `app-${i}` }));
  const envs: Record<string, unknown>[] = [];
  let e = 0;
  envsPerApp.forEach((count, i) => {
    for (let k = 0; k < count; k++, e++) {
      envs.push({ EnvId: envId(e), AppId: appId(i), EnvName: `env-${e}` });
    }
  });
  return { apps, envs, changes, ...extra };
}

/** A timer event Buffer as FC delivers it. */
export function timerEvent(payload: Record<string, unknown> | string = {}): Buffer {
  return Buffer.from(
    JSON.stringify({
      triggerTime: '2026-05-20T02:00:00Z',
      triggerName: 'sweep-stuck-changes',
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    }),
  );
}

/** An FC 3.0 HTTP trigger event Buffer. */
export function httpEvent(opts: {
  method?: string;
  path: string;
  body?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  token?: string | null;
  requestId?: string;
  /** `requestContext.timeEpoch`, epoch ms (when FC says the request arrived); default 2026-05-20T02:00:00Z */
  timeEpochMs?: number;
}): Buffer {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', ...opts.headers };
  if (opts.token !== null) headers.Authorization = `Bearer ${opts.token ?? 'local-dev-token-0001'}`;
  return Buffer.from(
    JSON.stringify({
      version: 'v1',
      rawPath: opts.path,
      body: opts.body ?? '',
      isBase64Encoded: false,
      headers,
      queryParameters: opts.query ?? {},
      requestContext: {
        accountId: '1234567890123456',
        domainName: 'x.cn-hangzhou.fcapp.run',
        domainPrefix: 'x',
        http: {
          method: opts.method ?? 'POST',
          path: opts.path,
          protocol: 'HTTP/1.1',
          sourceIp: '203.0.113.10',
          userAgent: 'curl/8.5.0',
        },
        requestId: opts.requestId ?? '1-6650a1b2-0123456789abcdef01234567',
        time: '2026-05-20T02:00:00Z',
        timeEpoch: String(opts.timeEpochMs ?? 1779242400000),
      },
    }),
  );
}

/** The instant the alarm fixtures in test/fixtures were recorded at (2026-05-20T02:00:00Z). */
export const FIXTURE_ALARM_MS = 1779242400000;

/**
 * A fixture alarm as if it fired `agoMs` ago (default 30 s): its times (epoch ms and the
 * EventBridge envelope's ISO `time`) moved to now. An alarm older than `alarmMaxAgeMinutes` is
 * ignored, so a fixture recorded months ago must be freshened to act.
 */
export function freshAlarm(event: Buffer | string, agoMs = 30_000): Buffer {
  const at = Date.now() - agoMs;
  return Buffer.from(
    event
      .toString()
      // The HTTP struct's arrival time is now (the callback budget counts from it).
      .replaceAll(`"timeEpoch":"${FIXTURE_ALARM_MS}"`, `"timeEpoch":"${Date.now()}"`)
      .replaceAll(String(FIXTURE_ALARM_MS), String(at))
      .replaceAll('2026-05-20T10:00:00+08:00', new Date(at).toISOString())
      // EventBridge's `aliyunpublishtime` (China time, `…SSSPRC`): published just after.
      .replace(
        /2026-05-20T10:00:00\.(\d{3})PRC/g,
        (_m, ms: string) =>
          `${new Date(at + Number(ms) + 8 * 3_600_000).toISOString().slice(0, 23)}PRC`,
      ),
  );
}

/** An EventBridge CloudMonitor alert envelope Buffer naming `dimensions`, fired just now. */
export function eventBridgeEvent(id: string, dimensions: string): Buffer {
  return Buffer.from(
    JSON.stringify({
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
    }),
  );
}

/** The CloudMonitor alarm rule id the builders below use (an `alarmRule_uuid_…` as CloudMonitor names them). */
export const ALARM_RULE_ID = 'alarmRule_uuid_00aa11bb22cc33dd44ee55ff';

/**
 * The fields of a firing CloudMonitor alarm (`alertState` ALERT) naming `dimensions` (the raw
 * value: a Java-map `{envId=…}` or a JSON array), fired at `atMs` (epoch ms; `timestamp`).
 * `extra` replaces or adds fields.
 */
export function alarmFields(
  dimensions: string,
  atMs: number,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    alertName: 'webplus-change-idle',
    alertState: 'ALERT',
    triggerLevel: 'CRITICAL',
    ruleId: ALARM_RULE_ID,
    metricName: 'change_idle_minutes',
    namespace: 'acs_customMetric_1234567890123456',
    dimensions,
    timestamp: String(atMs),
    ...extra,
  };
}

/**
 * A CloudMonitor callback: POST `/cms-callback` with this raw `body` (a form by default), the
 * token in the query as CloudMonitor sends it (it cannot set headers). `arrivalMs` is FC's
 * `requestContext.timeEpoch` (the callback budget counts from it).
 */
export function cmsCallback(
  body: string | Record<string, string>,
  opts: {
    contentType?: string;
    arrivalMs?: number;
    requestId?: string;
  } = {},
): Buffer {
  return httpEvent({
    path: '/cms-callback',
    body: typeof body === 'string' ? body : new URLSearchParams(body).toString(),
    headers: { 'Content-Type': opts.contentType ?? 'application/x-www-form-urlencoded' },
    token: null,
    query: { token: 'local-dev-token-0001' },
    ...(opts.requestId === undefined ? {} : { requestId: opts.requestId }),
    ...(opts.arrivalMs === undefined ? {} : { timeEpochMs: opts.arrivalMs }),
  });
}

/**
 * A CloudMonitor alarm in an EventBridge envelope around `data` (an object or a raw string),
 * sent 30 s ago (`time`). `envelope` keys replace or add envelope keys; one set to `undefined`
 * is left out (JSON has no undefined).
 */
export function eventBridgeEnvelope(data: unknown, envelope: Record<string, unknown> = {}): Buffer {
  return Buffer.from(
    JSON.stringify({
      specversion: '1.0',
      id: `evt-${Math.random()}`,
      source: 'acs.cms',
      type: 'cms:CloudMonitor:AlertWebHook',
      time: new Date(Date.now() - 30_000).toISOString(),
      ...envelope,
      data,
    }),
  );
}

/**
 * The body of a CloudMonitor rule push (an alarm rule's own HTTP push, or the `data` of an
 * EventBridge envelope) naming `resources`, fired at `atMs` (epoch ms: `time` and
 * `metricData.timestamp`). `extra` replaces or adds fields.
 */
export function rulePushFields(
  resources: Record<string, unknown>,
  atMs: number,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    ruleId: ALARM_RULE_ID,
    ruleName: 'webplus-change-idle',
    curLevel: 'CRITICAL',
    resources: JSON.stringify(resources),
    metricData: { timestamp: atMs, Maximum: 42 },
    metricName: 'change_idle_minutes',
    namespace: 'acs_customMetric_1234567890123456',
    time: atMs,
    eventName: 'Alert',
    ...extra,
  };
}

/** The run summary of a handler result (parses an HTTP body). */
export function summaryOf(result: HandlerResult): RunSummary {
  if ('statusCode' in result) return JSON.parse(result.body) as RunSummary;
  return result;
}

/** Journal entries of one action (answered ones and rejected ones). */
export function calls(journal: JournalEntry[], action: string, id?: string): JournalEntry[] {
  return journal.filter(
    (j) => j.action === action && (id === undefined || j.changeId === id || j.envId === id),
  );
}
