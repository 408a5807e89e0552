/**
 * The pacer's foreground rules, checked on a virtual clock against a small oracle written here
 * (it reads only the recorded trace: who queued and started what, when; it shares no code with
 * the pacer):
 *
 * - F1: background calls (a sweep's) never hold more than `concurrency − 1` slots when
 *   `concurrency ≥ 2` (1 otherwise), and no background call starts while a foreground call is
 *   queued and may still start (so a foreground call never waits for a token a background call
 *   takes after it queued);
 * - F6: while a foreground invocation has a call queued, no other foreground invocation starts
 *   more than 4 calls before it starts one (the wait never grows with another one's size);
 * - and the old promises still hold: the rate bound over any window, the concurrency limit, no
 *   start after `startBy`, every call settles.
 *
 * Then the two red-team cases as scenarios: a callback during a slow sweep, and a single alarm
 * behind a 1,000-call batch with an earlier deadline. Both fail under the rules before (sweep
 * calls in every slot; earliest deadline first without a turn limit).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  backgroundPacer,
  backgroundSlots,
  createPacer,
  FOREGROUND_TURN,
  PacerDeadlineError,
} from '#shared/core/pacer.js';
import { VirtualClock } from '../helpers/virtual-clock.js';

/** The oracle's constant: calls another invocation may start while one waits. */
const TURN = 4;

interface Job {
  at: number;
  /** 0..2 foreground invocations, 3 the background one (a sweep). */
  owner: number;
  calls: number;
  /** one call after the other (an alarm's read, abort, re-read) or all queued at once */
  chain: boolean;
  durationMs: number;
  /** startBy relative to the job's arrival, or none */
  slackMs?: number;
}

interface Call {
  owner: number;
  background: boolean;
  queuedSeq: number;
  startBy: number;
  startSeq?: number;
  startT?: number;
  endT?: number;
}

const jobArb = fc.record({
  at: fc.integer({ min: 0, max: 3000 }),
  owner: fc.integer({ min: 0, max: 3 }),
  calls: fc.integer({ min: 1, max: 25 }),
  chain: fc.boolean(),
  durationMs: fc.integer({ min: 0, max: 1500 }),
  slackMs: fc.option(fc.integer({ min: 0, max: 4000 }), { nil: undefined }),
});

async function simulate(limits: { qps: number; burst: number; concurrency: number }, jobs: Job[]) {
  const clock = new VirtualClock();
  const t0 = clock.t;
  const pacer = createPacer(limits, clock);
  const bg = backgroundPacer(pacer);
  const signals = [0, 1, 2, 3].map(() => new AbortController().signal);
  let seq = 0;
  const calls: Call[] = [];
  const outcomes: Promise<string>[] = [];
  const one = (job: Job, startBy: number | undefined): Promise<string> => {
    const background = job.owner === 3;
    const call: Call = {
      owner: job.owner,
      background,
      queuedSeq: ++seq,
      startBy: startBy ?? Number.POSITIVE_INFINITY,
    };
    calls.push(call);
    return (background ? bg : pacer)(
      () => {
        call.startSeq = ++seq;
        call.startT = clock.t;
        return new Promise<string>((resolve) => {
          clock.setTimer(() => {
            call.endT = clock.t;
            resolve('ran');
          }, job.durationMs);
        });
      },
      { signal: signals[job.owner]!, ...(startBy === undefined ? {} : { startBy }) },
    ).catch((err: Error) => (err instanceof PacerDeadlineError ? 'deadline' : err.name));
  };
  for (const job of [...jobs].sort((a, b) => a.at - b.at)) {
    await clock.advanceTo(t0 + job.at);
    const startBy = job.slackMs === undefined ? undefined : clock.t + job.slackMs;
    if (job.chain) {
      outcomes.push(
        (async () => {
          for (let i = 0; i < job.calls; i++) {
            const r = await one(job, startBy);
            if (r !== 'ran') return r;
          }
          return 'ran';
        })(),
      );
    } else {
      for (let i = 0; i < job.calls; i++) outcomes.push(one(job, startBy));
    }
  }
  await clock.advanceTo(t0 + 3_600_000);
  const settled = await Promise.all(outcomes);
  return { calls, settled, pending: clock.pending() };
}

/** Most starts in any closed window of w ms. */
function maxInWindow(starts: number[], w: number): number {
  const s = [...starts].sort((a, b) => a - b);
  let best = 0;
  let j = 0;
  for (let i = 0; i < s.length; i++) {
    while (j < s.length && s[j]! <= s[i]! + w) j++;
    best = Math.max(best, j - i);
  }
  return best;
}

/** Whether `c` is queued and may still start at the moment of event (seq `s`, time `t`). */
const waiting = (c: Call, s: number, t: number): boolean =>
  c.queuedSeq < s && (c.startSeq === undefined ? t <= c.startBy : c.startSeq > s);

/** The oracle's verdicts on a trace: the list of broken rules (empty when all hold). */
function judge(calls: Call[], limits: { qps: number; burst: number; concurrency: number }) {
  const broken: string[] = [];
  const started = calls
    .filter((c) => c.startSeq !== undefined)
    .sort((a, b) => a.startSeq! - b.startSeq!);
  const bgSlots = limits.concurrency >= 2 ? limits.concurrency - 1 : 1;
  // In flight at each start (ends at the same instant come first: the slot was freed).
  for (const c of started) {
    const t = c.startT!;
    const inFlight = started.filter(
      (o) => o.startSeq! <= c.startSeq! && (o.endT === undefined || o.endT > t || o === c),
    );
    if (inFlight.length > limits.concurrency) broken.push(`${inFlight.length} in flight at ${t}`);
    const bgIn = inFlight.filter((o) => o.background).length;
    if (c.background && bgIn > bgSlots) broken.push(`${bgIn} background in flight at ${t}`);
    if (t > c.startBy) broken.push(`started ${t - c.startBy} ms after its startBy`);
    if (c.background) {
      const fg = calls.find((o) => !o.background && waiting(o, c.startSeq!, t));
      if (fg) broken.push(`background start at ${t} while a foreground call waited`);
    }
  }
  const starts = started.map((c) => c.startT!);
  if (maxInWindow(starts, 1000) > limits.burst + limits.qps) broken.push('rate bound over 1 s');
  // The turn rule: per waiting foreground owner, starts of each other one since it last started.
  const passed = new Map<number, Map<number, number>>();
  for (const c of started) {
    const s = c.startSeq!;
    const t = c.startT!;
    for (const y of [0, 1, 2]) {
      const mine = calls.filter((o) => o.owner === y);
      const isWaiting = mine.some((o) => waiting(o, s, t));
      const expired = mine.some((o) => o.startSeq === undefined && o.startBy < t);
      if (y === c.owner || !isWaiting || expired) {
        passed.set(y, new Map());
        continue;
      }
      if (c.background) continue;
      const m = passed.get(y) ?? new Map<number, number>();
      m.set(c.owner, (m.get(c.owner) ?? 0) + 1);
      passed.set(y, m);
      if (m.get(c.owner)! > TURN)
        broken.push(`owner ${c.owner} started ${m.get(c.owner)} calls while owner ${y} waited`);
    }
  }
  return broken;
}

describe('pacer foreground rules (fast-check model against a trace oracle)', () => {
  it('the constants are the documented ones', () => {
    expect(FOREGROUND_TURN).toBe(TURN);
    expect([1, 2, 4, 16].map(backgroundSlots)).toEqual([1, 1, 3, 15]);
  });

  it('background keeps a slot free and yields every token; no invocation passes a waiting one more than 4 times', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 6 }),
        fc.array(jobArb, { minLength: 1, maxLength: 12 }),
        async (qps, burstWanted, concurrency, jobs) => {
          const limits = { qps, burst: Math.min(burstWanted, qps), concurrency };
          const r = await simulate(limits, jobs);
          expect(judge(r.calls, limits)).toEqual([]);
          expect(r.settled.filter((s) => s !== 'ran' && s !== 'deadline')).toEqual([]);
          // A call without a deadline always runs (nobody is starved for good).
          const noDeadline = r.calls.filter((c) => c.startBy === Number.POSITIVE_INFINITY);
          expect(noDeadline.every((c) => c.startSeq !== undefined)).toBe(true);
          expect(r.pending).toBe(0);
        },
      ),
      { numRuns: 120 },
    );
  });
});

describe('pacer: the red-team cases', () => {
  it('F1: a callback during a slow sweep gets a slot at once (sweep calls hold 3 of 4)', async () => {
    const clock = new VirtualClock();
    const pacer = createPacer({ qps: 10, burst: 10, concurrency: 4 }, clock);
    const t0 = clock.t;
    const sweep = backgroundPacer(pacer);
    const sweepSignal = new AbortController().signal;
    const slowRead = () => new Promise<void>((r) => clock.setTimer(r, 3000));
    const reads = Array.from({ length: 40 }, () =>
      sweep(slowRead, { signal: sweepSignal, startBy: t0 + 500_000 }),
    );
    await clock.advanceTo(t0 + 100);
    // The callback: read, abort, re-read, one after the other, 50 ms each, 2.5 s to start.
    const cb = new AbortController().signal;
    const starts: number[] = [];
    const chain = (async () => {
      for (let i = 0; i < 3; i++) {
        await pacer(
          () => {
            starts.push(clock.t - t0);
            return new Promise<void>((r) => clock.setTimer(r, 50));
          },
          { signal: cb, startBy: t0 + 100 + 2500 },
        );
      }
      return clock.t - t0;
    })();
    await clock.advanceTo(t0 + 200_000);
    const doneAt = await chain;
    await Promise.all(reads);
    // The three started at 100, 150 and 200 ms: no wait for the 3-second sweep reads.
    expect(starts).toEqual([100, 150, 200]);
    expect(doneAt).toBe(250);
  });

  it('concurrency 1: nothing to reserve; a callback waits for the one sweep call in flight', async () => {
    const clock = new VirtualClock();
    const pacer = createPacer({ qps: 10, burst: 10, concurrency: 1 }, clock);
    const t0 = clock.t;
    const sweepSignal = new AbortController().signal;
    const read = backgroundPacer(pacer)(() => new Promise<void>((r) => clock.setTimer(r, 3000)), {
      signal: sweepSignal,
    });
    await clock.advanceTo(t0 + 100);
    let startedAt = -1;
    const cb = pacer(
      async () => {
        startedAt = clock.t - t0;
      },
      { signal: new AbortController().signal },
    );
    await clock.advanceTo(t0 + 10_000);
    await Promise.all([read, cb]);
    expect(startedAt).toBe(3000);
  });

  it('F6: a single alarm behind a 1,000-call batch with an earlier deadline finishes in time', async () => {
    const clock = new VirtualClock();
    const pacer = createPacer({ qps: 10, burst: 10, concurrency: 4 }, clock);
    const t0 = clock.t;
    const batch = new AbortController().signal;
    const work = () => new Promise<void>((r) => clock.setTimer(r, 20));
    const batchCalls = Array.from({ length: 1000 }, () =>
      pacer(work, { signal: batch, startBy: t0 + 3000 }).catch((e: Error) => e.name),
    );
    await clock.advanceTo(t0 + 150);
    const alarm = new AbortController().signal;
    const starts: number[] = [];
    const chain = (async () => {
      for (let i = 0; i < 3; i++) {
        await pacer(
          () => {
            starts.push(clock.t - t0);
            return work();
          },
          { signal: alarm, startBy: t0 + 150 + 3000 },
        );
      }
      return clock.t - t0;
    })();
    await clock.advanceTo(t0 + 100_000);
    const doneAt = await chain;
    await Promise.all(batchCalls);
    // The batch's burst took the first second's 10 starts (at most QPS in any second): the
    // alarm's calls wait for the window to free at 1 s; from there each of its calls waits for
    // at most 4 of the batch's starts (100 ms a token): it is done well inside its budget, where
    // before it waited for the whole batch's 3 s.
    for (const [i, s] of starts.entries()) {
      const since = i === 0 ? 1000 : starts[i - 1]! + 20;
      expect(s - since).toBeLessThanOrEqual((TURN + 1) * 100);
    }
    expect(doneAt).toBeLessThan(1000 + 3 * (TURN + 1) * 100 + 60);
  });
});
