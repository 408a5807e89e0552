/**
 * Issue 11 item 4 for SAE (and EDAS, the same code: process-platform-request.ts): a sweep's
 * records stream. A change order that needs no abort gets its record as soon as its read ends,
 * not after every application was read, so a sweep killed mid-way (kill -9 of the process, as
 * FC kills an instance at its timeout) has its early records in the file store. Here 12
 * applications each have a change order running fine, and the 13th's DescribeApplicationStatus
 * hangs 30 s: the child is killed while it waits on that read.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { OutcomeRecord } from '#shared/model/record.js';

const CHILD = join(import.meta.dirname, '../helpers/platform-sweep-child.ts');
const QUIET = 12;
const hex = (i: number) => i.toString(16).padStart(2, '0');
const appId = (i: number) => `7171a6ca-d1cd-4928-8642-7d5cfe69a0${hex(i)}`;
const orderId = (i: number) => `ba8e6c3c-9b1a-4ad2-9e1f-5f0e5c5e00${hex(i)}`;

let child: ChildProcess | undefined;
let dir: string | undefined;
afterEach(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
  child = dir = undefined;
});

const records = (file: string): OutcomeRecord[] =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as OutcomeRecord)
    : [];

describe('an SAE sweep killed mid-read (kill -9)', () => {
  it('already holds the record of every change order read', async () => {
    // Arrange
    dir = mkdtempSync(join(tmpdir(), 'platform-sweep-kill-'));
    const hung = QUIET;
    const sae = {
      apps: Array.from({ length: QUIET + 1 }, (_, i) => ({ AppId: appId(i), AppName: `app-${i}` })),
      changeOrders: Array.from({ length: QUIET + 1 }, (_, i) => ({
        ChangeOrderId: orderId(i),
        AppId: appId(i),
        Status: 1,
        startedMinutesAgo: 10,
        idleMinutes: 2,
      })),
      faults: [
        {
          action: 'DescribeApplicationStatus',
          appId: appId(hung),
          responses: [{ delayMs: 30_000 }],
        },
      ],
    };
    const scenario = { apps: [], envs: [], changes: [], sae };
    const scenarioFile = join(dir, 'scenario.json');
    writeFileSync(scenarioFile, JSON.stringify(scenario));

    // Act: start the sweep; once the quiet records are in the store (or 15 s passed), kill -9
    const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, scenarioFile], {
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
    const quiet = Array.from({ length: QUIET }, (_, i) => orderId(i));
    const fileOf = () => /^outcomes (.+)$/m.exec(out)?.[1];
    const seen = () => {
      const file = fileOf();
      return file ? records(file).filter((r) => quiet.includes(r.changeId ?? '')) : [];
    };
    for (let i = 0; i < 300 && seen().length < QUIET && proc.exitCode === null; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const returnedBeforeKill = out.includes('sweep returned');
    proc.kill('SIGKILL');
    const signal = await exited;

    // Assert: killed mid-sweep, the file holds one record for each of the 12 quiet orders
    expect(returnedBeforeKill).toBe(false);
    expect(signal).toBe('SIGKILL');
    const file = fileOf()!;
    const after = records(file);
    expect(after.map((r) => r.changeId).sort()).toEqual([...quiet].sort());
    expect(after.every((r) => r.platform === 'sae' && r.outcome === 'skipped')).toBe(true);
    expect(after.some((r) => r.changeId === orderId(hung))).toBe(false);
  }, 60_000);
});
