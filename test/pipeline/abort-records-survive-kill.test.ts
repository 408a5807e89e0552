/**
 * Red-team 24 F6: a sweep killed (SIGKILL, as FC kills an instance at its timeout, an OOM, a
 * supervisor's kill -9) during its abort phase must not leave a change that Web+ accepted an
 * AbortChange for without a record. Each abort's record is handed to the store as soon as its
 * answer is read, and no further AbortChange request is sent until that write ended
 * (executor/records-first.ts, pipeline/abort-record-gate.ts), so at the kill only the requests
 * in flight can lack a record: at most the sweep's pacer slots (WEBPLUS_CONCURRENCY − 1).
 *
 * The sandbox runs here, the sweep in a child process (test/helpers/webplus-sweep-child.ts), so
 * the journal still shows after the kill which AbortChange requests Web+ accepted. The kill
 * points are generated (seeded): after the k-th accepted AbortChange. Before the fix the records
 * were buffered up to 1 s, and such a kill lost every accepted abort since the last flush.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { OutcomeRecord } from '#shared/model/record.js';
import { startWebplusSandbox } from '../../sandbox/webplus/index.js';
import { change, scenario } from '../helpers/world.js';

const CHILD = join(import.meta.dirname, '../helpers/webplus-sweep-child.ts');
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

async function sweepKilledAfter(k: number, concurrency: number) {
  const sandbox = await startWebplusSandbox({
    strict: true,
    latencyMs: 5,
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
    const accepted = () =>
      sandbox.journal().filter((j) => j.action === 'AbortChange' && j.code === 'OK');
    // Poll the journal as often as the event loop allows (the sandbox answers on this same
    // loop), and kill at the k-th accepted abort; give up after 30 s (the sweep takes about 1 s).
    const giveUpAt = Date.now() + 30_000;
    while (accepted().length < k && proc.exitCode === null && Date.now() < giveUpAt) {
      await new Promise((r) => setImmediate(r));
    }
    const returned = out.includes('sweep returned');
    proc.kill('SIGKILL');
    const signal = await exited;
    const abortRequests = sandbox.journal().filter((j) => j.action === 'AbortChange');
    return {
      returned,
      signal,
      file: /^outcomes (.+)$/m.exec(out)?.[1],
      accepted: abortRequests.filter((j) => j.code === 'OK').map((j) => j.changeId!),
      requested: abortRequests.map((j) => j.changeId!),
    };
  } finally {
    await sandbox.close();
  }
}

describe('a sweep killed with SIGKILL during its abort phase (red-team 24 F6)', () => {
  for (const [concurrency, k] of [
    ...killPoints(24, 3).map((k) => [2, k] as const),
    ...killPoints(7, 2).map((k) => [4, k] as const),
  ]) {
    const slots = concurrency - 1; // a sweep holds WEBPLUS_CONCURRENCY − 1 slots
    it(`killed after ${k} accepted aborts (WEBPLUS_CONCURRENCY ${concurrency}): every accepted abort but the ${slots} last in flight has exactly one record`, async () => {
      // Act
      const run = await sweepKilledAfter(k, concurrency);

      // Assert: killed during the aborts, not after the sweep
      expect(run.returned).toBe(false);
      expect(run.signal).toBe('SIGKILL');
      expect(run.accepted.length).toBeGreaterThanOrEqual(k);
      expect(run.accepted.length).toBeLessThan(STUCK);
      // Every line whole; no recordId twice; no change with two records
      const records = lines(run.file).map((l) => JSON.parse(l) as OutcomeRecord);
      const ids = records.map((r) => r.recordId);
      expect(new Set(ids).size).toBe(ids.length);
      const changes = records.map((r) => r.changeId);
      expect(new Set(changes).size).toBe(changes.length);
      // Each accepted abort has one `aborted` record, except at most the requests that were in
      // flight at the kill (each had no record yet because its answer had not been read or
      // written when the kill came; no other request had started since).
      const recorded = new Map(records.map((r) => [r.changeId, r]));
      const missing = run.accepted.filter((id) => recorded.get(id)?.outcome !== 'aborted');
      expect(missing.length).toBeLessThanOrEqual(slots);
      const lastRequested = run.requested.slice(-slots);
      for (const id of missing) expect(lastRequested).toContain(id);
      for (const id of run.accepted.filter((a) => !missing.includes(a))) {
        expect(recorded.get(id)).toMatchObject({ outcome: 'aborted', changeId: id });
      }
      // Nothing recorded aborted that Web+ did not accept
      const abortedIds = records.filter((r) => r.outcome === 'aborted').map((r) => r.changeId);
      for (const id of abortedIds) expect(run.accepted).toContain(id);
    }, 60_000);
  }
});
