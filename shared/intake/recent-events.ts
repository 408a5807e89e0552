/**
 * Per-instance memory of EventBridge events already handled, for redelivery detection.
 * EventBridge identifies an event by `id` + `source` (CloudEvents 1.0, "id": "Producers MUST ensure
 * that source + id is unique for each distinct event"; docs/reference/fc-triggers.md).
 * FC may run several instances, so this only catches redeliveries that land on the same instance.
 */

/** Default number of keys remembered per instance. */
export const RECENT_EVENTS_DEFAULT_MAX = 10_000;

/** The key {@link RecentEvents} stores for an EventBridge event (`source` and `id`, unambiguous). */
export function eventKey(source: string, id: string): string {
  return JSON.stringify([source, id]);
}

/**
 * A bounded set of event keys; when full, the oldest key is forgotten first (insertion order).
 */
export class RecentEvents {
  private readonly keys = new Set<string>();
  private readonly maxEntries: number;

  /** @param maxEntries keys kept before the oldest is dropped (default 10000; at least 1). */
  constructor(maxEntries: number = RECENT_EVENTS_DEFAULT_MAX) {
    this.maxEntries = Number.isFinite(maxEntries) && maxEntries >= 1 ? Math.floor(maxEntries) : 1;
  }

  /** True when `key` was seen before; otherwise records it and returns false. */
  seen(key: string): boolean {
    if (this.keys.has(key)) return true;
    this.keys.add(key);
    while (this.keys.size > this.maxEntries) {
      const oldest = this.keys.values().next();
      if (oldest.done) break;
      this.keys.delete(oldest.value);
    }
    return false;
  }

  /**
   * Forgets `key`, so a later delivery is handled again. For a handler that failed before it
   * wrote its records (FC then retries the async invocation, which must not be dropped).
   */
  forget(key: string): void {
    this.keys.delete(key);
  }

  /** Number of keys remembered. */
  get size(): number {
    return this.keys.size;
  }
}
