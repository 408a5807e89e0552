import type { AppEnv } from '../webplus/types.js';

/**
 * The order in which a sweep examines its in-flight environments, so that a sweep larger than
 * one invocation stops cleanly and the next timer runs cover the rest, with no state kept
 * between runs (docs/operator-guide.md, "Sweeps larger than one invocation").
 *
 * - Only environments with a change in flight (`ApplyingChange`) need calls; quiet ones are done
 *   by the listing itself.
 * - The in-flight environments are put in a fixed order (a hash of the EnvId, so the order does
 *   not depend on how Web+ pages them) and cut into `parts` contiguous parts of at most
 *   `capacity` each, `parts` a prime. A run starts with part `slot mod parts`, where `slot` is
 *   the timer's 5-minute slot (`triggerTime`), and goes on with the next parts while time is
 *   left. Consecutive timer runs have consecutive slots, so every part comes first once in
 *   `parts` runs (any other fixed spacing k of the cron works too while k < parts, since parts is
 *   prime): every in-flight environment is examined within `parts` timer runs.
 * - Within a part, environments already aborting (`AbortingChange`) go last: they need nothing.
 */

/** Length of one rotation slot: the timer's period in s.yaml (`0 *\/5 * * * *`), ms. */
export const SWEEP_SLOT_MS = 5 * 60_000;

/**
 * Web+ calls one environment is budgeted at when sizing parts: DescribeChange, AbortChange, one
 * retry and its share of the listing. Conservative on purpose: a run that does better goes on
 * into the next parts.
 */
export const CALLS_PER_ENV_BUDGET = 4;

/**
 * Environments one run is sure to examine: the calls the pacer allows in the work budget
 * (`burst` at once, then `qps` per second), divided by {@link CALLS_PER_ENV_BUDGET}.
 * @param budgetMs the work budget of a run (function.timeout − DEADLINE_MARGIN_MS), ms
 */
export function perRunCapacity(budgetMs: number, qps: number, burst: number): number {
  const calls = burst + (Math.max(0, budgetMs) * qps) / 1000;
  return Math.max(1, Math.floor(calls / CALLS_PER_ENV_BUDGET));
}

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

export interface SweepPlan {
  /** Every in-flight environment once, in the order to examine them. */
  order: AppEnv[];
  /** Number of rotation parts (1 when everything fits in one run). */
  parts: number;
  /** The part this run starts with (0-based). */
  firstPart: number;
  /** The rotation slot the plan was made for. */
  slot: number;
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
 * Orders the in-flight environments of one sweep (see the module comment).
 * @param envs environments with a change in flight, in any order
 * @param atMs epoch ms of the run (the timer's `triggerTime`, or now)
 * @param capacity environments one run is sure to examine ({@link perRunCapacity})
 */
export function planSweep(envs: readonly AppEnv[], atMs: number, capacity: number): SweepPlan {
  const slot = Math.floor(atMs / SWEEP_SLOT_MS);
  const n = envs.length;
  const cap = Math.max(1, Math.floor(capacity));
  const sorted = envs
    .map((env) => ({ env, key: hash(env.envId) }))
    .sort((a, b) => a.key - b.key || (a.env.envId < b.env.envId ? -1 : 1));
  const parts = n <= cap ? 1 : primeAtLeast(Math.ceil(n / cap));
  const byPart: AppEnv[][] = Array.from({ length: parts }, () => []);
  sorted.forEach(({ env }, i) => {
    byPart[Math.floor((i * parts) / n)]!.push(env);
  });
  const firstPart = ((slot % parts) + parts) % parts;
  const order: AppEnv[] = [];
  for (let k = 0; k < parts; k++) {
    const part = byPart[(firstPart + k) % parts]!;
    order.push(...part.filter((e) => !e.abortingChange), ...part.filter((e) => e.abortingChange));
  }
  return { order, parts, firstPart, slot };
}
