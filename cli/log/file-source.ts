import { type FileHandle, open, stat } from 'node:fs/promises';
import type { OutcomeRecord } from '#shared/model/record.js';
import { parseRecordLine, parseRecordLines } from '#shared/outcome-log/read-records.js';
import { UsageError } from '../errors.js';
import { type Line, LineSplitter, readLines } from './line-reader.js';
import { redactReadRecord } from './redact-read.js';
import { sleepUnlessAborted } from './sleep.js';

/** Records of a JSON-lines text and how many lines were not records. */
export interface ParsedText {
  records: OutcomeRecord[];
  unreadable: number;
  /**
   * 1-based numbers of the lines that were not whole records (torn by a crash, or foreign): the
   * first {@link TORN_LINES_LISTED}; `unreadable` counts them all.
   */
  tornLines: number[];
}

/** Line numbers of unreadable lines listed at most (the rest are counted). */
export const TORN_LINES_LISTED = 20;

/**
 * One record per line (shared/outcome-log/read-records.ts: blank lines ignored, a torn fragment
 * skipped without losing a record glued after it), each passed through the redactor
 * (./redact-read.ts). For a text already in memory; a file is read by {@link readFileRecords}.
 */
export function parseRecordText(text: string): ParsedText {
  const parsed = parseRecordLines(text);
  return {
    records: parsed.records.map(redactReadRecord),
    unreadable: parsed.torn.length,
    tornLines: parsed.torn.slice(0, TORN_LINES_LISTED).map((t) => t.line),
  };
}

/** Which file a path named: `fs.Stats` `dev` and `ino` (a rename over the path changes them). */
export interface FileIdentity {
  dev: number;
  ino: number;
}

/** Where `--follow` goes on from after {@link readFileRecords}. */
export interface FollowStart {
  /** Bytes read. */
  offset: number;
  /** The file read (absent: it did not exist). */
  identity?: FileIdentity;
  /** The bytes after the last newline, when they were not a whole record (a line being written). */
  tail?: Buffer;
  /** The last bytes read, ending at `offset` (line-reader.ts `LinesRead.last`). */
  last?: Buffer;
}

/** What {@link readFileRecords} read. */
export interface FileRecords extends ParsedText {
  /** Bytes read (the file's size when the read ended). */
  size: number;
  missing: boolean;
  /** Records read before `accept` (every whole record, duplicates included). */
  read: number;
  /** Where `--follow` goes on from. */
  follow: FollowStart;
}

/** How {@link readFileRecords} reads. */
export interface ReadFileOptions {
  /** Only records it returns true for are kept (each is read once, in file order). Default all. */
  accept?: (record: OutcomeRecord) => boolean;
  /**
   * An unterminated last line that is not a whole record is left for `--follow` (`follow.tail`)
   * rather than counted unreadable: it may be a line still being written. @default false
   */
  keepTail?: boolean;
  /** Bytes read per chunk. @default line-reader.ts DEFAULT_CHUNK_BYTES (64 KiB) */
  chunkBytes?: number;
}

/** Hands the records of `lines` to `keep` and counts the torn ones into `into`. */
function takeLines(
  lines: readonly Line[],
  into: ParsedText,
  keep: (r: OutcomeRecord) => void,
): void {
  for (const { n, text } of lines) {
    const read = text === undefined ? { torn: true, blank: false } : parseRecordLine(text);
    if (read.torn) {
      into.unreadable++;
      if (into.tornLines.length < TORN_LINES_LISTED) into.tornLines.push(n);
    }
    if ('record' in read && read.record) keep(redactReadRecord(read.record));
  }
}

/**
 * The file's records, read by chunks (bounded memory: one chunk, the longest line, and the
 * records `accept` keeps; never the whole file as one string, which failed past V8's string
 * limit of about 512 MB), split on the byte 0x0a and each line decoded on its own. A torn
 * fragment is skipped and counted; a record glued after it is kept. Missing: none, size 0.
 * @throws UsageError when the file cannot be read
 */
export async function readFileRecords(
  path: string,
  options: ReadFileOptions = {},
): Promise<FileRecords> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      return {
        records: [],
        unreadable: 0,
        tornLines: [],
        size: 0,
        missing: true,
        read: 0,
        follow: { offset: 0 },
      };
    }
    throw new UsageError(`cannot read ${path}: ${(err as Error).message}`);
  }
  const out: FileRecords = {
    records: [],
    unreadable: 0,
    tornLines: [],
    size: 0,
    missing: false,
    read: 0,
    follow: { offset: 0 },
  };
  const keep = (r: OutcomeRecord) => {
    out.read++;
    if (!options.accept || options.accept(r)) out.records.push(r);
  };
  try {
    const { dev, ino } = await handle.stat();
    const splitter = new LineSplitter();
    const { position, last } = await readLines(
      handle,
      splitter,
      (lines) => takeLines(lines, out, keep),
      options.chunkBytes === undefined ? {} : { chunkBytes: options.chunkBytes },
    );
    out.size = position;
    out.follow = { offset: position, identity: { dev, ino }, last };
    if (splitter.hasPending()) {
      const tail = splitter.pending();
      const end = splitter.end()!;
      const whole = end.text === undefined ? undefined : parseRecordLine(end.text);
      if (options.keepTail && !(whole?.record && !whole.torn)) out.follow.tail = tail;
      else takeLines([end], out, keep);
    }
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as Error).message}`);
  } finally {
    await handle.close();
  }
  return out;
}

/** How {@link followFile} polls. */
export interface FollowOptions {
  /** Poll interval, ms. @default 500 */
  intervalMs?: number;
  /** Bytes read per chunk. @default 64 KiB */
  chunkBytes?: number;
}

const sameFile = (a: FileIdentity | undefined, b: FileIdentity) =>
  a !== undefined && a.dev === b.dev && a.ino === b.ino;

/**
 * Follows a growing file from `from` (a byte offset, or where {@link readFileRecords} ended):
 * every `intervalMs` reads what was appended, by chunks, and hands over the complete lines'
 * records (a line still being written waits for its newline; lines are split on the byte 0x0a
 * and decoded whole, so a multi-byte character split across two reads is never mangled).
 * - Rotation or replacement (the path names another file: `dev`/`ino` differ, e.g. a rename over
 *   it, even of the same size): what the followed file still got is read to its end, then the new
 *   file from its start. A path that is gone is waited for.
 * - Truncation (the file is shorter than what was read) or a rewrite (the last bytes read are no
 *   longer there, e.g. truncated and written past the old size between two polls): read again
 *   from its start.
 * Ends when `signal` aborts.
 */
export async function followFile(
  path: string,
  from: number | FollowStart,
  onRecords: (records: OutcomeRecord[], unreadable: number) => void,
  signal: AbortSignal,
  options: FollowOptions | number = {},
): Promise<void> {
  const opts = typeof options === 'number' ? { intervalMs: options } : options;
  const intervalMs = opts.intervalMs ?? 500;
  const start: FollowStart = typeof from === 'number' ? { offset: from } : from;
  let expected = start.identity;
  let position = start.offset;
  let last = start.last ?? Buffer.alloc(0);
  const splitter = new LineSplitter();
  if (start.tail) splitter.push(start.tail);
  let handle: FileHandle | undefined;

  const restart = () => {
    position = 0;
    last = Buffer.alloc(0);
    splitter.reset();
  };
  /** Reads what the followed file got since `position`; hands over its records. */
  const drain = async (h: FileHandle) => {
    const size = (await h.stat()).size;
    if (size < position) restart();
    else if (last.length > 0 && position >= last.length) {
      const now = Buffer.alloc(last.length);
      const { bytesRead } = await h.read(now, 0, last.length, position - last.length);
      if (bytesRead !== last.length || !now.equals(last)) restart();
    }
    const got: ParsedText = { records: [], unreadable: 0, tornLines: [] };
    const read = await readLines(
      h,
      splitter,
      (lines) => takeLines(lines, got, (r) => got.records.push(r)),
      {
        from: position,
        to: (await h.stat()).size,
        last,
        ...(opts.chunkBytes === undefined ? {} : { chunkBytes: opts.chunkBytes }),
      },
    );
    position = read.position;
    last = read.last;
    if (got.records.length > 0 || got.unreadable > 0) onRecords(got.records, got.unreadable);
  };

  try {
    while (!signal.aborted) {
      await sleepUnlessAborted(intervalMs, signal);
      if (signal.aborted) break;
      let current: FileIdentity | undefined;
      try {
        const s = await stat(path);
        current = { dev: s.dev, ino: s.ino };
      } catch {
        current = undefined; // not there (yet, or rotated away): keep waiting
      }
      if (handle && (current === undefined || !sameFile(expected, current))) {
        // Replaced or moved away: what the old file still got first, then the new one.
        await drain(handle);
        const end = splitter.end();
        if (end) {
          const got: ParsedText = { records: [], unreadable: 0, tornLines: [] };
          takeLines([end], got, (r) => got.records.push(r));
          onRecords(got.records, got.unreadable);
        }
        await handle.close();
        handle = undefined;
        restart();
      }
      if (!handle) {
        if (current === undefined) continue;
        try {
          handle = await open(path, 'r');
        } catch {
          continue;
        }
        const opened = await handle.stat();
        const identity = { dev: opened.dev, ino: opened.ino };
        // Another file than the one read: from its start. A bare offset names this file.
        if (expected !== undefined && !sameFile(expected, identity)) restart();
        expected = identity;
      }
      await drain(handle);
    }
  } finally {
    await handle?.close();
  }
}
