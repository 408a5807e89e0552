/**
 * Lines of a file read by bytes, in bounded memory (red-team 11 F3, F7): `webplus-abort log` once
 * read the whole file into one string (past about 512 MB, V8's string limit, it failed) and
 * `--follow` decoded each read on its own (a multi-byte character split across two reads became
 * two U+FFFD). Here a file is read in chunks and split on the byte 0x0a, which is never part of
 * a multi-byte UTF-8 sequence, and each complete line is decoded on its own; the bytes after the
 * last newline wait for the next chunk.
 */

import type { FileHandle } from 'node:fs/promises';

/** Default bytes read per chunk. */
export const DEFAULT_CHUNK_BYTES = 64 * 1024;
/**
 * A line longer than this (bytes) is not kept: it is reported as one unreadable line and its
 * bytes are skipped up to the next newline, so one endless line cannot take the memory. A record
 * is a few KB at most (the longest, a `deferred` summary naming 1,000 ids, about 30 KB).
 */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

/** One complete line: its 1-based number, and its text (`undefined` when over {@link MAX_LINE_BYTES}). */
export interface Line {
  n: number;
  text: string | undefined;
}

/**
 * Splits a stream of bytes into lines on 0x0a. The bytes after the last newline are kept
 * (`pending`) until the next chunk; a line over `maxLineBytes` is dropped as it grows and yields
 * `text: undefined`.
 */
export class LineSplitter {
  private parts: Buffer[] = [];
  private partBytes = 0;
  private oversized = false;
  /** Lines completed so far (the next line's number is `lines + 1`). */
  lines = 0;

  /** @param maxLineBytes longest line kept, bytes. @default MAX_LINE_BYTES */
  constructor(private readonly maxLineBytes: number = MAX_LINE_BYTES) {}

  /** The complete lines `chunk` ends, with what was pending before it. */
  push(chunk: Buffer): Line[] {
    const out: Line[] = [];
    let start = 0;
    for (let nl = chunk.indexOf(0x0a, start); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
      this.add(chunk.subarray(start, nl));
      out.push(this.takeLine());
      start = nl + 1;
    }
    if (start < chunk.length) this.add(chunk.subarray(start));
    return out;
  }

  /** The bytes after the last newline (a line still being written, or torn), copied. */
  pending(): Buffer {
    return this.oversized ? Buffer.alloc(0) : Buffer.concat(this.parts, this.partBytes);
  }

  /** True when bytes are pending (an unterminated last line). */
  hasPending(): boolean {
    return this.oversized || this.partBytes > 0;
  }

  /** The pending bytes as a last line (the end of the file was reached), or undefined. */
  end(): Line | undefined {
    return this.hasPending() ? this.takeLine() : undefined;
  }

  /** Forgets the pending bytes and restarts the line count (the file was replaced or truncated). */
  reset(): void {
    this.parts = [];
    this.partBytes = 0;
    this.oversized = false;
    this.lines = 0;
  }

  private add(bytes: Buffer): void {
    if (bytes.length === 0 || this.oversized) return;
    if (this.partBytes + bytes.length > this.maxLineBytes) {
      this.oversized = true;
      this.parts = [];
      this.partBytes = 0;
      return;
    }
    // Copied: the caller may reuse its chunk buffer.
    this.parts.push(Buffer.from(bytes));
    this.partBytes += bytes.length;
  }

  private takeLine(): Line {
    const text = this.oversized
      ? undefined
      : Buffer.concat(this.parts, this.partBytes).toString('utf8');
    this.parts = [];
    this.partBytes = 0;
    this.oversized = false;
    this.lines++;
    return { n: this.lines, text };
  }
}

/** Bytes {@link readLines} keeps of the end of what it read ({@link LinesRead.last}). */
export const ANCHOR_BYTES = 256;

/** Where {@link readLines} stopped, and the last bytes it read there. */
export interface LinesRead {
  /** The position reached, bytes. */
  position: number;
  /**
   * The last {@link ANCHOR_BYTES} bytes read, ending at `position` (fewer when fewer were read
   * from byte 0): `--follow` reads them again to see whether the file was rewritten under it.
   */
  last: Buffer;
}

/**
 * Reads `handle` from byte `from` to its end (its size when the read starts, or `to`) in chunks
 * of `chunkBytes`, handing each chunk's complete lines to `onLines`. Memory: one chunk, plus the
 * longest line. `last` carries over the bytes before `from` (the anchor of an earlier read).
 * @throws the file system's error (EIO, EISDIR...)
 */
export async function readLines(
  handle: FileHandle,
  splitter: LineSplitter,
  onLines: (lines: Line[]) => void,
  options: { from?: number; to?: number; chunkBytes?: number; last?: Buffer } = {},
): Promise<LinesRead> {
  const chunkBytes = Math.max(1, options.chunkBytes ?? DEFAULT_CHUNK_BYTES);
  let position = options.from ?? 0;
  const to = options.to ?? (await handle.stat()).size;
  let last = options.last ?? Buffer.alloc(0);
  if (position >= to) return { position, last };
  const buffer = Buffer.alloc(Math.min(chunkBytes, to - position));
  while (position < to) {
    const { bytesRead } = await handle.read(
      buffer,
      0,
      Math.min(buffer.length, to - position),
      position,
    );
    if (bytesRead === 0) break; // the file shrank under us: the caller looks again
    position += bytesRead;
    const chunk = buffer.subarray(0, bytesRead);
    last = Buffer.from(
      chunk.length >= ANCHOR_BYTES
        ? chunk.subarray(-ANCHOR_BYTES)
        : Buffer.concat([last, chunk]).subarray(-ANCHOR_BYTES),
    );
    const lines = splitter.push(chunk);
    if (lines.length > 0) onLines(lines);
  }
  return { position, last };
}
