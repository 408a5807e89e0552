import { randomUUID } from 'node:crypto';
import type { OutcomeRecord } from '../model/record.js';
import type { OutcomeLog, WriteReport } from './outcome-log.js';
import type { WriteContext } from './store.js';

export interface RecordStreamOptions {
  /** A batch is written as soon as this many records wait. @default 25 */
  batchSize?: number;
  /** No record waits longer than this before its batch starts, ms (unless a write is in flight). @default 1000 */
  flushIntervalMs?: number;
  /** Source of record ids. @default crypto.randomUUID */
  newRecordId?: () => string;
  /**
   * Longest that one {@link RecordStream.room} call holds the decisions back, ms. A store slower
   * than this (a slow SLS) ends the holding for the rest of the invocation: decisions go on and
   * records queue again (still written in batches of `batchSize`). @default 1000
   */
  maxHoldMs?: number;
}

/**
 * Whether one record reached the configured store (not the stdout fallback): `stored: true`
 * once the store wrote it (the file store: appended; SLS: PutLogs accepted; stdout: taken by
 * stdout), else `stored: false` with why (the store's failure, as the fallback names it).
 */
export type StoreResult = { stored: true } | { stored: false; why: string };

/** Default batch size of {@link RecordStream}. */
export const RECORD_BATCH_SIZE = 25;
/** Default longest wait of a record before its batch is written, ms. */
export const RECORD_FLUSH_INTERVAL_MS = 1000;
/** Default longest hold of one {@link RecordStream.room} call, ms. */
export const RECORD_MAX_HOLD_MS = 1000;

/**
 * One invocation's records, written as decisions are made: small batches (`batchSize`, or
 * whatever waited `flushIntervalMs`), one write in flight at a time (records arriving meanwhile
 * go in the next batches, written as soon as it ends), the rest on `close()`. No store write
 * ever carries more than `batchSize` records (issue 11, rt11 F1): what queued during a slow
 * write is handed over in batch-size writes, in order.
 *
 * **Backpressure**: the decision loop awaits {@link room} between decisions. It holds while a
 * batch's worth of records is buffered or in flight, until that write ended (at most
 * `maxHoldMs`), so a CPU-bound burst of decisions (repeats, cheap refusals: no I/O, so no turn
 * of the event loop) cannot hoard records in memory. A kill loses at most one batch of records
 * that are not aborts: an abort's record is emitted `now` (handed to the store at once) and
 * the pipeline sends no further AbortChange until it was written ({@link urgentWritten};
 * red-team 24 F6). Every record gets a unique `recordId`
 * (a UUID) before it is written, so at-least-once stores can be read back without duplicates.
 * Writes go through `OutcomeLog` (fallback to stdout; never throws).
 */
export class RecordStream {
  private buffer: OutcomeRecord[] = [];
  private inFlight: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closing = false;
  private readonly reports: WriteReport[] = [];
  private readonly batchSize: number;
  private readonly flushIntervalMs: number;
  private readonly newRecordId: () => string;
  private readonly maxHoldMs: number;
  /** Records of the write in flight. */
  private inFlightCount = 0;
  /** Intent records counted in the reports' `written` (record-stream report `intents`). */
  private intentsWritten = 0;
  /** Set when a hold outlasted `maxHoldMs`: the store is slow, decisions are not held again. */
  private holdingEnded = false;
  private waiters: (() => void)[] = [];
  /** Records emitted so far (each record's place in the order of writes). */
  private emitted = 0;
  /** Records whose write ended (written, fallen back or refused), from the first: writes end in order. */
  private ended = 0;
  /** The place of the last record emitted with `now` (0: none). */
  private urgentUpTo = 0;
  /** Callers of {@link urgentWritten}, each with the place it waits for. */
  private flushWaiters: { upTo: number; resolve: () => void }[] = [];
  /** Records emitted with `track`, by `recordId`: their place and their {@link stored} answer. */
  private readonly tracked = new Map<
    string,
    { place: number; result: Promise<StoreResult>; resolve: (r: StoreResult) => void }
  >();

  constructor(
    private readonly log: OutcomeLog,
    private readonly ctx: WriteContext,
    options: RecordStreamOptions = {},
  ) {
    this.batchSize = Math.max(1, options.batchSize ?? RECORD_BATCH_SIZE);
    this.flushIntervalMs = Math.max(0, options.flushIntervalMs ?? RECORD_FLUSH_INTERVAL_MS);
    this.newRecordId = options.newRecordId ?? randomUUID;
    this.maxHoldMs = Math.max(0, options.maxHoldMs ?? RECORD_MAX_HOLD_MS);
  }

  /**
   * Queues one record for writing; returns it with its `recordId` (kept when already set).
   * Records emitted after `close()` started are still written by it.
   * @param options `now`: the record is handed to the store at once (with whatever was buffered
   *   before it, at most `batchSize` records per write), not after `flushIntervalMs`; when a
   *   write is in flight, as soon as it ends. {@link urgentWritten} tells when it was written.
   *   Used for the record of every abort (red-team 24 F6): a kill must not lose it. The record
   *   is written once, in the batch that takes it; never again by a later batch.
   *   `track`: {@link stored} then tells whether this record reached the store itself (the
   *   intent record of an abort, red-team 25 G15).
   */
  emit(record: OutcomeRecord, options: { now?: boolean; track?: boolean } = {}): OutcomeRecord {
    const stamped: OutcomeRecord = record.recordId
      ? record
      : { recordId: this.newRecordId(), ...record };
    this.buffer.push(stamped);
    this.emitted += 1;
    if (options.track === true) {
      let resolve!: (r: StoreResult) => void;
      const result = new Promise<StoreResult>((r) => {
        resolve = r;
      });
      this.tracked.set(stamped.recordId!, { place: this.emitted, result, resolve });
    }
    if (options.now === true) this.urgentUpTo = this.emitted;
    if (this.buffer.length >= this.batchSize || this.closing || options.now === true) this.kick();
    else this.timer ??= setTimeout(() => this.kick(), this.flushIntervalMs);
    return stamped;
  }

  /**
   * Resolves when the write of every record emitted with `now` so far has ended: it reached
   * the store, or the stdout fallback when the store failed (OutcomeLog; a record refused
   * everywhere counts in `close()`'s `notWritten`). At once when there is none. Never rejects.
   */
  urgentWritten(): Promise<void> {
    const upTo = this.urgentUpTo;
    if (this.ended >= upTo) return Promise.resolve();
    return new Promise((resolve) => this.flushWaiters.push({ upTo, resolve }));
  }

  /**
   * For a record emitted with `track`: resolves when its write ended, `stored: true` when the
   * configured store took it, `stored: false` (with the store's failure) when it went to the
   * stdout fallback, may still be landing (a write issued but not confirmed by the deadline) or
   * was written nowhere. A record emitted without `track`: `stored: false` at once. Never rejects.
   */
  stored(recordId: string): Promise<StoreResult> {
    return (
      this.tracked.get(recordId)?.result ??
      Promise.resolve({ stored: false, why: 'the record was not tracked' })
    );
  }

  /** Records emitted so far that no write has taken yet. */
  get pending(): number {
    return this.buffer.length;
  }

  /**
   * Backpressure, awaited by the decision loop before its next decision: resolves at once while
   * fewer than `batchSize` records are buffered or in flight; otherwise when the write in flight
   * ended (the next batch is then handed to the store), or after `maxHoldMs` (from then on it
   * never holds again in this stream: a slow store must not stop the aborts). Never rejects.
   */
  async room(): Promise<void> {
    if (this.holdingEnded || this.closing || !this.full()) return;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.waiters.push(resolve);
      timer = setTimeout(() => {
        this.holdingEnded = true;
        this.release();
      }, this.maxHoldMs);
    });
    clearTimeout(timer);
  }

  private full(): boolean {
    return this.buffer.length + this.inFlightCount >= this.batchSize;
  }

  private release(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private kick(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.inFlight || this.buffer.length === 0) return;
    // At most one batch per store write, however many records queued meanwhile.
    const batch = this.buffer.splice(0, this.batchSize);
    this.inFlightCount = batch.length;
    const firstPlace = this.ended + 1;
    const settle = (report: WriteReport | undefined): void => {
      if (this.tracked.size === 0) return;
      batch.forEach((r, i) => {
        const t = r.recordId === undefined ? undefined : this.tracked.get(r.recordId);
        if (!t || t.place !== firstPlace + i) return;
        this.tracked.delete(r.recordId!);
        t.resolve(storeResultOf(report, i));
      });
    };
    const ended = (): void => {
      this.inFlight = undefined;
      this.inFlightCount = 0;
      this.ended += batch.length;
      const ready = this.flushWaiters.filter((w) => w.upTo <= this.ended);
      this.flushWaiters = this.flushWaiters.filter((w) => w.upTo > this.ended);
      for (const w of ready) w.resolve();
      if (this.buffer.length > 0) this.kick();
      if (!this.full()) this.release();
    };
    this.inFlight = this.log.write(batch, this.ctx).then(
      (report) => {
        this.reports.push(report);
        const intents = batch.filter((r) => r.kind === 'intent').length;
        if (intents > 0) this.intentsWritten += Math.min(intents, report.written);
        settle(report);
        ended();
      },
      // OutcomeLog.write never rejects; should it, the next batch still goes.
      () => {
        settle(undefined);
        ended();
      },
    );
  }

  /**
   * Writes what is left and waits for every write. Resolves with where the records went: the
   * store's name and target, or `stdout (fallback)` when any batch fell back (its reason);
   * `written` counts only records that reached the store or the fallback, `notWritten` the rest
   * (refused everywhere, or still in the stdout buffer at the write deadline).
   */
  async close(): Promise<WriteReport> {
    this.closing = true;
    this.release();
    this.kick();
    while (this.inFlight) {
      await this.inFlight;
      this.kick();
    }
    return this.report();
  }

  private report(): WriteReport {
    const written = this.reports.reduce((n, r) => n + r.written, 0);
    const lostReports = this.reports.filter((r) => r.notWritten);
    const lost = lostReports.reduce((n, r) => n + (r.notWritten?.count ?? 0), 0);
    const toStderr = this.reports.reduce((n, r) => n + (r.toStderr ?? 0), 0);
    const extras: Partial<WriteReport> = {
      ...(this.intentsWritten > 0 ? { intents: this.intentsWritten } : {}),
      ...(toStderr > 0 ? { toStderr } : {}),
      ...(lost > 0
        ? {
            notWritten: {
              count: lost,
              reason:
                lostReports[0]!.notWritten!.reason +
                (lostReports.length > 1 ? ` (${lostReports.length} batches)` : ''),
            },
          }
        : {}),
    };
    const base: WriteReport = {
      store: this.log.store.name,
      target: this.log.store.target,
      written,
      ...extras,
    };
    const fellBack = this.reports.filter((r) => r.fallback);
    if (fellBack.length === 0) return base;
    const stored = fellBack.reduce((n, r) => n + (r.fallback?.stored ?? 0), 0);
    const okBatches = this.reports.length - fellBack.length;
    const storedElsewhere =
      stored + this.reports.filter((r) => !r.fallback).reduce((n, r) => n + r.written, 0);
    return {
      ...base,
      store: 'stdout',
      target: 'stdout (fallback)',
      fallback: {
        reason:
          fellBack[0]!.fallback!.reason +
          (okBatches > 0 ? ` (${fellBack.length} of ${this.reports.length} batches)` : ''),
        ...(storedElsewhere > 0 ? { stored: storedElsewhere } : {}),
      },
    };
  }
}

/**
 * Whether the record at `index` of a batch reached the configured store: every record did when
 * the batch did not fall back; with a fallback only the first `fallback.stored` did (a store
 * that stored part of the batch before failing says how many: outcome-log.ts).
 */
function storeResultOf(report: WriteReport | undefined, index: number): StoreResult {
  if (!report) return { stored: false, why: 'the outcome log write failed' };
  if (!report.fallback) return { stored: true };
  if (index < (report.fallback.stored ?? 0)) return { stored: true };
  return {
    stored: false,
    why: `${report.fallback.reason} (the record went to the stdout fallback or nowhere)`,
  };
}
