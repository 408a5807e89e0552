/**
 * Runs one world through the real cold start and handler against one sandbox server (re-seeded
 * per world, latency 0), and compares the sandbox journal with the oracle. Shared by the
 * property test (test/oracle/fail-closed.property.test.ts) and the soak (bench/soak/).
 */

import { loadConfig } from '#shared/config/config.js';
import type { OutcomeRecord } from '#shared/model/record.js';
import { createRuntime } from '#shared/pipeline/runtime.js';
import { loadPolicy } from '#shared/policy/load.js';
import { createHandler } from '../../functions/abort-stuck-changes/handler.js';
import {
  type JournalEntry,
  startWebplusSandbox,
  type WebplusSandbox,
} from '../../sandbox/webplus/index.js';
import { fakeContext } from '../helpers/fc-context.js';
import { eventOf, policyEnvOf, scenarioOf, WORLD_TOKEN } from './build.js';
import { type Allowed, allowedAborts } from './rule.js';
import type { World } from './world.js';

export interface WorldRig {
  sandbox: WebplusSandbox;
  close(): Promise<void>;
}

/** One sandbox for many worlds. */
export async function startWorldRig(): Promise<WorldRig> {
  const sandbox = await startWebplusSandbox({ apps: [], envs: [], changes: [] });
  return { sandbox, close: () => sandbox.close() };
}

export interface WorldRun {
  /** ChangeIds of every AbortChange the sandbox received, in order. */
  aborts: string[];
  /** ChangeIds the function read with DescribeChange. */
  examined: string[];
  records: OutcomeRecord[];
  allowed: Allowed;
  /** Set when the cold start refused the configuration or policy. */
  coldStartError?: string;
  journal: JournalEntry[];
}

let seq = 0;

/** Seeds the sandbox with `w`, cold-starts a function for it, invokes it once. */
export async function runWorld(rig: WorldRig, w: World): Promise<WorldRun> {
  const serverSeedMs = rig.sandbox.now();
  const realSeedMs = Date.now();
  rig.sandbox.reseed(scenarioOf(w, serverSeedMs));
  const lines: string[] = [];
  const env: Record<string, string> = {
    WEBPLUS_ENDPOINT: rig.sandbox.url,
    LOG_STORE: 'stdout',
    WEBPLUS_QPS: '10000',
    WEBPLUS_CONCURRENCY: '8',
    RETRY_BASE_MS: '1',
    HTTP_AUTH_TOKENS: WORLD_TOKEN,
    ABORT_DRY_RUN: w.killSwitch ? 'true' : 'false',
    ...policyEnvOf(w),
  };
  let handler: ReturnType<typeof createHandler>;
  let realStartMs = Date.now();
  let realEndMs = realStartMs;
  try {
    const config = loadConfig(env);
    const policy = loadPolicy({ file: config.policyFile, inline: config.policyInline });
    handler = createHandler(
      createRuntime({
        config,
        policy,
        version: 'oracle',
        sink: (line) => lines.push(line),
        warn: () => undefined,
      }),
    );
  } catch (err) {
    const allowed = allowedAborts(w, { serverSeedMs, realSeedMs, realStartMs, realEndMs });
    return {
      aborts: [],
      examined: [],
      records: [],
      allowed,
      coldStartError: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
      journal: rig.sandbox.journal(),
    };
  }
  seq += 1;
  const requestId = `oracle-${process.pid}-${seq}`;
  realStartMs = Date.now();
  await handler(eventOf(w, realSeedMs, requestId), fakeContext({ requestId }));
  realEndMs = Date.now();
  const journal = rig.sandbox.journal();
  const records = lines
    .map((l) => JSON.parse(l) as OutcomeRecord & { log?: string })
    .filter((r) => r.log === 'webplus-abort.outcome');
  return {
    aborts: journal
      .filter((j) => j.action === 'AbortChange')
      .map((j) => j.changeId ?? `(unreadable: ${j.body})`),
    examined: [
      ...new Set(
        journal.filter((j) => j.action === 'DescribeChange').map((j) => j.changeId ?? '?'),
      ),
    ],
    records,
    allowed: allowedAborts(w, { serverSeedMs, realSeedMs, realStartMs, realEndMs }),
    journal,
  };
}

/** What is wrong with a run, in words (empty when it keeps the rule). */
export function violations(run: WorldRun): string[] {
  const out: string[] = [];
  for (const id of run.aborts) {
    if (!run.allowed.changeIds.has(id)) out.push(`AbortChange ${id} is not allowed by the rule`);
  }
  if (new Set(run.aborts).size !== run.aborts.length)
    out.push('a change got two AbortChange calls');
  if (run.aborts.length > run.allowed.max) {
    out.push(`${run.aborts.length} AbortChange calls, more than the cap ${run.allowed.max}`);
  }
  for (const id of run.examined) {
    const n = run.records.filter((r) => r.changeId === id && r.outcome !== 'invalid').length;
    if (n !== 1) out.push(`change ${id} was examined and got ${n} records`);
  }
  for (const r of run.records) {
    if (r.outcome === 'aborted' && !run.aborts.includes(r.changeId ?? '')) {
      out.push(`record says ${r.changeId} aborted but no AbortChange was sent`);
    }
  }
  return out;
}
