/**
 * Writing outcome lines to a process stream (stdout, stderr) and knowing which of them left the
 * process: the stdout store and the fallback of every store go through here.
 *
 * Facts relied on (Node.js 20 `stream.Writable`, `process.stdout`, "A note on process I/O"):
 * - `write(chunk, cb)`: `cb` runs once the chunk was handed to the OS (`cb(error)` when it was
 *   not); until then it sits in the stream's buffer (`writableLength` bytes). stdout to a pipe
 *   is asynchronous on Linux, so a slow reader leaves lines in the process;
 * - a write error (ENOSPC on a full device, EPIPE on a closed pipe) is also emitted as `'error'`
 *   on the stream: with no listener, that kills the process. The stream is then destroyed: later
 *   writes fail at once (`ERR_STREAM_DESTROYED`);
 * - after an error every line queued behind it fails too, so the lines written are always the
 *   first ones, in order.
 */
import type { LineSink } from './line-sink.js';

/** What became of the lines of one {@link LineOutput.write}, in order: `written`, then `pending`, then `failed`. */
export interface LineOutcome {
  /** The first `written` lines left the process (their write callback ran without error). */
  written: number;
  /** Of the written ones, how many went to stderr because stdout refused them. */
  toStderr: number;
  /**
   * The next `pending` lines were handed to a stream that had not confirmed them by the deadline:
   * they are still in the process's buffer (they may leave later, or be lost with the instance).
   * Counted as not written, and never written again elsewhere (that could duplicate them).
   */
  pending: number;
  /** The last `failed` lines were refused by every stream tried (or never handed over). */
  failed: number;
  /** Why not every line was written (the stream error, the deadline); absent when all were. */
  reason?: string;
}

/** Where lines go: resolves (never rejects) with what became of each, by `deadlineMs`. */
export interface LineOutput {
  write(lines: readonly string[], deadlineMs: number): Promise<LineOutcome>;
}

/**
 * A stream already holding this many bytes (written, not yet taken by the reader) takes no more
 * lines: they go to the next stream (stderr) or are reported not written, so a stuck reader
 * cannot grow the process without bound. 1 MiB: about 1,800 records.
 */
export const MAX_BUFFERED_BYTES = 1024 * 1024;

/** The part of a Node writable stream used here. */
export interface WritableLike {
  write(chunk: string, callback: (error?: Error | null) => void): boolean;
  readonly writableLength?: number;
  readonly destroyed?: boolean;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

const guarded = new WeakSet<object>();

/**
 * Gives `stream` an `'error'` listener (once per stream), so that a write error on it (ENOSPC,
 * EPIPE) never kills the process: the error reaches the write's callback, which reports the
 * lines as not written. Other listeners (the CLI's EPIPE exit) still run.
 */
export function guardStream(stream: WritableLike): void {
  if (guarded.has(stream)) return;
  guarded.add(stream);
  stream.on('error', () => {
    // Reported through each write's callback.
  });
}

/** Guards the process's stdout and stderr ({@link guardStream}); idempotent. */
export function guardProcessStreams(): void {
  guardStream(process.stdout);
  guardStream(process.stderr);
}

/**
 * One stream as a {@link LineOutput}: each line (with `\n`) is one `write()`; the outcome waits
 * for the callbacks until `deadlineMs` (a write that completes at once is counted even when the
 * deadline has passed). A stream that is destroyed, or holds more than {@link MAX_BUFFERED_BYTES},
 * takes no lines (all `failed`).
 * @param stream read at each write (the CLI's `invoke` points `process.stdout.write` elsewhere)
 */
export function streamOutput(name: string, stream: () => WritableLike): LineOutput {
  return {
    async write(lines, deadlineMs) {
      if (lines.length === 0) return { written: 0, toStderr: 0, pending: 0, failed: 0 };
      const s = stream();
      guardStream(s);
      if (s.destroyed) {
        return failedAll(lines.length, `${name} is closed (an earlier write error)`);
      }
      const buffered = s.writableLength ?? 0;
      if (buffered > MAX_BUFFERED_BYTES) {
        return failedAll(
          lines.length,
          `${name} is not draining (${buffered} bytes still buffered from earlier writes)`,
        );
      }
      const results: (Error | null | undefined)[] = new Array(lines.length);
      let settled = 0;
      let wake: (() => void) | undefined;
      const done = new Promise<void>((resolve) => {
        wake = resolve;
      });
      for (let i = 0; i < lines.length; i++) {
        const at = i;
        const callback = (error?: Error | null): void => {
          if (results[at] !== undefined) return;
          results[at] = error ?? null;
          settled++;
          if (settled === lines.length) wake?.();
        };
        try {
          s.write(`${lines[i]}\n`, callback);
        } catch (error) {
          callback(error instanceof Error ? error : new Error(String(error)));
        }
      }
      if (settled < lines.length) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          done,
          new Promise<void>((resolve) => {
            timer = setTimeout(resolve, Math.max(0, deadlineMs - Date.now()));
          }),
        ]);
        clearTimeout(timer);
      }
      return outcomeOf(name, results);
    },
  };
}

function outcomeOf(name: string, results: readonly (Error | null | undefined)[]): LineOutcome {
  let written = 0;
  while (written < results.length && results[written] === null) written++;
  let firstError: Error | undefined;
  for (let i = written; i < results.length && !firstError; i++) {
    const r = results[i];
    if (r !== undefined && r !== null) firstError = r;
  }
  // Written lines are a prefix; a line confirmed after an unconfirmed one (not seen on a Node
  // stream) is counted with the pending ones rather than guessed written.
  if (firstError) {
    const code = (firstError as NodeJS.ErrnoException).code;
    return {
      written,
      toStderr: 0,
      pending: 0,
      failed: results.length - written,
      reason: `${name} write failed: ${code ? `${code} ` : ''}${firstError.message}`,
    };
  }
  const unconfirmed = results.length - written;
  return {
    written,
    toStderr: 0,
    pending: unconfirmed,
    failed: 0,
    ...(unconfirmed > 0
      ? {
          reason: `${unconfirmed} line(s) still in the process's ${name} buffer at the write deadline (the reader is not keeping up)`,
        }
      : {}),
  };
}

function failedAll(count: number, reason: string): LineOutcome {
  return { written: 0, toStderr: 0, pending: 0, failed: count, reason };
}

/**
 * `first`, and for the lines it refused (`failed`, never `pending`), `last` as the last resort.
 * The outcome counts the lines `last` took in `toStderr`.
 */
export function withLastResort(first: LineOutput, last: LineOutput): LineOutput {
  return {
    async write(lines, deadlineMs) {
      const a = await first.write(lines, deadlineMs);
      if (a.failed === 0) return a;
      // `first` refused the last `failed` lines (none of them pending: a refusal fails every
      // line queued behind it); they go to `last`, in order.
      const rest = lines.slice(lines.length - a.failed);
      const b = await last.write(rest, deadlineMs);
      return {
        written: a.written + b.written,
        toStderr: a.toStderr + b.written,
        pending: b.pending,
        failed: b.failed,
        reason:
          b.written === rest.length
            ? `${a.reason ?? 'refused'}; written to stderr instead`
            : joinReasons(a.reason, b.reason),
      };
    },
  };
}

function joinReasons(a: string | undefined, b: string | undefined): string {
  return [a, b].filter((r): r is string => !!r).join('; ') || 'not written';
}

/**
 * A plain {@link LineSink} as an output (tests and benchmarks capture lines this way): a line is
 * written when the sink returns; a throw fails it and the lines after it.
 */
export function sinkOutput(sink: LineSink): LineOutput {
  return {
    async write(lines) {
      for (let i = 0; i < lines.length; i++) {
        try {
          sink(lines[i]!);
        } catch (error) {
          return {
            written: i,
            toStderr: 0,
            pending: 0,
            failed: lines.length - i,
            reason: `write failed: ${error instanceof Error ? error.message : String(error)}`,
          };
        }
      }
      return { written: lines.length, toStderr: 0, pending: 0, failed: 0 };
    },
  };
}

/** process.stdout as an output (read at each write). */
export const stdoutOutput: LineOutput = streamOutput('stdout', () => process.stdout);

/** process.stderr as an output. */
export const stderrOutput: LineOutput = streamOutput('stderr', () => process.stderr);

/** The fallback's output: stdout, and stderr for what stdout refused (docs/operator-guide.md). */
export const stdoutThenStderr: LineOutput = withLastResort(stdoutOutput, stderrOutput);

/** A sink or an output, as an output. */
export function asOutput(target: LineSink | LineOutput): LineOutput {
  return typeof target === 'function' ? sinkOutput(target) : target;
}
