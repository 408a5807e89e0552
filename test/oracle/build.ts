/**
 * A world as the function meets it: the sandbox scenario (with its malformed wire fields), the
 * environment variables (POLICY, ABORT_DRY_RUN) and the FC event Buffer. Imports nothing from
 * shared/.
 */
import { stringify as toYaml } from 'yaml';
import {
  alarmTime,
  changeTimes,
  type Envelope,
  FAILING_REGION,
  type IdRef,
  ids,
  idValue,
  outerTime,
  type ScopeSpec,
  type WireEnvStatus,
  type WireFlag,
  type WireId,
  type WireTime,
  type World,
  type WorldChange,
} from './world.js';

/** The Web+ reads a failing region fails (every one the function makes). */
const READ_ACTIONS = [
  'DescribeApplications',
  'DescribeAppEnvs',
  'DescribeAppEnvStatus',
  'DescribeChange',
  'DescribeChanges',
] as const;

/** The HTTP token every world's function accepts. */
export const WORLD_TOKEN = 'oracle-world-token-0123456789';

function wireTime(kind: WireTime, ms: number): { value?: unknown; omit?: true } | undefined {
  switch (kind) {
    case 'ok':
      return undefined;
    case 'digits':
      return { value: String(ms) };
    case 'absent':
      return { omit: true };
    case 'null':
      return { value: null };
    case 'empty':
      return { value: '' };
    case 'iso':
      return { value: new Date(ms).toISOString() };
    case 'seconds':
      return { value: Math.floor(ms / 1000) };
    case 'zero':
      return { value: 0 };
    case 'float':
      return { value: ms + 0.5 };
    case 'negative':
      return { value: -ms };
    case 'object':
      return { value: { value: ms } };
    case 'spaced':
      return { value: ` ${ms} ` };
  }
}

function wireFlag(kind: WireFlag, text: string): { value?: unknown; omit?: true } | undefined {
  switch (kind) {
    case 'ok':
      return undefined;
    case 'absent':
      return { omit: true };
    case 'null':
      return { value: null };
    case 'yes':
      return { value: 'yes' };
    case 'one':
      return { value: 1 };
    case 'object':
      return { value: {} };
    case 'text':
      return { value: text };
  }
}

function wireId(kind: WireId, id: string): { value?: unknown; omit?: true } | undefined {
  switch (kind) {
    case 'ok':
      return undefined;
    case 'absent':
      return { omit: true };
    case 'empty':
      return { value: '' };
    case 'upper':
      return { value: id.toUpperCase() };
    case 'garbage':
      return { value: `${id.slice(0, 3)}zz` };
  }
}

function envStatusOnWire(kind: WireEnvStatus): { value?: unknown; omit?: true } | undefined {
  switch (kind) {
    case 'RUNNING':
      return undefined;
    case 'absent':
      return { omit: true };
    case 'blank':
      return { value: '' };
    case 'number':
      return { value: 1 };
    default:
      return { value: kind };
  }
}

function overrides(parts: [string, { value?: unknown; omit?: true } | undefined][]): {
  wire?: Record<string, unknown>;
  wireOmit?: string[];
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
    ...(omit.length ? { wireOmit: omit } : {}),
  };
}

function phaseFields(c: WorldChange): Record<string, unknown> {
  switch (c.phase) {
    case 'running':
      return {};
    case 'paused':
      return { paused: true };
    case 'aborting':
      return { aborting: true, abortStepSeconds: null };
    case 'aborted':
      return { aborted: true };
    case 'succeeded':
      return { finished: true, succeed: true };
    case 'failed':
      return { finished: true };
  }
}

/** The wire CreateTime / UpdateTime of a change whose times cannot both be true. */
function clashTimes(
  clash: NonNullable<WorldChange['clash']>,
  create: number,
  update: number,
  serverNowMs: number,
): { CreateTime: number; UpdateTime: number } {
  switch (clash) {
    case 'create-after-update':
      return { CreateTime: update + 5 * 60_000, UpdateTime: update };
    case 'future-update':
      return { CreateTime: create, UpdateTime: serverNowMs + 10 * 60_000 };
    case 'future-create':
      return { CreateTime: serverNowMs + 10 * 60_000, UpdateTime: serverNowMs + 11 * 60_000 };
  }
}

/** The sandbox scenario of a world; times are absolute, from Web+'s clock `serverNowMs`. */
export function scenarioOf(w: World, serverNowMs: number): Record<string, unknown> {
  return {
    clockSkewMs: w.skewMs,
    // Every read of the second region fails, however often it is retried (red-team 25 G6).
    ...(w.failingRegion
      ? {
          faults: READ_ACTIONS.map((action) => ({
            action,
            regionId: FAILING_REGION,
            responses: Array(400).fill({ status: 503, code: 'ServiceUnavailable' }),
          })),
        }
      : {}),
    apps: Array.from({ length: w.apps }, (_, i) => ({
      AppId: ids.app(i),
      AppName: i === 0 ? 'shop' : 'billing',
    })),
    envs: w.envs.map((e) => ({
      EnvId: ids.env(e.n),
      AppId: ids.app(e.app),
      EnvName: `env-${e.n}`,
      EnvStatus: e.terminated ? 'TERMINATED' : 'RUNNING',
      ...overrides([
        // `other`: the item names the next application (well formed, not the one it is under).
        [
          'AppId',
          e.appId === 'other' ? { value: ids.app(e.app + 1) } : wireId(e.appId, ids.app(e.app)),
        ],
        ['EnvStatus', e.terminated ? undefined : envStatusOnWire(e.status ?? 'RUNNING')],
        ['ApplyingChange', wireFlag(e.applying ?? 'ok', 'true')],
        ['AbortingChange', wireFlag(e.aborting ?? 'ok', 'false')],
      ]),
    })),
    changes: w.changes.map((c) => {
      const { create, update } = changeTimes(c, serverNowMs);
      const o = overrides([
        ['CreateTime', wireTime(c.createTime, create)],
        ['UpdateTime', wireTime(c.updateTime, update)],
        ['ChangeFinished', wireFlag(c.finished, 'false')],
        ['ChangeAborted', wireFlag(c.aborted, 'false')],
        ['ChangePaused', wireFlag(c.paused, 'false')],
        ['EnvId', wireId(c.envId, ids.env(c.env))],
        ['ChangeTimedout', c.timedOut ? { value: true } : undefined],
      ]);
      // Times that contradict each other, or from the future: only over two readable times.
      if (c.clash && c.createTime === 'ok' && c.updateTime === 'ok') {
        o.wire = { ...o.wire, ...clashTimes(c.clash, create, update, serverNowMs) };
      }
      return {
        ChangeId: ids.change(c.n),
        EnvId: ids.env(c.env),
        ActionName: c.action,
        CreateTime: create,
        UpdateTime: update,
        ...phaseFields(c),
        ...o,
        ...(c.envelope ? { envelope: envelopeOf(c.envelope) } : {}),
      };
    }),
  };
}

/** The top-level names an undocumented DescribeChange envelope sets (null removes one). */
function envelopeOf(kind: Envelope): Record<string, unknown> {
  switch (kind) {
    case 'message':
      return { Message: 'Change does not exist.' };
    case 'no-request-id':
      return { RequestId: null };
    case 'extra-name':
      return { EnvChange: { ChangeId: ids.change(999), EnvId: ids.env(999) } };
    case 'code-200':
      return { Code: '200' };
    case 'success':
      return { Success: true };
    case 'host-id':
      return { HostId: 'webplus.cn-beijing.aliyuncs.com' };
  }
}

/** The policy variables of a world: `POLICY` (absent for the built-in defaults). */
export function policyEnvOf(w: World): Record<string, string> {
  const p = w.policy;
  if (p.kind === 'defaults') return {};
  if (p.kind === 'nothing' || p.kind === 'modeless') return { POLICY: p.text };
  const defaults: Record<string, unknown> = {};
  if (p.defaultsMode) defaults.mode = p.defaultsMode;
  if (p.maxIdleMinutes) defaults.maxIdleMinutes = p.maxIdleMinutes;
  if (p.maxDurationMinutes) defaults.maxDurationMinutes = p.maxDurationMinutes;
  if (p.includePaused !== undefined) defaults.includePaused = p.includePaused;
  if (p.actions) defaults.actions = p.actions;
  const policy: Record<string, unknown> = {
    defaults,
    environments: Object.fromEntries(p.envs.map(({ env, ...rest }) => [ids.env(env), rest])),
    protect: { envIds: p.protectEnvs.map(ids.env), appIds: p.protectApps.map(ids.app) },
    sweep: {
      ...(p.sweepApps ? { appIds: p.sweepApps.map(ids.app) } : {}),
      ...(p.cap !== undefined ? { maxAbortsPerRun: p.cap } : {}),
    },
    alarms: p.alarms.map((a) => ({ match: a.match, envIds: a.envs.map(ids.env) })),
    ...(p.alarmMaxAgeMinutes !== undefined ? { alarmMaxAgeMinutes: p.alarmMaxAgeMinutes } : {}),
  };
  return { POLICY: p.form === 'json' ? JSON.stringify(policy) : toYaml(policy) };
}

function refs(list: IdRef[] | undefined, make: (n: number) => string): string[] | undefined {
  return list?.map((r) => idValue(r, make));
}

/** A JSON object text with these entries, in order (own keys, `__proto__` included). */
function objectText(entries: [string, unknown][]): string {
  return JSON.stringify(Object.fromEntries(entries.filter(([, v]) => v !== undefined)));
}

function scopeText(s: ScopeSpec, withThresholds: boolean): string {
  const entries: [string, unknown][] = [
    ['envIds', refs(s.envIds, ids.env)],
    ['appIds', refs(s.appIds, ids.app)],
    ['dryRun', s.dryRun],
  ];
  if (withThresholds || s.maxIdleMinutes !== undefined || s.maxDurationMinutes !== undefined) {
    entries.push(['maxIdleMinutes', s.maxIdleMinutes]);
    entries.push(['maxDurationMinutes', s.maxDurationMinutes]);
  }
  if (s.extra) entries.push(s.extra);
  return objectText(entries);
}

function http(path: string, body: string, query: Record<string, string>, requestId: string) {
  return {
    version: 'v1',
    rawPath: path,
    body,
    isBase64Encoded: false,
    headers: {
      'Content-Type':
        path === '/cms-callback' ? 'application/x-www-form-urlencoded' : 'application/json',
      ...(path === '/cms-callback' ? {} : { Authorization: `Bearer ${WORLD_TOKEN}` }),
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

/** The FC event Buffer of the world's request; the alarm's time is from the real clock. */
export function eventOf(w: World, realNowMs: number, requestId: string): Buffer {
  const r = w.request;
  let event: unknown;
  switch (r.kind) {
    case 'timer': {
      const payload =
        r.payload === 'empty'
          ? ''
          : r.payload === 'not-json'
            ? 'sweep everything please'
            : scopeText(r.payload, false);
      const head = '{"triggerTime":"2026-05-20T02:00:00Z","triggerName":"sweep-stuck-changes",';
      // A repeated name is only expressible as text: JSON.parse keeps the last `payload`.
      if (r.outer === 'repeat-payload')
        return Buffer.from(`${head}"payload":"","payload":${JSON.stringify(payload)}}`);
      event = {
        triggerTime: '2026-05-20T02:00:00Z',
        triggerName: 'sweep-stuck-changes',
        payload,
        ...(r.outer ? { [r.outer.extra]: true } : {}),
      };
      break;
    }
    case 'http-sweep':
      event = http(
        '/sweep',
        r.body === 'empty' ? '' : scopeText(r.body, false),
        query(r.queryDryRun, r.queryExtra),
        requestId,
      );
      break;
    case 'http-abort':
      event = http(
        '/abort',
        objectText([
          ['changeIds', refs(r.changeIds, ids.change)],
          ['envIds', refs(r.envIds, ids.env)],
          ['dryRun', r.dryRun],
          ...(r.extra ? [r.extra] : []),
        ]),
        query(r.queryDryRun, r.queryExtra),
        requestId,
      );
      break;
    case 'alarm':
      return Buffer.from(alarmText(w, r, realNowMs, requestId));
  }
  return Buffer.from(JSON.stringify(event));
}

/** A JSON object text with these entries in order, repeats kept (a name may appear twice). */
function jsonText(entries: [string, unknown][]): string {
  return `{${entries
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`)
    .join(',')}}`;
}

type AlarmWorldRequest = Extract<World['request'], { kind: 'alarm' }>;

/** The alarm's dimensions, in order, repeats kept. */
function alarmDims(w: World, r: AlarmWorldRequest): [string, string][] {
  const dims: [string, string][] = [['userId', '1234567890123456']];
  const changeKey = r.changeKey ?? 'changeId';
  if (r.changeId) dims.push([changeKey, idValue(r.changeId, ids.change)]);
  if (r.envId) dims.push(['envId', idValue(r.envId, ids.env)]);
  if (r.app) dims.push(['app', r.app]);
  if (r.dupe) {
    const key = r.dupe.key === 'changeId' ? changeKey : r.dupe.key;
    const first = dims.find(([k]) => k === key)?.[1];
    const other =
      r.dupe.key === 'changeId'
        ? ids.change(w.changes.length > 1 ? 1 : 0xfff1)
        : r.dupe.key === 'envId'
          ? ids.env(w.envs.length > 1 ? 1 : 0xfff1)
          : 'billing';
    const alternative = other === first ? ids.change(0xfff2) : other;
    // Only a dimension the alarm names is repeated (the oracle reads `dupe` the same way).
    if (first !== undefined) dims.push([key, r.dupe.same ? first : alternative]);
  }
  return dims;
}

/** The alarm of a world as the function receives it (JSON text of the FC event). */
function alarmText(w: World, r: AlarmWorldRequest, realNowMs: number, requestId: string): string {
  const at = alarmTime(r, realNowMs);
  const outer = outerTime(r, realNowMs);
  const stamp = at === undefined ? undefined : r.timeBad ? 'soon' : String(at);
  const dims = alarmDims(w, r);
  const javaMap = `{${dims.map(([k, v]) => `${k}=${v}`).join(', ')}}`;
  const fields: [string, string][] = [
    ['alertName', 'webplus-change-idle'],
    ['alertState', r.state],
    ['ruleId', r.ruleId],
    ['metricName', 'change_idle_minutes'],
    ['namespace', 'acs_customMetric_1234567890123456'],
    ['dimensions', javaMap],
  ];
  if (stamp !== undefined) fields.push(['timestamp', stamp]);
  if (r.triggerLevel !== undefined) fields.push(['triggerLevel', r.triggerLevel]);
  if (r.extraKey !== undefined) fields.push([r.extraKey, 'true']);
  const repeated: [string, string] | undefined =
    r.repeat === 'timestamp'
      ? ['timestamp', String(realNowMs - 40 * 60_000)]
      : r.repeat === 'alertState'
        ? ['alertState', 'OK']
        : r.repeat === 'triggerLevel'
          ? ['triggerLevel', r.triggerLevel === 'OK' ? 'CRITICAL' : 'OK']
          : undefined;
  const asForm = (): string => {
    const f = new URLSearchParams();
    for (const [k, v] of fields) f.append(k, v);
    if (repeated) {
      // A repeat needs a first value even when the world sends none (else it is no repeat).
      if (!fields.some(([k]) => k === repeated[0])) {
        f.append(repeated[0], repeated[0] === 'timestamp' ? String(realNowMs) : 'CRITICAL');
      }
      f.append(...repeated);
    }
    return f.toString();
  };
  if (r.via === 'callback') {
    return JSON.stringify(http('/cms-callback', asForm(), { token: WORLD_TOKEN }, requestId));
  }
  if (r.via === 'eventbridge') {
    const time =
      outer === undefined
        ? undefined
        : outer === 'bad'
          ? 'yesterday'
          : new Date(outer).toISOString();
    return jsonText([
      ['specversion', '1.0'],
      ['id', requestId],
      ['source', 'acs.cms'],
      ['type', 'cms:CloudMonitor:AlertWebHook'],
      ['time', time],
      // A repeated field can only be sent in a form string (a JSON object holds a name once).
      ['data', repeated ? asForm() : Object.fromEntries(fields)],
    ]);
  }
  const level: Record<string, string> = {
    ALERT: 'CRITICAL',
    ALARM: 'WARN',
    OK: 'OK',
    INSUFFICIENT_DATA: 'NODATA',
    alert: 'critical',
    Alarm: 'Warn',
  };
  const resources = jsonText(dims);
  const metricStamp = at === undefined ? undefined : r.timeBad ? 'soon' : at;
  // A repeated `time` needs a second one even when the world sends none (else it is no repeat).
  const time =
    outer === undefined ? (r.repeat ? realNowMs : undefined) : outer === 'bad' ? 'later' : outer;
  const entries: [string, unknown][] = [
    ['ruleId', r.ruleId],
    ['ruleName', 'webplus-change-idle'],
    ['curLevel', level[r.state]],
    ['resources', resources],
    ['metricData', metricStamp !== undefined ? { timestamp: metricStamp } : {}],
    ['metricName', 'change_idle_minutes'],
    ['namespace', 'acs_customMetric_1234567890123456'],
    ['time', time],
    ['eventName', r.state === 'OK' ? 'AlertOk' : 'Alert'],
  ];
  if (r.extraKey !== undefined) entries.push([r.extraKey, true]);
  if (r.repeat !== undefined) entries.unshift(['time', realNowMs - 40 * 60_000]);
  return jsonText(entries);
}
