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
import { type Allowed, allowedAborts, unknownFields } from './rule.js';
import { FAILING_REGION, ids, type World } from './world.js';

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
  /** The world that was run (for the detail checks). */
  world: World;
}

let seq = 0;

/** An outcome store that refuses every write (world `logStore: refuses`). */
const REFUSING_STORE = {
  name: 'stdout' as const,
  target: 'refusing store (oracle world)',
  write: async (): Promise<void> => {
    throw new Error('the log store refuses every write (oracle world)');
  },
};

/** Seeds the sandbox with `w`, cold-starts a function for it, invokes it once. */
export async function runWorld(rig: WorldRig, w: World): Promise<WorldRun> {
  // Web+'s clock once this world is seeded: the real clock plus THIS world's skew (the
  // sandbox's clock before the reseed still runs on the previous world's skew).
  const realSeedMs = Date.now();
  const serverSeedMs = realSeedMs + w.skewMs;
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
    ...(w.failingRegion ? { WEBPLUS_REGIONS: `cn-hangzhou,${FAILING_REGION}` } : {}),
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
        // A store that refuses every write: every record goes to the fallback (the same sink).
        ...(w.logStore === 'refuses' ? { store: REFUSING_STORE } : {}),
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
      world: w,
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
    world: w,
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
  // Intent records (`kind: intent`) are not decisions (red-team 25 G15): checked on their own.
  const decisions = run.records.filter((r) => r.kind !== 'intent');
  out.push(...intentViolations(run));
  for (const id of run.examined) {
    // One decision per change: the records of the items that named it again (`repeatOf`, the
    // decision's own record) are the items' records, not a second decision (red-team 12 F1).
    const mine = decisions.filter((r) => r.changeId === id && r.outcome !== 'invalid');
    const n = mine.filter((r) => r.repeatOf === undefined).length;
    if (n !== 1) out.push(`change ${id} was examined and got ${n} records`);
    for (const r of mine) {
      if (r.repeatOf !== undefined && !mine.some((x) => x.recordId === r.repeatOf))
        out.push(`change ${id}: a repeat record points at no record of it`);
    }
  }
  for (const r of run.records) {
    if (r.outcome === 'aborted' && !run.aborts.includes(r.changeId ?? '')) {
      out.push(`record says ${r.changeId} aborted but no AbortChange was sent`);
    }
  }
  out.push(...detailViolations(run));
  return out;
}

/**
 * Write-ahead (red-team 25 G15), from the journal and the lines alone: every AbortChange sent
 * has exactly one intent record of its change, written (a line) before the change's decision
 * record, which names it (`intentId`); an intent is written only right before a request, so with
 * a store that stores it every intent has its AbortChange, and with a store that refuses every
 * write no AbortChange is sent and the decision says so (`failed`, attempts 0, naming the intent).
 */
function intentViolations(run: WorldRun): string[] {
  const out: string[] = [];
  const intents = run.records.filter((r) => r.kind === 'intent');
  for (const id of run.aborts) {
    const mine = intents.filter((r) => r.changeId === id);
    if (mine.length !== 1) out.push(`AbortChange ${id} has ${mine.length} intent records`);
  }
  for (const intent of intents) {
    const id = intent.changeId ?? '';
    if (intent.outcome !== 'abort_sending' || intent.attempts !== 0)
      out.push(`intent of ${id}: outcome ${intent.outcome}, attempts ${intent.attempts}`);
    const at = run.records.indexOf(intent);
    const decision = run.records.find((r) => r.kind !== 'intent' && r.intentId === intent.recordId);
    if (!decision) {
      out.push(`intent of ${id} is named by no decision record`);
      continue;
    }
    if (decision.changeId !== id)
      out.push(`intent of ${id} is named by ${decision.changeId}'s record`);
    if (run.records.indexOf(decision) < at)
      out.push(`${id}: its decision was written before its intent`);
    const sent = run.aborts.includes(id);
    if (run.world.logStore === 'ok' && !sent)
      out.push(`intent of ${id} was stored, but no AbortChange was sent`);
    if (run.world.logStore === 'refuses') {
      if (sent) out.push(`AbortChange ${id} was sent though its intent was not stored`);
      if (decision.outcome !== 'failed' || decision.attempts !== 0)
        out.push(
          `${id}: intent not stored, yet its decision is ${decision.outcome} (${decision.attempts} attempts)`,
        );
    }
  }
  for (const r of run.records) {
    if (r.kind === 'intent' || r.attempts === 0) continue;
    if (!intents.some((i) => i.recordId === r.intentId && i.changeId === r.changeId))
      out.push(
        `${r.changeId}: a decision that sent ${r.attempts} request(s) names no intent of it`,
      );
  }
  return out;
}

/**
 * A record that fails closed on a change whose facts the world made unknown must name one of
 * them: `detail` ends `not aborted (fail closed)` and, when the change has unknown fields
 * (rule.ts, unknownFields) and its record says a fact is unknown, names one of those fields
 * (never a vague "its environment was not read").
 */
function detailViolations(run: WorldRun): string[] {
  const out: string[] = [];
  const w = run.world;
  for (const r of run.records) {
    if (r.outcome !== 'skipped' || !r.detail?.endsWith('not aborted (fail closed)')) continue;
    if (!/\bunknown\b/.test(r.detail)) continue;
    const c = w.changes.find((x) => ids.change(x.n) === r.changeId);
    if (!c) continue;
    const fields = unknownFields(w, c);
    if (fields.length === 0) continue;
    if (!fields.some((f) => r.detail!.includes(f))) {
      out.push(
        `record for ${r.changeId} fails closed on an unknown fact but names none of ${fields.join(', ')}: ${r.detail}`,
      );
    }
  }
  return out;
}
