import { setTimeout as wait } from 'node:timers/promises';

/**
 * Waits `ms` milliseconds, or until `signal` aborts (then resolves at once). The abort listener
 * lives only as long as the wait (Node's `timers/promises` removes it when the timer ends), so a
 * `--follow` loop that waits thousands of times never piles listeners on its signal
 * (MaxListenersExceededWarning). Never rejects.
 */
export async function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return;
  try {
    await wait(ms, undefined, { signal });
  } catch (err) {
    if ((err as { name?: string }).name !== 'AbortError') throw err;
  }
}
