/**
 * Issue 11's neighbour figures on one file: two processes appending 1,000 records each at once
 * (batches of 10, 300-byte details), and three concurrent invocations in one process (one
 * runtime, the file store's one writer per path) sweeping into it. Read back with the reader:
 * 0 lost, 0 corrupt (torn) lines, no record twice.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileStore } from '#shared/outcome-log/file-store.js';
import { parseRecordLines } from '#shared/outcome-log/read-records.js';
import { fcContext, startRig } from '../helpers.js';
import { startChild } from './children.js';
import { CREDENTIALS, type SoakContext, type SoakSection } from './context.js';
import { inFlightWorld, timerAt } from './sweep-1000.js';

async function twoProcesses(ctx: SoakContext): Promise<void> {
  const n = 1000;
  const file = join(mkdtempSync(join(tmpdir(), 'soak-neighbours-')), 'outcomes.jsonl');
  const children = ['a', 'b'].map((w) => startChild(['append', file, w, String(n), '10']));
  const exits = await Promise.all(children.map((c) => c.exited));
  const parsed = parseRecordLines(readFileSync(file, 'utf8'));
  const ids = parsed.records.map((r) => r.recordId ?? '');
  const expected = ['a', 'b'].flatMap((w) => Array.from({ length: n }, (_, i) => `${w}-${i}`));
  const have = new Set(ids);
  const lost = expected.filter((id) => !have.has(id)).length;
  ctx.figure(
    `2 processes x ${n} records into one file: lost, corrupt, twice`,
    `${lost} lost, ${parsed.torn.length} corrupt, ${ids.length - have.size} twice (exits ${exits.map((e) => e.code).join(', ')})`,
    '0, 0, 0',
    lost === 0 &&
      parsed.torn.length === 0 &&
      ids.length === have.size &&
      exits.every((e) => e.code === 0),
  );
}

async function threeInvocations(ctx: SoakContext): Promise<void> {
  const file = join(mkdtempSync(join(tmpdir(), 'soak-neighbours-')), 'outcomes.jsonl');
  const envs = ctx.pick(300, 1000);
  const rig = await startRig(inFlightWorld(envs, 0), {
    env: { WEBPLUS_QPS: '5000', WEBPLUS_CONCURRENCY: '16', ABORT_DRY_RUN: 'true' },
    policy: { defaults: { mode: 'dry-run' }, sweep: { maxAbortsPerRun: 100_000 } },
    store: createFileStore(file),
  });
  try {
    const results = await Promise.all(
      [0, 1, 2].map((k) => rig.handler(timerAt(k), fcContext(CREDENTIALS, 120))),
    );
    const decided = results.reduce((n, r) => n + ('results' in r ? r.results.length : 0), 0);
    const parsed = parseRecordLines(readFileSync(file, 'utf8'));
    const ids = parsed.records.map((r) => r.recordId ?? '');
    const unique = new Set(ids).size;
    ctx.figure(
      '3 concurrent invocations in one process into one file: records vs decisions, corrupt, twice',
      `${parsed.records.length} of ${decided}, ${parsed.torn.length} corrupt, ${ids.length - unique} twice`,
      `all ${decided}, 0, 0`,
      parsed.records.length === decided && parsed.torn.length === 0 && unique === ids.length,
    );
    ctx.outputs.push(...rig.stdoutLines, ...rig.warnings);
  } finally {
    await rig.close();
  }
}

export const fileNeighboursSection: SoakSection = {
  name: 'file-neighbours',
  title: 'two processes and three concurrent invocations appending to one file',
  run: async (ctx) => {
    await twoProcesses(ctx);
    await threeInvocations(ctx);
  },
};
