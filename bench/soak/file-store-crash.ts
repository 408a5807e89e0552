/**
 * Issue 11 figures for the file store, with real processes and a real file:
 * - kill -9 at 50 random points (ci: 10) of a large sweep writing the file store: after each,
 *   every newline-terminated line parses unless it is the fragment an earlier kill left; the
 *   next run's records are all readable;
 * - 2 processes x 1,000 records into one file: 0 lost, 0 corrupt;
 * - 3 concurrent invocations in one process into one file: 0 lost, 0 corrupt.
 * The file is read back here with a plain split and JSON.parse, not with the project's reader,
 * except for the final check that the reader (parseRecordLines) agrees.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRecordLines } from '../../shared/outcome-log/read-records.js';
import { change, envId, fcContext, startRig } from '../helpers.js';
import { check, ci, figure, info } from './common.js';

const HERE = import.meta.dirname;

function child(script: string, args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', join(HERE, script), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

function exited(c: ChildProcess): Promise<string> {
  return new Promise((resolve) => {
    let out = '';
    c.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    c.on('exit', () => resolve(out));
  });
}

/** Lines of the file: complete (newline-terminated) ones, and the unterminated tail. */
function lines(path: string): { complete: string[]; tail: string } {
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const parts = text.split('\n');
  return { complete: parts.slice(0, -1), tail: parts.at(-1) ?? '' };
}

const parses = (line: string): boolean => {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
};

async function killNine(dir: string): Promise<void> {
  const KILLS = ci ? 10 : 50;
  const STUCK = ci ? 300 : 2000;
  const path = join(dir, 'crash.jsonl');
  let torn = 0;
  let unreadable = 0;
  let seed = 0x5eed;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  for (let k = 0; k < KILLS; k++) {
    const c = child('sweep-child.ts', [path, String(STUCK), '1000']);
    const done = exited(c);
    await new Promise<void>((resolve) => {
      c.stdout!.on('data', (d: Buffer) => {
        if (d.toString().includes('ready')) {
          setTimeout(() => {
            c.kill('SIGKILL');
            resolve();
          }, Math.floor(random() * 400));
        }
      });
      c.on('exit', () => resolve());
    });
    await done;
    const { complete, tail } = lines(path);
    // Every complete line parses, but the fragments earlier kills left (repaired by a newline).
    unreadable = complete.filter((l) => l !== '' && !parses(l)).length;
    if (tail !== '') torn++;
    if (unreadable > torn) break;
  }
  const after = child('append-child.ts', [path, 'after', '100', '25']);
  await exited(after);
  const { complete, tail } = lines(path);
  const bad = complete.filter((l) => l !== '' && !parses(l)).length;
  const readBack = parseRecordLines(readFileSync(path, 'utf8'));
  const afterIds = readBack.records.filter((r) => r.recordId?.startsWith('after-')).length;
  info(`kill -9: ${KILLS} kills, ${complete.length} lines written, ${torn} torn endings left by kills`);
  figure(
    `kill -9 x${KILLS}: unreadable complete lines`,
    `${bad}`,
    `<= torn fragments left by kills (${torn}), each one line`,
    bad <= torn && tail === '',
  );
  check(
    "kill -9: the next run's records are all readable, and the reader agrees",
    afterIds === 100 && readBack.records.length === complete.length - bad - complete.filter((l) => l === '').length,
    `${afterIds}/100 of the next run, ${readBack.records.length} records, ${readBack.torn.length} torn`,
  );
}

async function twoProcesses(dir: string): Promise<void> {
  const path = join(dir, 'two.jsonl');
  const outs = await Promise.all(
    ['a', 'b'].map((w) => exited(child('append-child.ts', [path, w, '1000', '25']))),
  );
  const { complete } = lines(path);
  const ids = complete.filter(parses).map((l) => (JSON.parse(l) as { recordId: string }).recordId);
  const bad = complete.filter((l) => !parses(l)).length;
  const lost = 2000 - new Set(ids).size;
  figure(
    '2 processes x 1,000 records into one file',
    `${lost} lost, ${bad} corrupt`,
    '0 lost, 0 corrupt',
    lost === 0 && bad === 0 && outs.every((o) => o.includes('wrote 1000')),
  );
}

async function threeInvocations(dir: string): Promise<void> {
  const path = join(dir, 'three.jsonl');
  const STUCK = ci ? 200 : 1000;
  const credentials = { accessKeyId: 'three-ak', accessKeySecret: randomBytes(12).toString('hex') };
  const envs = Array.from({ length: STUCK }, (_, e) => ({
    EnvId: envId(e),
    AppId: 'wa-5d39b8ba6786bd4b14000000',
    EnvName: `env-${e}`,
  }));
  const changes = Array.from({ length: STUCK }, (_, n) =>
    change({ n, env: n, idleMin: 90, ageMin: 95 }),
  );
  const rig = await startRig(
    {
      credentials: [credentials],
      apps: [{ AppId: 'wa-5d39b8ba6786bd4b14000000', AppName: 'app' }],
      envs,
      changes,
    },
    {
      env: {
        LOG_STORE: 'file',
        OUTCOME_LOG_FILE: path,
        ABORT_DRY_RUN: 'true',
        WEBPLUS_QPS: '10000',
        WEBPLUS_CONCURRENCY: '32',
      },
    },
  );
  try {
    const timer = (n: number) =>
      Buffer.from(
        JSON.stringify({ triggerTime: '2026-05-20T02:00:00Z', triggerName: `t${n}`, payload: '' }),
      );
    await Promise.all([0, 1, 2].map((n) => rig.handler(timer(n), fcContext(credentials, 600))));
  } finally {
    await rig.close();
  }
  const { complete } = lines(path);
  const parsed = complete.filter(parses).map((l) => JSON.parse(l) as { recordId: string; changeId?: string });
  const bad = complete.filter((l) => !parses(l)).length;
  const lost = 3 * STUCK - parsed.filter((r) => r.changeId).length;
  const unique = new Set(parsed.map((r) => r.recordId)).size === parsed.length;
  figure(
    '3 concurrent invocations in one process into one file',
    `${lost} lost, ${bad} corrupt${unique ? '' : ', recordIds repeated'}`,
    '0 lost, 0 corrupt',
    lost === 0 && bad === 0 && unique,
  );
}

export async function fileStoreCrash(): Promise<void> {
  console.log('== file store: kill -9, neighbours');
  const dir = mkdtempSync(join(tmpdir(), 'webplus-abort-soak-'));
  try {
    await killNine(dir);
    await twoProcesses(dir);
    await threeInvocations(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
