/**
 * Shared pieces of the benchmarks and the soak: Web+ id builders, scenario builders, FC event
 * Buffers, a fake FC context and a harness wiring the sandbox, a runtime and the real handler.
 * Copied in spirit from test/helpers (bench/ does not import from test/).
 */
import { randomUUID } from 'node:crypto';
import { type Config, loadConfig } from '#shared/config/config.js';
import type { Credentials } from '#shared/core/credentials.js';
import type { FcContext } from '#shared/fc/context.js';
import type { OutcomeRecord } from '#shared/model/record.js';
import type { OutcomeStore } from '#shared/outcome-log/store.js';
import type { HandlerResult } from '#shared/pipeline/handle-event.js';
import { createRuntime, type Runtime } from '#shared/pipeline/runtime.js';
import type { RunSummary } from '#shared/pipeline/summary.js';
import { parsePolicy } from '#shared/policy/load.js';
import { createHandler, type FcHandler } from '../functions/abort-stuck-changes/handler.js';
import { startWebplusSandbox, type WebplusSandbox } from '../sandbox/webplus/index.js';

const MINUTE_MS = 60_000;

function hex6(n: number): string {
  return n.toString(16).padStart(6, '0');
}

/** `wa-` + 24 hex digits; n in 0..16777215 */
export const appId = (n: number): string => `wa-5d39b8ba6786bd4b14${hex6(n)}`;
/** `we-` + 24 hex digits */
export const envId = (n: number): string => `we-5d39b8ba6786bd4b14${hex6(n)}`;
/** `wc-` + 24 hex digits */
export const changeId = (n: number): string => `wc-5d3a963d5802611c4d${hex6(n)}`;

/** A scenario change with absolute CreateTime / UpdateTime relative to the real clock now. */
export function change(spec: {
  n: number;
  env: number;
  idleMin?: number;
  ageMin?: number;
  extra?: Record<string, unknown>;
}): Record<string, unknown> {
  const now = Date.now();
  const idleMs = (spec.idleMin ?? 45) * MINUTE_MS;
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

/** An FC 3.0 HTTP trigger event (object form; Buffer it with `Buffer.from(JSON.stringify())`). */
export function httpEventObject(opts: {
  method?: string;
  path: string;
  body?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  isBase64Encoded?: boolean;
}): Record<string, unknown> {
  return {
    version: 'v1',
    rawPath: opts.path,
    body: opts.body ?? '',
    isBase64Encoded: opts.isBase64Encoded ?? false,
    headers: { 'Content-Type': 'application/json', ...opts.headers },
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
      requestId: `1-${randomUUID()}`,
      time: '2026-05-20T02:00:00Z',
      timeEpoch: '1779242400000',
    },
  };
}

/** An EventBridge CloudMonitor alert envelope Buffer naming `dimensions`. */
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
      },
    }),
  );
}

/** A fake FC 3.0 context (timeout in seconds). */
export function fcContext(credentials: Credentials, timeoutS = 600): FcContext {
  return {
    requestId: `bench-${randomUUID()}`,
    credentials,
    function: {
      name: 'abort-stuck-changes',
      handler: 'index.handler',
      memory: 128,
      timeout: timeoutS,
    },
    service: { logProject: 'bench', logStore: 'bench' },
    region: 'cn-hangzhou',
    accountId: '1234567890123456',
  };
}

/** The run summary of a handler result (parses an HTTP body). */
export function summaryOf(result: HandlerResult): RunSummary {
  if ('statusCode' in result) return JSON.parse(result.body) as RunSummary;
  return result;
}

/** True for the record an abort writes before its request (`kind: "intent"`, red-team 25 G15). */
export function isIntent(r: { kind?: unknown }): boolean {
  return r.kind === 'intent';
}

/**
 * An outcome store keeping records in memory (batches kept apart): `records` holds the
 * decision (and notification) records, `intents` the intent each abort writes before its
 * request (red-team 25 G15), so the checks of one record per decision read `records`.
 */
export function memoryStore(): OutcomeStore & {
  records: OutcomeRecord[];
  intents: OutcomeRecord[];
} {
  const records: OutcomeRecord[] = [];
  const intents: OutcomeRecord[] = [];
  return {
    name: 'file',
    target: 'memory',
    records,
    intents,
    async write(batch: readonly OutcomeRecord[]): Promise<void> {
      for (const r of batch) (isIntent(r) ? intents : records).push(r);
    },
  };
}

export interface Rig {
  sandbox: WebplusSandbox;
  runtime: Runtime;
  handler: FcHandler;
  config: Config;
  stdoutLines: string[];
  warnings: string[];
  close(): Promise<void>;
}

/** A sandbox on loopback plus a runtime and the real handler pointed at it. */
export async function startRig(
  scenario: unknown,
  options: { env?: Record<string, string>; policy?: unknown; store?: OutcomeStore },
): Promise<Rig> {
  const sandbox = await startWebplusSandbox(scenario);
  const config = loadConfig({
    WEBPLUS_ENDPOINT: sandbox.url,
    LOG_STORE: 'stdout',
    ...options.env,
  });
  const stdoutLines: string[] = [];
  const warnings: string[] = [];
  const runtime = createRuntime({
    config,
    policy: parsePolicy(withMode(options.policy ?? {})),
    version: 'bench',
    store: options.store,
    sink: (line) => stdoutLines.push(line),
    warn: (line) => warnings.push(line),
  });
  return {
    sandbox,
    runtime,
    handler: createHandler(runtime),
    config,
    stdoutLines,
    warnings,
    close: () => sandbox.close(),
  };
}

/** Bench policies are written briefly: one that states no `defaults.mode` runs in enforce. */
function withMode(policy: unknown): unknown {
  if (typeof policy !== 'object' || policy === null || Array.isArray(policy)) return policy;
  const p = policy as { defaults?: Record<string, unknown> };
  if (p.defaults !== undefined && 'mode' in p.defaults) return policy;
  return { ...p, defaults: { mode: 'enforce', ...p.defaults } };
}
