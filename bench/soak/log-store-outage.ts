/**
 * Log-store outage: the SLS stand-in failing half the time, then all the time, under a sweep of
 * the soak world; then more records than one PutLogs takes with SLS failing after the first
 * batch. SLS + the stdout fallback always equal the decisions, none duplicated.
 */
import type { OutcomeRecord } from '#shared/model/record.js';
import { OutcomeLog } from '#shared/outcome-log/outcome-log.js';
import { createSlsStore } from '#shared/outcome-log/sls-store.js';
import type { OutcomeStore } from '#shared/outcome-log/store.js';
import { type SlsStandIn, startSlsStandIn } from '../../sandbox/sls/server.js';
import { changeId, isIntent, startRig } from '../helpers.js';
import {
  BASE_ENV,
  CREDENTIALS,
  MAX_ATTEMPTS,
  SEED,
  type SoakContext,
  type SoakSection,
} from './context.js';
import { buildWorld, soakSize, sweep, TRANSIENT } from './world.js';

// Log-store outage

const decisionKey = (r: {
  changeId?: string;
  envId?: string;
  outcome: string;
  attempts?: number | string;
}): string => `${r.changeId ?? ''}|${r.envId ?? ''}|${r.outcome}|${String(r.attempts ?? 0)}`;

function multisetDiff(a: string[], b: string[]): { onlyA: number; onlyB: number } {
  const m = new Map<string, number>();
  for (const k of a) m.set(k, (m.get(k) ?? 0) + 1);
  for (const k of b) m.set(k, (m.get(k) ?? 0) - 1);
  let onlyA = 0;
  let onlyB = 0;
  for (const n of m.values()) {
    if (n > 0) onlyA += n;
    else onlyB -= n;
  }
  return { onlyA, onlyB };
}

async function logStoreOutage(ctx: SoakContext): Promise<void> {
  const { check, info, outputs } = ctx;
  const SIZE = soakSize(ctx.scale);
  info('== log-store outage (SLS stand-in failing half the time, then all the time)');
  const world = buildWorld(SIZE, {
    // Transient Web+ faults only: a permanent one on DescribeApplications would end a sweep with a
    // single decision, and this section is about the log store, not Web+.
    randomFaults: { transient: TRANSIENT, permanent: 0, seed: SEED + 1 },
  });
  const sls: SlsStandIn = await startSlsStandIn({ credentials: [CREDENTIALS] });
  const store: OutcomeStore = createSlsStore({
    endpoint: sls.url,
    project: 'soak-audit',
    logstore: 'webplus-abort',
    baseDelayMs: 1,
    maxAttempts: MAX_ATTEMPTS,
    attemptTimeoutMs: 5000,
  });
  const rig = await startRig(world.scenario, { env: BASE_ENV, policy: world.policy, store });
  try {
    const alwaysInFlight = SIZE.healthy + SIZE.paused + SIZE.protected + SIZE.dryRun;
    for (const every of ['half', 'all'] as const) {
      sls.setFailure({ kind: 'server-busy', every });
      const logs0 = sls.logs().length;
      const lines0 = rig.stdoutLines.length;
      const run = await sweep(rig, () => [], outputs);
      const inSls = sls.logs().slice(logs0);
      const fallback = rig.stdoutLines
        .slice(lines0)
        .map((l) => JSON.parse(l) as OutcomeRecord & { logWriteFailed?: unknown })
        .filter((l) => l.logWriteFailed);
      // The intents each abort writes before its request (red-team 25 G15) are not decisions.
      const stored = [
        ...inSls
          .map((l) => l.contents as unknown as OutcomeRecord)
          .filter((r) => !isIntent(r))
          .map(decisionKey),
        ...fallback.filter((r) => !isIntent(r)).map(decisionKey),
      ];
      const decisions = run.summary.results.map(decisionKey);
      const diff = multisetDiff(stored, decisions);
      info(
        `SLS ${every}: ${decisions.length} decisions; ${inSls.length} in SLS, ${fallback.length} on stdout fallback; ${sls.journal().length} PutLogs so far`,
      );
      check(
        `log-store outage (${every}): the sweep decided on the in-flight changes`,
        decisions.length > alwaysInFlight / 2,
        `${decisions.length} decisions; ${alwaysInFlight} changes stay in flight (healthy, paused, protected, dry-run)`,
      );
      check(
        `log-store outage (${every}): SLS + fallback equal the decisions, none duplicated`,
        diff.onlyA === 0 && diff.onlyB === 0 && stored.length === decisions.length,
        `${stored.length} stored vs ${decisions.length} decisions; ${diff.onlyA} extra, ${diff.onlyB} missing`,
      );
    }
    outputs.push(JSON.stringify(sls.logs()), JSON.stringify(sls.journal()));
    outputs.push(JSON.stringify(rig.sandbox.journal()), ...rig.stdoutLines, ...rig.warnings);
    await partialBatchFailure(ctx);
  } finally {
    await rig.close();
    await sls.close();
  }
}

/**
 * More records than one PutLogs takes (4096): the first batch is stored, then SLS fails for good.
 * The stdout fallback must carry only the records SLS did not store (fixed in OutcomeLog: the
 * SLS store reports how many it wrote; before, every record was repeated on stdout).
 */
async function partialBatchFailure({ check, info, outputs }: SoakContext): Promise<void> {
  const sls = await startSlsStandIn({ credentials: [CREDENTIALS] });
  const lines: string[] = [];
  const log = new OutcomeLog(
    createSlsStore({
      endpoint: sls.url,
      project: 'soak-audit',
      logstore: 'webplus-abort',
      baseDelayMs: 1,
      maxAttempts: 2,
      attemptTimeoutMs: 5000,
    }),
    (line) => lines.push(line),
  );
  const N = 5000;
  const time = new Date().toISOString();
  const records: OutcomeRecord[] = Array.from({ length: N }, (_, i) => ({
    time,
    changeId: changeId(i),
    trigger: 'timer',
    invocationId: 'soak-partial-batch',
    mode: 'enforce',
    outcome: 'skipped',
    detail: 'soak: partial batch failure',
    attempts: 0,
  }));
  // Once the first PutLogs has arrived, every later one fails.
  let armed = true;
  const poll = (): void => {
    if (!armed) return;
    if (sls.journal().length >= 1) {
      sls.setFailure({ kind: 'server-busy', every: 'all' });
      armed = false;
      return;
    }
    setImmediate(poll);
  };
  setImmediate(poll);
  try {
    const report = await log.write(records, {
      invocationId: 'soak-partial-batch',
      trigger: 'timer',
      functionName: 'abort-stuck-changes',
      region: 'cn-hangzhou',
      credentials: CREDENTIALS,
      deadlineMs: Date.now() + 60_000,
    });
    armed = false;
    const inSls = sls.logs().map((l) => l.contents.changeId ?? '');
    const fallback = lines.map((l) => (JSON.parse(l) as OutcomeRecord).changeId ?? '');
    const all = [...inSls, ...fallback];
    info(
      `partial batch failure: ${N} records; ${inSls.length} in SLS, ${fallback.length} on stdout fallback (${report.fallback?.reason ?? 'no fallback'})`,
    );
    check(
      'log-store outage (later batch fails): exercised (first batch stored, a later one failed)',
      inSls.length > 0 && fallback.length > 0,
      `${inSls.length} stored, ${fallback.length} fallback`,
    );
    check(
      'log-store outage (later batch fails): SLS + fallback equal the records, none duplicated',
      all.length === N && new Set(all).size === N,
      `${all.length} stored for ${N} records, ${all.length - new Set(all).size} duplicates`,
    );
    outputs.push(JSON.stringify(sls.journal()), ...lines);
  } finally {
    armed = false;
    await sls.close();
  }
}

export const logStoreOutageSection: SoakSection = {
  name: 'log-store-outage',
  title: 'log-store outage (SLS stand-in failing half the time, then all the time)',
  run: logStoreOutage,
};
