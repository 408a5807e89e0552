import { open, readFile, stat } from 'node:fs/promises';
import type { OutcomeRecord } from '#shared/model/record.js';
import { parseRecordLines } from '#shared/outcome-log/read-records.js';
import { UsageError } from '../errors.js';
import { redactReadRecord } from './redact-read.js';

/** Records of a JSON-lines text and how many lines were not records. */
export interface ParsedText {
  records: OutcomeRecord[];
  unreadable: number;
  /** 1-based numbers of the lines that were not whole records (torn by a crash, or foreign). */
  tornLines: number[];
}

/**
 * One record per line (shared/outcome-log/read-records.ts: blank lines ignored, a torn fragment
 * skipped without losing a record glued after it), each passed through the redactor
 * (./redact-read.ts).
 */
export function parseRecordText(text: string): ParsedText {
  const parsed = parseRecordLines(text);
  return {
    records: parsed.records.map(redactReadRecord),
    unreadable: parsed.torn.length,
    tornLines: parsed.torn.map((t) => t.line),
  };
}

/** The file's records, and its size in bytes (where `--follow` goes on from). Missing: none, size 0. */
export async function readFileRecords(
  path: string,
): Promise<ParsedText & { size: number; missing: boolean }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      return { records: [], unreadable: 0, tornLines: [], size: 0, missing: true };
    }
    throw new UsageError(`cannot read ${path}: ${(err as Error).message}`);
  }
  return { ...parseRecordText(text), size: Buffer.byteLength(text), missing: false };
}

/**
 * Follows a growing file from byte `offset`: every `intervalMs` reads what was appended and
 * hands over the complete lines' records (a line still being written waits for its newline).
 * A file that shrank (rotated, truncated) is read again from its start. Ends when `signal` aborts.
 */
export async function followFile(
  path: string,
  offset: number,
  onRecords: (records: OutcomeRecord[], unreadable: number) => void,
  signal: AbortSignal,
  intervalMs = 500,
): Promise<void> {
  let position = offset;
  let pending = '';
  while (!signal.aborted) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, intervalMs);
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    if (signal.aborted) break;
    let size: number;
    try {
      size = (await stat(path)).size;
    } catch {
      continue; // not there (yet): keep waiting
    }
    if (size < position) {
      position = 0;
      pending = '';
    }
    if (size === position) continue;
    const handle = await open(path, 'r');
    try {
      const buffer = Buffer.alloc(size - position);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      position += bytesRead;
      const text = pending + buffer.subarray(0, bytesRead).toString('utf8');
      const cut = text.lastIndexOf('\n');
      pending = cut === -1 ? text : text.slice(cut + 1);
      if (cut !== -1) {
        const parsed = parseRecordText(text.slice(0, cut));
        if (parsed.records.length > 0 || parsed.unreadable > 0) {
          onRecords(parsed.records, parsed.unreadable);
        }
      }
    } finally {
      await handle.close();
    }
  }
}
