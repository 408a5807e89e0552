/**
 * A plain text table that fits a width: every column but the last keeps its cells whole (ids are
 * never cut), the last column (the "why") takes what is left and wraps there, at spaces only. No borders, two
 * spaces between columns, no trailing spaces, so it reads the same in a terminal, a pipe and a
 * CI log and copies cleanly.
 */
import stringWidth from 'string-width';
import wrapAnsi from 'wrap-ansi';

/** One column: a heading and, per row, the lines of its cell (a cell may hold several lines). */
export interface Column {
  heading: string;
  /** Applied to each non-blank line of a cell before padding (colour); must not change its display width. */
  style?: (line: string, row: number) => string;
}

export interface TableOptions {
  /** Width to fit, in terminal columns. `undefined`: no limit, nothing wraps (`--wide`). */
  width?: number;
  /** The last column never gets less than this, even when the table then overflows. @default 20 */
  minLastWidth?: number;
  /** Gap between columns, in spaces. @default 2 */
  gap?: number;
}

/** Display width of the widest line of `lines` (wide CJK characters count 2). */
export function widthOf(lines: readonly string[]): number {
  let max = 0;
  for (const line of lines) max = Math.max(max, stringWidth(line));
  return max;
}

function padEnd(text: string, width: number): string {
  const missing = width - stringWidth(text);
  return missing > 0 ? text + ' '.repeat(missing) : text;
}

/**
 * The width the last column gets for `cells` at `width`: `undefined` when there is no limit,
 * else what the other columns leave (at least `minLastWidth`).
 */
export function lastColumnWidth(
  headings: readonly string[],
  cells: readonly (readonly (readonly string[])[])[],
  options: TableOptions = {},
): number | undefined {
  if (options.width === undefined) return undefined;
  const gap = options.gap ?? 2;
  let fixed = 0;
  for (let c = 0; c < headings.length - 1; c++) {
    fixed +=
      Math.max(stringWidth(headings[c]!), ...cells.map((row) => widthOf(row[c] ?? []))) + gap;
  }
  return Math.max(options.minLastWidth ?? 20, options.width - fixed);
}

/**
 * Wraps one line of the last column to `width`: at spaces only, so a word that fits a line (an
 * id, a code) is never broken; a word longer than the whole column gets lines of its own, cut
 * at the width (never sharing a line with another word).
 */
export function wrapAtSpaces(line: string, width: number): string[] {
  return wrapAnsi(line, width, { hard: false, trim: true })
    .split('\n')
    .map((l) => l.trim())
    .flatMap((l) => {
      if (stringWidth(l) <= width) return [l];
      const pieces: string[] = [];
      let rest = l;
      while (stringWidth(rest) > width) {
        const cut = wrapAnsi(rest, width, { hard: true, trim: false }).split('\n')[0]!;
        pieces.push(cut);
        rest = rest.slice(cut.length);
      }
      return rest === '' ? pieces : [...pieces, rest];
    });
}

/**
 * Lays out `rows` (each a list of cells, each cell a list of lines) under `columns`.
 * Every column but the last is as wide as its widest line; the last wraps at spaces to fit
 * `options.width` ({@link wrapAtSpaces}): a word is broken only when it is longer than the
 * whole column, and then on lines of its own.
 * @returns the table, lines joined with `\n`, without a final newline.
 */
export function renderTable(
  columns: readonly Column[],
  rows: readonly (readonly (readonly string[])[])[],
  options: TableOptions = {},
): string {
  const gap = ' '.repeat(options.gap ?? 2);
  const headings = columns.map((c) => c.heading);
  const lastWidth = lastColumnWidth(headings, rows, options);
  const last = columns.length - 1;
  const laidOut = rows.map((row) =>
    row.map((cell, c) =>
      c === last && lastWidth !== undefined
        ? cell.flatMap((line) => wrapAtSpaces(line, lastWidth))
        : [...cell],
    ),
  );
  const widths = columns.map((col, c) =>
    Math.max(stringWidth(col.heading), ...laidOut.map((row) => widthOf(row[c] ?? []))),
  );
  const out: string[] = [];
  const emit = (cells: readonly string[], styles: ((s: string) => string)[]) => {
    const parts = cells.map((text, c) => {
      const styled = styles[c]!(text);
      return c === last ? styled : padEnd(styled, widths[c]!);
    });
    out.push(parts.join(gap).trimEnd());
  };
  emit(
    headings,
    headings.map(() => (s: string) => s),
  );
  laidOut.forEach((row, r) => {
    const height = Math.max(1, ...row.map((cell) => cell.length));
    for (let i = 0; i < height; i++) {
      emit(
        columns.map((_, c) => row[c]?.[i] ?? ''),
        columns.map((col) =>
          col.style ? (s: string) => (s.trim() === '' ? s : col.style!(s, r)) : (s: string) => s,
        ),
      );
    }
  });
  return out.join('\n');
}

/**
 * Wraps prose at word boundaries to `width` columns; continuation lines are indented by
 * `indent` spaces. Words longer than a line are left whole (paths and commands stay copyable).
 */
export function fitText(text: string, width: number, indent = 2): string {
  const first = wrapAnsi(text, width, { hard: false, trim: true }).split('\n');
  if (first.length === 1) return text;
  const [head, ...rest] = first;
  const pad = ' '.repeat(indent);
  const tail = wrapAnsi(rest.join(' '), Math.max(10, width - indent), { hard: false, trim: true })
    .split('\n')
    .map((l) => pad + l.trim());
  return [head!.trim(), ...tail].join('\n');
}
