/**
 * The fail-closed rule for SAE and EDAS change orders as a small, separate oracle (issue 10,
 * "The rule", applied to issue 14's platforms): which change orders of a world may receive an
 * AbortChangeOrder or an AbortAndRollbackChangeOrder. Written from the rule and the reference
 * tables (docs/reference/sae-edas.md §2.5, §3.5), not from the code: it imports nothing from
 * shared/ and shares no helper with it. Where the rule leaves a boundary (clock slack), the
 * oracle takes the permissive side, so that an order it refuses is surely one the function must
 * not abort.
 *
 * An abort is allowed only when: the platform is enabled; the order is in flight (a status the
 * reference lists as in flight, read as a JSON number); it is the order the request meant (named
 * by its ChangeOrderId, or its application's order); its application is known whenever
 * protection or per-application rules need it; it is not protected; its mode is enforce (no
 * kill switch, no dry run); its change type is allowed; it is not paused (unless an operator
 * named it, or includePaused); its times are known; the rollback the policy asks for is one the
 * order supports; it is stuck by its rules (sweeps); the cap allows it.
 */
import {
  type DryRunValue,
  type Mode,
  orderInstants,
  type PIdRef,
  type PlatformName,
  type PlatformPolicySpec,
  type PlatformWorld,
  pids,
  type WorldOrder,
} from './platform-world.js';

const MIN = 60_000;
const SLACK_MS = 60_000;

/** Reference §2.5 (SAE) and §3.5 (EDAS): codes in flight, and which of them wait for someone. */
const IN_FLIGHT: Record<PlatformName, Set<number>> = {
  sae: new Set([0, 1, 9, 8, 11, 12]),
  edas: new Set([0, 1, 9, 8]),
};
const PAUSED: Record<PlatformName, Set<number>> = {
  sae: new Set([8, 11, 12]),
  edas: new Set([8]),
};

export interface PlatformInstants {
  /** each emulator's own clock when it started, epoch ms */
  startedAtMs: Record<PlatformName, number>;
  /** the real clock when the world was seeded (alarm times count back from it), epoch ms */
  realSeedMs: number;
  /** the real clock just before and just after the invocation, epoch ms */
  realStartMs: number;
  realEndMs: number;
}

export interface PlatformAllowed {
  /** `<platform>:<ChangeOrderId>` → the one abort action it may receive */
  orders: Map<string, 'AbortChangeOrder' | 'AbortAndRollbackChangeOrder'>;
  /** at most this many abort calls per platform (a sweep's cap) */
  max: Record<PlatformName, number>;
  refused: Record<string, number>;
}

interface View {
  defaults: { mode: Mode; maxIdle: number; maxDuration: number; includePaused: boolean };
  platforms: Record<PlatformName, PlatformPolicySpec | undefined>;
  cap: number;
  alarmMaxAge: number;
}

const none = (): PlatformAllowed => ({
  orders: new Map(),
  max: { sae: 0, edas: 0 },
  refused: {},
});

type Via = 'order' | 'app' | 'sweep';
interface Target {
  order: WorldOrder;
  via: Via;
  source: 'sweep' | 'manual' | 'alarm';
}

/** What the oracle allows for world `w`. */
export function allowedPlatformAborts(w: PlatformWorld, t: PlatformInstants): PlatformAllowed {
  const view = readPolicy(w);
  if (!view) return none();
  // Write-ahead (red-team 25 G15): an abort is sent only after its intent record was stored; a
  // log store that refuses every write stores none, so nothing may be sent.
  if (w.logStore === 'refuses') return none();
  const r = w.request;
  const out = none();
  const targets: Target[] = [];
  let run: { maxIdle?: number; maxDuration?: number } = {};
  let alarmAt: number | undefined;

  if (r.kind === 'sae-cms' || r.kind === 'sae-event' || r.kind === 'edas-event') {
    const p: PlatformName = r.kind === 'edas-event' ? 'edas' : 'sae';
    if (!w.enabled.includes(p)) return out;
    out.max[p] = Number.POSITIVE_INFINITY;
    if (r.firedMinAgo === undefined) return out;
    alarmAt = t.realSeedMs - r.firedMinAgo * MIN - 10_000;
    // Fresh on the real clock at some instant of the invocation, with the slack on both sides.
    if (t.realStartMs - alarmAt > view.alarmMaxAge * MIN + SLACK_MS) return out;
    if (t.realEndMs - alarmAt < -SLACK_MS) return out;
    const app = (ref: PIdRef | undefined) => (ref && 'known' in ref ? ref.known : undefined);
    if (r.kind === 'sae-cms') {
      if (r.state !== 'ALERT') return out;
      const a = app(r.appId);
      if (a === undefined) return out;
      targets.push(...ofApp(w, 'sae', a, 'alarm'));
    } else if (r.kind === 'sae-event') {
      if (!r.type.startsWith('sae:ChangeOrder:')) return out;
      if (r.region !== 'same' || r.subject === 'other') return out;
      // The namespace is in the event's region, and the event's times agree (s24 F12).
      if (r.namespace === 'other' || r.namespace === 'bad') return out;
      if (r.dataTime === 'year-old') return out;
      const a = app(r.resourceId);
      if (a === undefined) return out;
      targets.push(...ofApp(w, 'sae', a, 'alarm'));
    } else {
      if (r.eventType !== 'onFailure' && r.eventType !== 'onTimeout') return out;
      // Every place the event names its application must agree exactly (G13).
      if (r.objectId === 'other' || r.objectId === 'upper') return out;
      const a = app(r.appId);
      if (a === undefined) return out;
      if (r.order === 'absent') targets.push(...ofApp(w, 'edas', a, 'alarm'));
      // `foreign`: the event pairs the application with another application's order: no
      // listing of the named application proves the pair, so it is never aborted (G9).
      else if (r.order === 'own') {
        const mine = w.orders.filter((o) => o.platform === 'edas' && o.app === a);
        const o = mine[r.orderPick % Math.max(1, mine.length)];
        // The event names the order and its application: learned from the event itself.
        if (o) targets.push({ order: o, via: 'app', source: 'alarm' });
      }
    }
  } else if (r.kind === 'timer') {
    if (r.extra !== undefined || dry(r.dryRun) !== 'no') return out;
    run = { maxIdle: r.maxIdleMinutes, maxDuration: r.maxDurationMinutes };
    for (const p of ['sae', 'edas'] as const) {
      if (!w.enabled.includes(p)) continue;
      out.max[p] = view.cap;
      const scope = view.platforms[p]?.sweepApps;
      for (let a = 0; a < w.apps[p]; a++)
        if (!scope || scope.includes(a)) targets.push(...ofApp(w, p, a, 'sweep'));
    }
  } else {
    const p = r.platform;
    if (!w.enabled.includes(p)) return out;
    if (r.extra !== undefined || r.queryExtra !== undefined) return out;
    if (dry(r.dryRun) !== 'no' || queryDry(r.queryDryRun) !== 'no') return out;
    if (r.kind === 'http-sweep') {
      out.max[p] = view.cap;
      const given = valid(r.appIds);
      if (given === 'refused') return out;
      const scope = given ?? view.platforms[p]?.sweepApps;
      for (let a = 0; a < w.apps[p]; a++)
        if (!scope || scope.includes(a)) targets.push(...ofApp(w, p, a, 'sweep'));
    } else {
      out.max[p] = Number.POSITIVE_INFINITY;
      for (const ref of r.changeOrderIds ?? []) {
        if (!('known' in ref)) continue;
        const o = w.orders.filter((x) => x.platform === p)[ref.known];
        if (o) targets.push({ order: o, via: 'order', source: 'manual' });
      }
      for (const ref of r.appIds ?? []) {
        if ('known' in ref) targets.push(...ofApp(w, p, ref.known, 'manual'));
      }
    }
  }

  for (const target of targets) {
    const verdict = judge(w, view, target, run, t, alarmAt);
    const key = `${target.order.platform}:${pids.order(target.order.platform, target.order.n)}`;
    if (typeof verdict === 'string') out.refused[verdict] = (out.refused[verdict] ?? 0) + 1;
    // An order reached twice (by id and by its app) may be aborted when either path allows it.
    else if (!out.orders.has(key)) out.orders.set(key, verdict.action);
  }
  return out;
}

/** The orders of an application a read by application reaches. */
function ofApp(
  w: PlatformWorld,
  p: PlatformName,
  app: number,
  source: 'sweep' | 'manual' | 'alarm',
): Target[] {
  const mine = w.orders.filter((o) => o.platform === p && o.app === app);
  const via: Via = source === 'sweep' ? 'sweep' : 'app';
  if (p === 'edas') return mine.map((order) => ({ order, via, source }));
  // SAE runs one change order per application at a time: the application's latest (reference
  // §2.1, "SAE executes only one change order for an application at a time").
  let latest: WorldOrder | undefined;
  for (const o of mine)
    if (!latest || orderInstants(o, 0).start > orderInstants(latest, 0).start) latest = o;
  return latest ? [{ order: latest, via, source }] : [];
}

/** The first condition of the rule the target fails, or the abort action it may receive. */
function judge(
  w: PlatformWorld,
  view: View,
  { order: o, via, source }: Target,
  run: { maxIdle?: number; maxDuration?: number },
  t: PlatformInstants,
  alarmAt: number | undefined,
): string | { action: 'AbortChangeOrder' | 'AbortAndRollbackChangeOrder' } {
  const p = o.platform;
  const spec = view.platforms[p];
  // In flight, read as a number.
  if (o.statusWire !== 'ok') return 'status unreadable';
  if (!IN_FLIGHT[p].has(o.status)) return 'not in flight (or unknown status)';
  // Red-team 25: a read that contradicts itself, or a listing that contradicts the read.
  const flawed = flaw(o, via);
  if (flawed) return flawed;
  // Which application: only what this invocation read.
  let app: number | 'other' | undefined;
  if (p === 'sae' && o.appIdWire === 'upper') return 'AppId unreadable';
  if (p === 'sae' && o.appIdWire === 'other') {
    if (via !== 'order') return 'order read names another application';
    app = 'other';
  } else if (via !== 'order') app = o.app;
  else if (p === 'sae' && o.appIdWire === 'ok') app = o.app;
  // Reached through its application's listing: the listing entry must name that application
  // (EDAS ListRecentChangeOrder `AppId`, SAE DescribeApplicationStatus `Data.AppId`, both
  // documented), else the listing says two things (red-team 25 G9).
  if (via !== 'order' && o.listAppIdWire !== 'ok') return 'listing entry names another application';
  const protect = spec?.protect ?? [];
  const own = typeof app === 'number' ? spec?.apps.find((a) => a.app === app) : undefined;
  if (app === undefined && (protect.length > 0 || (spec?.apps.length ?? 0) > 0))
    return 'application unknown';
  if (typeof app === 'number' && protect.includes(app)) return 'protected';
  const mode = own?.mode ?? spec?.mode ?? view.defaults.mode;
  if (mode !== 'enforce') return `mode ${mode}`;
  if (w.killSwitch) return 'kill switch';
  if (spec?.changeTypes && !spec.changeTypes.includes(o.coType)) return 'change type';
  const includePaused = own?.includePaused ?? spec?.includePaused ?? view.defaults.includePaused;
  if (PAUSED[p].has(o.status) && source !== 'manual' && !includePaused) return 'paused';
  // Times: the batches that started (status 0 = not started) must all show readable times,
  // each in its platform's documented JSON type (red-team 25 G5).
  const currentStarted = o.status !== 0;
  if (currentStarted && (!readable(p, o.startWire) || !readable(p, o.updateWire)))
    return 'times unknown';
  // A batch that has not started shows no StartTime (red-team 25 G4).
  if (!currentStarted && !['ok', 'zero', 'null', 'absent'].includes(o.startWire))
    return 'a batch not started has a StartTime';
  if (!currentStarted && o.currentBatch === 1) return 'times unknown (no batch started)';
  const onAbort = own?.onAbort ?? spec?.onAbort ?? 'abort';
  if (onAbort === 'rollback' && !o.supportRollback) return 'rollback not supported';
  if (source === 'alarm' && alarmAt !== undefined) {
    // Fired before the order started (60 s slack): about an earlier order. The order's start is
    // on the platform's clock; the more lenient reading of the two clocks is taken.
    const { start } = orderInstants(o, t.startedAtMs[p]);
    if (Math.min(start, start - w.skewMs) > alarmAt + SLACK_MS) return 'alarm predates order';
  }
  if (source === 'sweep') {
    const { start, progress } = orderInstants(o, t.startedAtMs[p]);
    const span = progress - start;
    const lastProgress = currentStarted
      ? progress
      : start + ((o.currentBatch - 1) * span) / o.currentBatch;
    const maxIdle =
      own?.maxIdleMinutes ?? run.maxIdle ?? spec?.maxIdleMinutes ?? view.defaults.maxIdle;
    const maxDuration = run.maxDuration ?? spec?.maxDurationMinutes ?? view.defaults.maxDuration;
    // A Date header more than 5 min from the real clock is not believed (red-team 12 F8).
    if (Math.abs(w.skewMs) > 5 * MIN) return 'clock unknown';
    const stuckAt = (realMs: number): boolean => {
      // Both clocks judge and the smaller age is used (red-team 12 H2): the earlier clock.
      const judgeMs = realMs + Math.min(0, w.skewMs);
      // One second of slack for the emulators' rounding of batch times.
      return (
        judgeMs - lastProgress + 1000 > maxIdle * MIN || judgeMs - start + 1000 > maxDuration * MIN
      );
    };
    if (!stuckAt(t.realStartMs) && !stuckAt(t.realEndMs)) return 'not stuck';
  }
  return { action: onAbort === 'rollback' ? 'AbortAndRollbackChangeOrder' : 'AbortChangeOrder' };
}

function readPolicy(w: PlatformWorld): View | undefined {
  const p = w.policy;
  if (p.kind === 'nothing') return undefined;
  if (p.kind === 'defaults')
    return {
      defaults: { mode: 'enforce', maxIdle: 30, maxDuration: 240, includePaused: false },
      platforms: { sae: undefined, edas: undefined },
      cap: 20,
      alarmMaxAge: 15,
    };
  return {
    defaults: {
      mode: p.defaultsMode ?? 'enforce',
      maxIdle: p.maxIdleMinutes ?? 30,
      maxDuration: p.maxDurationMinutes ?? 240,
      includePaused: p.includePaused ?? false,
    },
    platforms: { sae: p.sae, edas: p.edas },
    cap: p.cap ?? 20,
    alarmMaxAge: p.alarmMaxAgeMinutes ?? 15,
  };
}

/** A batch time in the reference's form: SAE a JSON number (`long`), EDAS a digit string. */
function readable(p: PlatformName, t: WorldOrder['startWire']): boolean {
  return t === 'ok' || t === (p === 'sae' ? 'number' : 'digits');
}

/**
 * Red-team 25 G4, G5, G14, from the rule (docs/policy.md "What is a contradiction"): the flaw
 * that makes the order's facts unknown, or undefined. An order in flight here (its status is
 * the emulator's, read as a number):
 * - a FinishTime, a wrong-typed PipelineName / CoTypeCode, BatchType 7, Auto "yes", batch 1
 *   named "Batch 2", a not-started batch with a StartTime: always;
 * - the current batch read succeeded: when the order says 1 (in progress: a batch runs), or
 *   when it is the last batch (every batch succeeded, the order not finished);
 * - the batch before the current one updated after the current one started: when the current
 *   one started (status not 0);
 * - a listing that disagrees (or names a FinishTime): only when a listing found the order
 *   (not by ChangeOrderId).
 */
function flaw(o: WorldOrder, via: Via): string | undefined {
  switch (o.flaw) {
    case 'none':
      return undefined;
    case 'finish-read':
    case 'batch-misnamed':
    case 'unstarted-start':
    case 'name-number':
    case 'cotype-array':
    case 'batchtype-7':
    case 'auto-yes':
      return `read contradicts itself (${o.flaw})`;
    case 'current-succeeded':
      return o.status === 1 || o.currentBatch === o.batchCount
        ? 'read contradicts itself (no batch running)'
        : undefined;
    case 'batch-overlap':
      return o.status !== 0 ? 'read contradicts itself (batches overlap)' : undefined;
    case 'finish-listing':
    case 'list-createtime':
    case 'list-status':
    case 'list-substatus':
      return via === 'order' ? undefined : `listing disagrees with the read (${o.flaw})`;
  }
}

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

/** A sweep's `appIds`: absent = undefined; empty or none valid = refused; else the known indexes. */
function valid(refs: PIdRef[] | undefined): number[] | undefined | 'refused' {
  if (refs === undefined) return undefined;
  const ok = refs.filter((r) => !('bad' in r));
  if (ok.length === 0) return 'refused';
  return ok.flatMap((r) => ('known' in r ? [r.known] : []));
}
