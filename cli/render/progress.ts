/**
 * Progress while a run is under way: one line on stderr, rewritten in place (carriage return and
 * "erase line", ECMA-48 `CSI 2 K`), only when stderr is a terminal. In a pipe or a CI log it
 * writes nothing at all, so captured output stays the same as before.
 */
import { type TerminalStream, terminalColumns } from './style.js';

/** What the progress line counts: Web+ requests, observed where they are paced. */
export interface CallCounter {
  /** Requests finished (answered or failed). */
  done: number;
  /** Requests started and not finished. */
  inFlight: number;
}

/**
 * Wraps a pacer-shaped function (`(fn, ...rest) => Promise`) so that every call through it is
 * counted in `counter`. Extra arguments are passed on unchanged.
 */
export function countingPacer<P extends (fn: () => Promise<unknown>, ...rest: never[]) => unknown>(
  pacer: P,
  counter: CallCounter,
): P {
  const wrapped = (fn: () => Promise<unknown>, ...rest: never[]) =>
    pacer(
      async () => {
        counter.inFlight += 1;
        try {
          return await fn();
        } finally {
          counter.inFlight -= 1;
          counter.done += 1;
        }
      },
      ...rest,
    );
  return wrapped as P;
}

/** A stream the progress line can be written to (process.stderr fits). */
export interface ProgressStream extends TerminalStream {
  write(chunk: string): boolean;
}

export interface ProgressOptions {
  /** What is running, e.g. `sweeping`. */
  label: string;
  counter: CallCounter;
  /** Redraw interval, ms. @default 100 */
  intervalMs?: number;
  /** Clock, epoch ms (tests). @default Date.now */
  now?: () => number;
}

/**
 * The progress line's text: `sweeping: 42 Web+ requests done, 3 in flight, 4.1 s`, cut to the
 * terminal width so it never wraps (a wrapped line cannot be rewritten in place).
 */
export function progressText(
  label: string,
  counter: CallCounter,
  elapsedMs: number,
  columns: number,
): string {
  const text = `${label}: ${counter.done} Web+ request(s) done, ${counter.inFlight} in flight, ${(elapsedMs / 1000).toFixed(1)} s`;
  const max = Math.max(10, columns - 1);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * Starts the progress line on `stream` when it is a terminal; returns the function that stops
 * it and erases the line (call it before printing the result). A no-op off a terminal.
 */
export function startProgress(stream: ProgressStream, options: ProgressOptions): () => void {
  if (stream.isTTY !== true) return () => {};
  const now = options.now ?? Date.now;
  const started = now();
  const draw = () => {
    stream.write(
      `\r\u001b[2K${progressText(options.label, options.counter, now() - started, terminalColumns(stream))}`,
    );
  };
  draw();
  const timer = setInterval(draw, options.intervalMs ?? 100);
  timer.unref();
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    stream.write('\r\u001b[2K');
  };
}
