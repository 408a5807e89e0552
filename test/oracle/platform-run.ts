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
}

let seq = 0;

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
  for (const key of run.examined) {
    const [platform, id] = key.split(':');
    const n = run.records.filter(
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
