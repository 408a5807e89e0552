/**
 * A child process of the file-store soak sections, so that a parent can `kill -9` it or run
 * several at once against one file. Two modes:
 * - `sweep <webplusUrl> <file> <timeoutS>`: one timer sweep through the real handler (enforce,
 *   WEBPLUS_QPS 1000: the abort records stream out as the aborts are accepted) with the real
 *   file store at `<file>`; after each batch the
 *   store wrote, prints `wrote <recordId> <recordId>...` (so the parent knows which records were
 *   completely written when it killed the child), and `done` at the end.
 * - `append <file> <writer> <count> <batch>`: `count` records through the real file store in
 *   batches, each `recordId` `<writer>-<seq>`, then `done`.
 * Usage: node --import tsx bench/soak/file-child.ts <mode> ... (children.ts runs it bundled)
 */
import { writeSync } from 'node:fs';
import { loadConfig } from '#shared/config/config.js';
import type { Credentials } from '#shared/core/credentials.js';
import type { OutcomeRecord } from '#shared/model/record.js';
import { createFileStore } from '#shared/outcome-log/file-store.js';
import type { OutcomeStore } from '#shared/outcome-log/store.js';
import { createRuntime } from '#shared/pipeline/runtime.js';
import { parsePolicy } from '#shared/policy/load.js';
import { createHandler } from '../../functions/abort-stuck-changes/handler.js';
import { fcContext, timerEvent } from '../helpers.js';

/** The parent's credentials (bench/soak/children.ts passes them in SOAK_CREDENTIALS). */
const CREDENTIALS = JSON.parse(process.env.SOAK_CREDENTIALS ?? '{}') as Credentials;

const say = (line: string) => writeSync(1, `${line}\n`);

/** The real file store, reporting each batch it wrote (synchronously, before anything else). */
function reportingStore(path: string): OutcomeStore {
  const store = createFileStore(path);
  return {
    ...store,
    async write(records, ctx) {
      await store.write(records, ctx);
      say(`wrote ${records.map((r) => r.recordId).join(' ')}`);
    },
  };
}

async function sweep(url: string, file: string, timeoutS: number): Promise<void> {
  const config = loadConfig({
    WEBPLUS_ENDPOINT: url,
    LOG_STORE: 'file',
    OUTCOME_LOG_FILE: file,
    WEBPLUS_QPS: '1000',
    WEBPLUS_CONCURRENCY: '16',
  });
  const runtime = createRuntime({
    config,
    policy: parsePolicy({ defaults: { mode: 'enforce' }, sweep: { maxAbortsPerRun: 100_000 } }),
    version: 'soak-child',
    store: reportingStore(file),
    sink: () => {},
    warn: () => {},
  });
  say('ready');
  await createHandler(runtime)(timerEvent(), fcContext(CREDENTIALS, timeoutS));
  say('done');
}

async function append(file: string, writer: string, count: number, batch: number): Promise<void> {
  const store = createFileStore(file);
  const ctx = {
    invocationId: `child-${writer}`,
    trigger: 'cli',
    functionName: 'f',
    region: 'r',
    deadlineMs: Date.now() + 600_000,
  };
  say('ready');
  for (let seq = 0; seq < count; ) {
    const records: OutcomeRecord[] = [];
    for (let i = 0; i < batch && seq < count; i++, seq++) {
      records.push({
        recordId: `${writer}-${seq}`,
        time: new Date().toISOString(),
        trigger: 'cli',
        invocationId: `child-${writer}`,
        mode: 'enforce',
        outcome: 'skipped',
        // Longer than a page of the page cache per batch, so batches of neighbours overlap.
        detail: `writer ${writer} record ${seq} ${'x'.repeat(300)}`,
        attempts: 0,
      });
    }
    await store.write(records, ctx);
  }
  say('done');
}

const [mode, ...args] = process.argv.slice(2);
if (mode === 'sweep') await sweep(args[0]!, args[1]!, Number(args[2]));
else if (mode === 'append') await append(args[0]!, args[1]!, Number(args[2]), Number(args[3]));
else {
  process.stderr.write(`file-child: unknown mode ${String(mode)}\n`);
  process.exitCode = 2;
}
