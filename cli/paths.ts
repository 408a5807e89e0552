/**
 * Where the package is on disk, whether the CLI runs from its TypeScript sources (tsx, tests) or
 * from the esbuild bundle in `dist-cli/` (bin/webplus-abort.js): the nearest folder above this
 * module that holds the `package.json` named `webplus-abort`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/**
 * The package's root folder (the one with `package.json`, `sandbox/`, `test/fixtures/`).
 * @throws Error when no such folder is above this module (a broken install).
 */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if (
          (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name ===
          'webplus-abort'
        ) {
          root = dir;
          return dir;
        }
      } catch {
        // Not ours (or unreadable): keep looking upwards.
      }
    }
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error('webplus-abort: cannot find the package folder (package.json)');
    dir = parent;
  }
}
