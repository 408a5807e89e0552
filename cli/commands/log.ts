/**
 * `webplus-abort log`: reads outcome records back, from the file store (`OUTCOME_LOG_FILE`) or,
 * with `--sls`, from SLS (GetLogs on `SLS_PROJECT` / `SLS_LOGSTORE`), with the same filters:
 * `--since`, and repeatable `--outcome`, `--change` (ChangeId or ChangeOrderId), `--env`,
 * `--platform`, `--app`, `--trigger`, `--invocation` (a
 * record matches any value of an option and every option given). Records oldest first,
 * de-duplicated (by `recordId`, or a stable key for older records). `--limit N` keeps the newest
 * N; `--summary` prints counts by outcome, and by platform and environment / application
 * (notification and doctor records on lines of their own); `--follow` keeps printing new
 * records until interrupted; `--json` prints JSON lines.
 */

import { loadConfig } from '#shared/config/config.js';
import type { OutcomeRecord } from '#shared/model/record.js';
import { UsageError } from '../errors.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { dedupeRecords } from '../log/dedupe.js';
import { followFile, readFileRecords } from '../log/file-source.js';
import { type FilterOptions, matchesFilters, parseFilters } from '../log/filters.js';
import { sleepUnlessAborted } from '../log/sleep.js';
import { readSlsRecords, SLS_DEFAULT_WINDOW_MS } from '../log/sls-source.js';
import { openIntents, summaryGroups, summaryText } from '../log/summary.js';
import { fitLine, outcomeTable, why } from '../output.js';
import { terminalColumns } from '../render/style.js';
import { stderrLine } from '../setup.js';
import { slsTarget } from '../sls-target.js';

export { parseSince } from '../log/filters.js';

export interface LogOptions extends FilterOptions {
  limit?: string;
  follow?: boolean;
  summary?: boolean;
  json?: boolean;
  sls?: boolean;
  profile?: string;
  region?: string;
}

/** Largest `--limit`. */
const MAX_LIMIT = 100_000;
/** How often `--follow --sls` asks SLS for new records, ms. */
const SLS_FOLLOW_INTERVAL_MS = 5000;
/** `--follow --sls` looks this far back each time, for records that arrive late, ms. */
const SLS_FOLLOW_OVERLAP_MS = 60_000;

function parseLimit(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < 1 || Number(raw) > MAX_LIMIT) {
    throw new UsageError(
      `--limit must be a whole number from 1 to ${MAX_LIMIT}, got ${JSON.stringify(raw)}`,
    );
  }
  return Number(raw);
}

/** Oldest first; records of one batch keep their order when their times are equal. */
function byTime(records: readonly OutcomeRecord[]): OutcomeRecord[] {
  return records
    .map((r, i) => ({ r, i, t: Date.parse(r.time) }))
    .sort((a, b) => (a.t || 0) - (b.t || 0) || a.i - b.i)
    .map((x) => x.r);
}

/** One line per record for `--follow`: time, outcome, change, environment, why. */
export function followLine(r: OutcomeRecord): string {
  return `${r.time}  ${r.outcome.padEnd(16)} ${r.changeId ?? '-'}  ${r.envId ?? '-'}  ${why(r) || '-'}`;
}

/** @throws UsageError (bad option, unreadable file), ConfigError, SlsApiError (exit 1) */
export async function logCommand(options: LogOptions): Promise<ExitCode> {
  const filters = parseFilters(options);
  const limit = parseLimit(options.limit);
  if (options.follow && options.summary) {
    throw new UsageError('--follow and --summary do not go together: a summary needs an end');
  }
  const seen = new Set<string>();
  let records: OutcomeRecord[];
  let total: number;
  let where: string;
  let followFrom:
    | ((emit: (r: OutcomeRecord[]) => void, signal: AbortSignal) => Promise<void>)
    | undefined;

  if (options.sls) {
    const target = await slsTarget(
      {
        ...(options.profile ? { profile: options.profile } : {}),
        ...(options.region ? { region: options.region } : {}),
      },
      process.env,
    );
    const nowMs = Date.now();
    const fetched = await readSlsRecords(target, filters, {
      nowMs,
      ...(limit !== undefined ? { limit } : {}),
    });
    records = dedupeRecords(fetched, seen).filter((r) => matchesFilters(r, filters));
    total = records.length;
    const since = new Date(filters.sinceMs ?? nowMs - SLS_DEFAULT_WINDOW_MS).toISOString();
    where = `sls ${target.project}/${target.logstore} since ${since}`;
    followFrom = async (emit, signal) => {
      let lastMs = nowMs;
      while (!signal.aborted) {
        await sleepUnlessAborted(SLS_FOLLOW_INTERVAL_MS, signal);
        if (signal.aborted) break;
        const now = Date.now();
        const fresh = await readSlsRecords(target, filters, {
          nowMs: now,
          sinceMs: lastMs - SLS_FOLLOW_OVERLAP_MS,
        });
        lastMs = now;
        const news = dedupeRecords(fresh, seen).filter((r) => matchesFilters(r, filters));
        if (news.length > 0) emit(byTime(news));
      }
    };
  } else {
    const path = loadConfig(process.env).outcomeLogFile;
    // Read by chunks; each record de-duplicated and filtered as it is read, so only the ones
    // shown are held (red-team 11 F7: the whole file as one string failed past 512 MB).
    let unique = 0;
    const read = await readFileRecords(path, {
      keepTail: options.follow === true,
      accept: (r) => {
        if (dedupeRecords([r], seen).length === 0) return false;
        unique++;
        return matchesFilters(r, filters);
      },
    });
    if (read.missing) stderrLine(`webplus-abort: no records yet (${path} does not exist)`);
    if (read.unreadable > 0) {
      const more = read.unreadable - read.tornLines.length;
      stderrLine(
        `webplus-abort: skipped ${read.unreadable} unreadable line(s) in ${path} (line ${read.tornLines.join(', ')}${more > 0 ? ` and ${more} more` : ''}: torn by a crash, or not a record)`,
      );
    }
    total = unique;
    records = read.records;
    where = path;
    followFrom = (emit, signal) =>
      followFile(
        path,
        read.follow,
        (fresh, unreadable) => {
          if (unreadable > 0)
            stderrLine(`webplus-abort: skipped ${unreadable} unreadable line(s) in ${path}`);
          const news = dedupeRecords(fresh, seen).filter((r) => matchesFilters(r, filters));
          if (news.length > 0) emit(byTime(news));
        },
        signal,
      );
  }

  let selected = byTime(records);
  if (limit !== undefined && selected.length > limit) selected = selected.slice(-limit);

  if (options.summary) {
    if (options.json) {
      const byOutcome: Record<string, number> = {};
      const byEnv: Record<string, Record<string, number>> = {};
      for (const r of selected) {
        byOutcome[r.outcome] = (byOutcome[r.outcome] ?? 0) + 1;
        const env = r.envId ?? '-';
        byEnv[env] ??= {};
        byEnv[env][r.outcome] = (byEnv[env][r.outcome] ?? 0) + 1;
      }
      process.stdout.write(
        `${JSON.stringify({
          records: selected.length,
          byOutcome,
          byEnvironment: byEnv,
          groups: summaryGroups(selected),
          // Intents no decision record follows (red-team 25 G15): the abort may have been sent.
          ...openIntentsJson(selected),
        })}\n`,
      );
    } else {
      const width = terminalColumns(process.stdout);
      process.stdout.write(`${summaryText(selected, width)}\n`);
      process.stdout.write(`${fitLine(`${selected.length} of ${total} record(s) in ${where}`)}\n`);
    }
    return EXIT.ok;
  }

  if (options.follow) {
    const print = (rs: OutcomeRecord[]) => {
      for (const r of rs)
        process.stdout.write(`${options.json ? JSON.stringify(r) : followLine(r)}\n`);
    };
    print(selected);
    stderrLine(`webplus-abort: following ${where} (Ctrl-C to stop)`);
    const controller = new AbortController();
    const stop = () => controller.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      await followFrom(print, controller.signal);
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
    return EXIT.ok;
  }

  if (options.json) {
    for (const r of selected) process.stdout.write(`${JSON.stringify(r)}\n`);
  } else {
    process.stdout.write(`${outcomeTable(selected, { withTime: true })}\n`);
    process.stdout.write(`${fitLine(`${selected.length} of ${total} record(s) in ${where}`)}\n`);
  }
  return EXIT.ok;
}

/** `openIntents` of `log --summary --json`, only when there is one. */
function openIntentsJson(records: readonly OutcomeRecord[]): { openIntents?: unknown[] } {
  const open = openIntents(records);
  if (open.length === 0) return {};
  return {
    openIntents: open.map((r) => ({
      ...(r.platform ? { platform: r.platform } : {}),
      changeId: r.changeId,
      invocationId: r.invocationId,
      recordId: r.recordId,
      time: r.time,
    })),
  };
}
