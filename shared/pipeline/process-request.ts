import { dedupe, execute } from '../executor/execute.js';
import type { Candidate } from '../model/candidate.js';
import type { Decision } from '../model/decision.js';
import type { Mode, OutcomeRecord } from '../model/record.js';
import type { AbortRequest } from '../model/request.js';
import { alarmAgeVerdict } from '../policy/alarm-age.js';
import { envIdsForAlarm } from '../policy/alarm-match.js';
import { decide } from '../policy/decide.js';
import { explicitCandidates } from '../targeting/explicit.js';
import type { TargetingScope } from '../targeting/scope.js';
import { describeKind } from '../webplus/describe.js';
import { judgingClocks } from '../webplus/judging-clock.js';
import { decisionGate } from './abort-intent.js';
import { abortKeyOf } from './abort-record-gate.js';
import { ChangeClaims } from './change-claims.js';
import type { Emit, Invocation, RegionContext } from './invocation.js';
import { processPlatformRequestOnDemand } from './platform-pipeline.js';
import {
  cutIdRecord,
  cutSummaryRecord,
  DEFERRED_RECORDS_PER_ALARM,
  ignoredDetail,
  invalidRecord,
  joinedInvalid,
  type RecordBase,
  recordOf,
  requestRecord,
  unreadDimensionsRecord,
} from './records.js';
import { repeatRecord } from './repeats.js';
import type { Runtime } from './runtime.js';
import { addProgress, distinctCounts, type SweepProgress } from './summary.js';
import { runSweep } from './sweep-run.js';

export interface RequestOutcome {
  records: OutcomeRecord[];
  capReached: boolean;
  dryRun: boolean;
  /** How far a sweep got (sweeps only). */
  sweep?: SweepProgress;
}

/**
 * Runs one request through targeting → policy → executor and returns one record per decision,
 * in decision order. Each record goes to `emit` as soon as it is made (the caller streams them
 * to the log store; `emit` returns the record as it will be written, `recordId` included).
 * Never throws for Web+ failures: they become records.
 */
export async function processRequest(
  request: AbortRequest,
  inv: Invocation,
  runtime: Runtime,
  emit: Emit = (record) => record,
): Promise<RequestOutcome> {
  if (request.kind === 'platform')
    return processPlatformRequestOnDemand(request, inv, runtime, emit);
  const { config, policy } = runtime;
  const base: RecordBase = {
    trigger: request.trigger,
    triggerRef: request.triggerRef,
    invocationId: inv.invocationId,
  };
  const requestDryRun = 'dryRun' in request && request.dryRun === true;
  const dryRun = requestDryRun || config.dryRun;
  const runMode: Mode =
    policy.defaults.mode === 'off'
      ? 'off'
      : dryRun || policy.defaults.mode === 'dry-run'
        ? 'dry-run'
        : 'enforce';
  if (request.kind === 'ignored') {
    // One event, one decision, one record (red-team 25 G13): the inputs it refused are named in
    // that one `ignored` record, never written as `invalid` records beside it.
    return {
      records: [
        emit(
          requestRecord(base, runMode, 'ignored', ignoredDetail(request), {
            reason: request.reason,
          }),
        ),
      ],
      capReached: false,
      dryRun,
    };
  }
  // An alarm or event refused as a whole is one decision: one `invalid` record naming every
  // key it refused (red-team 25 G13). A timer payload or HTTP body keeps one per problem.
  const oneEvent =
    request.kind === 'refused' &&
    (request.trigger === 'cms-callback' || request.trigger === 'eventbridge') &&
    request.invalid.length > 1;
  const records = (oneEvent ? [joinedInvalid(request.invalid)] : request.invalid).map((input) =>
    emit(invalidRecord(input, base, runMode, Date.now())),
  );

  if (request.kind === 'refused') {
    // Refused as a whole: the `invalid` records say why; nothing is read or aborted.
    return { records, capReached: false, dryRun };
  }

  let alarmEnvIds: string[] = [];
  if (request.kind === 'alarm') {
    // A stale alarm (older than alarmMaxAgeMinutes, no readable time, from the future) costs no
    // Web+ call. Judged on the function's clock here; decide() judges it again on the clock the
    // decisions use (Web+'s when the skew is over a minute).
    const age = alarmAgeVerdict(request.alarm.timestampMs, Date.now(), policy.alarmMaxAgeMinutes);
    if (!age.fresh) {
      records.push(
        emit(
          requestRecord(base, runMode, 'ignored', age.detail, {
            reason: alarmReason(request.alarm),
          }),
        ),
      );
      return { records, capReached: false, dryRun };
    }
    // Dimensions past the intake cap were counted, not read: one record says how many, since
    // they may name ids (nothing is dropped silently; red-team 11 F5).
    if (request.unreadDimensions) {
      records.push(
        emit(
          unreadDimensionsRecord(
            base,
            runMode,
            request.unreadDimensions,
            alarmReason(request.alarm),
          ),
        ),
      );
    }
    // An id dimension that could not be read means the alarm meant something we cannot name:
    // never fall back to other dimensions or to the policy's rules (the `invalid` records say why).
    if (request.invalid.some((i) => i.field.startsWith('dimensions.'))) {
      return { records, capReached: false, dryRun };
    }
  }
  if (request.kind === 'alarm') {
    // One alarm acts on at most ALARM_MAX_IDS of the ids it targets (its ChangeIds, or its
    // EnvIds when it names no change): the rest are recorded `deferred`, one record each for the
    // next DEFERRED_RECORDS_PER_ALARM and one summary record for any beyond, so a flood of ids
    // cannot outlast the callback's budget and no id is dropped silently.
    const max = config.alarmMaxIds;
    const byChange = request.changeIds.length > 0;
    const targeted = byChange ? request.changeIds : request.envIds;
    const cut = targeted.slice(max);
    for (const id of cut.slice(0, DEFERRED_RECORDS_PER_ALARM)) {
      const named = byChange ? { changeId: id } : { envId: id };
      records.push(
        emit(cutIdRecord(base, runMode, named, targeted.length, max, alarmReason(request.alarm))),
      );
    }
    if (cut.length > DEFERRED_RECORDS_PER_ALARM) {
      // Past that many, one record names the count and the ids: nothing is cut silently.
      records.push(
        emit(
          cutSummaryRecord(
            base,
            runMode,
            cut.slice(DEFERRED_RECORDS_PER_ALARM),
            byChange ? 'ChangeIds' : 'EnvIds',
            targeted.length,
            max,
            alarmReason(request.alarm),
          ),
        ),
      );
    }
    request = byChange
      ? { ...request, changeIds: request.changeIds.slice(0, max) }
      : { ...request, envIds: request.envIds.slice(0, max) };
  }
  if (request.kind === 'alarm') {
    // A changeId dimension names the change: the environment's in-flight change (which may be a
    // newer deploy) is only the target when the alarm names no change.
    const named = request.changeIds.length + request.envIds.length > 0;
    if (!named && request.unreadDimensions) {
      // The part not read may name ids: the policy's rules are never a fallback for it (the
      // `deferred` record above says what was not read).
      return { records, capReached: false, dryRun };
    }
    alarmEnvIds =
      request.changeIds.length > 0
        ? []
        : named
          ? request.envIds
          : envIdsForAlarm(policy, request.alarm);
    if (!named && alarmEnvIds.length === 0 && request.invalid.length > 0) {
      // The `invalid` records already say why nothing was acted on.
      return { records, capReached: false, dryRun };
    }
    if (!named && alarmEnvIds.length === 0) {
      records.push(
        emit(
          requestRecord(
            base,
            runMode,
            'ignored',
            'the alarm names no changeId or envId dimension and matches no rule under alarms in the policy',
            { reason: alarmReason(request.alarm) },
          ),
        ),
      );
      return { records, capReached: false, dryRun };
    }
  }

  const credentials = inv.credentials;
  if (!credentials) {
    records.push(
      emit(
        requestRecord(
          base,
          runMode,
          'failed',
          'no Alibaba Cloud credentials: give the function a role (FC) or set ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET',
          { errorCode: 'NoCredentials' },
        ),
      ),
    );
    return { records, capReached: false, dryRun };
  }

  // The region a by-id request names (an alarm's, the operator's `regionId` / `--region`): it
  // works there only, and a region this function does not work in is refused with one record
  // per id and no call (the SAE/EDAS rule, process-platform-request.ts `targetRegions`).
  const namedRegion =
    request.kind === 'abort' || request.kind === 'alarm' ? request.regionId : undefined;
  if (
    request.kind !== 'sweep' &&
    namedRegion !== undefined &&
    !inv.webplus.some((c) => c.region.regionId === namedRegion)
  ) {
    const list = inv.webplus.map((c) => c.region.regionId).join(', ');
    const alarm = request.kind === 'alarm';
    const detail =
      request.kind === 'alarm'
        ? `the alarm names region ${namedRegion}, but Web+ is read in ${list} (WEBPLUS_REGIONS): not this function's change; nothing is aborted`
        : `region ${namedRegion} is not enabled for Web+ (WEBPLUS_REGIONS lists ${list}): nothing was read or aborted`;
    const extra = {
      errorCode: 'RegionNotEnabled',
      regionId: namedRegion,
      reason: request.kind === 'alarm' ? alarmReason(request.alarm) : 'manual',
    };
    const outcome = alarm ? 'ignored' : 'failed';
    const ids: Array<{ changeId?: string; envId?: string }> = [
      ...request.changeIds.map((changeId) => ({ changeId })),
      ...(request.kind === 'abort' ? request.envIds : alarmEnvIds).map((envId) => ({ envId })),
    ];
    if (ids.length === 0) records.push(emit(requestRecord(base, runMode, outcome, detail, extra)));
    for (const id of ids)
      records.push(emit({ ...id, ...requestRecord(base, runMode, outcome, detail, extra) }));
    return { records, capReached: false, dryRun };
  }

  const scope: TargetingScope = {
    sweepAppIds: policy.sweep.appIds,
    needAppId: policy.protect.appIds.length > 0,
  };
  // An alarm naming one environment beside its changes: the changes are read there.
  const envHint =
    request.kind === 'alarm' && request.changeIds.length > 0 && request.envIds.length === 1
      ? request.envIds[0]
      : undefined;
  const live = inv.webplus.filter(
    (ctx) => !ctx.latch.error && (namedRegion === undefined || ctx.region.regionId === namedRegion),
  );
  // A record that only repeats a region's "no such API here" is part of its one record, unless
  // its abort had an intent record written: that intent is followed by its own decision record
  // (red-team 25 G15).
  const keep = (ctx: RegionContext, r: OutcomeRecord) =>
    !(
      ctx.latch.error &&
      r.outcome === 'failed' &&
      r.errorCode === ctx.latch.error.code &&
      r.intentId === undefined
    );
  if (request.kind === 'sweep') {
    // Each region is swept on its own (its pacer, its rotation), all at once: each has the whole
    // budget its rotation was sized for (sweep-plan.ts), none waits for another; the cap is one
    // for the whole sweep (sweep-abort-budget.ts).
    let capReached = false;
    let sweep: SweepProgress | undefined;
    // One claim per change over every region: a change two regions return (a shared host, a
    // backend ignoring the region header) is decided once (change-claims.ts).
    const claims = new ChangeClaims(live.map((ctx) => ctx.region.regionId));
    const outs = await Promise.all(
      live.map((ctx) =>
        runSweep(request, inv, runtime, ctx.gateway, scope, {
          base,
          runMode,
          requestDryRun,
          emit: (r, o) => {
            if (keep(ctx, r)) return emit(r, o);
            // Folded into the region's one record: its abort hold ends here (abort-record-gate.ts).
            if (o?.now === true) inv.abortGate?.dropped(abortKeyOf(r));
            return r;
          },
          claims,
        }),
      ),
    );
    outs.forEach((out, i) => {
      const ctx = live[i]!;
      records.push(...out.records.filter((r) => keep(ctx, r)));
      capReached ||= out.capReached;
      sweep = sweep ? addProgress(sweep, out.progress) : out.progress;
    });
    // The invocation's environments, each counted once over the regions (summary.ts).
    if (sweep && outs.length > 1)
      sweep = { ...sweep, ...distinctCounts(outs.map((o) => o.envIds)) };
    records.push(...unavailableRecords(inv.webplus, base, runMode).map((r) => emit(r)));
    return { records, capReached, dryRun, ...(sweep ? { sweep } : {}) };
  }
  // A ChangeId an earlier request of this invocation decided (another item of the same
  // EventBridge batch) is not read or aborted again: its record points at that decision.
  const repeatsOf = request.changeIds.filter((id) => inv.decided.webplus(id));
  for (const id of repeatsOf)
    records.push(emit(repeatRecord(inv.decided.webplus(id)!, base, Date.now())));
  const freshChangeIds = request.changeIds.filter((id) => !inv.decided.webplus(id));
  const envTargets = request.kind === 'abort' ? request.envIds : alarmEnvIds;
  if (repeatsOf.length > 0 && freshChangeIds.length === 0 && envTargets.length === 0) {
    return { records, capReached: false, dryRun };
  }
  const readsStarted = runtime.inFlight.startReads();
  const perRegion = await Promise.all(
    live.map(async (ctx): Promise<Candidate[]> => {
      const { gateway, directory } = ctx;
      if (request.kind === 'abort') {
        return explicitCandidates(
          gateway,
          scope,
          {
            source: 'manual',
            reason: 'manual',
            note: request.note,
            changeIds: freshChangeIds,
            envIds: request.envIds,
          },
          directory,
        );
      }
      return explicitCandidates(
        gateway,
        scope,
        {
          source: 'alarm',
          reason: alarmReason(request.alarm),
          changeIds: freshChangeIds,
          envIds: alarmEnvIds,
          envHint,
          // Each named change must be in one of the EnvIds the same alarm names (issue 10).
          ...(request.changeIds.length > 0 && request.envIds.length > 0
            ? { changeEnvIds: request.envIds }
            : {}),
          ...(request.changeEnvIds ? { pairedEnvIds: request.changeEnvIds } : {}),
          ...alarmAppIdsOf(request.alarm.dimensions),
        },
        directory,
      );
    }),
  );
  // One candidate per named id over the regions (red-team 24 F4): a region that answered "no
  // such API here" keeps none of its candidates (one record says so); an id more than one
  // region answers for is remembered, and never aborted (region ambiguous, below).
  const merged = mergeNamed(
    live.map((ctx) => ctx.region.regionId),
    live.map((ctx, i) => (ctx.latch.error ? undefined : (perRegion[i] ?? []))),
  );
  const candidates = merged.candidates;
  records.push(...unavailableRecords(inv.webplus, base, runMode).map((r) => emit(r)));

  const decidedAtMs = Date.now();
  const byRegion = new Map(inv.webplus.map((ctx) => [ctx.region.regionId, ctx]));
  const capReached = false;
  // One decision per ChangeId; a ChangeId two environments claim is `skipped` for each
  // (red-team 12 F1); a change reached twice through one environment is decided once and the
  // repeat gets its own record after it.
  const { unique, repeats } = dedupe(candidates);
  const done = await Promise.all(
    unique.map(async (c) => {
      // An environment's change an earlier request of this invocation decided: no second call.
      const decidedBefore = inv.decided.of(c);
      if (decidedBefore) return emit(repeatRecord(decidedBefore, base, Date.now()));
      const ctx = byRegion.get(c.regionId ?? '') ?? inv.webplus[0]!;
      // Ages are judged on both clocks, the smaller used (judging-clock.ts, red-team 12 H2);
      // the records carry the skew when Web+'s clock gave them.
      const clocks = judgingClocks(decidedAtMs, ctx.gateway.client.clockSkewMs());
      const decided = decide(c, {
        policy,
        ...clocks,
        clockUnknownWhy: ctx.gateway.client.clockUnknownWhy(),
        alarmAtMs: request.kind === 'alarm' ? request.alarm.timestampMs : undefined,
        killSwitch: config.dryRun,
        requestDryRun,
      });
      const d = regionUnknown(
        regionAmbiguous(decided, merged.foundIn.get(c) ?? []),
        c.regionId ?? '',
        merged.unknownIn.get(c) ?? [],
      );
      const clock = {
        judgedAtMs: clocks.nowMs,
        ...(clocks.recordSkewMs === undefined ? {} : { skewMs: clocks.recordSkewMs }),
      };
      const e = await execute(
        d,
        ctx.gateway,
        runtime.inFlight,
        decidedAtMs,
        readsStarted,
        // An abort's intent record is stored before its first request (red-team 25 G15).
        decisionGate(inv, d, emit, base, runMode, clock, decidedAtMs),
      );
      // An AbortChange that met "no such API here" is part of the region's one record (unless
      // an intent record was written for it: that intent gets its decision record).
      const latched = ctx.latch.error;
      if (latched && e.outcome === 'failed' && e.errorCode === latched.code && !e.intentId) {
        if (d.kind === 'abort') inv.abortGate?.dropped(abortKeyOf({ changeId: c.changeId }));
        return undefined;
      }
      const made = recordOf(e, base, runMode, clock);
      const notes = merged.notes.get(c);
      // An abort's record is written at once (red-team 24 F6): a kill must not lose it.
      const written = emit(notes ? { ...made, detail: `${made.detail}${notes}` } : made, {
        now: d.kind === 'abort',
      });
      inv.decided.note(written);
      return written;
    }),
  );
  for (const r of done) if (r) records.push(r);
  for (const c of repeats) {
    const first = inv.decided.of(c);
    if (first) records.push(emit(repeatRecord(first, base, Date.now())));
  }
  records.push(...unavailableRecords(inv.webplus, base, runMode).map((r) => emit(r)));
  return { records, capReached, dryRun };
}

/** What {@link mergeNamed} made of the regions' candidates for a request's named ids. */
interface MergedNamed {
  /** One candidate per named id (target), in the request's order. */
  candidates: Candidate[];
  /** A candidate found in more than one region: those regions, in config order. */
  foundIn: Map<Candidate, string[]>;
  /** Words to add to a candidate's record: what the other regions said of its id. */
  notes: Map<Candidate, string>;
  /**
   * A candidate found in one region while other regions' reads of its id failed or timed out
   * (red-team 25 G6): those regions and what their read said. Its region is unknown.
   */
  unknownIn: Map<Candidate, { regionId: string; detail: string }[]>;
}

/**
 * One candidate per id a manual or alarm request names, over the regions asked (red-team 24 F4:
 * never a second record for one id of one request). Every region's `explicitCandidates` holds
 * one candidate per target, in the same order, so target i is `perRegion[r][i]` in each region.
 * Per target: the candidate of the first region that found it (read it, or settled it other
 * than `not_found`, `failed`, `timeout`); when more than one region found it, `foundIn` lists
 * them (its region is unknown: Web+ replies carry no RegionId; see {@link regionAmbiguous}).
 * Found in one region while another region's read failed or timed out, `unknownIn` lists those
 * regions (red-team 25 G6: an unknown answer is not "not there"; {@link regionUnknown}).
 * Found nowhere: the first failure (a region that could not tell), else the first `not_found`;
 * what the other regions said is kept in `notes`, never dropped.
 * @param regions the regions asked, in config order
 * @param perRegion their candidates; undefined for a region whose API is not there
 */
function mergeNamed(
  regions: readonly string[],
  perRegion: readonly (Candidate[] | undefined)[],
): MergedNamed {
  const foundIn = new Map<Candidate, string[]>();
  const notes = new Map<Candidate, string>();
  const unknownIn = new Map<Candidate, { regionId: string; detail: string }[]>();
  const answered = perRegion
    .map((cs, r) => ({ cs, regionId: regions[r]! }))
    .filter((x): x is { cs: Candidate[]; regionId: string } => x.cs !== undefined);
  if (answered.length <= 1) return { candidates: answered[0]?.cs ?? [], foundIn, notes, unknownIn };
  const targets = Math.max(...answered.map((a) => a.cs.length));
  const candidates: Candidate[] = [];
  const unknown = (c: Candidate) =>
    c.settled?.outcome === 'failed' || c.settled?.outcome === 'timeout';
  for (let i = 0; i < targets; i++) {
    const each = answered.flatMap((a) => {
      const c = a.cs[i];
      return c ? [{ c, regionId: a.regionId }] : [];
    });
    const found = each.filter((x) => x.c.settled?.outcome !== 'not_found' && !unknown(x.c));
    const failed = each.filter((x) => unknown(x.c));
    const chosen = found[0] ?? failed[0] ?? each[0];
    if (!chosen) continue;
    candidates.push(chosen.c);
    if (found.length > 1)
      foundIn.set(
        chosen.c,
        found.map((x) => x.regionId),
      );
    else if (found.length === 1 && failed.length > 0)
      unknownIn.set(
        chosen.c,
        failed.map((x) => ({ regionId: x.regionId, detail: x.c.settled?.detail ?? '' })),
      );
    const others = each.filter((x) => x !== chosen);
    if (others.length === 0) continue;
    const said = others.map((x) =>
      x.c.settled?.outcome === 'not_found'
        ? `not found in region ${x.regionId}`
        : `region ${x.regionId}: ${x.c.settled ? `${x.c.settled.outcome}, ${x.c.settled.detail}` : 'found it too'}`,
    );
    notes.set(chosen.c, `; ${said.join('; ')}`);
  }
  return { candidates, foundIn, notes, unknownIn };
}

/**
 * The decision on a named change more than one region answered for: an abort (or a dry run's
 * would-abort) becomes `skipped`, region ambiguous (the sweep's rule, sweep-run.ts and
 * docs/operator-guide.md "Several regions, one backend"); any other decision stands.
 */
function regionAmbiguous(d: Decision, regions: readonly string[]): Decision {
  const acts = d.kind === 'abort' || (d.kind === 'record' && d.outcome === 'would_abort');
  if (!acts || regions.length < 2) return d;
  const c = d.candidate;
  const what = c.changeId
    ? `change ${c.changeId}${c.envId ? ` (environment ${c.envId})` : ''}`
    : `environment ${c.envId}`;
  return {
    kind: 'record',
    candidate: c,
    mode: d.mode,
    ...(d.reason ? { reason: d.reason } : {}),
    outcome: 'skipped',
    detail: `region ambiguous: ${what} was found by regions ${regions.join(' and ')} (they share the Web+ host, or the backend ignores x-acs-region-id) and Web+ replies carry no RegionId, so which region it belongs to is unknown; ${d.kind === 'abort' ? 'not aborted' : 'would not be aborted'} (fail closed); name its region (regionId on /abort, CLI --region) or list one region only (WEBPLUS_REGIONS). Decided: ${d.detail}`,
  };
}

/**
 * The decision on a named change found in one region while other regions' reads of its id
 * failed or timed out (red-team 25 G6): an abort (or a dry run's would-abort) becomes `skipped`,
 * naming those regions, since the change may be in one of them too (Web+ replies carry no
 * RegionId: a shared host, a backend ignoring `x-acs-region-id`) and found in two is region
 * ambiguous ({@link regionAmbiguous}); any other decision stands.
 * @param foundIn the region whose read found the change
 * @param unknown the regions whose read failed, with what each said
 */
function regionUnknown(
  d: Decision,
  foundIn: string,
  unknown: readonly { regionId: string; detail: string }[],
): Decision {
  const acts = d.kind === 'abort' || (d.kind === 'record' && d.outcome === 'would_abort');
  if (!acts || unknown.length === 0) return d;
  const c = d.candidate;
  const what = c.changeId
    ? `change ${c.changeId}${c.envId ? ` (environment ${c.envId})` : ''}`
    : `environment ${c.envId}`;
  const failed = unknown
    .map((u) => `${u.regionId} failed (${u.detail})`)
    .join('; the read of region ');
  return {
    kind: 'record',
    candidate: c,
    mode: d.mode,
    ...(d.reason ? { reason: d.reason } : {}),
    outcome: 'skipped',
    detail: `which region holds ${what} is unknown: found in region ${foundIn}, but the read of region ${failed}, and Web+ replies carry no RegionId, so it may be there too (a shared host, a backend ignoring x-acs-region-id); ${d.kind === 'abort' ? 'not aborted' : 'would not be aborted'} (fail closed); name its region (regionId on /abort, CLI --region) or try again when every region answers. Decided: ${d.detail}`,
  };
}

/** One record per region whose Web+ API is not there and was not reported yet. */
function unavailableRecords(
  regions: RegionContext[],
  base: RecordBase,
  runMode: Mode,
): OutcomeRecord[] {
  const out: OutcomeRecord[] = [];
  for (const ctx of regions) {
    const e = ctx.latch.error;
    if (!e || ctx.reported) continue;
    ctx.reported = true;
    out.push(
      requestRecord(
        base,
        runMode,
        'failed',
        `Web+ is not available in region ${ctx.region.regionId} at ${ctx.region.endpoint} (${ctx.region.endpointSource === 'table' ? 'SDK endpoint map' : 'WEBPLUS_ENDPOINT'}): ${e.action} got ${e.code}${e.httpStatus ? ` (HTTP ${e.httpStatus})` : ''}; ${describeKind(e)}. Nothing more was read or aborted in this region during this invocation`,
        { errorCode: e.code, errorMessage: e.message, regionId: ctx.region.regionId },
      ),
    );
  }
  return out;
}

function alarmReason(alarm: { ruleId?: string; alertName?: string; ruleName?: string }): string {
  return `alarm:${alarm.ruleId ?? alarm.alertName ?? alarm.ruleName ?? 'unknown'}`;
}

/**
 * A Web+ alarm's `appId` dimension (comma-joined when repeated), trimmed: the application its
 * targets must be in. Absent or blank: none named. (SAE alarms, whose `appId` is the SAE
 * application, never reach this path.)
 */
function alarmAppIdsOf(dimensions: Readonly<Record<string, string>>): {
  alarmAppIds?: string[];
} {
  const raw = Object.hasOwn(dimensions, 'appId') ? dimensions.appId : undefined;
  const appIds = (raw ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
  return appIds.length > 0 ? { alarmAppIds: appIds } : {};
}
