/**
 * Makes sure the built CLI (dist-cli/, scripts/build-cli.mjs) is there and matches its sources:
 * used by bin/webplus-abort.js before every run and by the test setup. Cheap when nothing
 * changed: one small JSON read and a `stat` per source file listed in dist-cli/inputs.json.
 *
 * Rebuilt when: dist-cli/main.mjs or inputs.json is missing, or a listed source file (or
 * package-lock.json) that exists has another size or mtime. A listed file that does not exist
 * (a published package ships no sources) does not count. One build at a time: a lock folder
 * `.dist-cli.lock` (mkdir is atomic); others wait for it (up to 2 minutes; a lock older
 * than that is taken as abandoned), then look again.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'dist-cli', 'main.mjs');
const manifest = join(root, 'dist-cli', 'inputs.json');
const lock = join(root, '.dist-cli.lock');
const LOCK_MAX_MS = 120_000;

/** Why dist-cli/ must be rebuilt, or undefined when it matches its sources. */
export function staleReason() {
  if (!existsSync(entry) || !existsSync(manifest)) return 'dist-cli/ is missing';
  let inputs;
  try {
    inputs = JSON.parse(readFileSync(manifest, 'utf8')).inputs;
  } catch {
    return 'dist-cli/inputs.json is unreadable';
  }
  if (!Array.isArray(inputs)) return 'dist-cli/inputs.json is unreadable';
  for (const { file, size, mtimeMs } of inputs) {
    let stat;
    try {
      stat = statSync(join(root, file));
    } catch {
      continue;
    }
    if (stat.size !== size || stat.mtimeMs !== mtimeMs) return `${file} changed`;
  }
  return undefined;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Returns the path of dist-cli/main.mjs, building it first when {@link staleReason} says so.
 * @param {{ log?: (line: string) => void }} [options] where to say that a build runs
 * @throws Error when a build is needed and esbuild is not installed (`npm ci` installs it)
 */
export async function ensureBuilt(options = {}) {
  const log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
  for (;;) {
    const reason = staleReason();
    if (!reason) return entry;
    try {
      mkdirSync(lock);
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      let age = 0;
      try {
        age = Date.now() - statSync(lock).mtimeMs;
      } catch {
        continue;
      }
      if (age > LOCK_MAX_MS) rmSync(lock, { recursive: true, force: true });
      else await sleep(100);
      continue;
    }
    try {
      if (!staleReason()) return entry;
      log(`webplus-abort: building the CLI into dist-cli/ (${reason})`);
      let buildCli;
      try {
        ({ buildCli } = await import('./build-cli.mjs'));
        await import('esbuild');
      } catch {
        if (existsSync(entry)) {
          log('webplus-abort: esbuild is not installed: running the existing dist-cli/');
          return entry;
        }
        throw new Error(
          'webplus-abort: dist-cli/ is missing and esbuild is not installed: run `npm ci` then `npm run build`',
        );
      }
      await buildCli({ quiet: true });
      return entry;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}
