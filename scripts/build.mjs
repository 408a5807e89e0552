/**
 * Bundles the FC function (functions/abort-stuck-changes/index.ts) into `dist/` with esbuild:
 * - `dist/index.js`: one CommonJS file (platform node, target node20, minified, no source map),
 *   exporting `handler` and `initialize` (FC handler `index.handler`, initializer `index.initialize`);
 * - `dist/package.json`: `{"type":"commonjs"}`, because the repository package is `"type": "module"`;
 * - `dist/.fcignore`: a copy of `.fcignore` (the deployed zip holds only the files listed here);
 * - `dist/sls.proto`: @alicloud/log reads `path.join(__dirname, './sls.proto')` when it is loaded
 *   (node_modules/@alicloud/log/lib/client.js line 13); bundled, `__dirname` is `dist/`;
 * - `dist/yaml.js`, `dist/sls-sdk.js`: `yaml` (its `parse` only) and `@alicloud/log` bundled apart and required by
 *   `index.js` only when needed (a YAML policy; the first write to SLS), see
 *   scripts/bundle-options.mjs `FUNCTION_CHUNKS`;
 * - `dist/platforms.js`, `dist/notify-targets.js`: our own SAE/EDAS pipeline and notification
 *   sending code, imported by `index.js` at the first SAE/EDAS request / the first notification,
 *   taking every module they share with `index.js` from it (scripts/bundle-options.mjs
 *   `SOURCE_CHUNKS`).
 * The esbuild metafile goes to `bench/out/meta.json`, never into `dist/` (the deployed code).
 *
 * The esbuild options, stubs included, are in scripts/bundle-options.mjs.
 *
 * Then the command line: `dist-cli/` (scripts/build-cli.mjs), kept out of `dist/`, which is the
 * function's code folder.
 *
 * Usage: `node scripts/build.mjs` (or `npm run build`). Prints the bundle sizes.
 */
import { copyFileSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { buildCli } from './build-cli.mjs';
import {
  buildFunctionFolder,
  FUNCTION_CHUNKS,
  SOURCE_CHUNKS,
  stubbedModules,
} from './bundle-options.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const metaFile = join(root, 'bench', 'out', 'meta.json');

/** Modules replaced by a throwing stub: provably unused by our code paths. */
export const STUBBED_MODULES = stubbedModules(root);

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

const result = await buildFunctionFolder(build, root, dist);

// The zip filter (see .fcignore): read from the code folder or the project folder, whichever the
// fc3 component uses; it keeps only the files above.
copyFileSync(join(root, '.fcignore'), join(dist, '.fcignore'));
mkdirSync(dirname(metaFile), { recursive: true });
writeFileSync(metaFile, JSON.stringify(result.metafile));

const size = statSync(join(dist, 'index.js')).size;
const chunks = [...Object.values(FUNCTION_CHUNKS), ...Object.values(SOURCE_CHUNKS)]
  .map((file) => `${file} ${(statSync(join(dist, file)).size / 1024).toFixed(1)} KiB`)
  .join(', ');
console.log(
  `dist/index.js ${(size / 1024).toFixed(1)} KiB, loaded when needed: ${chunks} (metafile: bench/out/meta.json)`,
);
await buildCli();
