import { guardStream } from './line-output.js';

/**
 * A plain line sink: warnings and notices, and the way tests capture outcome lines. Outcome
 * lines themselves go through a `LineOutput` (./line-output.ts), which knows which lines left
 * the process. In FC, stdout is shipped to the function's own logstore. The CLI's `invoke`
 * points process.stdout at stderr while the handler runs, so its stdout carries only the
 * handler's result.
 */
export type LineSink = (line: string) => void;

/**
 * Writes each line to stdout with a newline, fire and forget; a write error (ENOSPC, EPIPE) is
 * swallowed, never an unhandled `'error'` that would kill the process.
 */
export const stdoutSink: LineSink = (line) => {
  guardStream(process.stdout);
  process.stdout.write(`${line}\n`, () => {});
};
