/**
 * A platform world as the function meets it: the SAE and EDAS emulators' scenario sections
 * (with their malformed wire fields), the environment (PLATFORMS, POLICY, ABORT_DRY_RUN) and the
 * FC event Buffer. Imports nothing from shared/.
 */
import {
  type BatchTimeWire,
  type PIdRef,
  type PlatformName,
  type PlatformPolicySpec,
  type PlatformWorld,
  pids,
  pidValue,
  type StatusWire,
  type WorldOrder,
} from './platform-world.js';

/** The HTTP token every platform world's function accepts. */
export const PLATFORM_WORLD_TOKEN = 'oracle-platform-token-0123456789';

type Override = { value?: unknown; omit?: true } | undefined;

function statusWire(kind: StatusWire, status: number): Override {
  switch (kind) {
    case 'ok':
      return undefined;
    case 'string':
      return { value: String(status) };
    case 'null':
      return { value: null };
    case 'absent':
      return { omit: true };
    case 'fraction':
      return { value: status + 0.5 };
    case 'negative':
      return { value: -1 - status };
  }
}

/** `ms` is the real value; `ok` leaves the platform's own form (SAE numbers, EDAS strings). */
function timeWire(kind: BatchTimeWire, ms: number): Override {
  switch (kind) {
    case 'ok':
      return undefined;
    case 'number':
      return { value: ms };
    case 'digits':
      return { value: String(ms) };
    case 'padded':
      return { value: `0${ms}` };
    case 'spaced':
      return { value: ` ${ms}` };
    case 'seconds':
      return { value: Math.floor(ms / 1000) };
    case 'iso':
      return { value: new Date(ms).toISOString() };
    case 'zoneless':
      return { value: '2026-12-01 10:00:00' };
    case 'zero':
      return { value: 0 };
    case 'null':
      return { value: null };
    case 'absent':
      return { omit: true };
    case 'float':
      return { value: ms + 0.5 };
    case 'negative':
      return { value: -ms };
  }
}

function split(parts: [string, Override][]): {
  wire?: Record<string, unknown>;
  omit?: string[];
} {
  const wire: Record<string, unknown> = {};
  const omit: string[] = [];
  for (const [field, o] of parts) {
    if (!o) continue;
    if (o.omit) omit.push(field);
    else wire[field] = o.value;
  }
  return {
    ...(Object.keys(wire).length ? { wire } : {}),
    ...(omit.length ? { omit } : {}),
  };
}

/** The current batch's times as the emulators compute them (sandbox/roa/times.ts, accounts). */
function currentBatchTimes(o: WorldOrder, startedAtMs: number): { start: number; update: number } {
  const start = startedAtMs - o.startedMinAgo * 60_000 - 20_000 - o.n * 100;
  const progress = Math.max(start, startedAtMs - o.idleMin * 60_000 - 20_000);
  const span = progress - start;
  return {
    start: Math.round(start + ((o.currentBatch - 1) * span) / o.currentBatch),
    update: progress,
  };
}

/** `yyyy-MM-dd HH:mm:ss` in UTC+8 (the emulators' form of SAE / EDAS time strings). */
function china(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/** A batch time in the platform's own form (SAE numbers, EDAS digit strings). */
const own = (p: PlatformName, ms: number): number | string => (p === 'sae' ? ms : String(ms));

/** The emulator overrides that give the order its red-team 25 flaw. */
function flawEntry(o: WorldOrder, startedAtMs: number): Record<string, unknown> {
  const p = o.platform;
  const times = currentBatchTimes(o, startedAtMs);
  const start = startedAtMs - o.startedMinAgo * 60_000 - 20_000 - o.n * 100;
  const batches = (at: number, fields: Record<string, unknown>) => ({
    pipelinesWire: Array.from({ length: at + 1 }, (_, i) => (i === at ? fields : {})),
  });
  switch (o.flaw) {
    case 'none':
      return {};
    case 'finish-read':
      return { wire: { FinishTime: china(startedAtMs - 60_000) } };
    case 'finish-listing':
      return { listWire: { FinishTime: china(startedAtMs - 60_000) } };
    case 'current-succeeded':
      return { batchWire: { [p === 'sae' ? 'Status' : 'PipelineStatus']: 2 } };
    case 'batch-overlap':
      return batches(o.currentBatch - 2, { UpdateTime: own(p, times.start + 60_000) });
    case 'batch-misnamed':
      return batches(0, { PipelineName: p === 'sae' ? 'Batch 2 Change' : ' Batch: 2' });
    case 'unstarted-start':
      return batches(o.currentBatch, { StartTime: own(p, startedAtMs - 60_000) });
    case 'name-number':
      return batches(0, { PipelineName: 7 });
    case 'cotype-array':
      return { wire: { CoTypeCode: [o.coType] } };
    case 'batchtype-7':
      return { wire: { BatchType: 7 } };
    case 'auto-yes':
      return { wire: { Auto: 'yes' } };
    case 'list-createtime':
      return { listWire: { CreateTime: china(start + 5000) } };
    case 'list-status':
      return p === 'sae'
        ? {
            appStatusWire: {
              LastChangeOrderStatus: o.status === 8 ? 'RUNNING' : 'WAIT_BATCH_CONFIRM',
            },
          }
        : { listWire: { Status: o.status === 1 ? 9 : 1 } };
    case 'list-substatus':
      return { appStatusWire: { SubStatus: 'RUNNING_BUT_HAS_ERROR' } };
  }
}

function orderEntry(o: WorldOrder, startedAtMs: number): Record<string, unknown> {
  const p = o.platform;
  const times = currentBatchTimes(o, startedAtMs);
  const top = split([
    ['Status', statusWire(o.statusWire, o.status)],
    ...(p === 'sae'
      ? ([
          [
            'AppId',
            o.appIdWire === 'absent'
              ? { omit: true }
              : o.appIdWire === 'upper'
                ? { value: pids.app(p, o.app).toUpperCase() }
                : o.appIdWire === 'other'
                  ? { value: pids.other }
                  : undefined,
          ],
        ] as [string, Override][])
      : []),
  ]);
  const batch = split([
    ['StartTime', timeWire(o.startWire, times.start)],
    ['UpdateTime', timeWire(o.updateWire, times.update)],
  ]);
  const flawed = flawEntry(o, startedAtMs) as {
    wire?: Record<string, unknown>;
    batchWire?: Record<string, unknown>;
    listWire?: Record<string, unknown>;
    appStatusWire?: Record<string, unknown>;
  };
  // The listing entry's own AppId (G9): EDAS ListRecentChangeOrder item, SAE
  // DescribeApplicationStatus `Data` (while the order is its application's last).
  const listKey = p === 'sae' ? 'appStatusWire' : 'listWire';
  const listOmitKey = p === 'sae' ? 'appStatusWireOmit' : 'listWireOmit';
  const listed =
    o.listAppIdWire === 'other'
      ? { [listKey]: { ...flawed[listKey], AppId: pids.other } }
      : o.listAppIdWire === 'absent'
        ? { [listOmitKey]: ['AppId'] }
        : {};
  return {
    ChangeOrderId: pids.order(p, o.n),
    AppId: pids.app(p, o.app),
    Status: o.status,
    CoTypeCode: o.coType,
    BatchCount: o.batchCount,
    currentBatch: o.currentBatch,
    startedMinutesAgo: (o.startedMinAgo * 60_000 + 20_000 + o.n * 100) / 60_000,
    idleMinutes: (o.idleMin * 60_000 + 20_000) / 60_000,
    SupportRollback: o.supportRollback,
    ...flawed,
    ...(top.wire || flawed.wire ? { wire: { ...flawed.wire, ...top.wire } } : {}),
    ...(top.omit ? { wireOmit: top.omit } : {}),
    ...(batch.wire || flawed.batchWire
      ? { batchWire: { ...flawed.batchWire, ...batch.wire } }
      : {}),
    ...(batch.omit ? { batchWireOmit: batch.omit } : {}),
    ...listed,
    ...(o.listedUnder !== undefined ? { listedUnder: [pids.app(p, o.listedUnder)] } : {}),
  };
}

/**
 * The whole sandbox scenario of a world (empty Web+ account). Order times count back from the
 * emulator's start; `startedAtMs` estimates it (the emulator's own `startedAt` is what the
 * oracle uses), only for the wire values of malformed times.
 */
export function platformScenarioOf(w: PlatformWorld, startedAtMs: number): Record<string, unknown> {
  const section = (p: PlatformName) => ({
    clockSkewMs: w.skewMs,
    apps: Array.from({ length: w.apps[p] }, (_, i) =>
      p === 'sae'
        ? { AppId: pids.app(p, i), AppName: `sae-app-${i}` }
        : { AppId: pids.app(p, i), Name: `edas-app-${i}` },
    ),
    changeOrders: w.orders.filter((o) => o.platform === p).map((o) => orderEntry(o, startedAtMs)),
  });
  return { apps: [], envs: [], changes: [], sae: section('sae'), edas: section('edas') };
}

function platformPolicy(p: PlatformName, s: PlatformPolicySpec): Record<string, unknown> {
  return {
    ...(s.mode ? { mode: s.mode } : {}),
    ...(s.maxIdleMinutes ? { maxIdleMinutes: s.maxIdleMinutes } : {}),
    ...(s.maxDurationMinutes ? { maxDurationMinutes: s.maxDurationMinutes } : {}),
    ...(s.includePaused !== undefined ? { includePaused: s.includePaused } : {}),
    ...(s.onAbort ? { onAbort: s.onAbort } : {}),
    ...(s.changeTypes ? { changeTypes: s.changeTypes } : {}),
    protect: { appIds: s.protect.map((a) => pids.app(p, a)) },
    apps: Object.fromEntries(s.apps.map(({ app, ...rest }) => [pids.app(p, app), rest])),
    ...(s.sweepApps ? { sweepAppIds: s.sweepApps.map((a) => pids.app(p, a)) } : {}),
  };
}

/** `PLATFORMS`, `POLICY` and the kill switch of a world. */
export function platformEnvOf(w: PlatformWorld): Record<string, string> {
  const env: Record<string, string> = {
    PLATFORMS: w.enabled.join(','),
    ABORT_DRY_RUN: w.killSwitch ? 'true' : 'false',
  };
  const p = w.policy;
  if (p.kind === 'nothing') env.POLICY = p.text;
  if (p.kind === 'given') {
    const defaults: Record<string, unknown> = {};
    if (p.defaultsMode) defaults.mode = p.defaultsMode;
    if (p.maxIdleMinutes) defaults.maxIdleMinutes = p.maxIdleMinutes;
    if (p.maxDurationMinutes) defaults.maxDurationMinutes = p.maxDurationMinutes;
    if (p.includePaused !== undefined) defaults.includePaused = p.includePaused;
    const platforms: Record<string, unknown> = {};
    if (p.sae) platforms.sae = platformPolicy('sae', p.sae);
    if (p.edas) platforms.edas = platformPolicy('edas', p.edas);
    env.POLICY = JSON.stringify({
      defaults,
      platforms,
      ...(p.cap !== undefined ? { sweep: { maxAbortsPerRun: p.cap } } : {}),
      ...(p.alarmMaxAgeMinutes !== undefined ? { alarmMaxAgeMinutes: p.alarmMaxAgeMinutes } : {}),
    });
  }
  return env;
}

function refs(list: PIdRef[] | undefined, make: (n: number) => string): string[] | undefined {
  return list?.map((r) => pidValue(r, make));
}

function objectText(entries: [string, unknown][]): string {
  return JSON.stringify(Object.fromEntries(entries.filter(([, v]) => v !== undefined)));
}

function http(
  path: string,
  body: string,
  query: Record<string, string>,
  requestId: string,
): {
  version: string;
  rawPath: string;
  body: string;
  isBase64Encoded: boolean;
  headers: Record<string, string>;
  queryParameters: Record<string, string>;
  requestContext: Record<string, unknown>;
} {
  return {
    version: 'v1',
    rawPath: path,
    body,
    isBase64Encoded: false,
    headers: {
      'Content-Type': 'application/json',
      Authorization: `Bearer ${PLATFORM_WORLD_TOKEN}`,
    },
    queryParameters: query,
    requestContext: {
      accountId: '1234567890123456',
      domainName: 'x.cn-hangzhou.fcapp.run',
      requestId,
      http: { method: 'POST', path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.10' },
    },
  };
}

function query(dryRun: string | undefined, extra: string | undefined): Record<string, string> {
  return {
    ...(dryRun !== undefined ? { dryRun } : {}),
    ...(extra !== undefined ? { [extra]: 'true' } : {}),
  };
}

/** The application id an alarm names (an unknown one is well formed; `bad` as given). */
function appRef(p: PlatformName, ref: PIdRef | undefined): string | undefined {
  return ref === undefined ? undefined : pidValue(ref, (n) => pids.app(p, n));
}

/** The FC event Buffer of the world's request; alarm times count back from `realSeedMs`. */
export function platformEventOf(w: PlatformWorld, requestId: string, realSeedMs: number): Buffer {
  const r = w.request;
  let event: unknown;
  const at =
    'firedMinAgo' in r && r.firedMinAgo !== undefined
      ? realSeedMs - r.firedMinAgo * 60_000 - 10_000
      : undefined;
  if (r.kind === 'sae-cms') {
    const app = appRef('sae', r.appId);
    const fields: Record<string, string> = {
      alertName: 'sae-app-cpu',
      alertState: r.state,
      ruleId: 'alarmRule_uuid_5ae0000000000000000000c1',
      metricName: 'cpu',
      namespace: 'acs_serverless',
      dimensions: `{userId=1234567890123456${app === undefined ? '' : `, appId=${app}`}}`,
      ...(at !== undefined ? { timestamp: String(at) } : {}),
    };
    if (r.via === 'callback') {
      const e = http('/cms-callback', new URLSearchParams(fields).toString(), {}, requestId);
      e.headers['Content-Type'] = 'application/x-www-form-urlencoded';
      delete (e.headers as Record<string, string>).Authorization;
      e.queryParameters = { token: PLATFORM_WORLD_TOKEN };
      event = e;
    } else
      event = {
        specversion: '1.0',
        id: requestId,
        source: 'acs.cms',
        type: 'cms:CloudMonitor:AlertWebHook',
        ...(at !== undefined ? { time: new Date(at).toISOString() } : {}),
        data: fields,
      };
  } else if (r.kind === 'sae-event') {
    const app = appRef('sae', r.resourceId);
    const subjectApp = r.subject === 'same' ? app : r.subject === 'other' ? pids.other : undefined;
    event = {
      specversion: '1.0',
      id: requestId,
      source: 'acs.sae',
      type: r.type,
      ...(subjectApp !== undefined
        ? { subject: `acs.sae:cn-hangzhou:1234567890123456:${subjectApp}` }
        : {}),
      ...(at !== undefined ? { time: new Date(at).toISOString() } : {}),
      aliyunregionid: r.region === 'same' ? 'cn-hangzhou' : 'cn-shanghai',
      data: {
        source: 'CHANGE_ORDER',
        level: 'WARNING',
        namespaceId:
          r.namespace === 'region'
            ? 'cn-hangzhou'
            : r.namespace === 'named'
              ? 'cn-hangzhou:oracle'
              : r.namespace === 'other'
                ? 'cn-shanghai:oracle'
                : 'oracle namespace',
        ...(at !== undefined && r.dataTime !== 'none'
          ? {
              time: new Date(r.dataTime === 'same' ? at : at - 365 * 24 * 3_600_000).toISOString(),
            }
          : {}),
        ...(app !== undefined ? { resourceId: app } : {}),
      },
    };
  } else if (r.kind === 'edas-event') {
    const app = appRef('edas', r.appId);
    const known = r.appId && 'known' in r.appId ? r.appId.known : undefined;
    const mine = w.orders.filter((o) => o.platform === 'edas' && o.app === known);
    const own = mine[r.orderPick % Math.max(1, mine.length)];
    const theirs = w.orders.filter((o) => o.platform === 'edas' && o.app !== known);
    const foreign = theirs[r.orderPick % Math.max(1, theirs.length)];
    const order =
      r.order === 'own' || r.order === 'foreign'
        ? (r.order === 'own' ? own : foreign)
          ? pids.order('edas', (r.order === 'own' ? own : foreign)!.n)
          : pids.order('edas', 0xfff0)
        : r.order === 'unknown'
          ? pids.order('edas', 0xfff0)
          : r.order === 'bad'
            ? '28ab8de8-****'
            : undefined;
    event = {
      specversion: '1.0',
      id: requestId,
      source: 'acs.edas',
      type: 'edas:ApplicationChange:ChangeOrder',
      ...(at !== undefined ? { time: new Date(at).toISOString() } : {}),
      aliyunregionid: 'cn-hangzhou',
      data: {
        ...(app !== undefined ? { appId: app } : {}),
        event: {
          category: 'OPERATION',
          involvedObject: {
            additionalProperties: {
              ...(order !== undefined ? { changeOrderId: order } : {}),
              eventType: r.eventType,
            },
            type: 'APPLICATION',
            ...(app === undefined || r.objectId === 'none'
              ? {}
              : {
                  id:
                    r.objectId === 'same'
                      ? app
                      : r.objectId === 'upper'
                        ? app.toUpperCase()
                        : pids.other,
                }),
          },
          level: r.eventType === 'onSuccess' ? 'NORMAL' : 'WARNING',
          reason:
            r.eventType === 'onSuccess' ? 'APPLICATION_CODEPLOY_SUCCESS' : 'APPLICATION_CODEPLOY',
          ...(at !== undefined ? { timestamp: at } : {}),
        },
      },
    };
  } else if (r.kind === 'timer') {
    event = {
      triggerTime: '2026-12-02T02:00:00Z',
      triggerName: 'sweep-stuck-changes',
      payload: objectText([
        ['dryRun', r.dryRun],
        ['maxIdleMinutes', r.maxIdleMinutes],
        ['maxDurationMinutes', r.maxDurationMinutes],
        ...(r.extra ? [r.extra] : []),
      ]),
    };
  } else {
    const p = r.platform;
    const entries: [string, unknown][] = [['platform', p]];
    if (r.kind === 'http-abort')
      entries.push(['changeOrderIds', refs(r.changeOrderIds, (n) => pids.order(p, n))]);
    entries.push(['appIds', refs(r.appIds, (n) => pids.app(p, n))], ['dryRun', r.dryRun]);
    if (r.extra) entries.push(r.extra);
    event = http(
      r.kind === 'http-abort' ? '/abort' : '/sweep',
      objectText(entries),
      query(r.queryDryRun, r.queryExtra),
      requestId,
    );
  }
  return Buffer.from(JSON.stringify(event));
}
