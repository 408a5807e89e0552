/**
 * Runs one platform world through the real cold start and handler against fresh SAE and EDAS
 * emulators (started per world, their clocks skewed as the world says; every call signed by
 * pop-core and checked by the emulators) and an empty Web+ sandbox, and compares the emulators'
 * journals with the oracle (./platform-rule.ts).
 */
import { loadConfig } from '#shared/config/config.js';
import type { OutcomeRecord } from '#shared/model/record.js';
import { createRuntime } from '#shared/pipeline/runtime.js';
import { loadPolicy } from '#shared/policy/load.js';
import { createHandler } from '../../functions/abort-stuck-changes/handler.js';
import { startEdasSandbox } from '../../sandbox/edas/server.js';
import type { RoaJournalEntry } from '../../sandbox/roa/journal.js';
import { startSaeSandbox } from '../../sandbox/sae/server.js';
import { startWebplusSandbox, type WebplusSandbox } from '../../sandbox/webplus/index.js';
import { fakeContext } from '../helpers/fc-context.js';
import {
  PLATFORM_WORLD_TOKEN,
  platformEnvOf,
  platformEventOf,
  platformScenarioOf,
} from './platform-build.js';
import { allowedPlatformAborts, type PlatformAllowed } from './platform-rule.js';
import type { PlatformName, PlatformWorld } from './platform-world.js';

const ABORT_ACTIONS = new Set(['AbortChangeOrder', 'AbortAndRollbackChangeOrder']);
const READ_ACTION: Record<PlatformName, string> = {
  sae: 'DescribeChangeOrder',
  edas: 'GetChangeOrderInfo',
};

export interface PlatformRig {
  webplus: WebplusSandbox;
  close(): Promise<void>;
}

/** One (empty) Web+ sandbox for many worlds. */
export async function startPlatformRig(): Promise<PlatformRig> {
  const webplus = await startWebplusSandbox({ apps: [], envs: [], changes: [] });
  return { webplus, close: () => webplus.close() };
}

export interface PlatformAbortCall {
  platform: PlatformName;
  action: string;
  changeOrderId: string;
}

export interface PlatformWorldRun {
  aborts: PlatformAbortCall[];
  /** `<platform>:<ChangeOrderId>` the function read */
  examined: string[];
  records: OutcomeRecord[];
  allowed: PlatformAllowed;
  coldStartError?: string;
  journals: Record<PlatformName, RoaJournalEntry[]>;
  /** The world's log store (`refuses`: no record is stored). */
  logStore?: 'ok' | 'refuses';
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

/** Starts the emulators for `w`, cold-starts a function for it, invokes it once. */
export async function runPlatformWorld(
  rig: PlatformRig,
  w: PlatformWorld,
): Promise<PlatformWorldRun> {
  const realSeedMs = Date.now();
  const scenario = platformScenarioOf(w, realSeedMs + w.skewMs);
  const sae = await startSaeSandbox(scenario);
  const edas = await startEdasSandbox(scenario);
  try {
    const startedAtMs = { sae: sae.startedAt, edas: edas.startedAt };
    const lines: string[] = [];
    const env: Record<string, string> = {
      WEBPLUS_ENDPOINT: rig.webplus.url,
      SAE_ENDPOINT: sae.url,
      EDAS_ENDPOINT: edas.url,
      SAE_QPS: '1000',
      EDAS_QPS: '1000',
      LOG_STORE: 'stdout',
      RETRY_BASE_MS: '1',
      HTTP_AUTH_TOKENS: PLATFORM_WORLD_TOKEN,
      ...platformEnvOf(w),
    };
    let realStartMs = Date.now();
    let handler: ReturnType<typeof createHandler>;
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
      return {
        aborts: [],
        examined: [],
        records: [],
        allowed: allowedPlatformAborts(w, {
          startedAtMs,
          realSeedMs,
          realStartMs,
          realEndMs: realStartMs,
        }),
        coldStartError: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
        journals: { sae: sae.journal(), edas: edas.journal() },
      };
    }
    seq += 1;
    const requestId = `oracle-platform-${process.pid}-${seq}`;
    realStartMs = Date.now();
    await handler(platformEventOf(w, requestId, realSeedMs), fakeContext({ requestId }));
    const realEndMs = Date.now();
    const journals = { sae: sae.journal(), edas: edas.journal() };
    const aborts: PlatformAbortCall[] = [];
    const examined = new Set<string>();
    for (const platform of ['sae', 'edas'] as const) {
      for (const j of journals[platform]) {
        if (j.action && ABORT_ACTIONS.has(j.action))
          aborts.push({ platform, action: j.action, changeOrderId: j.changeOrderId ?? '?' });
        if (j.action === READ_ACTION[platform])
          examined.add(`${platform}:${j.changeOrderId ?? '?'}`);
      }
    }
    const records = lines
      .map((l) => JSON.parse(l) as OutcomeRecord & { log?: string })
      .filter((r) => r.log === 'webplus-abort.outcome');
    return {
      aborts,
      examined: [...examined],
      records,
      allowed: allowedPlatformAborts(w, { startedAtMs, realSeedMs, realStartMs, realEndMs }),
      journals,
      logStore: w.logStore,
    };
  } finally {
    await sae.close();
    await edas.close();
  }
}

/** What is wrong with a run, in words (empty when it keeps the rule). */
export function platformViolations(run: PlatformWorldRun): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const per: Record<PlatformName, number> = { sae: 0, edas: 0 };
  for (const a of run.aborts) {
    const key = `${a.platform}:${a.changeOrderId}`;
    const may = run.allowed.orders.get(key);
    if (!may) out.push(`${a.action} ${key} is not allowed by the rule`);
    else if (may !== a.action) out.push(`${a.action} ${key}: the rule allows only ${may}`);
    if (seen.has(key)) out.push(`${key} got two abort calls`);
    seen.add(key);
    per[a.platform] += 1;
  }
  for (const p of ['sae', 'edas'] as const)
    if (per[p] > run.allowed.max[p])
      out.push(`${per[p]} ${p} abort calls, more than the cap ${run.allowed.max[p]}`);
  // Intent records (`kind: intent`) are not decisions (red-team 25 G15): checked on their own.
  const decisions = run.records.filter((r) => r.kind !== 'intent');
  out.push(...platformIntentViolations(run, seen));
  for (const key of run.examined) {
    const [platform, id] = key.split(':');
    const n = decisions.filter(
      (r) => r.platform === platform && r.changeId === id && r.outcome !== 'invalid',
    ).length;
    if (n !== 1) out.push(`${key} was examined and got ${n} records`);
  }
  for (const r of run.records) {
    if (r.outcome === 'aborted' && !seen.has(`${r.platform}:${r.changeId}`))
      out.push(`record says ${r.platform}:${r.changeId} aborted but no abort call was sent`);
  }
  return out;
}

/**
 * Write-ahead (red-team 25 G15), from the journals and the lines alone: every abort call sent
 * has exactly one intent record of its order, written before the order's decision record, which
 * names it (`intentId`); with a store that stores it every intent has its abort call; with one
 * that refuses every write none is sent and the decision is `failed` with no attempt.
 * @param sent `<platform>:<ChangeOrderId>` of every abort call the emulators received
 */
function platformIntentViolations(run: PlatformWorldRun, sent: Set<string>): string[] {
  const out: string[] = [];
  const intents = run.records.filter((r) => r.kind === 'intent');
  const keyOf = (r: OutcomeRecord) => `${r.platform}:${r.changeId}`;
  for (const key of sent) {
    const n = intents.filter((r) => keyOf(r) === key).length;
    if (n !== 1) out.push(`abort call ${key} has ${n} intent records`);
  }
  for (const intent of intents) {
    const key = keyOf(intent);
    if (intent.outcome !== 'abort_sending' || intent.attempts !== 0)
      out.push(`intent of ${key}: outcome ${intent.outcome}, attempts ${intent.attempts}`);
    const decision = run.records.find((r) => r.kind !== 'intent' && r.intentId === intent.recordId);
    if (!decision) {
      out.push(`intent of ${key} is named by no decision record`);
      continue;
    }
    if (keyOf(decision) !== key)
      out.push(`intent of ${key} is named by ${keyOf(decision)}'s record`);
    if (run.records.indexOf(decision) < run.records.indexOf(intent))
      out.push(`${key}: its decision was written before its intent`);
    if (run.logStore === 'refuses') {
      if (sent.has(key)) out.push(`abort call ${key} was sent though its intent was not stored`);
      if (decision.outcome !== 'failed' || decision.attempts !== 0)
        out.push(`${key}: intent not stored, yet its decision is ${decision.outcome}`);
    } else if (!sent.has(key)) out.push(`intent of ${key} was stored, but no abort call was sent`);
  }
  for (const r of run.records) {
    if (r.kind === 'intent' || r.attempts === 0) continue;
    if (!intents.some((i) => i.recordId === r.intentId && keyOf(i) === keyOf(r)))
      out.push(`${keyOf(r)}: a decision that sent ${r.attempts} request(s) names no intent of it`);
  }
  return out;
}
