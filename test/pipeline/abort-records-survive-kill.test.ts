/**
 * Red-team 24 F6 and red-team 25 G15: a sweep killed (SIGKILL, as FC kills an instance at its
 * timeout, an OOM, a supervisor's kill -9) during its abort phase must not leave an abort that
 * Web+ received without a record in the log.
 * - F6: each abort's record is handed to the store as soon as its answer is read, and no further
 *   AbortChange request is sent until that write ended (executor/records-first.ts,
 *   pipeline/abort-record-gate.ts), so at the kill only the requests in flight can lack their
 *   final (decision) record: at most the sweep's pacer slots (WEBPLUS_CONCURRENCY − 1).
 * - G15: those in-flight requests had no record at all before the fix (nothing was written
 *   before a request was sent). Now each abort's **intent record** (`kind: "intent"`, outcome
 *   `abort_sending`) is written, and its write ended, before its first request leaves: every
 *   AbortChange the sandbox journal shows as received has its intent in the log, and every
 *   decision record that sent one names its intent (`intentId`).
 *
 * The sandbox runs here, the sweep in a child process (test/helpers/webplus-sweep-child.ts), so
 * the journal still shows after the kill which AbortChange requests Web+ received and accepted.
 * The kill points are generated (seeded): after the k-th accepted AbortChange, or (G15) after
 * the k-th received one, with a sandbox latency so that requests are in flight when the kill
 * lands (the sandbox applies an abort on arrival and answers `latencyMs` later). SAE the same
 * way (AbortChangeOrder; test/helpers/platform-sweep-child.ts against the parent's emulator):
 * EDAS shares that code path (shared/executor/platform-execute.ts, process-platform-request.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { OutcomeRecord } from '#shared/model/record.js';
import { startSaeSandbox } from '../../sandbox/sae/server.js';
import { type JournalEntry, startWebplusSandbox } from '../../sandbox/webplus/index.js';
import { change, scenario } from '../helpers/world.js';

const CHILD = join(import.meta.dirname, '../helpers/webplus-sweep-child.ts');
const SAE_CHILD = join(import.meta.dirname, '../helpers/platform-sweep-child.ts');
const STUCK = 24;

let child: ChildProcess | undefined;
afterEach(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = undefined;
});

const lines = (file: string | undefined): string[] =>
  file && existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];

/** Seeded kill points in 1 … STUCK − 2 (a small LCG: the same points on every run). */
function killPoints(seed: number, n: number): number[] {
  let x = seed;
  const out: number[] = [];
  while (out.length < n) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const k = 1 + (x % (STUCK - 2));
    if (!out.includes(k)) out.push(k);
  }
  return out;
}

/** When the parent kills the child: at the k-th AbortChange Web+ accepted, or received. */
type KillAt = { after: 'accepted' | 'received'; k: number };

async function sweepKilled(at: KillAt, concurrency: number, latencyMs: number) {
  const sandbox = await startWebplusSandbox({
    strict: true,
    latencyMs,
    ...scenario(
      [STUCK],
      Array.from({ length: STUCK }, (_, i) => change({ n: i, env: i, idleMin: 90, ageMin: 95 })),
    ),
  });
  try {
    const proc = spawn(
      process.execPath,
      ['--import', 'tsx', CHILD, sandbox.url, `${concurrency}`],
      {
        cwd: join(import.meta.dirname, '../..'),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child = proc;
    let out = '';
    proc.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      proc.on('close', (_code, signal) => resolve(signal)),
    );
    const aborts = () => sandbox.journal().filter((j) => j.action === 'AbortChange');
    const counted = () =>
      at.after === 'accepted' ? aborts().filter((j) => j.code === 'OK').length : aborts().length;
    // Poll the journal as often as the event loop allows (the sandbox answers on this same
    // loop: a request received is journalled on arrival, its answer goes `latencyMs` later), and
    // kill at the k-th; give up after 30 s (the sweep takes a few seconds).
    const giveUpAt = Date.now() + 30_000;
    while (counted() < at.k && proc.exitCode === null && Date.now() < giveUpAt) {
      await new Promise((r) => setImmediate(r));
    }
    const returned = out.includes('sweep returned');
    proc.kill('SIGKILL');
    const signal = await exited;
    const abortRequests = aborts();
    return {
      returned,
      signal,
      file: /^outcomes (.+)$/m.exec(out)?.[1],
      accepted: abortRequests.filter((j) => j.code === 'OK').map((j) => j.changeId!),
      requested: abortRequests.map((j) => j.changeId!),
      inFlightAtKill: abortRequests.filter((j: JournalEntry) => j.code === 'NoAnswer').length,
    };
  } finally {
    await sandbox.close();
  }
}

/** The contract of the log after a kill, whatever the kill point (F6 and G15). */
function expectLogExplainsTheJournal(run: Awaited<ReturnType<typeof sweepKilled>>, slots: number) {
  // Killed during the aborts, not after the sweep
  expect(run.returned).toBe(false);
  expect(run.signal).toBe('SIGKILL');
  expect(run.requested.length).toBeLessThanOrEqual(STUCK);
  // Every line whole; no recordId twice; per change at most one intent and one decision record
  const all = lines(run.file).map((l) => JSON.parse(l) as OutcomeRecord);
  const ids = all.map((r) => r.recordId);
  expect(new Set(ids).size).toBe(ids.length);
  const intents = all.filter((r) => r.kind === 'intent');
  const decisions = all.filter((r) => r.kind === undefined);
  expect(intents.length + decisions.length).toBe(all.length);
  for (const group of [intents, decisions]) {
    const changes = group.map((r) => r.changeId);
    expect(new Set(changes).size).toBe(changes.length);
  }
  const intentOf = new Map(intents.map((r) => [r.changeId, r]));
  const decisionOf = new Map(decisions.map((r) => [r.changeId, r]));
  // G15: every AbortChange Web+ received (accepted, answered otherwise, or still in flight at
  // the kill) has its intent record in the log, written before the request left.
  for (const id of run.requested) {
    expect(intentOf.get(id), `intent of ${id}`).toMatchObject({
      kind: 'intent',
      outcome: 'abort_sending',
      changeId: id,
      mode: 'enforce',
      attempts: 0,
    });
  }
  // An intent is written only right before a request: one the journal does not show was about
  // to be sent when the kill came (at most one per slot), and no decision record says it was.
  const unsent = intents.filter((r) => !run.requested.includes(r.changeId!));
  expect(unsent.length).toBeLessThanOrEqual(slots);
  for (const r of unsent) expect(decisionOf.get(r.changeId)?.attempts ?? 0).toBe(0);
  // Every decision record that sent a request names its intent
  for (const r of decisions.filter((d) => d.attempts > 0)) {
    expect(r.intentId, `intentId of ${r.changeId}`).toBe(intentOf.get(r.changeId)?.recordId);
  }
  // F6: each accepted abort has its `aborted` record, except at most the requests that were in
  // flight at the kill (their answer had not been read or written when the kill came; no other
  // request had started since); those are explained by their intent above.
  const missing = run.accepted.filter((id) => decisionOf.get(id)?.outcome !== 'aborted');
  expect(missing.length).toBeLessThanOrEqual(slots);
  const lastRequested = run.requested.slice(-slots);
  for (const id of missing) expect(lastRequested).toContain(id);
  // Nothing recorded aborted that Web+ did not accept
  for (const r of decisions.filter((d) => d.outcome === 'aborted')) {
    expect(run.accepted).toContain(r.changeId);
  }
}

describe('a sweep killed with SIGKILL during its abort phase (red-team 24 F6)', () => {
  for (const [concurrency, k] of [
    ...killPoints(24, 3).map((k) => [2, k] as const),
    ...killPoints(7, 2).map((k) => [4, k] as const),
  ]) {
    const slots = concurrency - 1; // a sweep holds WEBPLUS_CONCURRENCY − 1 slots
    it(`killed after ${k} accepted aborts (WEBPLUS_CONCURRENCY ${concurrency}): every accepted abort but the ${slots} last in flight has its decision record, every request its intent`, async () => {
      // Act
      const run = await sweepKilled({ after: 'accepted', k }, concurrency, 5);

      // Assert
      expect(run.accepted.length).toBeGreaterThanOrEqual(k);
      expect(run.accepted.length).toBeLessThan(STUCK);
      expectLogExplainsTheJournal(run, slots);
    }, 60_000);
  }
});

describe('a sweep killed with SIGKILL while AbortChange requests are in flight (red-team 25 G15)', () => {
  for (const [concurrency, k] of [
    ...killPoints(25, 3).map((k) => [4, k] as const),
    ...killPoints(15, 2).map((k) => [2, k] as const),
  ]) {
    const slots = concurrency - 1;
    it(`killed when Web+ received the ${k}th AbortChange, its answer not sent yet (WEBPLUS_CONCURRENCY ${concurrency}): every request the journal shows has its intent record`, async () => {
      // Act: a 150 ms answer latency; the kill lands as the k-th request arrives
      const run = await sweepKilled({ after: 'received', k }, concurrency, 150);

      // Assert: requests were in flight at the kill (received, applied, not answered)
      expect(run.requested.length).toBeGreaterThanOrEqual(k);
      expect(run.inFlightAtKill).toBeGreaterThanOrEqual(1);
      expectLogExplainsTheJournal(run, slots);
    }, 60_000);
  }
});

// ---------------------------------------------------------------------------------------------
// SAE (AbortChangeOrder): the same contract through the SAE emulator, whose journal is kept by
// the parent. The emulator waits `latencyMs` before it acts on a request, so a request in flight
// at the kill was received, not acted on (either way it needs its intent).

const SAE_STUCK = 12;
const hex = (i: number) => i.toString(16).padStart(2, '0');
const saeApp = (i: number) => `7171a6ca-d1cd-4928-8642-7d5cfe69a0${hex(i)}`;
const saeOrder = (i: number) => `ba8e6c3c-9b1a-4ad2-9e1f-5f0e5c5e00${hex(i)}`;

async function saeSweepKilledAt(k: number, latencyMs: number) {
  const sae = await startSaeSandbox({
    apps: [],
    envs: [],
    changes: [],
    sae: {
      latencyMs,
      apps: Array.from({ length: SAE_STUCK }, (_, i) => ({
        AppId: saeApp(i),
        AppName: `app-${i}`,
      })),
      changeOrders: Array.from({ length: SAE_STUCK }, (_, i) => ({
        ChangeOrderId: saeOrder(i),
        AppId: saeApp(i),
        Status: 1,
        startedMinutesAgo: 150,
        idleMinutes: 120,
      })),
    },
  });
  try {
    const proc = spawn(process.execPath, ['--import', 'tsx', SAE_CHILD, '--endpoint', sae.url], {
      cwd: join(import.meta.dirname, '../..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    let out = '';
    proc.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      proc.on('close', (_code, signal) => resolve(signal)),
    );
    const aborts = () => sae.journal().filter((j) => j.action === 'AbortChangeOrder');
    const giveUpAt = Date.now() + 30_000;
    while (aborts().length < k && proc.exitCode === null && Date.now() < giveUpAt) {
      await new Promise((r) => setImmediate(r));
    }
    const returned = out.includes('sweep returned');
    proc.kill('SIGKILL');
    const signal = await exited;
    const requests = aborts();
    return {
      returned,
      signal,
      file: /^outcomes (.+)$/m.exec(out)?.[1],
      requested: requests.map((j) => j.changeOrderId!),
      accepted: requests.filter((j) => j.status === 200).map((j) => j.changeOrderId!),
      inFlightAtKill: requests.filter((j) => j.code === 'NoAnswer').length,
    };
  } finally {
    await sae.close();
  }
}

describe('an SAE sweep killed with SIGKILL while AbortChangeOrder requests are in flight (red-team 25 G15)', () => {
  const slots = 3; // the SAE pacer's 4 slots, a sweep's 3
  for (const k of killPoints(12, 3).map((p) => 1 + (p % (SAE_STUCK - 2)))) {
    it(`killed when the emulator received the ${k}th AbortChangeOrder: every request has its intent record`, async () => {
      // Act
      const run = await saeSweepKilledAt(k, 150);

      // Assert: killed mid-abort, requests in flight
      expect(run.returned).toBe(false);
      expect(run.signal).toBe('SIGKILL');
      expect(run.requested.length).toBeGreaterThanOrEqual(k);
      expect(run.inFlightAtKill).toBeGreaterThanOrEqual(1);
      const all = lines(run.file).map((l) => JSON.parse(l) as OutcomeRecord);
      expect(new Set(all.map((r) => r.recordId)).size).toBe(all.length);
      const intents = all.filter((r) => r.kind === 'intent');
      const decisions = all.filter((r) => r.kind === undefined);
      expect(intents.length + decisions.length).toBe(all.length);
      for (const group of [intents, decisions]) {
        const ids = group.map((r) => r.changeId);
        expect(new Set(ids).size).toBe(ids.length);
      }
      const intentOf = new Map(intents.map((r) => [r.changeId, r]));
      for (const id of run.requested) {
        expect(intentOf.get(id), `intent of ${id}`).toMatchObject({
          kind: 'intent',
          platform: 'sae',
          outcome: 'abort_sending',
          attempts: 0,
        });
      }
      const unsent = intents.filter((r) => !run.requested.includes(r.changeId!));
      expect(unsent.length).toBeLessThanOrEqual(slots);
      for (const r of decisions.filter((d) => d.attempts > 0))
        expect(r.intentId).toBe(intentOf.get(r.changeId)?.recordId);
      for (const r of decisions.filter((d) => d.outcome === 'aborted'))
        expect(run.accepted).toContain(r.changeId);
    }, 60_000);
  }
});
