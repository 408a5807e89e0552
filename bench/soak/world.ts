/**
 * The soak world: stuck, healthy, paused, protected and dry-run changes among quiet environments
 * (the fault sections' scenario), the sweep runner and the checks over its records and journal.
 *
 * What "could be aborted" means under random faults: the sandbox draws a fault per request, not
 * per change, so a permanent fault (ResourceAuthFailed) does not mark a change for good: the next
 * request for it may pass. A stuck, policy-abortable change may therefore stay unaborted after
 * two sweeps only when, in each sweep, the path to its abort met faults: a listing or a
 * DescribeChange failed (the change was not examined, or recorded `failed` / `not_found`), or
 * every AbortChange for it was answered with a fault (recorded `failed` / `not_found` /
 * `timeout`). The check: every abortable change that some AbortChange was answered OK for is
 * aborted (or aborting) in sandbox state; every one that is not was, in both sweeps, unexamined
 * or recorded failed/not_found/timeout with every AbortChange of that sweep answered with a fault.
 */
import type { OutcomeRecord } from '#shared/model/record.js';
import type { RunSummary } from '#shared/pipeline/summary.js';
import type { JournalEntry } from '../../sandbox/webplus/index.js';
import {
  appId,
  change,
  changeId,
  envId,
  fcContext,
  type Rig,
  summaryOf,
  timerEvent,
} from '../helpers.js';
import { CREDENTIALS, MAX_ATTEMPTS, type Reporter, type Scale } from './context.js';

/** Sizes of the fault sections' world per scale. */
export function soakSize(scale: Scale): Record<Kind, number> & { fuzz: number } {
  return scale === 'ci'
    ? { stuck: 300, healthy: 60, paused: 60, protected: 60, dryRun: 60, quiet: 100, fuzz: 1000 }
    : {
        stuck: 5000,
        healthy: 500,
        paused: 500,
        protected: 500,
        dryRun: 500,
        quiet: 1000,
        fuzz: 10000,
      };
}
export const TRANSIENT = 0.2;
export const PERMANENT = 0.02;

export type Kind = 'stuck' | 'healthy' | 'paused' | 'protected' | 'dryRun' | 'quiet';
export interface World {
  scenario: Record<string, unknown>;
  policy: Record<string, unknown>;
  kindOf: Map<string, Kind>;
  envOf: Map<string, string>;
  ids: Record<Kind, string[]>;
}

export function buildWorld(
  size: Record<Kind, number>,
  extra: Record<string, unknown> = {},
  policyExtra: Record<string, unknown> = {},
): World {
  const envs: Record<string, unknown>[] = [];
  const changes: Record<string, unknown>[] = [];
  const kindOf = new Map<string, Kind>();
  const envOf = new Map<string, string>();
  const ids: Record<Kind, string[]> = {
    stuck: [],
    healthy: [],
    paused: [],
    protected: [],
    dryRun: [],
    quiet: [],
  };
  const protectEnvs: string[] = [];
  const environments: Record<string, unknown> = {};
  const ENVS_PER_APP = 40;
  let e = 0;
  let c = 0;
  const kinds: Kind[] = ['stuck', 'healthy', 'paused', 'protected', 'dryRun', 'quiet'];
  for (const kind of kinds) {
    for (let i = 0; i < size[kind]; i++, e++) {
      const env = envId(e);
      envs.push({ EnvId: env, AppId: appId(Math.floor(e / ENVS_PER_APP)), EnvName: `env-${e}` });
      if (kind === 'protected') protectEnvs.push(env);
      if (kind === 'dryRun') environments[env] = { mode: 'dry-run' };
      if (kind === 'quiet' && i % 2 === 1) continue; // never deployed
      const n = c++;
      const spec =
        kind === 'healthy'
          ? { idleMin: 2, ageMin: 5 }
          : kind === 'quiet'
            ? { idleMin: 90, ageMin: 95, extra: { finished: true, succeed: true } }
            : kind === 'paused'
              ? { idleMin: 90, ageMin: 95, extra: { paused: true } }
              : { idleMin: 90, ageMin: 95 };
      changes.push(change({ n, env: e, ...spec }));
      const id = changeId(n);
      kindOf.set(id, kind);
      envOf.set(id, env);
      ids[kind].push(id);
    }
  }
  const apps = Array.from({ length: Math.ceil(e / ENVS_PER_APP) }, (_, i) => ({
    AppId: appId(i),
    AppName: `app-${i}`,
  }));
  return {
    scenario: { credentials: [CREDENTIALS], apps, envs, changes, ...extra },
    policy: {
      defaults: { mode: 'enforce' },
      protect: { envIds: protectEnvs, appIds: [] },
      environments,
      sweep: { maxAbortsPerRun: 100_000 },
      ...policyExtra,
    },
    kindOf,
    envOf,
    ids,
  };
}

export const isOk = (j: JournalEntry): boolean => j.status >= 200 && j.status < 300;
export const abortsOf = (journal: JournalEntry[], id: string): JournalEntry[] =>
  journal.filter((j) => j.action === 'AbortChange' && j.changeId === id);

export function isAbortedInSandbox(rig: Rig, world: World, id: string): boolean {
  const c = rig.sandbox.change(id);
  if (c?.ChangeAborted) return true;
  const env = rig.sandbox.appEnv(world.envOf.get(id)!);
  return Boolean(env?.AbortingChange && env.LatestChangeId === id);
}

export interface SweepRun {
  summary: RunSummary;
  records: OutcomeRecord[];
  journal: JournalEntry[];
  ms: number;
}

export async function sweep(
  rig: Rig,
  records: () => OutcomeRecord[],
  outputs: string[],
): Promise<SweepRun> {
  const j0 = rig.sandbox.journal().length;
  const r0 = records().length;
  const started = Date.now();
  const result = await rig.handler(timerEvent(), fcContext(CREDENTIALS));
  const ms = Date.now() - started;
  outputs.push(JSON.stringify(result));
  return {
    summary: summaryOf(result),
    records: records().slice(r0),
    journal: rig.sandbox.journal().slice(j0),
    ms,
  };
}

/** One record per in-flight change examined in a sweep, none twice, none for unknown changes. */
export function checkOneRecordPerChange(
  { check }: Reporter,
  label: string,
  world: World,
  run: SweepRun,
): void {
  const counts = new Map<string, number>();
  for (const r of run.records) {
    if (r.changeId) counts.set(r.changeId, (counts.get(r.changeId) ?? 0) + 1);
  }
  const twice = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
  check(`${label}: no change recorded twice`, twice.length === 0, twice.slice(0, 3).join(', '));
  const unknown = [...counts.keys()].filter((id) => world.kindOf.get(id) === undefined);
  check(`${label}: records name only in-flight changes`, unknown.length === 0, unknown.join(', '));
  const quiet = [...counts.keys()].filter((id) => world.kindOf.get(id) === 'quiet');
  check(`${label}: no record for quiet environments`, quiet.length === 0, quiet.join(', '));
  const examined = new Set(
    run.journal.filter((j) => j.action === 'DescribeChange' && isOk(j)).map((j) => j.changeId!),
  );
  const missing = [...examined].filter((id) => !counts.has(id));
  check(
    `${label}: every examined change has a record`,
    missing.length === 0,
    `${examined.size} examined, ${counts.size} recorded${missing.length ? `, missing ${missing.slice(0, 3).join(', ')}` : ''}`,
  );
  check(
    `${label}: summary results equal records`,
    run.summary.results.length === run.records.length,
    `${run.summary.results.length} results, ${run.records.length} records`,
  );
}

export function checkPolicy(
  { check, info }: Reporter,
  label: string,
  rig: Rig,
  world: World,
  runs: SweepRun[],
): void {
  const journal = rig.sandbox.journal();
  const outside = (['healthy', 'paused', 'protected', 'dryRun'] as Kind[]).flatMap((k) =>
    world.ids[k].filter(
      (id) =>
        abortsOf(journal, id).length > 0 ||
        isAbortedInSandbox(rig, world, id) ||
        runs.some((run) => run.records.some((r) => r.changeId === id && r.outcome === 'aborted')),
    ),
  );
  check(
    `${label}: zero aborts outside the policy (healthy, paused, protected, dry-run)`,
    outside.length === 0,
    outside.length
      ? `${outside.length}: ${outside.slice(0, 3).join(', ')}`
      : 'journal and state clean',
  );
  const wouldAbort = runs[0]!.records.filter(
    (r) => r.changeId && world.kindOf.get(r.changeId) === 'dryRun' && r.outcome === 'would_abort',
  ).length;
  info(
    `${label}: dry-run changes recorded would_abort in sweep 1: ${wouldAbort} of ${world.ids.dryRun.length}`,
  );
}

/** Stuck changes: aborted, or met faults on every path in both sweeps. Returns the first sweep's failed count. */
export function checkAbortable(
  { check, info }: Reporter,
  label: string,
  rig: Rig,
  world: World,
  runs: SweepRun[],
): void {
  const all = rig.sandbox.journal();
  let aborted = 0;
  const notAbortedButOk: string[] = [];
  const unexplained: string[] = [];
  const reasons = new Map<string, number>();
  for (const id of world.ids.stuck) {
    const okAbort = abortsOf(all, id).some(isOk);
    const inState = isAbortedInSandbox(rig, world, id);
    if (inState) aborted++;
    if (okAbort && !inState) notAbortedButOk.push(id);
    if (!okAbort && inState) unexplained.push(`${id} aborted without an OK AbortChange`);
    if (inState) continue;
    const why: string[] = [];
    for (const [i, run] of runs.entries()) {
      const record = run.records.find((r) => r.changeId === id);
      const calls = abortsOf(run.journal, id);
      if (!record) {
        why.push(`s${i + 1}:unexamined`);
        continue;
      }
      const faulted = ['failed', 'not_found', 'timeout'].includes(record.outcome);
      if (!faulted || calls.some(isOk)) {
        unexplained.push(`${id} sweep ${i + 1}: ${record.outcome}, ${calls.length} calls`);
      }
      why.push(`s${i + 1}:${record.outcome}${calls.length ? '' : '(read)'}`);
    }
    const key = why.join(' ');
    reasons.set(key, (reasons.get(key) ?? 0) + 1);
  }
  check(
    `${label}: every abortable change with an accepted AbortChange is aborted in sandbox state`,
    notAbortedButOk.length === 0,
    `${aborted} of ${world.ids.stuck.length} aborted/aborting${notAbortedButOk.length ? `; not: ${notAbortedButOk.slice(0, 3).join(', ')}` : ''}`,
  );
  check(
    `${label}: every stuck change left unaborted met faults in both sweeps`,
    unexplained.length === 0,
    unexplained.length
      ? unexplained.slice(0, 3).join('; ')
      : `${world.ids.stuck.length - aborted} left: ${[...reasons].map(([k, n]) => `${n}x ${k}`).join(', ') || 'none'}`,
  );
  // Failed in sweep 1: every attempt met a fault.
  const first = runs[0]!;
  const failedRecords = first.records.filter((r) => r.outcome === 'failed');
  const bad = failedRecords.filter(
    (r) => r.changeId && abortsOf(first.journal, r.changeId).some(isOk),
  );
  check(
    `${label}: every failed in sweep 1 met a fault on every attempt`,
    bad.length === 0,
    bad.map((r) => r.changeId).join(', '),
  );
  const attempted = world.ids.stuck.filter((id) => abortsOf(first.journal, id).length > 0).length;
  const retriesSpent = failedRecords.filter((r) => r.changeId && r.attempts >= MAX_ATTEMPTS).length;
  const expected = attempted * TRANSIENT ** MAX_ATTEMPTS;
  const notFound = first.records.filter(
    (r) => r.outcome === 'not_found' && r.changeId && world.kindOf.get(r.changeId) === 'stuck',
  ).length;
  info(
    `${label}: sweep 1 failed ${failedRecords.length} (retries spent: ${retriesSpent}; expected N x rate^attempts = ${attempted} x ${TRANSIENT}^${MAX_ATTEMPTS} = ${expected.toFixed(1)}); not_found (permanent ResourceAuthFailed) ${notFound}`,
  );
  check(
    `${label}: failed with retries spent within reason of N x rate^attempts`,
    retriesSpent <= Math.max(5, expected * 3 + 3 * Math.sqrt(expected)),
    `${retriesSpent} vs ${expected.toFixed(1)} expected`,
  );
}
