import { backgroundSlots } from '../core/pacer.js';
import { dedupe, execute } from '../executor/execute.js';
import type { Candidate } from '../model/candidate.js';
import type { Mode, OutcomeRecord } from '../model/record.js';
import type { SweepRequest } from '../model/request.js';
import { applyCap, decide } from '../policy/decide.js';
import type { TargetingScope } from '../targeting/scope.js';
import { listSweepEnvs, readInOrder } from '../targeting/sweep.js';
import {
  abortsThatFit,
  budgetForGuarantee,
  planSweep,
  type SweepLimits,
  sizeSweep,
  sweepReserveMs,
} from '../targeting/sweep-plan.js';
import type { WebplusGateway } from '../webplus/gateway.js';
import { CLOCK_SKEW_LIMIT_MS } from '../webplus/server-clock.js';
import type { Invocation } from './invocation.js';
import { type RecordBase, recordOf, requestRecord } from './records.js';
import type { Runtime } from './runtime.js';
import type { SweepProgress } from './summary.js';
import { sweepCoverage } from './sweep-coverage.js';

/** Environment ids named in a `deferred` record's detail, at most. */
const DEFERRED_IDS_SHOWN = 20;

export interface SweepRunOutcome {
  records: OutcomeRecord[];
  capReached: boolean;
  progress: SweepProgress;
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
 * 1. list the environments (the listing's failures become records; what could not be listed is
 *    named in the coverage statement);
 * 2. size the run for the worst case and order the in-flight environments by the rotation plan
 *    (`targeting/sweep-plan.ts`: `sizeSweep`, `planSweep`), and read their changes in that order
 *    until the read deadline: the work deadline minus the abort reserve (`sweepReserveMs`: the
 *    time to start `sweep.maxAbortsPerRun` AbortChange calls at `WEBPLUS_QPS` with
 *    `WEBPLUS_CONCURRENCY` in flight, each up to `ATTEMPT_TIMEOUT_MS`, plus one attempt timeout
 *    for the last; at most half the budget, and at most what leaves the listing and one read
 *    their whole attempts); environments not reached are left;
 * 3. decide every change read, cap the aborts (oldest first) to those that fit in the time left
 *    (the others are skipped with the reason), and carry them out longest-stuck first (the
 *    pacer serves calls in the order they are queued);
 * 4. state the coverage (`sweep-coverage.ts`): in the summary's `sweep`, and in one `deferred`
 *    record when environments were left; a bound only where it holds (a listing that failed has
 *    its own record naming it).
 * Every record goes to `emit` as it is made.
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
    emit: (record: OutcomeRecord) => OutcomeRecord;
  },
): Promise<SweepRunOutcome> {
  const { config, policy } = runtime;
  const readsStartedAtMs = Date.now();
  const listing = await listSweepEnvs(gateway, scope, request);
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
  // Parts sized for the worst case (every call taking its whole attempt timeout, with retries),
  // from the configuration and the listing's shape only: the same parts run after run.
  const sizing = sizeSweep(
    budgetMs,
    reserveMs,
    listing.shape,
    limits,
    Math.max(1, listing.inFlight.length),
  );
  const plan = planSweep(listing.inFlight, rotationTime(request, inv), sizing);
  const read = await readInOrder(
    gateway,
    plan.order,
    readDeadline,
    config.webplusConcurrency,
    listing.appNames,
  );

  const decidedAtMs = Date.now();
  // Stuck ages are judged on Web+'s clock when its replies' Date headers show it more than a
  // minute away from ours (server-clock.ts); the records then carry the skew.
  const skewMs = gateway.client.clockSkewMs();
  const onServerClock = skewMs !== undefined && Math.abs(skewMs) > CLOCK_SKEW_LIMIT_MS;
  const nowMs = onServerClock ? decidedAtMs + skewMs : decidedAtMs;
  // Longest-stuck first (the least recent progress leads the queue to Web+), then the oldest,
  // then by ChangeId: one total order, whatever order the reads came back in.
  const key = (c: Candidate, k: 'updateTime' | 'createTime') =>
    c.change?.[k] ?? Number.POSITIVE_INFINITY;
  const byIdle = [...read.candidates].sort(
    (a, b) =>
      key(a, 'updateTime') - key(b, 'updateTime') ||
      key(a, 'createTime') - key(b, 'createTime') ||
      (a.changeId ?? '').localeCompare(b.changeId ?? ''),
  );
  const candidates: Candidate[] = dedupe([...listing.failures, ...byIdle]);
  const decided = candidates.map((c) =>
    decide(c, {
      policy,
      nowMs,
      skewMs,
      onServerClock,
      clockUnknownWhy: gateway.client.clockUnknownWhy(),
      killSwitch: config.dryRun,
      requestDryRun: ctx.requestDryRun,
      overrides: {
        maxIdleMinutes: request.maxIdleMinutes,
        maxDurationMinutes: request.maxDurationMinutes,
      },
    }),
  );
  // The aborts that can still start and end in the time left after the reads, whatever the
  // latency; the others are left to the next sweep (skipped, naming why) instead of queued only
  // to be recorded `timeout` unsent.
  const abortsFit = abortsThatFit(inv.deadline.atMs - Date.now(), maxAborts, limits);
  const { decisions, capReached } = applyCap(
    decided,
    abortsFit,
    abortsFit < maxAborts
      ? `cap reached: this run's deadline leaves time to start ${abortsFit} AbortChange call(s) (WEBPLUS_QPS ${limits.qps}, WEBPLUS_CONCURRENCY ${config.webplusConcurrency}, ${limits.concurrency} of them for a sweep, each up to ATTEMPT_TIMEOUT_MS ${attemptMs} ms), fewer than sweep.maxAbortsPerRun ${maxAborts}; oldest changes go first, this one waits for the next sweep`
      : undefined,
  );
  const clock = { judgedAtMs: nowMs, ...(onServerClock ? { skewMs } : {}) };
  const records = await Promise.all(
    decisions.map(async (d) =>
      ctx.emit(
        recordOf(
          await execute(d, gateway, runtime.inFlight, decidedAtMs, readsStartedAtMs),
          ctx.base,
          ctx.runMode,
          clock,
        ),
      ),
    ),
  );

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
  return { records, capReached, progress };
}
