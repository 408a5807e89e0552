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
 * Reads the records of a JSON-lines outcome file (the file store's format).
 * Blank lines are ignored. A line that is not a whole record is reported in `torn` and skipped;
 * when a whole record follows a fragment on the same line (a writer without newline repair
 * glued it on), that record is still read: the line is retried from each `{"recordId":` and
 * `{"time":` in it.
 */
export function parseRecordLines(text: string): ParsedRecords {
  const records: OutcomeRecord[] = [];
  const torn: TornLine[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const whole = tryParse(line);
    if (whole) {
      records.push(whole);
      continue;
    }
    torn.push({ line: i + 1, preview: line.slice(0, 80) });
    for (const marker of ['{"recordId":', '{"time":']) {
      let at = line.indexOf(marker, 1);
      let salvaged: OutcomeRecord | undefined;
      while (at > 0 && !salvaged) {
        salvaged = tryParse(line.slice(at));
        at = line.indexOf(marker, at + 1);
      }
      if (salvaged) {
        records.push(salvaged);
        break;
      }
    }
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
