import { WebplusAbortError } from './errors.js';

/**
 * The instance's Web+ pacer: a token bucket (rate `qps`, capacity `burst`) plus a concurrency
 * limit, with a deadline and an AbortSignal per call, and a queue per invocation. Queues are
 * served earliest deadline first (a CloudMonitor callback's 3.5 s before a sweep's minutes;
 * equal deadlines: the invocation that queued first), calls without a deadline in turn; a
 * sweep's calls (`background`) only while no other call waits.
 *
 * Rate bound (derivation in docs/operator-guide.md, "The deadline and the pacer"): a start
 * takes one token; the bucket holds at most `burst` tokens and gains `qps` per second, so over
 * any closed window of `w` ms at most `burst + floor(qps * w / 1000)` calls start (for 1 s:
 * `burst + qps`). With `burst = 1` this is the old even spacing.
 */

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
  /** Requests that may start at once after a quiet spell (`WEBPLUS_BURST`). @default qps */
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
   * 3.5 s by taking turns; an invocation waits only for ones that must be done before it, each
   * bounded by its own deadline, and every call it could not start is recorded `timeout`.
   */
  signal?: AbortSignal;
  /**
   * Goes to the head of its invocation's queue: a retry, so that a call already under way ends
   * before new ones start, and its backoff is not stretched by the queue. @default false
   */
  urgent?: boolean;
  /**
   * Background work (a sweep): served only while no other call is queued. A sweep leaves what
   * it cannot reach to the next timer runs (`deferred`), an alarm or a manual abort has one
   * chance, so a callback arriving during a sweep is never kept waiting by it, even when their
   * deadlines are about the same. @default false
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

/**
 * Builds the instance's pacer. One per instance, shared by every invocation it runs, so
 * overlapping invocations stay under the Web+ limits together. Each attempt is paced on its
 * own: a retry's backoff sleep holds no slot and no token.
 * @throws RangeError when a limit is not a positive number
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
  let tokens = burst;
  let refilledAt = clock.now();
  let active = 0;
  let wake: unknown;
  /** Queues by owner, in turn order. */
  const queues = new Map<object, Item[]>();
  /** One abort listener per signal with queued calls (not one per call). */
  const listeners = new Map<AbortSignal, () => void>();

  const watch = (signal: AbortSignal): void => {
    if (listeners.has(signal)) return;
    const onAbort = (): void => {
      listeners.delete(signal);
      const q = queues.get(signal) ?? [];
      queues.delete(signal);
      for (const item of q) {
        settle(item);
        item.reject(new PacerAbortedError());
      }
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

  const refill = (now: number): void => {
    if (now > refilledAt) {
      tokens = Math.min(burst, tokens + ((now - refilledAt) * qps) / 1000);
      refilledAt = now;
    }
  };

  const remove = (item: Item): void => {
    const q = queues.get(item.owner);
    if (!q) return;
    const i = q.indexOf(item);
    if (i >= 0) q.splice(i, 1);
    if (q.length === 0) queues.delete(item.owner);
    unwatch(item.owner);
  };

  const settle = (item: Item): void => {
    item.settled = true;
    if (item.timer !== undefined) clock.clearTimer(item.timer);
  };

  /** Order in which owners first queued a call (the tie-break between equal deadlines). */
  const seniority = new WeakMap<object, number>();
  let arrivals = 0;

  /**
   * Next item: foreground calls before background ones (see `PaceOptions.background`); then
   * the head call of the owner whose head must start earliest (earliest deadline first, so that under overload some invocations finish instead of all of them missing their
   * deadline a call short); between equal finite deadlines, the owner that queued first; between
   * calls without a deadline, the owners in turn (round robin). The owner served goes to the
   * back of the turn order.
   */
  const next = (): Item | undefined => {
    let bestOwner: object | undefined;
    let best: Item | undefined;
    for (const [owner, q] of queues) {
      const head = q[0];
      if (!head) continue;
      if (best && head.background && !best.background) continue;
      if (
        !best ||
        (best.background && !head.background) ||
        head.startBy < best.startBy ||
        (head.startBy === best.startBy &&
          Number.isFinite(head.startBy) &&
          (seniority.get(owner) ?? 0) < (seniority.get(bestOwner!) ?? 0))
      ) {
        best = head;
        bestOwner = owner;
      }
    }
    if (!best || !bestOwner) return undefined;
    const q = queues.get(bestOwner)!;
    q.shift();
    queues.delete(bestOwner);
    if (q.length > 0) queues.set(bestOwner, q);
    else unwatch(bestOwner);
    return best;
  };

  const pump = (): void => {
    if (wake !== undefined) {
      clock.clearTimer(wake);
      wake = undefined;
    }
    while (active < concurrency && queues.size > 0) {
      const now = clock.now();
      refill(now);
      if (tokens < 1) {
        const waitMs = Math.ceil(((1 - tokens) * 1000) / qps);
        wake = clock.setTimer(() => {
          wake = undefined;
          pump();
        }, waitMs);
        return;
      }
      const item = next();
      if (!item) return;
      if (now > item.startBy) {
        settle(item);
        item.reject(new PacerDeadlineError(item.startBy, now - item.queuedAt));
        continue;
      }
      settle(item);
      tokens -= 1;
      active += 1;
      item.run();
    }
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
      const item: Item = {
        background: options.background === true,
        startBy,
        queuedAt: now,
        owner: signal ?? NO_OWNER,
        settled: false,
        reject,
        run: () => {
          let p: Promise<T>;
          try {
            p = fn();
          } catch (err) {
            p = Promise.reject(err);
          }
          p.then(resolve, reject).finally(() => {
            active -= 1;
            pump();
          });
        },
      };
      if (Number.isFinite(startBy)) {
        item.timer = clock.setTimer(
          () => {
            if (item.settled) return;
            remove(item);
            settle(item);
            reject(new PacerDeadlineError(startBy, clock.now() - now));
          },
          startBy - now + 1,
        );
      }
      if (signal) watch(signal);
      if (!seniority.has(item.owner)) seniority.set(item.owner, arrivals++);
      const q = queues.get(item.owner);
      if (!q) queues.set(item.owner, [item]);
      else if (options.urgent) q.unshift(item);
      else q.push(item);
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
