/**
 * Independent checks of the sweep rotation (issue 11, red-team F2). They share no code with
 * shared/targeting/sweep-plan.ts beyond calling it:
 * 1. a tiny model of timer runs: each run examines the first `progress` environments of the
 *    order `planSweep` gives for its slot, `progress` anywhere between what a run is sure of and
 *    what it reads at the pacer's rate; the runs, at any start slot and any spacing, cover every
 *    environment within the printed worst-case bound, and, each run at the pacer's rate in
 *    consecutive slots, within the printed nominal bound;
 * 2. a worst-case schedule simulated millisecond by millisecond (a token bucket starting empty,
 *    `concurrency` slots and workers, every read making up to RETRY_MAX_ATTEMPTS attempts of up
 *    to ATTEMPT_TIMEOUT_MS with backoffs up to their caps): the n-th read's first attempt never
 *    starts later than `readStartsMs(n)` says.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planSweep, readStartsMs } from '#shared/targeting/sweep-plan.js';
import type { AppEnv } from '#shared/webplus/types.js';

const SLOT = 5 * 60_000;

const env = (n: number): AppEnv => ({
  envId: `we-${n.toString(16).padStart(24, '0')}`,
  appId: 'wa-000000000000000000000001',
  envName: `e${n}`,
  envStatusRead: { kind: 'live' },
  applyingChange: true,
  abortingChange: n % 5 === 0,
  latestChangeId: `wc-${n.toString(16).padStart(24, '0')}`,
});

/** The model's own primality test. */
function prime(n: number): boolean {
  if (n < 2) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
}

describe('rotation coverage (independent model of runs)', () => {
  it("coverage never exceeds the printed worst-case bound; at the pacer's rate it is within the nominal one", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 160 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 0, max: 50_000_000 }),
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 200, maxLength: 200 }),
        (n, guaranteed, g, spare, startSlot, spacing, draws) => {
          const envs = Array.from({ length: n }, (_, i) => env(i * 7919 + 13));
          const nominal = guaranteed * g + spare;
          const sizing = { guaranteed, nominal };
          const first = planSweep(envs, startSlot * SLOT, sizing);
          const P = first.parts;
          // what is printed, checked on its own
          expect(first.worstCaseRuns).toBe(P);
          expect(P === 1 || prime(P)).toBe(true);
          expect(P * guaranteed).toBeGreaterThanOrEqual(n);
          // a) any progress between the sure part and the rate, any spacing the bound names (k < P)
          const k = P === 1 ? 1 : 1 + (spacing % (P - 1 || 1));
          const seen = new Set<string>();
          let runs = 0;
          while (seen.size < n && runs < P + 5) {
            const plan = planSweep(envs, (startSlot + runs * k) * SLOT + 59_000, sizing);
            expect(plan.parts).toBe(P);
            const progress =
              guaranteed + Math.floor(draws[runs % draws.length]! * (nominal - guaranteed + 1));
            for (const e of plan.order.slice(0, Math.min(n, progress))) seen.add(e.envId);
            runs++;
          }
          expect(seen.size).toBe(n);
          expect(runs).toBeLessThanOrEqual(P);
          // b) every run reads at the pacer's rate, consecutive slots
          const nominalSeen = new Set<string>();
          let nominalRunsTaken = 0;
          while (nominalSeen.size < n && nominalRunsTaken < P + 5) {
            const plan = planSweep(envs, (startSlot + nominalRunsTaken) * SLOT, sizing);
            for (const e of plan.order.slice(0, nominal)) nominalSeen.add(e.envId);
            nominalRunsTaken++;
          }
          expect(nominalSeen.size).toBe(n);
          const G = Math.min(Math.max(1, Math.floor(nominal / guaranteed)), Math.max(1, P - 1));
          const ownNominalBound = nominal >= n ? 1 : Math.ceil(P / G);
          expect(first.nominalRuns).toBeDefined();
          expect(first.nominalRuns!).toBeLessThanOrEqual(ownNominalBound);
          expect(nominalRunsTaken).toBeLessThanOrEqual(first.nominalRuns!);
        },
      ),
      { numRuns: 150 },
    );
  });
});

interface Limits {
  qps: number;
  concurrency: number;
  attemptMs: number;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxDelayMs: number;
}

/**
 * Worst-case read schedule, 1 ms steps: `concurrency` workers take reads in order; each read
 * makes `attempts[i]` attempts, each waiting for a token (bucket empty at the start, `qps` a
 * second, retries first) and a free slot, lasting `durations` ms (≤ attemptMs), with a backoff
 * of at most min(maxDelay, base × 2^(j−1)) after failed attempt j. Returns the ms at which each
 * read's first attempt started.
 */
function simulate(n: number, l: Limits, rnd: () => number): number[] {
  type W = {
    read: number;
    attempt: number;
    phase: 'idle' | 'queued' | 'running' | 'backoff';
    until: number;
    attempts: number;
  };
  const workers: W[] = Array.from({ length: l.concurrency }, () => ({
    read: -1,
    attempt: 0,
    phase: 'idle',
    until: 0,
    attempts: 0,
  }));
  const firstStart: number[] = new Array(n).fill(-1);
  let nextRead = 0;
  let tokens = 0;
  let running = 0;
  const queue: W[] = [];
  const worst = () => (rnd() < 0.6 ? 1 : rnd());
  for (let t = 0; t < 10_000_000; t++) {
    tokens = Math.min(Math.max(1, l.qps), tokens + l.qps / 1000);
    for (const w of workers) {
      if (w.phase === 'running' && t >= w.until) {
        running--;
        if (w.attempt < w.attempts) {
          const cap = Math.min(l.retryMaxDelayMs, l.retryBaseMs * 2 ** (w.attempt - 1));
          w.phase = 'backoff';
          w.until = t + Math.floor(cap * worst());
        } else w.phase = 'idle';
      }
      if (w.phase === 'backoff' && t >= w.until) {
        w.phase = 'queued';
        queue.unshift(w); // a retry goes first
      }
      if (w.phase === 'idle' && nextRead < n) {
        w.read = nextRead++;
        w.attempt = 0;
        w.attempts = 1 + Math.floor(rnd() * l.maxAttempts * 0.999);
        if (rnd() < 0.5) w.attempts = l.maxAttempts;
        w.phase = 'queued';
        queue.push(w);
      }
    }
    while (queue.length > 0 && tokens >= 1 && running < l.concurrency) {
      const w = queue.shift()!;
      tokens -= 1;
      running++;
      w.attempt++;
      w.phase = 'running';
      w.until = t + Math.max(1, Math.floor(l.attemptMs * worst()));
      if (w.attempt === 1) firstStart[w.read] = t;
    }
    if (firstStart[n - 1]! >= 0) return firstStart;
  }
  throw new Error('simulation did not finish');
}

describe('rotation coverage when no run is sure of anything (independent model)', () => {
  it('each environment comes first in one of any P consecutive slots: runs that examine one each cover all within P', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 120 }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 0, max: 50_000_000 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 200, maxLength: 200 }),
        (n, nominal, startSlot, draws) => {
          const envs = Array.from({ length: n }, (_, i) => env(i * 104_729 + 7));
          const sizing = { guaranteed: 0, nominal };
          const first = planSweep(envs, startSlot * SLOT, sizing);
          const P = first.parts;
          expect(first.worstCaseRuns).toBeUndefined();
          expect(P === 1 || prime(P)).toBe(true);
          expect(P).toBeGreaterThanOrEqual(n);
          const seen = new Set<string>();
          let runs = 0;
          while (seen.size < n && runs < P + 5) {
            const plan = planSweep(envs, (startSlot + runs) * SLOT, sizing);
            const progress = 1 + Math.floor(draws[runs % draws.length]! * Math.max(1, nominal));
            for (const e of plan.order.slice(0, progress)) seen.add(e.envId);
            runs++;
          }
          expect(seen.size).toBe(n);
          expect(runs).toBeLessThanOrEqual(P);
          if (nominal >= 1) {
            const nominalSeen = new Set<string>();
            let taken = 0;
            while (nominalSeen.size < n && taken < P + 5) {
              const plan = planSweep(envs, (startSlot + taken) * SLOT, sizing);
              for (const e of plan.order.slice(0, nominal)) nominalSeen.add(e.envId);
              taken++;
            }
            expect(taken).toBeLessThanOrEqual(first.nominalRuns!);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('readStartsMs against a simulated worst-case schedule', () => {
  it('no read starts later than the bound says, whatever the mix of slow attempts and backoffs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 100, max: 3000 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 0, max: 3000 }),
        fc.integer(),
        (n, qps, concurrency, attemptMs, maxAttempts, retryBaseMs, retryMaxDelayMs, seed) => {
          const l = { qps, concurrency, attemptMs, maxAttempts, retryBaseMs, retryMaxDelayMs };
          let s = seed >>> 0 || 1;
          const rnd = () => {
            s ^= s << 13;
            s ^= s >>> 17;
            s ^= s << 5;
            return (s >>> 0) / 2 ** 32;
          };
          const starts = simulate(n, l, rnd);
          starts.forEach((at, i) => {
            // +1 ms: the simulation's step
            expect(at).toBeLessThanOrEqual(readStartsMs(i + 1, l) + 1);
          });
        },
      ),
      { numRuns: 120 },
    );
  });
});
