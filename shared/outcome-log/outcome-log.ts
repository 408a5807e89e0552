import { createRedactor } from '../core/redact.js';
import type { OutcomeRecord } from '../model/record.js';
import { OutcomeStoreError, toError } from './errors.js';
import type { LineSink } from './line-sink.js';
import { stdoutSink } from './line-sink.js';
import { STDOUT_MARKER } from './stdout-store.js';
import type { OutcomeStore, WriteContext } from './store.js';

/** Where a batch ended up. */
export interface WriteReport {
  store: OutcomeStore['name'];
  target: string;
  written: number;
  /**
   * Set when the store failed and the records went to stdout instead; `stored`: how many of them
   * the store had stored before it failed (those are not repeated on stdout).
   */
  fallback?: { reason: string; stored?: number };
}

/**
 * Writes each batch to the configured store and, when that fails for good, writes every record
 * the store did not store (an `OutcomeStoreError`'s `written` says how many it did) to stdout as
 * one JSON line marked `logWriteFailed` (FC ships stdout to the function's own logstore). Never throws: a failed log write must not fail the invocation, because FC retries a
 * failed asynchronous invocation and the abort would run again.
 */
export class OutcomeLog {
  constructor(
    readonly store: OutcomeStore,
    private readonly sink: LineSink = stdoutSink,
  ) {}

  async write(records: readonly OutcomeRecord[], ctx: WriteContext): Promise<WriteReport> {
    const base = { store: this.store.name, target: this.store.target, written: records.length };
    if (records.length === 0) return base;
    try {
      await this.store.write(records, ctx);
      return base;
    } catch (err) {
      const reason = scrub(toError(err).message, ctx);
      // A store that stored the first batches before failing says how many: only the rest goes
      // to stdout, so no record is written twice.
      const stored =
        err instanceof OutcomeStoreError ? Math.min(Math.max(0, err.written), records.length) : 0;
      for (const record of records.slice(stored)) {
        this.sink(
          JSON.stringify({
            log: STDOUT_MARKER,
            logWriteFailed: { store: this.store.name, reason },
            ...record,
          }),
        );
      }
      return {
        ...base,
        store: 'stdout',
        target: 'stdout (fallback)',
        fallback: { reason, ...(stored > 0 ? { stored } : {}) },
      };
    }
  }
}

/**
 * Removes this invocation's secrets from a message, in case a store echoed one: the one
 * redactor (shared/core/redact.ts: any dress, a string-to-sign echo cut), never a plain search.
 */
function scrub(message: string, ctx: WriteContext): string {
  const redact =
    ctx.redact ??
    createRedactor([ctx.credentials?.accessKeySecret, ctx.credentials?.securityToken]).text;
  return redact(message);
}
