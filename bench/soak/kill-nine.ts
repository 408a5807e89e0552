/**
 * Issue 11's crash figure: `kill -9` (SIGKILL) at random points of a large sweep writing the
 * file store, 50 times (3 at ci scale), each a child process, killed at a random moment of its
 * writing phase (0..1.5 s after its first batch was on disk), appending to the same file.
 * After each kill the reader (`parseRecordLines`, what `webplus-abort log` uses) must read every
 * record the killed child had reported written (`wrote` after its batch's write() returned) and
 * every record of the runs before; torn fragments are skipped, at most one per kill. A last run
 * goes to the end: every one of its records is readable.
 */
import { randomInt } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRecordLines } from '#shared/outcome-log/read-records.js';
import { startWebplusSandbox } from '../../sandbox/webplus/index.js';
import { stuckWorld } from './alarm-budgets.js';
import { reportedIds, startChild } from './children.js';
import type { SoakContext, SoakSection } from './context.js';

const readText = (file: string): string => (existsSync(file) ? readFileSync(file, 'utf8') : '');

async function killNine(ctx: SoakContext): Promise<void> {
  const kills = ctx.pick(3, 50);
  const envs = ctx.pick(300, 1500);
  const file = join(mkdtempSync(join(tmpdir(), 'soak-kill9-')), 'outcomes.jsonl');
  const mustHave = new Set<string>();
  let lost = 0;
  let killedMidRun = 0;
  let tornMax = 0;
  let lastTorn = 0;
  const lossDetail: string[] = [];
  const delays: number[] = [];
  try {
    for (let k = 0; k < kills; k++) {
      // A fresh sandbox per run: every change stuck, so the abort records stream out.
      const sandbox = await startWebplusSandbox(stuckWorld(envs, 0));
      const child = startChild(['sweep', sandbox.url, file, '600']);
      // A random point of the writing phase: from its first batch on disk (the reads before
      // it write nothing), the aborts stream their records for about a second.
      await child.waitForPrefix('wrote ');
      const delay = randomInt(0, ctx.pick(800, 1500));
      delays.push(delay);
      await new Promise((r) => setTimeout(r, delay));
      const ended = child.lines.includes('done');
      child.proc.kill('SIGKILL');
      await child.exited;
      await sandbox.close();
      if (!ended) killedMidRun++;
      for (const id of reportedIds(child.lines)) mustHave.add(id);
      const parsed = parseRecordLines(readText(file));
      const ids = new Set(parsed.records.map((r) => r.recordId));
      const missing = [...mustHave].filter((id) => !ids.has(id));
      lost += missing.length;
      if (missing.length) lossDetail.push(`kill ${k + 1}: ${missing.length} missing`);
      tornMax = Math.max(tornMax, parsed.torn.length - lastTorn);
      lastTorn = parsed.torn.length;
    }
    const sandbox = await startWebplusSandbox(stuckWorld(envs, 0));
    const last = startChild(['sweep', sandbox.url, file, '600']);
    const exit = await last.exited;
    await sandbox.close();
    const lastIds = reportedIds(last.lines);
    const parsed = parseRecordLines(readText(file));
    const ids = new Set(parsed.records.map((r) => r.recordId));
    const lastMissing = lastIds.filter((id) => !ids.has(id)).length;
    ctx.info(
      `${kills} kills at ${Math.min(...delays)}..${Math.max(...delays)} ms after the first batch, ${killedMidRun} before the run's end; ${mustHave.size} records reported written before the kills; ${parsed.records.length} records and ${parsed.torn.length} torn fragments in the file`,
    );
    ctx.figure(
      `kill -9 at ${kills} random points: completely written records the reader lost`,
      `${lost}${lossDetail.length ? ` (${lossDetail.slice(0, 3).join('; ')})` : ''} of ${mustHave.size}`,
      '0',
      lost === 0 && mustHave.size > 0,
    );
    ctx.figure(
      `kill -9 at ${kills} random points: torn fragments added by one kill`,
      `at most ${tornMax} (${parsed.torn.length} in all)`,
      '≤ 1',
      tornMax <= 1,
    );
    ctx.figure(
      'kill -9: the next run after the kills, records readable',
      `${lastIds.length - lastMissing} of ${lastIds.length} (exit ${exit.code ?? exit.signal})`,
      'all',
      exit.code === 0 && lastIds.length > 0 && lastMissing === 0,
    );
  } finally {
    // every sandbox is closed where it was started
  }
}

export const killNineSection: SoakSection = {
  name: 'kill-nine',
  title: 'kill -9 at random points of a large sweep writing the file store',
  run: killNine,
};
