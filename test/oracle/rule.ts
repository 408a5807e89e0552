/**
 * The fail-closed rule as a small, separate oracle (issue 10, "The rule"): which changes of a
 * world may receive an AbortChange. Written from the rule, not from the code: it imports nothing
 * from shared/ and shares no helper with it. Where the rule leaves a boundary (clock slack), the
 * oracle is the more permissive side, so that a change it refuses is surely one the function
 * must not abort.
 *
 * An AbortChange is allowed only when: the change is in flight; it is the change the request or
 * alarm meant; its times are known; it is stuck by its rules (sweeps) or an operator / a fresh
 * alarm named it; it is not protected; its mode is enforce; the cap allows it; the log store
 * stores its intent record (red-team 25 G15: a store that refuses every write allows none).
 */
import {
  alarmTime,
  changeTimes,
  type DryRunValue,
  type IdRef,
  ids,
  type Mode,
  outerTime,
  type ScopeSpec,
  type World,
  type WorldChange,
  type WorldEnv,
} from './world.js';

const MIN = 60_000;
/** Clock slack the rule allows between CloudMonitor's, Web+'s and the function's clocks. */
const SLACK_MS = 60_000;
/** How far Web+'s Date header may be from the real clock before its clock is unknown. */
const TRUST_MS = 5 * MIN;

export interface Instants {
  /** Web+'s clock when the world was seeded, epoch ms */
  serverSeedMs: number;
  /** The real clock when the world was seeded, epoch ms */
  realSeedMs: number;
  /** The real clock just before and just after the invocation, epoch ms */
  realStartMs: number;
  realEndMs: number;
}

export interface Allowed {
  /** ChangeIds that may receive an AbortChange. */
  changeIds: Set<string>;
  /** At most this many AbortChange targets in all (a sweep's cap). */
  max: number;
  /** Targets the rule refused, by the first condition that failed (for figures). */
  refused?: Record<string, number>;
}

interface Rules {
  mode: Mode;
  maxIdle: number;
  maxDuration: number;
  includePaused: boolean;
}

interface PolicyView {
  mode: Mode;
  maxIdle: number;
  maxDuration: number;
  includePaused: boolean;
  actions?: string[];
  envs: Map<number, { mode?: Mode; maxIdleMinutes?: number; includePaused?: boolean }>;
  protectEnvs: Set<number>;
  protectApps: Set<number>;
  sweepApps?: number[];
  cap: number;
  alarmMaxAge: number;
  alarms: { ruleId?: string; app?: string; envs: number[] }[];
}

const NONE: Allowed = { changeIds: new Set(), max: 0 };

/** What the oracle allows for world `w` (times: see {@link Instants}). */
export function allowedAborts(w: World, t: Instants): Allowed {
  const policy = readPolicy(w);
  if (!policy) return NONE;
  // Write-ahead (red-team 25 G15): an abort is sent only after its intent record was stored; a
  // log store that refuses every write stores none, so nothing may be sent.
  if (w.logStore === 'refuses') return { ...NONE, refused: { 'log store refuses': 1 } };
  // A second region whose every read fails: no request of a world names a region, so every
  // change found (by id or in a sweep) may be in that region too; its region is unknown
  // (red-team 25 G6).
  if (w.failingRegion) return NONE;
  const r = w.request;
  /** A rule needs each change's AppId (protect.appIds): every path lists the environments. */
  const appRule = policy.protectApps.size > 0;
  /**
   * `byEnv`: reached through its environment (a listing or an EnvId), so ApplyingChange counts.
   * `listed`: its environment is read from DescribeAppEnvs (a sweep of applications, a ChangeId
   * to locate, or any path when a rule needs the AppId), whose item carries its own AppId; an
   * EnvId alone is read with DescribeAppEnvStatus, which carries none.
   */
  type Target = {
    change: WorldChange;
    source: 'sweep' | 'manual' | 'alarm';
    byEnv: boolean;
    listed: boolean;
  };
  let targets: Target[] = [];
  let max = Number.POSITIVE_INFINITY;
  let run: { maxIdle?: number; maxDuration?: number } = {};
  let alarmAt: number | undefined;

  if (r.kind === 'timer' || r.kind === 'http-sweep') {
    let spec: ScopeSpec = {};
    if (r.kind === 'timer') {
      // The event says more than FC sends (a key beside its three, `payload` twice): refused.
      if (r.outer !== undefined) return NONE;
      if (r.payload === 'not-json') return NONE;
      if (r.payload !== 'empty') spec = r.payload;
    } else {
      if (r.queryExtra !== undefined) return NONE;
      const q = queryDry(r.queryDryRun);
      if (q !== 'no') return NONE;
      if (r.body !== 'empty') {
        spec = r.body;
        if (spec.maxIdleMinutes !== undefined || spec.maxDurationMinutes !== undefined) return NONE;
      }
    }
    if (spec.extra !== undefined) return NONE;
    if (dry(spec.dryRun) !== 'no') return NONE;
    const idle = minutes(spec.maxIdleMinutes);
    const duration = minutes(spec.maxDurationMinutes);
    if (idle === 'bad' || duration === 'bad') return NONE;
    run = { maxIdle: idle, maxDuration: duration };
    const envScope = list(spec.envIds, ids.env);
    const appScope = list(spec.appIds, ids.app);
    if (envScope === 'refused' || appScope === 'refused') return NONE;
    if (envScope && appScope) return NONE;
    let envs: WorldEnv[];
    if (envScope) envs = w.envs.filter((e) => envScope.includes(ids.env(e.n)));
    else {
      const apps = appScope ?? policy.sweepApps?.map(ids.app);
      envs = apps ? w.envs.filter((e) => apps.includes(ids.app(e.app))) : w.envs;
    }
    for (const env of envs) {
      const c = latest(w, env);
      if (c && !env.terminated)
        targets.push({ change: c, source: 'sweep', byEnv: true, listed: !envScope || appRule });
    }
    max = policy.cap;
  } else if (r.kind === 'http-abort') {
    if (r.extra !== undefined || r.queryExtra !== undefined) return NONE;
    if (dry(r.dryRun) !== 'no' || queryDry(r.queryDryRun) !== 'no') return NONE;
    // One bad id refuses the whole call: nothing of it is acted on.
    if ([...(r.changeIds ?? []), ...(r.envIds ?? [])].some((ref) => 'bad' in ref)) return NONE;
    for (const ref of r.changeIds ?? []) {
      const c = knownChange(w, ref);
      if (c) targets.push({ change: c, source: 'manual', byEnv: false, listed: true });
    }
    for (const ref of r.envIds ?? []) {
      const env = knownEnv(w, ref);
      const c = env && !env.terminated ? latest(w, env) : undefined;
      if (c) targets.push({ change: c, source: 'manual', byEnv: true, listed: appRule });
    }
  } else {
    if (!alarmReadable(r)) return NONE;
    alarmAt = alarmInstant(r, t.realSeedMs);
    if (alarmAt === undefined) return NONE;
    // Fresh on the real clock at some instant of the invocation, with the slack on both sides.
    const ageAtStart = t.realStartMs - alarmAt;
    if (ageAtStart > policy.alarmMaxAge * MIN + SLACK_MS) return NONE;
    if (t.realEndMs - alarmAt < -SLACK_MS) return NONE;
    // A dimension present but not a well-formed id (blank, `null`, garbage) stops the alarm.
    const changeRef = r.changeId;
    const envRef = r.envId;
    if (changeRef && 'bad' in changeRef) return NONE;
    if (envRef && 'bad' in envRef) return NONE;
    if (changeRef) {
      // Named with an environment too: the change must be in it (else which was meant?).
      if (envRef && !('known' in envRef && 'known' in changeRef)) return NONE;
      const c = knownChange(w, changeRef);
      if (c && envRef && 'known' in envRef && c.env !== envRef.known) return NONE;
      // Located through the listing, unless the alarm's envId says where it is.
      if (c) targets.push({ change: c, source: 'alarm', byEnv: false, listed: !envRef || appRule });
    } else if (envRef) {
      const env = knownEnv(w, envRef);
      const c = env && !env.terminated ? latest(w, env) : undefined;
      if (c) targets.push({ change: c, source: 'alarm', byEnv: true, listed: appRule });
    } else {
      const envs = new Set<number>();
      for (const rule of policy.alarms) {
        const byRule = rule.ruleId !== undefined && rule.ruleId === r.ruleId;
        const byApp = rule.app !== undefined && rule.app === r.app;
        if (byRule || byApp) for (const e of rule.envs) envs.add(e);
      }
      for (const n of envs) {
        const env = w.envs[n];
        const c = env && !env.terminated ? latest(w, env) : undefined;
        if (c) targets.push({ change: c, source: 'alarm', byEnv: true, listed: appRule });
      }
    }
  }

  const allowed = new Set<string>();
  const refused: Record<string, number> = {};
  // A change targeted twice keeps its first path; it counts as listed only when every path
  // lists it (the oracle is the permissive side).
  targets = targets
    .filter((x, i) => targets.findIndex((y) => y.change === x.change) === i)
    .map((x) => ({
      ...x,
      listed: targets.every((y) => y.change !== x.change || y.listed),
    }));
  for (const { change: c, source, byEnv, listed } of targets) {
    const env = w.envs[c.env]!;
    // Only a documented live EnvStatus lets a change be judged (red-team 25 G1): DescribeAppEnvs
    // and DescribeAppEnvStatus both carry it, so it counts on every path.
    const status = env.status ?? 'RUNNING';
    const flags =
      status !== 'RUNNING' && status !== 'INITIALIZING'
        ? 'EnvStatus not a documented live state'
        : (env.aborting ?? 'ok') !== 'ok'
          ? 'AbortingChange unreadable'
          : byEnv && (env.applying ?? 'ok') !== 'ok'
            ? 'ApplyingChange unreadable'
            : undefined;
    // A listing item whose own AppId is not the application it is listed under (or has none)
    // contradicts its listing (red-team 25 G3).
    const appId = listed && env.appId !== 'ok' ? 'AppId contradicts its listing' : undefined;
    const why = flags ?? appId ?? refusal(w, policy, c, source, run, alarmAt, t);
    if (why) refused[why] = (refused[why] ?? 0) + 1;
    else allowed.add(ids.change(c.n));
  }
  return { changeIds: allowed, max, refused };
}

/** The first condition of the rule `c` fails, or undefined when it may be aborted. */
function refusal(
  w: World,
  policy: PolicyView,
  c: WorldChange,
  source: 'sweep' | 'manual' | 'alarm',
  run: { maxIdle?: number; maxDuration?: number },
  alarmAt: number | undefined,
  t: Instants,
): string | undefined {
  const env = w.envs[c.env]!;
  // In flight, and the flags that say so are readable.
  if (c.phase !== 'running' && c.phase !== 'paused') return 'not in flight';
  // Web+ runs one change at a time per environment (a second is refused with EnvOnChanging,
  // docs/reference/webplus-api.md): a change that is not its environment's latest cannot be in
  // flight, whatever flags a generated world gives it.
  if (latest(w, env) !== c) return "not its environment's latest change";
  if (c.finished !== 'ok' || c.aborted !== 'ok' || c.paused !== 'ok') return 'flags unreadable';
  // Timed out yet unfinished: nothing documents what such a change is doing (red-team 25 G2).
  if (c.timedOut) return 'ChangeTimedout beside an unfinished change';
  // The change is the one meant, in a known environment.
  if (c.envId !== 'ok') return 'EnvId unreadable';
  // Every DescribeChange of it comes in an envelope that is not the documented one (another
  // Message, no RequestId, an undocumented name, another Code or host): its facts are unknown
  // (red-team 25 G16).
  if (c.envelope !== undefined) return 'DescribeChange envelope undocumented';
  // Times known.
  if (!timeKnown(c.createTime) || !timeKnown(c.updateTime)) return 'times unknown';
  // Readable times that cannot both be true are unknown times.
  if (c.clash !== undefined && c.createTime === 'ok' && c.updateTime === 'ok')
    return 'times contradict';
  // Protection, checkable.
  if (policy.protectEnvs.has(env.n)) return 'protected env';
  if (policy.protectApps.size > 0 && env.appId !== 'ok') return 'AppId unknown';
  if (policy.protectApps.has(env.app)) return 'protected app';
  const rules = rulesFor(policy, env.n, source === 'sweep' ? run : {});
  if (rules.mode !== 'enforce') return `mode ${rules.mode}`;
  if (w.killSwitch) return 'kill switch';
  if (policy.actions && !policy.actions.includes(c.action)) return 'action not allowed';
  if (c.phase === 'paused' && source !== 'manual' && !rules.includePaused) return 'paused';
  const { create, update } = changeTimes(c, t.serverSeedMs);
  if (source === 'alarm' && alarmAt !== undefined && create > alarmAt + SLACK_MS)
    return 'alarm predates change';
  if (source === 'sweep') {
    // A Date header more than 5 min from the real clock is not believed (red-team 12 F8).
    if (Math.abs(w.skewMs) > TRUST_MS) return 'Web+ clock unknown';
    const stuckAt = (realMs: number): boolean => {
      // Both clocks judge and the smaller age is used (red-team 12 H2): the earlier clock.
      const judge = realMs + Math.min(0, w.skewMs);
      return judge - update > rules.maxIdle * MIN || judge - create > rules.maxDuration * MIN;
    };
    if (!stuckAt(t.realStartMs) && !stuckAt(t.realEndMs)) return 'not stuck';
  }
  return undefined;
}

/** The callback's documented keys (CloudMonitor "Alarm callback", plus real captures), and ruleName. */
const CALLBACK_DOCUMENTED = new Set([
  'alertName',
  'alertState',
  'curValue',
  'dimensions',
  'expression',
  'instanceName',
  'metricName',
  'metricProject',
  'namespace',
  'preTriggerLevel',
  'triggerLevel',
  'ruleId',
  'ruleName',
  'timestamp',
  'userId',
  'signature',
  'lastTime',
  'rawMetricName',
  'transId',
  'groupId',
  'productGroupName',
  'regionId',
  'regionName',
  'unit',
]);

/** Lower case, without `-`, `_`, `.` and spaces. */
function squash(key: string): string {
  let out = '';
  for (const ch of key.toLowerCase()) if (!'-_. '.includes(ch)) out += ch;
  return out;
}

/**
 * Whether the alarm says one thing, in the words CloudMonitor documents: an exact firing state
 * (and, for a callback-shaped alarm, a triggerLevel that is absent or a firing level); no field
 * repeated with another value; no dimension given twice with different values; no switch-like
 * key (a callback: nothing undocumented; elsewhere nothing that squashes to a switch, an id, or
 * another spelling of a field read).
 */
function alarmReadable(r: Extract<World['request'], { kind: 'alarm' }>): boolean {
  if (r.state !== 'ALERT' && r.state !== 'ALARM') return false;
  if (r.repeat !== undefined) return false;
  // A dimension repeated (only one the alarm names is: see build.ts) with another value; a JSON
  // text (a rule push's `resources`) naming a key twice is refused even with equal values.
  const repeatedDim =
    r.dupe !== undefined &&
    (r.dupe.key === 'changeId' ? r.changeId : r.dupe.key === 'envId' ? r.envId : r.app) !==
      undefined;
  if (repeatedDim && (!r.dupe!.same || r.via === 'rule-push')) return false;
  const callbackShaped = r.via !== 'rule-push';
  if (callbackShaped && r.triggerLevel !== undefined && r.triggerLevel !== 'CRITICAL') return false;
  if (r.extraKey !== undefined) {
    const k = r.extraKey;
    const s = squash(k);
    if (['dryrun', 'force', 'mode', 'changeid', 'envid'].includes(s)) return false;
    if (r.via === 'callback' && !CALLBACK_DOCUMENTED.has(k)) return false;
    const read =
      r.via === 'rule-push'
        ? ['ruleId', 'ruleName', 'alertName', 'curLevel', 'eventName', 'resources', 'metricData']
        : ['alertState', 'ruleId', 'ruleName', 'alertName', 'dimensions', 'timestamp'];
    const more = ['namespace', 'metricName', r.via === 'rule-push' ? 'time' : 'triggerLevel'];
    if ([...read, ...more].some((rk) => rk !== k && squash(rk) === s)) return false;
  }
  return true;
}

/**
 * When the alarm fired: the OLDEST of the times it carries, or undefined when any time it
 * carries is unreadable, or it carries none.
 */
function alarmInstant(
  r: Extract<World['request'], { kind: 'alarm' }>,
  realSeedMs: number,
): number | undefined {
  const first = alarmTime(r, realSeedMs);
  const second = outerTime(r, realSeedMs);
  if (first !== undefined && r.timeBad) return undefined;
  if (second === 'bad') return undefined;
  const times = [first, second].filter((x): x is number => typeof x === 'number');
  return times.length === 0 ? undefined : Math.min(...times);
}

function readPolicy(w: World): PolicyView | undefined {
  const p = w.policy;
  if (p.kind === 'nothing' || p.kind === 'modeless') return undefined;
  if (p.kind === 'defaults') {
    return {
      mode: 'enforce',
      maxIdle: 30,
      maxDuration: 240,
      includePaused: false,
      envs: new Map(),
      protectEnvs: new Set(),
      protectApps: new Set(),
      cap: 20,
      alarmMaxAge: 15,
      alarms: [],
    };
  }
  // A given policy that states no mode is refused at cold start: it never means enforce.
  if (p.defaultsMode === undefined) return undefined;
  const alarms: PolicyView['alarms'] = [];
  for (const rule of p.alarms) {
    const app = rule.match.dimensions?.app;
    if (rule.match.ruleId === undefined && app === undefined) return undefined;
    alarms.push({ ruleId: rule.match.ruleId, app, envs: rule.envs });
  }
  return {
    mode: p.defaultsMode,
    maxIdle: p.maxIdleMinutes ?? 30,
    maxDuration: p.maxDurationMinutes ?? 240,
    includePaused: p.includePaused ?? false,
    actions: p.actions,
    envs: new Map(p.envs.map((e) => [e.env, e])),
    protectEnvs: new Set(p.protectEnvs),
    protectApps: new Set(p.protectApps),
    sweepApps: p.sweepApps,
    cap: p.cap ?? 20,
    alarmMaxAge: p.alarmMaxAgeMinutes ?? 15,
    alarms,
  };
}

function rulesFor(
  p: PolicyView,
  env: number,
  run: { maxIdle?: number; maxDuration?: number },
): Rules {
  const own = p.envs.get(env);
  return {
    mode: own?.mode ?? p.mode,
    maxIdle: own?.maxIdleMinutes ?? run.maxIdle ?? p.maxIdle,
    maxDuration: run.maxDuration ?? p.maxDuration,
    includePaused: own?.includePaused ?? p.includePaused,
  };
}

/** The env's change with the newest CreateTime (what Web+ names LatestChangeId). */
function latest(w: World, env: WorldEnv): WorldChange | undefined {
  let best: WorldChange | undefined;
  for (const c of w.changes) {
    if (c.env !== env.n) continue;
    if (!best || changeTimes(c, 0).create > changeTimes(best, 0).create) best = c;
  }
  return best;
}

function knownChange(w: World, ref: IdRef): WorldChange | undefined {
  return 'known' in ref ? w.changes[ref.known] : undefined;
}

function knownEnv(w: World, ref: IdRef): WorldEnv | undefined {
  return 'known' in ref ? w.envs[ref.known] : undefined;
}

function timeKnown(t: WorldChange['createTime']): boolean {
  return t === 'ok' || t === 'digits';
}

/** `no` = the request does not ask for a dry run; `dry` = it does; `bad` = unreadable. */
function dry(v: DryRunValue | undefined): 'no' | 'dry' | 'bad' {
  if (v === undefined || v === false || v === 'false') return 'no';
  if (v === true || v === 'true' || v === 'TRUE') return 'dry';
  return 'bad';
}

function queryDry(v: string | undefined): 'no' | 'dry' | 'bad' {
  if (v === undefined || v === 'false') return 'no';
  if (v === 'true' || v === '') return 'dry';
  return 'bad';
}

function minutes(v: number | string | undefined): number | undefined | 'bad' {
  if (v === undefined) return undefined;
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 525_600 ? v : 'bad';
}

/**
 * A request's id list: absent = undefined; explicitly empty, or holding one bad element = refused
 * (a list is read whole or not at all); otherwise the ids (unknown ones included: well formed).
 */
function list(
  refs: IdRef[] | undefined,
  make: (n: number) => string,
): string[] | undefined | 'refused' {
  if (refs === undefined) return undefined;
  const out: string[] = [];
  for (const ref of refs) {
    if ('bad' in ref) return 'refused';
    out.push(make('known' in ref ? ref.known : ref.unknown));
  }
  return out.length === 0 ? 'refused' : out;
}

/**
 * The facts of change `c` the world made unknown, by the Web+ field that carries each: what a
 * record that fails closed on `c` must name (issue 10: "whose detail names the unknown fact").
 * `byEnv`: the change was reached through its environment, so ApplyingChange counts too.
 */
export function unknownFields(w: World, c: WorldChange): string[] {
  const env = w.envs[c.env]!;
  const out: string[] = [];
  const status = env.status ?? 'RUNNING';
  if (!env.terminated && status !== 'RUNNING' && status !== 'INITIALIZING') out.push('EnvStatus');
  if ((env.aborting ?? 'ok') !== 'ok') out.push('AbortingChange');
  if ((env.applying ?? 'ok') !== 'ok') out.push('ApplyingChange');
  if (c.finished !== 'ok') out.push('ChangeFinished');
  if (c.aborted !== 'ok') out.push('ChangeAborted');
  if (c.paused !== 'ok') out.push('ChangePaused');
  if (c.timedOut && (c.phase === 'running' || c.phase === 'paused' || c.phase === 'aborting'))
    out.push('ChangeTimedout');
  if (c.envId !== 'ok') out.push('EnvId');
  if (!timeKnown(c.createTime) || (c.clash && c.updateTime === 'ok')) out.push('CreateTime');
  if (!timeKnown(c.updateTime) || (c.clash && c.createTime === 'ok')) out.push('UpdateTime');
  if (env.appId !== 'ok') out.push('AppId');
  if (Math.abs(w.skewMs) > TRUST_MS) out.push('Date header');
  return out;
}
