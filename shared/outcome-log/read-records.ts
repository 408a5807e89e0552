import type { OutcomeRecord } from '../model/record.js';

/** A line of a JSON-lines file that is not a whole record (a torn write, a foreign line). */
export interface TornLine {
  /** 1-based line number in the text */
  line: number;
  /** the first 80 characters */
  preview: string;
}

export interface ParsedRecords {
  records: OutcomeRecord[];
  torn: TornLine[];
}

function isRecord(value: unknown): value is OutcomeRecord {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return typeof v.outcome === 'string' && typeof v.time === 'string';
}

function tryParse(text: string): OutcomeRecord | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads one line of a JSON-lines outcome file (without its newline). `record`: the whole record
 * the line holds, or the one salvaged after a fragment on it (a writer without newline repair
 * glued it on: the line is retried from each `{"recordId":` and `{"time":` in it); `torn`: the
 * line is not one whole record (it is reported, even when a record was salvaged from it);
 * `blank`: an empty line (neither). Never throws.
 */
export function parseRecordLine(text: string): {
  record?: OutcomeRecord;
  torn: boolean;
  blank: boolean;
} {
  const line = text.trim();
  if (line === '') return { torn: false, blank: true };
  const whole = tryParse(line);
  if (whole) return { record: whole, torn: false, blank: false };
  for (const marker of ['{"recordId":', '{"time":']) {
    let at = line.indexOf(marker, 1);
    let salvaged: OutcomeRecord | undefined;
    while (at > 0 && !salvaged) {
      salvaged = tryParse(line.slice(at));
      at = line.indexOf(marker, at + 1);
    }
    if (salvaged) return { record: salvaged, torn: true, blank: false };
  }
  return { torn: true, blank: false };
}

/**
 * Reads the records of a JSON-lines outcome file (the file store's format) held in one string
 * (tests, soak; `webplus-abort log` reads a file by chunks instead: cli/log/line-reader.ts).
 * Blank lines are ignored. A line that is not a whole record is reported in `torn` and skipped;
 * a whole record glued after a fragment on the same line is still read ({@link parseRecordLine}).
 */
export function parseRecordLines(text: string): ParsedRecords {
  const records: OutcomeRecord[] = [];
  const torn: TornLine[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const read = parseRecordLine(lines[i]!);
    if (read.torn) torn.push({ line: i + 1, preview: lines[i]!.trim().slice(0, 80) });
    if (read.record) records.push(read.record);
  }
  return { records, torn };
}

/**
 * Drops repeated records: stores are at-least-once (an SLS PutLogs that succeeded slowly is
 * retried and stored twice; a fallback may repeat what the store kept). Keeps the first record
 * of each `recordId`, in order; records without a `recordId` (written before it existed) are
 * all kept.
 */
export function dedupeByRecordId<T extends { recordId?: string }>(records: readonly T[]): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  for (const r of records) {
    if (typeof r.recordId === 'string' && r.recordId !== '') {
      if (seen.has(r.recordId)) continue;
      seen.add(r.recordId);
    }
    out.push(r);
  }
  return out;
}
