/**
 * Bundles the command line (cli/main.ts) with esbuild into `dist-cli/`:
 * - `dist-cli/main.mjs`: the entry (ESM, platform node, target node20, minified, no source map);
 * - `dist-cli/chunks/*.mjs`: one chunk per command and what it needs (code splitting), loaded
 *   when that command runs, so `--version` and `--help` load only the entry and commander;
 * - `dist-cli/inputs.json`: every source file that went in (outside node_modules), with its size
 *   and mtime, plus package-lock.json: bin/webplus-abort.js rebuilds when one of them changed.
 *
 * Left out of the bundle and loaded from node_modules at run time (each through `createRequire`
 * on first use): `@alicloud/log` (it reads `lib/sls.proto` next to itself), `@alicloud/fc2`,
 * `@alicloud/fc20230330`, `@alicloud/credentials`. Stubbed as in scripts/build.mjs: `xml2js`
 * and `json-bigint` (pop-core paths our client never takes).
 *
 * Concurrent builds (several CLI processes starting at once, e.g. tests) are safe: a build
 * writes into a fresh folder next to `dist-cli/` and renames it into place; the loser of the
 * race keeps the winner's output.
 *
 * Usage: `node scripts/build-cli.mjs` (also run by `npm run build`), or `buildCli()`.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Where the built CLI lives, relative to the package root. */
export const CLI_DIR = 'dist-cli';

/**
 * Builds the CLI into `<root>/dist-cli/`.
 * @param {{ quiet?: boolean }} [options]
 * @returns {Promise<{ entry: string, bytes: number }>} the entry's path and the total size
 */
export async function buildCli(options = {}) {
  const { build } = await import('esbuild');
  const target = join(root, CLI_DIR);
  const staging = join(root, `.dist-cli-${process.pid}-${randomUUID().slice(0, 8)}`);
  mkdirSync(staging, { recursive: true });
  try {
    const result = await build({
      absWorkingDir: root,
      entryPoints: { main: join(root, 'cli', 'main.ts') },
      outdir: staging,
      outExtension: { '.js': '.mjs' },
      chunkNames: 'chunks/[name]-[hash]',
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      minify: true,
      sourcemap: false,
      legalComments: 'none',
      metafile: true,
      logLevel: 'warning',
      external: ['@alicloud/log', '@alicloud/fc2', '@alicloud/fc20230330', '@alicloud/credentials'],
      alias: {
        xml2js: join(root, 'scripts', 'stubs', 'xml2js.cjs'),
        'json-bigint': join(root, 'scripts', 'stubs', 'json-bigint.cjs'),
      },
      // CommonJS packages bundled into ESM call require() for node built-ins.
      banner: {
        js: "import { createRequire as __wpaCreateRequire } from 'node:module'; const require = __wpaCreateRequire(import.meta.url);",
      },
    });
    const inputs = Object.keys(result.metafile.inputs)
      .filter((file) => !file.includes('node_modules'))
      .concat('package-lock.json')
      .map((file) => {
        const stat = statSync(join(root, file));
        return { file, size: stat.size, mtimeMs: stat.mtimeMs };
      });
    writeFileSync(join(staging, 'inputs.json'), `${JSON.stringify({ inputs })}\n`);
    const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
    rmSync(target, { recursive: true, force: true });
    try {
      renameSync(staging, target);
    } catch (err) {
      // Another build renamed its output into place between our rmSync and renameSync: keep it.
      if (
        !['ENOTEMPTY', 'EEXIST'].includes(/** @type {NodeJS.ErrnoException} */ (err).code ?? '')
      ) {
        throw err;
      }
    }
    if (!options.quiet) {
      console.log(`dist-cli/main.mjs + chunks ${(bytes / 1024).toFixed(1)} KiB`);
    }
    return { entry: join(target, 'main.mjs'), bytes };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildCli();
}
