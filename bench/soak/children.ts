/**
 * Starting bench/soak/file-child.ts: a child process per call, its stdout lines collected. The
 * child is bundled once with esbuild (node_modules/.cache/webplus-abort-soak/file-child.mjs, its
 * packages left to node_modules) and run by plain `node`: a start in about 0.1 s instead of
 * tsx's seconds under load, so that 50 kills fit in the soak.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { CREDENTIALS } from './context.js';

const SOURCE = fileURLToPath(new URL('./file-child.ts', import.meta.url));
const BUNDLE = fileURLToPath(
  new URL('../../node_modules/.cache/webplus-abort-soak/file-child.mjs', import.meta.url),
);
let built = false;

function childBundle(): string {
  if (!built) {
    buildSync({
      entryPoints: [SOURCE],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      outfile: BUNDLE,
      logLevel: 'silent',
    });
    built = true;
  }
  return BUNDLE;
}

export interface Child {
  proc: ChildProcess;
  /** stdout lines so far */
  lines: string[];
  /** resolves at the first line equal to `line` (or when the child exits) */
  waitFor(line: string): Promise<void>;
  /** resolves at the first line starting with `prefix` (or when the child exits) */
  waitForPrefix(prefix: string): Promise<void>;
  /** resolves with the exit code or signal when the child ended */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

/** Starts `file-child.ts <args>` (bundled) under plain `node`, a fresh heap of its own. */
export function startChild(args: readonly string[]): Child {
  const proc = spawn(process.execPath, [childBundle(), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // The run's credentials (random per run) reach the child through its environment only.
    env: { ...process.env, SOAK_CREDENTIALS: JSON.stringify(CREDENTIALS) },
  });
  const lines: string[] = [];
  let err = '';
  let partial = '';
  const waiters: { match: (l: string) => boolean; resolve: () => void }[] = [];
  proc.stdout!.on('data', (chunk: Buffer) => {
    partial += chunk.toString();
    const parts = partial.split('\n');
    partial = parts.pop()!;
    for (const l of parts) {
      lines.push(l);
      for (const w of waiters.filter((w) => w.match(l))) w.resolve();
    }
  });
  proc.stderr!.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('close', (code, signal) => resolve({ code, signal })),
  );
  const waitUntil = (match: (l: string) => boolean): Promise<void> =>
    lines.some(match)
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          waiters.push({ match, resolve });
          void exited.then(() => resolve());
        });
  return {
    proc,
    lines,
    exited,
    stderr: () => err,
    waitFor: (line) => waitUntil((l) => l === line),
    waitForPrefix: (prefix) => waitUntil((l) => l.startsWith(prefix)),
  };
}

/** Record ids a child reported written (`wrote <id> <id>...` lines). */
export function reportedIds(lines: readonly string[]): string[] {
  return lines.filter((l) => l.startsWith('wrote ')).flatMap((l) => l.slice(6).split(' '));
}
