import { readFile } from 'node:fs/promises';
import { loadConfig } from '../../shared/config/config.js';
import { OUTCOMES, type Outcome } from '../../shared/model/record.js';
import { dedupeByRecordId, parseRecordLines } from '../../shared/outcome-log/read-records.js';
import { UsageError } from '../errors.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { outcomeTable } from '../output.js';
import { stderrLine } from '../setup.js';

export interface LogOptions {
  since?: string;
  outcome?: string;
  change?: string;
  json?: boolean;
}

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses `--since`: `30m`, `2h`, `7d` (back from `nowMs`) or an ISO 8601 time.
 * @returns epoch ms. @throws UsageError
 */
export function parseSince(raw: string, nowMs = Date.now()): number {
  const relative = /^(\d+)([mhd])$/.exec(raw.trim());
  if (relative) return nowMs - Number(relative[1]) * UNIT_MS[relative[2]!]!;
  if (/^\d{4}-\d{2}-\d{2}/.test(raw.trim())) {
    const ms = Date.parse(raw.trim());
    if (!Number.isNaN(ms)) return ms;
  }
  throw new UsageError(
    `--since must be like 30m, 2h, 7d or an ISO 8601 time, got ${JSON.stringify(raw)}`,
  );
}

/**
 * `webplus-abort log [--since 30m|2h|7d|ISO] [--outcome NAME] [--change ID] [--json]`: reads the
 * file store (OUTCOME_LOG_FILE) and prints the matching records as a table, or as JSON lines.
 * A missing file means no records yet. @throws UsageError, ConfigError
 */
export async function logCommand(options: LogOptions): Promise<ExitCode> {
  const config = loadConfig(process.env);
  const sinceMs = options.since !== undefined ? parseSince(options.since) : undefined;
  if (options.outcome !== undefined && !OUTCOMES.includes(options.outcome as Outcome)) {
    throw new UsageError(
      `--outcome must be one of ${OUTCOMES.join(', ')}, got ${JSON.stringify(options.outcome)}`,
    );
  }
  const path = config.outcomeLogFile;
  let text = '';
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new UsageError(`cannot read ${path}: ${(err as Error).message}`);
    }
    stderrLine(`webplus-abort: no records yet (${path} does not exist)`);
  }
  // Torn fragments (a crash mid-write) are skipped with a warning, never the record after them;
  // a record stored twice (at-least-once stores) is shown once, by recordId.
  const parsed = parseRecordLines(text);
  const records = dedupeByRecordId(parsed.records);
  if (parsed.torn.length > 0) {
    const at = parsed.torn.map((t) => t.line).join(', ');
    stderrLine(
      `webplus-abort: skipped ${parsed.torn.length} unreadable line(s) in ${path} (line ${at}: torn by a crash, or not a record)`,
    );
  }
  // Oldest first: records of one batch are appended in decision order, not time order.
  const selected = records
    .filter(
      (r) =>
        (sinceMs === undefined || Date.parse(r.time) >= sinceMs) &&
        (options.outcome === undefined || r.outcome === options.outcome) &&
        (options.change === undefined || r.changeId === options.change.trim()),
    )
    .sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
  if (options.json) {
    for (const r of selected) process.stdout.write(`${JSON.stringify(r)}\n`);
  } else {
    process.stdout.write(`${outcomeTable(selected, { withTime: true })}\n`);
    process.stdout.write(`${selected.length} of ${records.length} record(s) in ${path}\n`);
  }
  return EXIT.ok;
}
