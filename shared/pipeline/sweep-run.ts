import { backgroundSlots } from '../core/pacer.js';
import { execute } from '../executor/execute.js';
import type { Candidate } from '../model/candidate.js';
import type { Decision } from '../model/decision.js';
import type { Mode, OutcomeRecord } from '../model/record.js';
import type { SweepRequest } from '../model/request.js';
import { applyCap, decide } from '../policy/decide.js';
import type { TargetingScope } from '../targeting/scope.js';
import { listSweepEnvs, readInOrder } from '../targeting/sweep.js';
import {
  abortsThatFit,
  budgetForGuarantee,
  planSweep,
  rotationSlot,
  type SweepLimits,
  sizeSweep,
  sweepReserveMs,
} from '../targeting/sweep-plan.js';
import type { WebplusGateway } from '../webplus/gateway.js';
import { judgingClocks } from '../webplus/judging-clock.js';
import { decisionGate } from './abort-intent.js';
import { ChangeClaims } from './change-claims.js';
import type { Emit, Invocation } from './invocation.js';
import { type JudgeClock, type RecordBase, recordOf, requestRecord } from './records.js';
import type { Runtime } from './runtime.js';
import type { SweepProgress } from './summary.js';
import { sweepCoverage } from './sweep-coverage.js';

/** Environment ids named in a `deferred` record's detail, at most. */
const DEFERRED_IDS_SHOWN = 20;

export interface SweepRunOutcome {
  records: OutcomeRecord[];
  capReached: boolean;
  progress: SweepProgress;
  /**
   * The EnvIds behind `progress.inFlight` and `progress.left`, so that an invocation sweeping
   * several regions counts an environment two regions list (one backend, a shared host) once.
   */
  envIds: { inFlight: string[]; left: string[] };
}

/**
 * The epoch ms a sweep's rotation slot comes from: the timer's `triggerTime` (stable for the
 * whole run, whatever the start delay), else the invocation start.
 */
function rotationTime(request: SweepRequest, inv: Invocation): number {
  const t = request.triggerTime === undefined ? Number.NaN : Date.parse(request.triggerTime);
  return Number.isFinite(t) ? t : inv.startMs;
}

/**
 * One sweep under the deadline (docs/operator-guide.md, "Sweeps larger than one invocation"):
 * 1. list the environments; the listing's failures are decided and written at once (what could
 *    not be listed is named in the coverage statement);
 * 2. size the run for the worst case and order the in-flight environments by the rotation plan
 *    (`targeting/sweep-plan.ts`: `sizeSweep`, `planSweep`), and read their changes in that order
 *    until the read deadline: the work deadline minus the abort reserve (`sweepReserveMs`: the
 *    time to start `sweep.maxAbortsPerRun` AbortChange calls at `WEBPLUS_QPS` with
 *    `WEBPLUS_CONCURRENCY` in flight, each up to `ATTEMPT_TIMEOUT_MS`, plus one attempt timeout
 *    for the last; at most half the budget, and at most what leaves the listing and one read
 *    their whole attempts); environments not reached are left;
 * 3. records stream (red-team 11 F7): each change is decided as soon as its read ends, and one
 *    that needs no abort (not stuck, protected, unreadable, finished, already aborting, ...) is
 *    written then, so a kill during a long read phase loses only the outcome log's batch in
 *    flight (it flushes every second: shared/outcome-log/). Only the decisions that need the
 *    global order wait for the reads: an `abort` (enforce) and a `would_abort` (dry run, so that
 *    it says what enforce would do) are decided again on the clock facts of the end of the
 *    reads, checked against the other regions ({@link ChangeClaims}: a change listed by two
 *    regions is `skipped`, its region unknown), capped to those that fit in the time left (the
 *    others `skipped` with the reason) and carried out longest-stuck first (the pacer serves
 *    calls in the order they are queued);
 * 4. state the coverage (`sweep-coverage.ts`): in the summary's `sweep`, and in one `deferred`
 *    record when environments were left; a bound only where it holds (a listing that failed has
 *    its own record naming it).
 * Every record goes to `emit` as it is made. A change already decided in this invocation (by
 * another region, or another environment naming it) is not decided again.
 */
export async function runSweep(
  request: SweepRequest,
  inv: Invocation,
  runtime: Runtime,
  gateway: WebplusGateway,
  scope: TargetingScope,
  ctx: {
    base: RecordBase;
    runMode: Mode;
    requestDryRun: boolean;
    emit: Emit;
    /** The invocation's claims over all its regions (default: this region's alone). */
    claims?: ChangeClaims;
  },
): Promise<SweepRunOutcome> {
  const { config, policy } = runtime;
  const regionId = gateway.client.regionId;
  const claims = ctx.claims ?? new ChangeClaims([regionId]);
  const keyOf = (changeId: string) => ChangeClaims.key('webplus', changeId);
  const readsStarted = runtime.inFlight.startReads();
  let listing: Awaited<ReturnType<typeof listSweepEnvs>>;
  try {
    listing = await listSweepEnvs(gateway, scope, request);
  } catch (err) {
    // A region whose listing threw has listed nothing: no region's aborts wait for it, and
    // what it holds is unknown (red-team 25 G6).
    claims.listed(regionId, [], String((err as Error)?.message ?? err));
    throw err;
  }
  claims.listed(
    regionId,
    [
      ...listing.inFlight.map((e) => keyOf(e.latestChangeId!)),
      // Every EnvId listed, applying or not: one environment listed by two regions (a shared host,
      // a backend ignoring the region) has no known region, whatever change each names (red-team
      // 12 H1).
      ...listing.listedEnvIds.map((id) => ChangeClaims.envKey('webplus', id)),
    ],
    // What could not be listed (the application list, an application's environments, a named
    // EnvId): another region's change may be among it (red-team 25 G6).
    listing.notListed.length > 0
      ? listing.notListed.map((n) => `${n.what}: ${n.why}`).join('; ')
      : undefined,
  );
  const listedAfterMs = Date.now() - inv.startMs;

  const attemptMs = inv.attemptTimeoutMs;
  const budgetMs = Math.max(0, inv.deadline.atMs - inv.startMs);
  const limits: SweepLimits = {
    qps: config.webplusQps,
    // A sweep's calls hold at most WEBPLUS_CONCURRENCY − 1 slots (one is kept for callbacks).
    concurrency: backgroundSlots(config.webplusConcurrency),
    attemptMs,
    maxAttempts: gateway.retry.maxAttempts,
    retryBaseMs: gateway.retry.baseMs,
    retryMaxDelayMs: gateway.retry.maxDelayMs,
  };
  const maxAborts = policy.sweep.maxAbortsPerRun;
  // Time kept after the reads for the aborts (sweep-plan.ts, sweepReserveMs). Reads end by the
  // read deadline (none starts unless its attempt fits).
  const reserveMs = sweepReserveMs(budgetMs, maxAborts, limits);
  const readDeadline = inv.deadline.capAt(inv.deadline.atMs - reserveMs);

  /** Decides one candidate on the clock facts known now. */
  const judge = (c: Candidate) => {
    const decidedAtMs = Date.now();
    // Stuck ages are judged on both clocks, the smaller used (judging-clock.ts, red-team 12
    // H2); the records carry the skew when Web+'s clock gave them.
    const clocks = judgingClocks(decidedAtMs, gateway.client.clockSkewMs());
    const decision = decide(c, {
      policy,
      ...clocks,
      clockUnknownWhy: gateway.client.clockUnknownWhy(),
      killSwitch: config.dryRun,
      requestDryRun: ctx.requestDryRun,
      overrides: {
        maxIdleMinutes: request.maxIdleMinutes,
        maxDurationMinutes: request.maxDurationMinutes,
      },
    });
    const clock = {
      judgedAtMs: clocks.nowMs,
      ...(clocks.recordSkewMs === undefined ? {} : { skewMs: clocks.recordSkewMs }),
    };
    return { decision, decidedAtMs, clock };
  };
  /** Executes a decision and hands its record to `emit` at once. */
  const written: Promise<OutcomeRecord>[] = [];
  const write = (d: Decision, decidedAtMs: number, clock: JudgeClock) => {
    written.push(
      execute(
        d,
        gateway,
        runtime.inFlight,
        decidedAtMs,
        readsStarted,
        // An abort's intent record is stored before its first request (red-team 25 G15).
        decisionGate(inv, d, ctx.emit, ctx.base, ctx.runMode, clock, decidedAtMs),
      ).then(
        // An abort's record is written at once (red-team 24 F6): a kill must not lose it.
        (e) => ctx.emit(recordOf(e, ctx.base, ctx.runMode, clock), { now: d.kind === 'abort' }),
      ),
    );
  };
  /** Decisions that wait for the reads: aborts and would-aborts. */
  const waiting: Candidate[] = [];
  const streamed = (c: Candidate) => {
    if (c.changeId && !claims.claim(keyOf(c.changeId), regionId)) return;
    const j = judge(c);
    const acts =
      j.decision.kind === 'abort' ||
      (j.decision.kind === 'record' && j.decision.outcome === 'would_abort');
    if (acts) waiting.push(c);
    else write(j.decision, j.decidedAtMs, j.clock);
  };
  // The listing's failures need no reads: written now.
  for (const c of listing.failures) streamed(c);

  // Changes whose environment is ambiguous (an EnvId listed twice, a LatestChangeId two
  // environments name: targeting/sweep.ts): each written now, read for none, aborted for none,
  // and no other region decides them either (change-claims.ts).
  for (const c of listing.ambiguous) {
    if (c.changeId) claims.claim(keyOf(c.changeId), regionId);
    const j = judge(c);
    write(j.decision, j.decidedAtMs, j.clock);
  }
  const inFlight = listing.inFlight;

  // Parts sized for the worst case (every call taking its whole attempt timeout, with retries),
  // from the configuration and the listing's shape only: the same parts run after run.
  const sizing = sizeSweep(
    budgetMs,
    reserveMs,
    listing.shape,
    limits,
    Math.max(1, inFlight.length),
  );
  const atMs = rotationTime(request, inv);
  // The run's number among the runs of the timer's schedule (payload `schedule`), else its
  // 5-minute slot (sweep-plan.ts, rotationSlot; red-team 11 F3).
  const rotation = rotationSlot(atMs, request.schedule);
  const plan = planSweep(inFlight, atMs, sizing, rotation.slot);
  const read = await readInOrder(
    gateway,
    plan.order,
    readDeadline,
    config.webplusConcurrency,
    listing.appNames,
    (c) => streamed(c),
  );

  // The acting decisions: every region's listing known (bounded by the read deadline), then
  // decided again on the clock facts of now, longest-stuck first (the least recent progress
  // leads the queue to Web+), then the oldest, then by ChangeId: one total order, whatever
  // order the reads came back in.
  if (waiting.length > 0) await claims.waitForListings(readDeadline.atMs);
  const decidedAtMs = Date.now();
  const key = (c: Candidate, k: 'updateTime' | 'createTime') =>
    c.change?.[k] ?? Number.POSITIVE_INFINITY;
  const byIdle = waiting.sort(
    (a, b) =>
      key(a, 'updateTime') - key(b, 'updateTime') ||
      key(a, 'createTime') - key(b, 'createTime') ||
      (a.changeId ?? '').localeCompare(b.changeId ?? ''),
  );
  const clocks: JudgeClock[] = [];
  const decided = byIdle.map((c) => {
    const j = judge(c);
    clocks.push(j.clock);
    const regions = [
      ...new Set([
        ...(c.changeId ? claims.regionsListing(keyOf(c.changeId)) : []),
        ...(c.envId ? claims.regionsListing(ChangeClaims.envKey('webplus', c.envId)) : []),
      ]),
    ];
    const acts =
      j.decision.kind === 'abort' ||
      (j.decision.kind === 'record' && j.decision.outcome === 'would_abort');
    const unknown = acts && regions.length < 2 ? claims.unknownBeside(regionId) : [];
    if (unknown.length > 0)
      // Listed here while another region's listing failed or is incomplete: the change may be
      // there too, and then its region is unknown (red-team 25 G6): never aborted on a guess.
      return {
        kind: 'record',
        candidate: c,
        mode: j.decision.mode,
        ...(j.decision.reason ? { reason: j.decision.reason } : {}),
        outcome: 'skipped',
        detail: `which region holds change ${c.changeId} (environment ${c.envId}) is unknown: listed by region ${regionId}, but the listing of region ${unknown.map((u) => `${u.regionId} failed or is incomplete (${u.why})`).join('; the listing of region ')}, and Web+ replies carry no RegionId, so it may be listed there too (a shared host, a backend ignoring x-acs-region-id); ${j.decision.kind === 'abort' ? 'not aborted' : 'would not be aborted'} (fail closed); the next sweep re-checks. Decided: ${j.decision.detail}`,
      } satisfies Decision;
    if (!acts || regions.length < 2) return j.decision;
    // The same change from two regions: which one it belongs to is unknown (Web+ replies carry
    // no RegionId). Never aborted on a guess (change-claims.ts).
    const d: Decision = {
      kind: 'record',
      candidate: c,
      mode: j.decision.mode,
      ...(j.decision.reason ? { reason: j.decision.reason } : {}),
      outcome: 'skipped',
      detail: `region ambiguous: change ${c.changeId} (environment ${c.envId}) was listed by regions ${regions.join(' and ')} (they share the Web+ host, or the backend ignores x-acs-region-id) and Web+ replies carry no RegionId, so which region it belongs to is unknown; ${j.decision.kind === 'abort' ? 'not aborted' : 'would not be aborted'} (fail closed); list it in one region only (WEBPLUS_REGIONS) to have it acted on. Decided: ${j.decision.detail}`,
    };
    return d;
  });
  // The aborts that can still start and end in the time left after the reads, whatever the
  // latency; the others are left to the next sweep (skipped, naming why) instead of queued only
  // to be recorded `timeout` unsent.
  const abortsFit = abortsThatFit(inv.deadline.atMs - Date.now(), maxAborts, limits);
  const fitWhy = `cap reached: this run's deadline leaves time to start ${abortsFit} AbortChange call(s) (WEBPLUS_QPS ${limits.qps}, WEBPLUS_CONCURRENCY ${config.webplusConcurrency}, ${limits.concurrency} of them for a sweep, each up to ATTEMPT_TIMEOUT_MS ${attemptMs} ms), fewer than sweep.maxAbortsPerRun ${maxAborts}; oldest changes go first, this one waits for the next sweep`;
  // One cap for the whole sweep, every platform and region (sweep-abort-budget.ts).
  const { decisions, capReached } = inv.sweepAborts
    ? inv.sweepAborts.take(decided, maxAborts, abortsFit, fitWhy)
    : applyCap(decided, abortsFit, abortsFit < maxAborts ? fitWhy : undefined);
  for (const [i, d] of decisions.entries()) write(d, decidedAtMs, clocks[i]!);
  const records = await Promise.all(written);

  const left = new Set(read.left.map((e) => e.envId));
  const timeoutS = Math.round((budgetMs + config.deadlineMarginMs) / 1000);
  const neededMs =
    sizing.guaranteed < 1 && listing.notListed.length === 0
      ? budgetForGuarantee(1, listing.shape, limits, maxAborts)
      : undefined;
  const progress: SweepProgress = sweepCoverage({
    plan,
    sizing,
    limits,
    listing: listing.shape,
    notListed: listing.notListed,
    inFlight: plan.order.length,
    examined: plan.order.length - read.left.length,
    left: read.left.length,
    firstPartExamined: plan.order.slice(0, plan.firstPartSize).filter((e) => !left.has(e.envId))
      .length,
    listedAfterMs,
    timeoutS,
    rotation,
    ...(gateway.unavailable.error ? { unavailable: gateway.unavailable.error.code } : {}),
    ...(neededMs !== undefined
      ? { neededTimeoutS: Math.ceil((neededMs + config.deadlineMarginMs) / 1000) }
      : {}),
  });
  // Environments left: one `deferred` record with the coverage statement. (A listing that
  // failed already has its own record naming it; the summary's `coverage` says it too.)
  if (read.left.length > 0) {
    const leftIds = read.left.map((e) => e.envId);
    const shown = leftIds.slice(0, DEFERRED_IDS_SHOWN).join(', ');
    records.push(
      ctx.emit(
        requestRecord(
          ctx.base,
          ctx.runMode,
          'deferred',
          `${read.left.length} of ${plan.order.length} in-flight environments left for the next sweeps (the deadline came first): this run started with rotation part ${progress.firstPart} of ${plan.parts}; ${progress.coverage}; left: ${shown}${leftIds.length > DEFERRED_IDS_SHOWN ? `, and ${leftIds.length - DEFERRED_IDS_SHOWN} more` : ''}`,
        ),
      ),
    );
  }
  return {
    records,
    capReached,
    progress,
    envIds: { inFlight: plan.order.map((e) => e.envId), left: [...left] },
  };
}
