/**
 * Where stdout lines go. In FC, stdout is shipped to the function's own logstore. The CLI's
 * `invoke` points process.stdout at stderr while the handler runs, so its stdout carries only
 * the handler's result.
 */
export type LineSink = (line: string) => void;

/** Writes each line to stdout with a newline (FC collects stdout into its own log). */
export const stdoutSink: LineSink = (line) => {
  process.stdout.write(`${line}\n`);
};
