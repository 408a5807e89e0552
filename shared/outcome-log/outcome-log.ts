import { createRedactor } from '../core/redact.js';
import type { OutcomeRecord } from '../model/record.js';
import { OutcomeStoreError, toError } from './errors.js';
import { asOutput, type LineOutput, stdoutThenStderr } from './line-output.js';
import type { LineSink } from './line-sink.js';
import { STDOUT_MARKER } from './stdout-store.js';
import type { OutcomeStore, WriteContext } from './store.js';

/** Where a batch ended up. */
export interface WriteReport {
  store: OutcomeStore['name'];
  target: string;
  /** Records that reached the store or the fallback (never counting those in {@link notWritten}). */
  written: number;
  /**
   * Of {@link written}, the intent records (`kind: "intent"`, written before each abort request:
   * red-team 25 G15), which are not decisions; absent when none. Set by the record stream.
   */
  intents?: number;
  /**
   * Set when the store failed and the records went to stdout instead; `stored`: how many of them
   * the store had stored before it failed (those are not repeated on stdout).
   */
  fallback?: { reason: string; stored?: number };
  /** Of the fallback's records, how many went to stderr because stdout refused them. */
  toStderr?: number;
  /**
   * Records written nowhere: refused by the store and by stdout and stderr, or still in the
   * process's stdout buffer at the write deadline. Absent when every record was written.
   */
  notWritten?: { count: number; reason: string };
}

/**
 * Writes each batch to the configured store and, when that fails for good, writes every record
 * the store did not store (an `OutcomeStoreError`'s `written` says how many it did, `pending` how
 * many it handed over unconfirmed: neither is repeated) as one JSON line marked `logWriteFailed`
 * to stdout, and to stderr what stdout refuses (FC ships both to the function's own logstore).
 * What neither takes is reported in `notWritten`, never as written. Never throws: a failed log
 * write must not fail the invocation, because FC retries a failed asynchronous invocation and
 * the abort would run again.
 */
export class OutcomeLog {
  private readonly output: LineOutput;

  /**
   * @param output the fallback's output: default stdout then stderr (a plain sink, for tests,
   *   is taken as is)
   */
  constructor(
    readonly store: OutcomeStore,
    output: LineSink | LineOutput = stdoutThenStderr,
  ) {
    this.output = asOutput(output);
  }

  async write(records: readonly OutcomeRecord[], ctx: WriteContext): Promise<WriteReport> {
    const base = { store: this.store.name, target: this.store.target, written: records.length };
    if (records.length === 0) return base;
    try {
      await this.store.write(records, ctx);
      return base;
    } catch (err) {
      const reason = scrub(toError(err).message, ctx);
      // A store that stored the first batches before failing says how many: only the rest goes
      // to stdout, so no record is written twice. Lines it handed over unconfirmed (`pending`)
      // may still arrive: not repeated either, reported not written.
      const stored =
        err instanceof OutcomeStoreError ? Math.min(Math.max(0, err.written), records.length) : 0;
      const pending =
        err instanceof OutcomeStoreError
          ? Math.min(Math.max(0, err.pending), records.length - stored)
          : 0;
      const rest = records.slice(stored + pending);
      const out = await this.output.write(
        rest.map((record) =>
          JSON.stringify({
            log: STDOUT_MARKER,
            logWriteFailed: { store: this.store.name, reason },
            ...record,
          }),
        ),
        ctx.deadlineMs,
      );
      const lost = pending + out.pending + out.failed;
      const lostReasons = [
        pending > 0 ? reason : undefined,
        out.pending + out.failed > 0 ? scrub(out.reason ?? 'not written', ctx) : undefined,
      ].filter((r): r is string => r !== undefined);
      return {
        ...base,
        written: records.length - lost,
        store: 'stdout',
        target: 'stdout (fallback)',
        fallback: { reason, ...(stored > 0 ? { stored } : {}) },
        ...(out.toStderr > 0 ? { toStderr: out.toStderr } : {}),
        ...(lost > 0 ? { notWritten: { count: lost, reason: lostReasons.join('; ') } } : {}),
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
