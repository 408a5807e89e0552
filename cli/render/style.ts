/**
 * Terminal facts the CLI's output depends on: whether to colour, how wide to lay tables out.
 * One place decides, so every command behaves the same in a terminal, a pipe and CI.
 */

/** The parts of a stream the decisions read (process.stdout / process.stderr fit). */
export interface TerminalStream {
  isTTY?: boolean;
  columns?: number;
}

/** Width used when the output is not a terminal and `COLUMNS` is unset or invalid. @default 80 */
export const DEFAULT_COLUMNS = 80;

/**
 * Whether to colour output written to `stream`: only on a terminal, never with `NO_COLOR` set to
 * anything non-empty (https://no-color.org/), never with `TERM=dumb`. `FORCE_COLOR` is not
 * honoured: a pipe never gets escape codes.
 */
export function useColor(stream: TerminalStream, env: NodeJS.ProcessEnv = process.env): boolean {
  if (stream.isTTY !== true) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return env.TERM !== 'dumb';
}

/**
 * The width to lay tables out in, in terminal columns: the terminal's own width on a TTY, else
 * `COLUMNS` (a whole number from 20 to 1000), else {@link DEFAULT_COLUMNS}.
 */
export function terminalColumns(
  stream: TerminalStream,
  env: NodeJS.ProcessEnv = process.env,
): number {
  if (stream.isTTY === true && typeof stream.columns === 'number' && stream.columns > 0) {
    return stream.columns;
  }
  const fromEnv = env.COLUMNS;
  if (fromEnv !== undefined && /^\d{2,4}$/.test(fromEnv)) {
    const n = Number(fromEnv);
    if (n >= 20 && n <= 1000) return n;
  }
  return DEFAULT_COLUMNS;
}

/** SGR colours the CLI uses (ECMA-48 select graphic rendition; reset with 39 / 22). */
const SGR = {
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
  magenta: [35, 39],
  dim: [2, 22],
  bold: [1, 22],
} as const;

export type Colour = keyof typeof SGR;

/** Wraps `text` in the colour's escape codes when `enabled`, else returns it unchanged. */
export function paint(text: string, colour: Colour | undefined, enabled: boolean): string {
  if (!enabled || !colour || text === '') return text;
  const [on, off] = SGR[colour];
  return `\u001b[${on}m${text}\u001b[${off}m`;
}
