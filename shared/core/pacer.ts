import { WebplusAbortError } from './errors.js';

/**
 * The instance's Web+ pacer: a token bucket (rate `qps`, capacity `burst`) plus a concurrency
 * limit, with a deadline and an AbortSignal per call, and a queue per invocation.
 *
 * Which call starts next (docs/operator-guide.md, "Which invocation's call goes first"):
 * 1. Foreground calls (alarms, callbacks, manual aborts) before background ones (a sweep's,
 *    {@link backgroundPacer}): a background call starts only while no foreground call is queued,
 *    so a foreground call never waits for a token a background call takes after it queued.
 * 2. Background calls hold at most `concurrency − 1` slots when `concurrency ≥ 2`
 *    ({@link backgroundSlots}): one slot is always free of sweep work, so a callback arriving
 *    during a slow sweep never waits for a sweep read in flight. With `concurrency` 1 there is
 *    nothing to reserve (the limit is the operator's promise to Web+ and is never exceeded): a
 *    foreground call may then wait for the one background call in flight, up to its attempt
 *    timeout.
 * 3. Between foreground invocations: earliest deadline first (the queue whose head has the
 *    earliest `startBy`; equal: the one that queued first; none: in turn), except that while an
 *    invocation has a call waiting, no other invocation starts more than
 *    {@link FOREGROUND_TURN} calls ahead of it. So one invocation's wait for a start is at most
 *    `FOREGROUND_TURN × (k − 1)` starts of others (k: foreground invocations with queued calls on
 *    the instance), plus the tokens those take and, when every slot is busy, the first call in
 *    flight to end; it never grows with another invocation's size (a 1,000-alarm batch, a
 *    300-id callback). A chain of up to `FOREGROUND_TURN` calls (read, abort, re-read) still
 *    runs to its end before the next invocation's turn, so 300 callbacks of three calls each
 *    with one deadline still finish the first ones instead of all missing it a call short.
 *
 * Rate bound (derivation in docs/operator-guide.md, "The pacer"): two limits, both checked
 * before every start.
 * - Token bucket: a start takes one token; the bucket holds at most `burst` tokens (`burst` ≤
 *   `qps`) and gains `qps` per second, so over any closed window of `w` ms at most
 *   `burst + floor(qps * w / 1000)` calls start. With `burst = 1` this is even spacing.
 * - One-second window: a call starts only when fewer than `max(1, floor(qps))` calls started in
 *   the last {@link RATE_WINDOW_MS} ms, so no window `[t, t + 1000)` ms, the first second of the
 *   instance included, ever holds more than `qps` starts (issue 16: a bucket that starts full let
 *   `burst + qps` calls go in the first second, more than a server limit of `qps` per second).
 * The long-run rate is `qps` either way; the rules above only choose which call takes a token
 * and a place in the window; they never add one.
 */

/** The window of the per-second bound, ms: at most `floor(qps)` starts in any `[t, t + 1000)`. */
export const RATE_WINDOW_MS = 1000;

/**
 * Calls one foreground invocation may start while another foreground invocation has a call
 * waiting: one alarm's read, abort and re-read, plus one retry.
 */
export const FOREGROUND_TURN = 4;

/**
 * Slots background calls (a sweep's) may hold at once: `concurrency − 1` when `concurrency ≥ 2`
 * (one slot kept for foreground calls), else 1.
 * @param concurrency the pacer's limit (`WEBPLUS_CONCURRENCY`)
 */
export function backgroundSlots(concurrency: number): number {
  return concurrency >= 2 ? concurrency - 1 : 1;
}

/** Rounding slack of token arithmetic: 0.1 + 0.2 + … earned in pieces may fall a hair below 1. */
const TOKEN_EPSILON = 1e-9;

/** Clock and timers of a pacer (injected in property tests; real ones by default). */
export interface PacerClock {
  /** epoch ms */
  now(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

const realClock: PacerClock = {
  now: () => Date.now(),
  setTimer: (fn, ms) => setTimeout(fn, Math.max(0, ms)),
  clearTimer: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface PacerLimits {
  /** Requests in flight at once (`WEBPLUS_CONCURRENCY`). */
  concurrency: number;
  /** Requests started per second on average (`WEBPLUS_QPS`). */
  qps: number;
  /**
   * Requests that may start at once after a quiet spell (`WEBPLUS_BURST`), at most `qps`.
   * @default qps
   */
  burst?: number;
}

/** How one call waits. */
export interface PaceOptions {
  /**
   * Epoch ms: the latest moment the call may start (the work deadline minus the attempt's
   * whole timeout). A call still queued then is never started: it rejects with
   * {@link PacerDeadlineError}. Absent: no limit.
   */
  startBy?: number;
  /**
   * The invocation's signal: when it aborts, the invocation's queued calls reject with
   * {@link PacerAbortedError} and never start. Calls of one signal form one queue. The queue
   * whose next call has the earliest `startBy` goes first (equal: the one that queued first;
   * none has a `startBy`: in turn), so that 300 callbacks of 3 calls each do not all miss their
   * 3.5 s by taking turns; but no queue starts more than {@link FOREGROUND_TURN} calls while
   * another foreground queue waits, so a big invocation never makes a small one wait for all
   * of it. Every call an invocation could not start is recorded `timeout`.
   */
  signal?: AbortSignal;
  /**
   * Goes to the head of its invocation's queue: a retry, so that a call already under way ends
   * before new ones start, and its backoff is not stretched by the queue. @default false
   */
  urgent?: boolean;
  /**
   * Background work (a sweep): served only while no foreground call is queued, and in at most
   * {@link backgroundSlots} of the `concurrency` slots. A sweep leaves what it cannot reach to
   * the next timer runs (`deferred`), an alarm or a manual abort has one chance, so a callback
   * arriving during a sweep is never kept waiting by it, even when their deadlines are about the
   * same. @default false
   */
  background?: boolean;
}

/** Runs one Web+ request under the instance's rate and concurrency limits. */
export type Pacer = <T>(fn: () => Promise<T>, options?: PaceOptions) => Promise<T>;

/** The call could not start before its `startBy`: it was never sent. */
export class PacerDeadlineError extends WebplusAbortError {
  override readonly name = 'PacerDeadlineError';
  constructor(
    /** epoch ms the call had to start by */
    readonly startBy: number,
    /** ms the call waited in the queue */
    readonly waitedMs: number,
  ) {
    super(
      `not sent: no start possible before ${new Date(startBy).toISOString()} (waited ${waitedMs} ms for a turn)`,
    );
  }
}

/** The invocation that queued the call ended (its signal aborted): the call was never sent. */
export class PacerAbortedError extends WebplusAbortError {
  override readonly name = 'PacerAbortedError';
  constructor() {
    super('not sent: the invocation that queued this call has ended');
  }
}

interface Item {
  background: boolean;
  run: () => void;
  reject: (err: Error) => void;
  startBy: number;
  queuedAt: number;
  owner: object;
  timer?: unknown;
  settled: boolean;
}

const NO_OWNER = {};

/** One invocation's queue. */
interface Queue {
  items: Item[];
  /**
   * Calls each other owner started since this owner last started one (or queued its first):
   * an owner that started {@link FOREGROUND_TURN} while this one's head waited yields to it.
   */
  passed: Map<object, number>;
}

/**
 * Builds the instance's pacer. One per instance, shared by every invocation it runs, so
 * overlapping invocations stay under the Web+ limits together. Each attempt is paced on its
 * own: a retry's backoff sleep holds no slot and no token.
 * @throws RangeError when a limit is not a positive number, or `burst` is more than `qps`
 */
export function createPacer(limits: PacerLimits, clock: PacerClock = realClock): Pacer {
  const qps = limits.qps;
  const burst = limits.burst ?? limits.qps;
  const concurrency = limits.concurrency;
  for (const [name, v] of [
    ['qps', qps],
    ['burst', burst],
    ['concurrency', concurrency],
  ] as const) {
    if (!(Number.isFinite(v) && v > 0)) throw new RangeError(`pacer ${name} must be > 0, got ${v}`);
  }
  if (burst > qps) {
    throw new RangeError(
      `pacer burst must be at most qps (${qps}), got ${burst}: at most qps calls start in any second`,
    );
  }
  const maxBackground = backgroundSlots(concurrency);
  /** Starts allowed in any RATE_WINDOW_MS. */
  const perWindow = Math.max(1, Math.floor(qps));
  /** The last `perWindow` start times (epoch ms), a ring: `recent[next]` is the oldest once full. */
  const recent = new Float64Array(perWindow);
  let recentCount = 0;
  let next = 0;
  /** ms until the window admits another start (0: now). */
  const windowWaitMs = (now: number): number => {
    if (recentCount < perWindow) return 0;
    const freeAt = recent[next]! + RATE_WINDOW_MS;
    return now >= freeAt ? 0 : Math.ceil(freeAt - now);
  };
  let tokens = burst;
  let refilledAt = clock.now();
  let active = 0;
  let activeBackground = 0;
  let wake: unknown;
  /** Queues by owner, in turn order. */
  const queues = new Map<object, Queue>();
  /** One abort listener per signal with queued calls (not one per call). */
  const listeners = new Map<AbortSignal, () => void>();

  const watch = (signal: AbortSignal): void => {
    if (listeners.has(signal)) return;
    const onAbort = (): void => {
      listeners.delete(signal);
      const q = queues.get(signal)?.items ?? [];
      queues.delete(signal);
      for (const item of q) {
        settle(item);
        item.reject(new PacerAbortedError());
      }
      // A queue gone may unblock others (FOREGROUND_TURN).
      pump();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    listeners.set(signal, () => {
      listeners.delete(signal);
      signal.removeEventListener('abort', onAbort);
    });
  };

  /** Drops the listener of an owner whose queue emptied. */
  const unwatch = (owner: object): void => {
    if (!queues.has(owner)) listeners.get(owner as AbortSignal)?.();
  };

  /**
   * Adds the tokens earned since the last refill. While the window is full the bucket fills to
   * one token at most (the next start's): were it to fill to `burst` while the window holds every
   * start back, the calls waiting would all start together when the window frees, a burst at the
   * start of every second under steady load. Between two refills no call starts, so in that time
   * the window can only free (at `recent[next] + RATE_WINDOW_MS`), never fill.
   */
  const refill = (now: number): void => {
    if (now <= refilledAt) return;
    let from = refilledAt;
    if (recentCount === perWindow) {
      const fullUntil = Math.min(now, recent[next]! + RATE_WINDOW_MS);
      if (fullUntil > from) {
        tokens = Math.max(tokens, Math.min(1, tokens + ((fullUntil - from) * qps) / 1000));
        from = fullUntil;
      }
    }
    tokens = Math.min(burst, tokens + ((now - from) * qps) / 1000);
    refilledAt = now;
  };

  const remove = (item: Item): void => {
    const q = queues.get(item.owner);
    if (!q) return;
    const i = q.items.indexOf(item);
    if (i >= 0) q.items.splice(i, 1);
    if (q.items.length === 0) queues.delete(item.owner);
    unwatch(item.owner);
  };

  const settle = (item: Item): void => {
    item.settled = true;
    if (item.timer !== undefined) clock.clearTimer(item.timer);
  };

  /** Order in which owners first queued a call (the tie-break between equal deadlines). */
  const seniority = new WeakMap<object, number>();
  let arrivals = 0;

  /** Whether `a` (head of `aOwner`'s queue) goes before `b` (head of `bOwner`'s queue). */
  const before = (a: Item, aOwner: object, b: Item, bOwner: object): boolean =>
    a.startBy < b.startBy ||
    (a.startBy === b.startBy &&
      Number.isFinite(a.startBy) &&
      (seniority.get(aOwner) ?? 0) < (seniority.get(bOwner) ?? 0));

  /**
   * The owner whose head goes next, or none (nothing queued, or only background calls while
   * the background slots are full). Foreground: among the owners that have not started
   * FOREGROUND_TURN calls while another foreground owner's head waited, the head that must
   * start earliest (earliest deadline first, so that under overload some invocations finish
   * instead of all of them missing their deadline a call short); between equal finite
   * deadlines, the owner that queued first; between calls without a deadline, the owners in
   * turn (round robin: the owner served goes to the back of the turn order). There is always
   * one such owner: the one whose head has waited longest has not been passed by anyone (each
   * owner that passed it started after its head began to wait). Background: the same order,
   * only while no foreground call is queued and a background slot is free.
   */
  const choose = (): object | undefined => {
    let bestOwner: object | undefined;
    let best: Item | undefined;
    let foreground = false;
    for (const q of queues.values()) if (q.items[0] && !q.items[0].background) foreground = true;
    for (const [owner, q] of queues) {
      const head = q.items[0];
      if (!head || head.background === foreground) continue;
      if (foreground && yieldsTurn(owner)) continue;
      if (!best || before(head, owner, best, bestOwner!)) {
        best = head;
        bestOwner = owner;
      }
    }
    if (!best || !bestOwner) return undefined;
    if (best.background && activeBackground >= maxBackground) return undefined;
    return bestOwner;
  };

  /** Whether `owner` has started FOREGROUND_TURN calls while another foreground head waited. */
  const yieldsTurn = (owner: object): boolean => {
    for (const [other, q] of queues) {
      if (other === owner || !q.items[0] || q.items[0].background) continue;
      if ((q.passed.get(owner) ?? 0) >= FOREGROUND_TURN) return true;
    }
    return false;
  };

  /** Takes the head of `owner`'s queue; counts the start against every other foreground queue. */
  const take = (owner: object): Item => {
    const q = queues.get(owner)!;
    const item = q.items.shift()!;
    q.passed.clear();
    if (!item.background) {
      for (const [other, oq] of queues) {
        if (other === owner || !oq.items[0] || oq.items[0].background) continue;
        oq.passed.set(owner, (oq.passed.get(owner) ?? 0) + 1);
      }
    }
    queues.delete(owner);
    if (q.items.length > 0) queues.set(owner, q);
    else unwatch(owner);
    return item;
  };

  const pump = (): void => {
    if (wake !== undefined) {
      clock.clearTimer(wake);
      wake = undefined;
    }
    while (active < concurrency && queues.size > 0) {
      const owner = choose();
      if (owner === undefined) return;
      const now = clock.now();
      refill(now);
      const head = queues.get(owner)!.items[0]!;
      const windowWait = windowWaitMs(now);
      const short = tokens < 1 - TOKEN_EPSILON;
      if ((short || windowWait > 0) && now <= head.startBy) {
        const tokenWait = short ? Math.ceil(((1 - tokens) * 1000) / qps - TOKEN_EPSILON) : 0;
        const waitMs = Math.max(tokenWait, windowWait);
        wake = clock.setTimer(() => {
          wake = undefined;
          pump();
        }, waitMs);
        return;
      }
      const item = take(owner);
      settle(item);
      if (now > item.startBy) {
        item.reject(new PacerDeadlineError(item.startBy, now - item.queuedAt));
        continue;
      }
      start(now, item.background);
      item.run();
    }
  };

  /** Counts a start at `now`: its token, its place in the window, its slot. */
  const start = (now: number, background: boolean): void => {
    tokens -= 1;
    recent[next] = now;
    next = (next + 1) % perWindow;
    if (recentCount < perWindow) recentCount += 1;
    active += 1;
    if (background) activeBackground += 1;
  };

  /**
   * Whether a call queued at `now` would be started at once by {@link pump}: nothing is queued
   * (so no other call is chosen before it), a slot is free (a background one for a background
   * call), a token is there and the window admits a start. Such a call starts without a queue,
   * a deadline timer or an abort listener (its deadline and signal were checked on arrival), as
   * an alarm's calls do on a quiet instance (issue 16: each timer and listener cost the alarm
   * path's CPU before its AbortChange).
   */
  const startsNow = (now: number, background: boolean): boolean => {
    if (queues.size > 0 || active >= concurrency) return false;
    if (background && activeBackground >= maxBackground) return false;
    refill(now);
    return tokens >= 1 - TOKEN_EPSILON && windowWaitMs(now) === 0;
  };

  return <T>(fn: () => Promise<T>, options: PaceOptions = {}): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const signal = options.signal;
      if (signal?.aborted) {
        reject(new PacerAbortedError());
        return;
      }
      const now = clock.now();
      const startBy = options.startBy ?? Number.POSITIVE_INFINITY;
      if (now > startBy) {
        reject(new PacerDeadlineError(startBy, 0));
        return;
      }
      const background = options.background === true;
      const owner = signal ?? NO_OWNER;
      const run = (): void => {
        let p: Promise<T>;
        try {
          p = fn();
        } catch (err) {
          p = Promise.reject(err);
        }
        p.then(resolve, reject).finally(() => {
          active -= 1;
          if (background) activeBackground -= 1;
          pump();
        });
      };
      if (!seniority.has(owner)) seniority.set(owner, arrivals++);
      if (startsNow(now, background)) {
        start(now, background);
        run();
        return;
      }
      const item: Item = {
        background,
        startBy,
        queuedAt: now,
        owner,
        settled: false,
        reject,
        run,
      };
      if (Number.isFinite(startBy)) {
        item.timer = clock.setTimer(
          () => {
            if (item.settled) return;
            remove(item);
            settle(item);
            reject(new PacerDeadlineError(startBy, clock.now() - now));
            // A queue gone may unblock others (FOREGROUND_TURN).
            pump();
          },
          startBy - now + 1,
        );
      }
      if (signal) watch(signal);
      const q = queues.get(item.owner);
      if (!q) queues.set(item.owner, { items: [item], passed: new Map() });
      else if (options.urgent) q.items.unshift(item);
      else q.items.push(item);
      pump();
    });
}

/**
 * The same pacer with every call marked `background` (a sweep's calls): served only while no
 * foreground call (an alarm, a callback, a manual abort) is queued.
 */
export function backgroundPacer(pacer: Pacer): Pacer {
  return (fn, options = {}) => pacer(fn, { ...options, background: true });
}
