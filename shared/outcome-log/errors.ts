import { WebplusAbortError } from '../core/errors.js';
/**
 * Errors of the outcome-log module (one `errors.ts` per module, every error under
 * `WebplusAbortError`: docs/ARCHITECTURE.md, "Errors").
 */
import type { OutcomeStore } from './store.js';

/** Options of {@link OutcomeStoreError}. */
export interface OutcomeStoreErrorOptions {
  /** The store that failed: `sls`, `file` or `stdout`. */
  store: OutcomeStore['name'];
  /** A short machine-readable code: the SLS `errorCode` (`Unauthorized`), `HTTP502`, `Timeout`, `NoCredentials`... */
  code?: string;
  /** True when the cause was transient (a later write may succeed); false for permission or bad-value errors. */
  retryable?: boolean;
  /** The underlying error, kept for debugging (it never holds a secret either). */
  cause?: unknown;
  /**
   * Records of the batch that were stored before the failure: always the first `written` ones,
   * in order (stores write in order). 0 or absent: none.
   */
  written?: number;
  /**
   * Records after the `written` ones that were handed to their destination but not confirmed by
   * the deadline (stdout lines still in the process's buffer): they may still arrive, so the
   * fallback does not write them again (no duplicate); they are reported not written. 0 or absent: none.
   */
  pending?: number;
}

/**
 * A log write failed for good: retries (if any) are spent or the failure is permanent.
 * `OutcomeStore.write` throws only this. The message is readable and never contains a secret.
 */
export class OutcomeStoreError extends WebplusAbortError {
  override readonly name = 'OutcomeStoreError';
  readonly store: OutcomeStore['name'];
  readonly code?: string;
  readonly retryable: boolean;
  /** The first `written` records of the batch were stored before the failure (see the options). */
  readonly written: number;
  /** Records handed over but unconfirmed at the deadline (see the options). */
  readonly pending: number;

  constructor(message: string, options: OutcomeStoreErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.store = options.store;
    if (options.code !== undefined) this.code = options.code;
    this.retryable = options.retryable ?? false;
    this.written = options.written ?? 0;
    this.pending = options.pending ?? 0;
  }
}

/**
 * Turns any thrown value into an `Error` with a readable message.
 * Errors pass through unchanged. The @alicloud/log SDK throws bare strings from protobufjs'
 * `verify` (e.g. `"Value: string expected"`); those become `Error("Value: string expected")`.
 * Objects with a string `message` keep it; anything else is JSON-encoded (or `String()`-ed).
 * The original value is kept as `cause`.
 */
export function toError(value: unknown): Error {
  if (value instanceof Error) return value;
  if (typeof value === 'string') {
    return new Error(value.trim() === '' ? 'an empty string was thrown' : value, { cause: value });
  }
  if (typeof value === 'object' && value !== null) {
    const message = (value as { message?: unknown }).message;
    if (typeof message === 'string' && message !== '') return new Error(message, { cause: value });
    return new Error(`a non-Error value was thrown: ${describe(value)}`, { cause: value });
  }
  return new Error(`a non-Error value was thrown: ${String(value)}`, { cause: value });
}

function describe(value: object): string {
  try {
    const text = JSON.stringify(value);
    if (text !== undefined) return text.length > 200 ? `${text.slice(0, 200)}...` : text;
  } catch {
    // circular or BigInt: fall through
  }
  return Object.prototype.toString.call(value);
}

/**
 * The file store's path is not a regular file (a FIFO, a device such as `/dev/null`, a socket):
 * appending there would lose the records while reporting them written, so nothing is written.
 * `code` is `ENOTREG` (this project's code, not an errno).
 */
export class NotRegularFileError extends WebplusAbortError {
  override readonly name = 'NotRegularFileError';
  readonly code = 'ENOTREG';
  constructor(
    readonly path: string,
    /** What the path is instead: `a FIFO`, `a character device`, ... */
    readonly kind: string,
  ) {
    super(`${path} is ${kind}, not a regular file: the file store only appends to regular files`);
  }
}

/**
 * An append did not finish by its deadline (a blocked file system: a hung NFS or NAS mount, a
 * slow disk, the libuv thread pool held by other blocked calls). `issued` says whether its
 * `write()` had been started: false means it never will be (the batch was withdrawn, nothing of
 * it reaches the file); true means it may still land, so its records must not be written again.
 */
export class AppendDeadlineError extends WebplusAbortError {
  override readonly name = 'AppendDeadlineError';
  readonly code = 'DeadlineExceeded';
  constructor(
    readonly path: string,
    /** true when the `write()` had been started when the deadline came */
    readonly issued: boolean,
    /** the step the append was waiting on: `queued`, `mkdir`, `open`, `stat`, `read`, `write`, `close` */
    readonly step: string,
  ) {
    super(
      issued
        ? `the append to ${path} did not finish by the write deadline (its write() was started: the records may still land)`
        : `the append to ${path} did not start by the write deadline (waiting on ${step}): withdrawn, nothing written`,
    );
  }
}
