import pLimit from 'p-limit';
import pThrottle from 'p-throttle';

/** Runs one Web+ request under the instance's concurrency and calls-per-second limits. */
export type Pacer = <T>(fn: () => Promise<T>) => Promise<T>;

export interface PacerLimits {
  /** Requests in flight at once (`WEBPLUS_CONCURRENCY`). */
  concurrency: number;
  /** Requests started per second (`WEBPLUS_QPS`), spaced evenly: one every 1000/qps ms. */
  qps: number;
}

/**
 * One pacer per instance, shared by every invocation it runs, so overlapping invocations stay
 * under the Web+ API limits together. Each attempt is paced on its own: a retry's backoff sleep
 * holds no slot. Uses p-limit (concurrency) and p-throttle (rate).
 */
export function createPacer(limits: PacerLimits): Pacer {
  const limit = pLimit(limits.concurrency);
  const throttle = pThrottle({ limit: 1, interval: 1000 / limits.qps });
  const started = throttle(async () => undefined);
  return <T>(fn: () => Promise<T>) =>
    limit(async () => {
      await started();
      return fn();
    });
}
