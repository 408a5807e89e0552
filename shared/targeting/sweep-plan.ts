import { parseSchedule, runNumber } from '../core/schedule.js';
import type { AppEnv } from '../webplus/types.js';

/**
 * The order in which a sweep examines its in-flight environments, so that a sweep larger than
 * one invocation stops cleanly and the next timer runs cover the rest, with no state kept
 * between runs (docs/operator-guide.md, "Sweeps larger than one invocation").
 *
 * - Only environments with a change in flight (`ApplyingChange`) need calls; quiet ones are done
 *   by the listing itself.
 * - The in-flight environments are put in a fixed order (a hash of the EnvId, so the order does
 *   not depend on how Web+ pages them) and cut into `P` contiguous parts of at most `u` each
 *   (`u` = the environments a run is sure to examine in the worst case, {@link sizeSweep}),
 *   `P` = the smallest prime ≥ `ceil(n' / u)`, `n'` = n rounded up to 4 significant bits (so
 *   that a few changes ending or starting do not change P and restart the rotation).
 * - `G` = the parts a run covers at the pacer's rate (Web+ answering at once), `1 ≤ G < P`.
 *   The run of rotation slot `s` (the timer's 5-minute slot, from `triggerTime`) starts with
 *   part `(s × G) mod P` and goes on with the next parts while time is left.
 * - The slot `s` is the run's number ({@link rotationSlot}): with the timer payload's `schedule`
 *   (the trigger's cronExpression, red-team 11 F3) the number of the run among the runs of that
 *   schedule, so consecutive runs have consecutive slots whatever the gaps between them (hourly,
 *   daily, `0 0 9,17 * * *`); without it, the 5-minute slot of `triggerTime` (s.yaml's timer).
 * - Worst case: every run examines at least its first part. `P` is prime and `1 ≤ G < P`, so
 *   `s ↦ s × G mod P` is a bijection of the residues mod P: in any `P` consecutive slots every
 *   part is a first part once, and every in-flight environment is examined within `P` runs.
 *   Numbered by the schedule, the runs are consecutive slots: the bound is `P` runs for every
 *   schedule. Numbered by 5-minute slots, a cron of `k` slots (k × 5 minutes) visits slots
 *   `s, s+k, …`: `k × G` is invertible mod `P` only while `P` does not divide `k` (an hourly
 *   timer, k 12, with P 2 or 3 starts every run at the same part, and some environments are never
 *   examined), and an irregular cron has no such bound: the coverage statement says so.
 * - Nominal: when each run covers its `G` parts, run `s + 1` starts where run `s` stopped
 *   (`(s + 1) × G = s × G + G`): consecutive runs tile the parts and cover them all within
 *   `ceil(P / G)` runs (consecutive 5-minute slots).
 * - Within a part, environments already aborting (`AbortingChange`) go last: they need nothing.
 */

/** Length of one rotation slot: the timer's period in s.yaml (`0 *\/5 * * * *`), ms. */
export const SWEEP_SLOT_MS = 5 * 60_000;

/** Where a run's rotation slot came from (sweep-coverage.ts words its bound by it). */
export type RotationSlot =
  | { slot: number; by: 'schedule'; schedule: string }
  | { slot: number; by: 'five-minute' }
  | { slot: number; by: 'mismatch'; schedule: string; why: string };

const parsedSchedules = new Map<string, ReturnType<typeof parseSchedule>>();

/**
 * The rotation slot of a run (red-team 11 F3): the number of the run at `atMs` among the runs of
 * `schedule` (the timer payload's, core/schedule.ts `runNumber`) when given and `atMs` is one of
 * its firings; else the 5-minute slot `floor(atMs / SWEEP_SLOT_MS)`, marked `mismatch` when a
 * schedule was given but `atMs` is not a firing of it (the payload does not name this trigger's
 * schedule: no bound is claimed).
 * @param atMs epoch ms of the run (the timer's `triggerTime`, or now)
 */
export function rotationSlot(atMs: number, schedule?: string): RotationSlot {
  const fiveMinute = Math.floor(atMs / SWEEP_SLOT_MS);
  if (schedule === undefined) return { slot: fiveMinute, by: 'five-minute' };
  let parsed = parsedSchedules.get(schedule);
  if (parsed === undefined) {
    parsed = parseSchedule(schedule);
    // A few schedules per instance (one per timer payload): kept so that a warm instance does
    // not count the matching days again (core/schedule.ts caches them per parsed schedule).
    if (parsedSchedules.size >= 32) parsedSchedules.clear();
    parsedSchedules.set(schedule, parsed);
  }
  if (typeof parsed === 'string')
    return { slot: fiveMinute, by: 'mismatch', schedule, why: `it cannot be read (${parsed})` };
  const n = runNumber(parsed, atMs);
  if (n === undefined)
    return {
      slot: fiveMinute,
      by: 'mismatch',
      schedule,
      why: `the run's time ${new Date(atMs).toISOString()} is not one of its firings, so it is not this trigger's schedule`,
    };
  return { slot: n, by: 'schedule', schedule };
}

/**
 * ms of a run's budget kept for the work between Web+ calls (the handler's set-up before the
 * listing, sorting the plan, deciding): not counted as time for calls when sizing a run's part.
 */
export const SWEEP_SLACK_MS = 250;

/** The Web+ limits an abort or read schedule is bounded by (config.ts). */
export interface CallLimits {
  /** `WEBPLUS_QPS`: calls started per second. */
  qps: number;
  /** `WEBPLUS_CONCURRENCY`: calls in flight at once. */
  concurrency: number;
  /** `ATTEMPT_TIMEOUT_MS`: the longest one attempt may take, ms. */
  attemptMs: number;
}

/**
 * ms from the moment a run starts its first AbortChange to the moment its `n`-th may start,
 * whatever Web+'s latency: the pacer spaces starts by up to `1000 / qps` ms (burst not counted:
 * `ceil(n * 1000 / qps)`), and with `concurrency` in flight, each taking up to one attempt
 * timeout, call `n` also waits for `ceil(n / concurrency) - 1` such rounds; the two add up in
 * the worst case (a round's calls spaced by the rate). 0 for n ≤ 0.
 */
export function abortStartsMs(n: number, limits: CallLimits): number {
  if (n <= 0) return 0;
  return (
    Math.ceil((n * 1000) / limits.qps) + (Math.ceil(n / limits.concurrency) - 1) * limits.attemptMs
  );
}

/**
 * The most AbortChange calls (at most `max`) that all start and end inside `reserveMs`: the
 * largest `n` with `abortStartsMs(n) + attemptMs ≤ reserveMs` (the last one starts, then may
 * take its whole attempt timeout). 0 when not even one fits.
 */
export function abortsThatFit(reserveMs: number, max: number, limits: CallLimits): number {
  let n = 0;
  while (n < max && abortStartsMs(n + 1, limits) + limits.attemptMs <= reserveMs) n++;
  return n;
}

/**
 * {@link abortsThatFit} when some aborts need a re-read first (a read older than
 * `sweep.maxReadAgeSeconds`, red-team 24 F10): the largest `n` (at most `max`) such that the
 * first `n` aborts and the re-reads among them (`needsReread[i]`, in the order the aborts go)
 * all start inside `reserveMs` ({@link abortStartsMs} of every call, each re-read one more
 * start), and the last re-read and the abort after it both take their whole attempt before it
 * ends (an abort starts only once its re-read ended: one more attempt when any re-read is
 * needed). With no re-read it is `abortsThatFit`.
 */
export function abortsThatFitWithRereads(
  reserveMs: number,
  max: number,
  limits: CallLimits,
  needsReread: readonly boolean[],
): number {
  let n = 0;
  let calls = 0;
  let rereads = false;
  while (n < max) {
    const reread = needsReread[n] === true;
    const more = reread ? 2 : 1;
    const tail = (rereads || reread ? 2 : 1) * limits.attemptMs;
    if (abortStartsMs(calls + more, limits) + tail > reserveMs) break;
    calls += more;
    rereads ||= reread;
    n++;
  }
  return n;
}

/**
 * The limits a sweep's worst case is computed from (config.ts; docs/reference/configuration.md):
 * the pacer's, and the retries the gateway makes (shared/webplus/gateway.ts, shared/core/paced-call.ts,
 * shared/core/retry.ts).
 */
export interface SweepLimits extends CallLimits {
  /** `RETRY_MAX_ATTEMPTS`: attempts one call may make, first included (≥ 1). */
  maxAttempts: number;
  /** `RETRY_BASE_MS`: backoff base, ms. */
  retryBaseMs: number;
  /** `RETRY_MAX_DELAY_MS`: backoff cap, ms. */
  retryMaxDelayMs: number;
}

/**
 * The longest one Web+ call (a read, a listing page) can take, ms, every attempt taking its
 * whole `ATTEMPT_TIMEOUT_MS` and failing retryably (a timeout is retryable):
 * `R = A × T + Σ_{i=1}^{A−1} min(RETRY_MAX_DELAY_MS, RETRY_BASE_MS × 2^(i−1))`, the backoff after
 * failed attempt `i` being at most that cap (equal jitter draws between half and all of it:
 * shared/core/backoff.ts). Pacer waits are not in `R` (they are counted on their own, by tokens).
 * At the defaults (A 4, T 3000, base 200, cap 5000): 12,000 + 200 + 400 + 800 = 13,400 ms.
 */
export function callCostMs(limits: SweepLimits): number {
  const attempts = Math.max(1, Math.floor(limits.maxAttempts));
  let ms = attempts * limits.attemptMs;
  for (let i = 1; i < attempts; i++) {
    ms += Math.min(limits.retryMaxDelayMs, limits.retryBaseMs * 2 ** (i - 1));
  }
  return ms;
}

/**
 * Worst case, ms from the start of a run's reads to the moment its `n`-th read has sent its
 * first attempt (0 for n ≤ 0), whatever Web+'s latency, while the sweep's `concurrency` workers
 * are the only users of the instance's pacer. Until then every moment is one of:
 * - a worker waiting for a token (the bucket is empty): tokens come at `qps` per second and the
 *   reads before the `n`-th take at most `A` each, so at most `ceil(((n−1) × A + 1) × 1000 / qps)`
 *   ms in all (the burst is not counted on);
 * - all `concurrency` workers busy with reads `1 … n−1`, each busy at most `R`
 *   ({@link callCostMs}): at most `ceil((n−1) × R / concurrency)` ms.
 * (A free worker with a token and a free slot starts the next read at once.) The sum bounds
 * the wait. Example, defaults (QPS 10, 4 in flight, R 13,400): the 12th read has started
 * within 4,500 + 36,850 = 41,350 ms.
 */
export function readStartsMs(n: number, limits: SweepLimits): number {
  if (n <= 0) return 0;
  const attempts = Math.max(1, Math.floor(limits.maxAttempts));
  return (
    Math.ceil((((n - 1) * attempts + 1) * 1000) / limits.qps) +
    Math.ceil(((n - 1) * callCostMs(limits)) / limits.concurrency)
  );
}

/** The calls a sweep's listing made, and the longest run of them made one after another. */
export interface ListingShape {
  /** Web+ calls of the listing (pages of DescribeApplications and DescribeAppEnvs, or lookups). */
  calls: number;
  /** The most calls of the listing that had to follow each other (the app list's pages, then one app's). */
  chain: number;
}

/**
 * The longest the listing of this shape can take in the worst case, ms (0 for no calls): the
 * argument of {@link readStartsMs}, with the listing's order (calls `chain` deep, the rest in
 * parallel): token waits `ceil(calls × A × 1000 / qps)`, all slots in an attempt
 * `ceil(calls × A × T / concurrency)`, and the moments neither holds, when the longest chain is
 * the one in progress, at most `chain × R`. The 50 applications of 40 environments of the
 * account sizes (51 calls, chain 2) at the defaults: 20,400 + 153,000 + 26,800 = 200,200 ms.
 */
export function listingWorstMs(shape: ListingShape, limits: SweepLimits): number {
  if (shape.calls <= 0) return 0;
  const attempts = Math.max(1, Math.floor(limits.maxAttempts));
  return (
    Math.ceil((shape.calls * attempts * 1000) / limits.qps) +
    Math.ceil((shape.calls * attempts * limits.attemptMs) / limits.concurrency) +
    Math.max(1, Math.min(shape.chain, shape.calls)) * callCostMs(limits)
  );
}

/** How many environments one run of a sweep examines: for sure, and at the pacer's rate. */
export interface SweepSizing {
  /**
   * Environments a run is sure to examine (get a record for) in the worst case: the largest `g`
   * with `readStartsMs(g) ≤ guaranteeWindowMs`; 0 when not even one is sure.
   */
  guaranteed: number;
  /** Environments a run reads at least when Web+ answers at once (rate-bound). */
  nominal: number;
  /**
   * ms in which the reads that are sure to happen must start: `budget − reserve − T − slack −
   * listingWorstMs`. May be negative.
   */
  guaranteeWindowMs: number;
  /** The listing's worst case ({@link listingWorstMs}), ms. */
  listingWorstMs: number;
  /** One call's worst case ({@link callCostMs}), ms. */
  callCostMs: number;
}

/**
 * Sizes one run of a sweep (docs/operator-guide.md, "Sweeps larger than one invocation").
 * - Worst case: from the run's start, the listing takes at most {@link listingWorstMs}; the
 *   reads may start until `budget − reserve − T` (a read starts only while its whole attempt
 *   fits before the read deadline `budget − reserve`), less {@link SWEEP_SLACK_MS}; the reads
 *   sure to start in that window ({@link readStartsMs}) are sure to get a record (a read that
 *   was sent and then fails or meets the deadline is recorded `failed` / `timeout`).
 * - Nominal (rate-bound: Web+ answering at once): the pacer gives `qps` tokens a second over
 *   `budget − reserve − T − slack` (burst not counted), the listing takes one per call, each
 *   read one: `floor(qps × (budget − reserve − T − slack) / 1000) − calls`.
 * Both depend only on the configuration, the budget and the listing's shape, so consecutive
 * runs over the same account make the same parts.
 * @param budgetMs the run's work budget (function.timeout − DEADLINE_MARGIN_MS), ms
 * @param reserveMs the abort reserve kept after the reads, ms (sweep-run.ts)
 * @param maxEnvs no need to count beyond this many (the in-flight environments)
 */
export function sizeSweep(
  budgetMs: number,
  reserveMs: number,
  listing: ListingShape,
  limits: SweepLimits,
  maxEnvs: number = Number.MAX_SAFE_INTEGER,
): SweepSizing {
  const readsUntilMs = budgetMs - reserveMs - limits.attemptMs - SWEEP_SLACK_MS;
  const listingMs = listingWorstMs(listing, limits);
  const guaranteeWindowMs = readsUntilMs - listingMs;
  let guaranteed = 0;
  const fits = (n: number) => readStartsMs(n, limits) <= guaranteeWindowMs;
  if (maxEnvs >= 1 && fits(1)) {
    // readStartsMs grows with n: bisect between a count that fits and one that does not.
    let lo = 1;
    let hi = 2;
    while (hi <= maxEnvs && fits(hi)) {
      lo = hi;
      hi *= 2;
    }
    hi = Math.min(hi, maxEnvs + 1);
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (fits(mid)) lo = mid;
      else hi = mid;
    }
    guaranteed = lo;
  }
  const nominal = Math.max(
    0,
    Math.floor((Math.max(0, readsUntilMs) * limits.qps) / 1000) - listing.calls,
  );
  return {
    guaranteed,
    nominal,
    guaranteeWindowMs,
    listingWorstMs: listingMs,
    callCostMs: callCostMs(limits),
  };
}

export interface SweepPlan {
  /** Every in-flight environment once, in the order to examine them. */
  order: AppEnv[];
  /** Number of rotation parts `P` (1 when everything fits in one part). */
  parts: number;
  /** Environments per part, at most (`u`). */
  partSize: number;
  /** `G`: parts a run covers at the pacer's rate, and the step between the first parts of consecutive slots. */
  partsPerRun: number;
  /** The part this run starts with (0-based): `(slot × G) mod P`. */
  firstPart: number;
  /** Environments of the first part: the first `firstPartSize` of `order`, the ones this run is sure to examine. */
  firstPartSize: number;
  /** The rotation slot the plan was made for. */
  slot: number;
  /**
   * Runs within which every in-flight environment is examined whatever Web+'s latency (`P`);
   * absent when a run is sure of no environment (`sizing.guaranteed` 0).
   */
  worstCaseRuns?: number;
  /**
   * Runs within which every in-flight environment is examined when each run reads at the
   * pacer's rate (`ceil(P / G)`, 1 when all fit in one run); absent when not even that reads one.
   */
  nominalRuns?: number;
}

/** FNV-1a, 32 bit: a fixed, well-spread order of EnvIds. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

function isPrime(n: number): boolean {
  if (n < 2) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
}

/** The smallest prime ≥ n (n ≥ 2). */
export function primeAtLeast(n: number): number {
  let p = Math.max(2, Math.ceil(n));
  while (!isPrime(p)) p++;
  return p;
}

/**
 * `n` rounded up to 4 significant bits (steps of 6 to 12 %: 1000 and 980 → 1024, 40 → 40),
 * so that P does not change when a few changes end or start between runs: with P, the first
 * parts of the slots would jump and the rotation start over.
 */
export function coarseCount(n: number): number {
  if (n <= 16) return Math.max(0, Math.ceil(n));
  const step = 2 ** (Math.floor(Math.log2(n)) - 3);
  return Math.ceil(n / step) * step;
}

/**
 * Orders the in-flight environments of one sweep (see the module comment).
 * Parts hold at most `u = sizing.guaranteed` environments; `P = 1` when all fit in one part,
 * else the smallest prime ≥ `ceil(coarseCount(n) / u)` ({@link coarseCount}); `G = min(P − 1, max(1, floor(nominal / u)))`. When a
 * run is sure of none (`sizing.guaranteed` 0), `u = 1`: no worst-case bound is given, but every
 * environment is still the first of one run in any `P` consecutive slots, so any run that
 * examines one moves the rotation on, and at the pacer's rate `ceil(P / G)` runs cover all.
 * @param envs environments with a change in flight, in any order
 * @param atMs epoch ms of the run (the timer's `triggerTime`, or now)
 * @param sizing what one run examines for sure and at the pacer's rate ({@link sizeSweep})
 * @param slot the run's rotation slot ({@link rotationSlot}); default the 5-minute slot of `atMs`
 */
export function planSweep(
  envs: readonly AppEnv[],
  atMs: number,
  sizing: Pick<SweepSizing, 'guaranteed' | 'nominal'>,
  slot: number = Math.floor(atMs / SWEEP_SLOT_MS),
): SweepPlan {
  const n = envs.length;
  const guaranteed = Math.max(0, Math.floor(sizing.guaranteed));
  const nominal = Math.max(0, Math.floor(sizing.nominal));
  // Sure of none: one environment a part, so that any run that examines one moves the rotation
  // on (parts as large as the rate would starve the end of each part when Web+ is slow).
  const partSize = Math.max(guaranteed, 1);
  const sorted = envs
    .map((env) => ({ env, key: hash(env.envId) }))
    .sort((a, b) => a.key - b.key || (a.env.envId < b.env.envId ? -1 : 1));
  const parts = n <= partSize ? 1 : primeAtLeast(Math.ceil(coarseCount(n) / partSize));
  const perRun = Math.floor(nominal / partSize);
  const partsPerRun = parts === 1 ? 1 : Math.min(parts - 1, Math.max(1, perRun));
  const byPart: AppEnv[][] = Array.from({ length: parts }, () => []);
  sorted.forEach(({ env }, i) => {
    byPart[Math.floor((i * parts) / n)]!.push(env);
  });
  const firstPart = ((((slot % parts) + parts) % parts) * partsPerRun) % parts;
  const order: AppEnv[] = [];
  for (let k = 0; k < parts; k++) {
    const part = byPart[(firstPart + k) % parts]!;
    order.push(...part.filter((e) => !e.abortingChange), ...part.filter((e) => e.abortingChange));
  }
  const nominalRuns =
    nominal < 1 ? undefined : nominal >= n || perRun >= parts ? 1 : Math.ceil(parts / partsPerRun);
  return {
    order,
    parts,
    partSize,
    partsPerRun,
    firstPart,
    firstPartSize: byPart[firstPart]!.length,
    slot,
    ...(guaranteed >= 1 ? { worstCaseRuns: parts } : {}),
    ...(nominalRuns !== undefined ? { nominalRuns } : {}),
  };
}

/**
 * The abort reserve of a sweep, ms: the time kept after the reads so that
 * `sweep.maxAbortsPerRun` AbortChange calls still start and end before the deadline
 * ({@link abortStartsMs} of them plus the last one's whole attempt), at most half the budget,
 * and at most what leaves the listing and one read their whole attempt each; never negative.
 * @param budgetMs the run's work budget (function.timeout − DEADLINE_MARGIN_MS), ms
 */
export function sweepReserveMs(budgetMs: number, maxAborts: number, limits: CallLimits): number {
  return Math.max(
    0,
    Math.min(
      abortStartsMs(maxAborts, limits) + limits.attemptMs,
      budgetMs / 2,
      budgetMs - 2 * limits.attemptMs,
    ),
  );
}

/**
 * The smallest work budget (ms, in whole seconds) with which a run of a sweep whose listing has
 * this shape is sure to examine `envs` environments in the worst case ({@link sizeSweep} with
 * the reserve of {@link sweepReserveMs}); `undefined` when not even a day does. Add
 * DEADLINE_MARGIN_MS for the `function.timeout` to set.
 */
export function budgetForGuarantee(
  envs: number,
  listing: ListingShape,
  limits: SweepLimits,
  maxAborts: number,
): number | undefined {
  const ok = (budgetMs: number) =>
    sizeSweep(budgetMs, sweepReserveMs(budgetMs, maxAborts, limits), listing, limits, envs)
      .guaranteed >= envs;
  const DAY_MS = 86_400_000;
  if (!ok(DAY_MS)) return undefined;
  // sizeSweep grows with the budget (the reserve grows by at most half of it): bisect on seconds.
  let lo = 0;
  let hi = DAY_MS / 1000;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (ok(mid * 1000)) hi = mid;
    else lo = mid;
  }
  return hi * 1000;
}
