/**
 * The esbuild options of the function bundle (`dist/index.js`), shared by scripts/build.mjs, the
 * benchmark's metafile build (bench/run.ts) and the bundle test (test/deploy/bundle-stubs.test.ts),
 * so all three build the same thing.
 *
 * Stubbed modules (see scripts/stubs/): `xml2js`, required by pop-core's lib/roa.js for XML
 * replies, which our client never reaches (it always passes `rawBody` and parses replies itself).
 * `json-bigint` (pulling in bignumber.js), used by pop-core only to parse JSON replies, after the
 * same `rawBody` early return (ROAClient) or in RPCClient, which we never construct.
 * A stub throws if it is ever called.
 * `debug` (two copies, pop-core's and httpx's, about 16 KiB): every logger disabled and silent,
 * so that `DEBUG=httpx:*` on an instance never prints signed headers, STS tokens or reply
 * bodies past our redactor (scripts/stubs/debug.cjs).
 *
 * zod's locale index (`zod/v4/locales/index.js`, about 265 KB of the 447 KB zod put in the
 * bundle): imported only by `export * as locales` in zod/v4/classic/external.js and
 * zod/v4/core/index.js (and zod/v4/mini/external.js), i.e. `z.locales` / `z.core.locales`,
 * which our code never uses. zod's English messages come from a direct import of
 * `../locales/en.js` in zod/v4/classic/schemas.js (zod 4.6.7), which stays; so every error
 * message is unchanged (test/deploy/bundle-stubs.test.ts compares them with the source's).
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Packages kept out of `index.js` and shipped as files of their own beside it in the code
 * folder, each loaded by a `require` that runs only when it is needed, so that a cold start
 * that does not need them never reads or parses their bytes:
 * - `yaml` → `yaml.js`: required by shared/policy/policy-text.ts only for a policy that is not
 *   plain JSON (a JSON policy is read with `JSON.parse`);
 * - `@alicloud/log` (with protobufjs and lz4js) → `sls-sdk.js`: required by
 *   shared/outcome-log/sls-sdk.ts at the first write to SLS (`LOG_STORE=sls`). It reads
 *   `sls.proto` from its own folder (`__dirname`), so it lives in `dist/` next to it.
 * The deployed folder is still one folder (`.fcignore` lists these files).
 */
export const FUNCTION_CHUNKS = { yaml: 'yaml.js', '@alicloud/log': 'sls-sdk.js' };

/**
 * esbuild plugin: `require('yaml')` and `require('@alicloud/log')` in the function bundle stay
 * `require('./yaml.js')` / `require('./sls-sdk.js')` (external), resolved next to `index.js`.
 */
export function functionChunksExternal() {
  return {
    name: 'function-chunks-external',
    setup(build) {
      build.onResolve({ filter: /^(yaml|@alicloud\/log)$/ }, (args) => ({
        path: `./${FUNCTION_CHUNKS[args.path]}`,
        external: true,
      }));
    },
  };
}

/**
 * @param {string} root the repository root
 * @returns {Record<string, string>} module name → throwing stub file
 */
export function stubbedModules(root) {
  return {
    xml2js: join(root, 'scripts', 'stubs', 'xml2js.cjs'),
    'json-bigint': join(root, 'scripts', 'stubs', 'json-bigint.cjs'),
    debug: join(root, 'scripts', 'stubs', 'debug.cjs'),
  };
}

/**
 * esbuild plugin: resolves zod's `../locales/index.js` (imported from zod/v4/classic, core, mini)
 * to scripts/stubs/zod-locales.mjs, an empty namespace.
 * @param {string} root the repository root
 */
export function zodLocalesStub(root) {
  return {
    name: 'zod-locales-stub',
    setup(build) {
      build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
        /[\\/]node_modules[\\/]zod[\\/]v4[\\/](classic|core|mini)$/.test(args.resolveDir)
          ? { path: join(root, 'scripts', 'stubs', 'zod-locales.mjs') }
          : undefined,
      );
    },
  };
}

/**
 * esbuild plugin: `node:stream/web` as @middy/core 6.4.5 imports it (`index.js` line 4) resolves
 * to scripts/stubs/middy-stream-web.cjs, whose `ReadableStream` loads `node:stream/web` when it
 * is first read. middy reads it only in its AWS response-streaming path (`streamifyResponse`,
 * which the function never turns on), so a cold start no longer loads node's web streams (8
 * built-in modules, ~1 ms of initialize, issue 16); any other importer gets the real module.
 * @param {string} root the repository root
 */
export function middyLazyStreamWeb(root) {
  return {
    name: 'middy-lazy-stream-web',
    setup(build) {
      build.onResolve({ filter: /^node:stream\/web$/ }, (args) =>
        /[\\/]node_modules[\\/]@middy[\\/]core[\\/]/.test(args.importer)
          ? { path: join(root, 'scripts', 'stubs', 'middy-stream-web.cjs') }
          : undefined,
      );
    },
  };
}

/**
 * esbuild options for the function bundle (platform node, target node20, CommonJS, minified,
 * no source map, with a metafile).
 * @param {string} root the repository root
 * @param {string} outfile where the bundle goes
 */
export function functionBundleOptions(root, outfile) {
  return {
    absWorkingDir: root,
    entryPoints: [join(root, 'functions', 'abort-stuck-changes', 'index.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    sourcemap: false,
    metafile: true,
    legalComments: 'none',
    alias: stubbedModules(root),
    plugins: [zodLocalesStub(root), middyLazyStreamWeb(root), functionChunksExternal()],
    logLevel: 'warning',
  };
}

/**
 * The `yaml.js` chunk: only `parse` (the one function shared/policy/policy-text.ts calls), taken
 * from yaml's own ES-module build (`node_modules/yaml/browser/dist/`, the same sources as its
 * CommonJS `dist/`, yaml 2.9.1), so that esbuild leaves out what `parse` never reaches
 * (stringify, the visitors, `Document` creation from values) and the chunk is one scope instead
 * of ~70 CommonJS module wrappers: loading it costs about half (8.5 → 4.2 ms CPU, issue 16,
 * bench/RESULTS.md "Issue 16, session 24 (b16i)"). Where that build differs from the
 * CommonJS one: its `log.js` warns with `console.warn` and `!!binary` is read with `atob` (both made as in the
 * CommonJS build by {@link yamlAsInNode}), and yaml's own debugging variables `LOG_TOKENS` /
 * `LOG_STREAM` are not read.
 */
const YAML_CHUNK = "export { parse } from './node_modules/yaml/browser/dist/index.js';";

/** In yaml 2.9.1's ES-module `schema/yaml-1.1/binary.js`: where its CommonJS twin reads base64 with `Buffer`. */
const YAML_BINARY_ANCHOR = "        if (typeof atob === 'function') {";

/**
 * esbuild plugin: where yaml's ES-module build differs from its CommonJS build under Node, the
 * chunk does what the CommonJS build does: `log.js` is scripts/stubs/yaml-log.mjs (warnings to
 * `process.emitWarning`, yaml 2.9.1 `dist/log.js`), and `!!binary` is read with
 * `Buffer.from(src, 'base64')` first, as `dist/schema/yaml-1.1/binary.js` does (a `Buffer`,
 * not a `Uint8Array` from `atob`). The build fails if that code is not where it was.
 * @param {string} root the repository root
 */
export function yamlAsInNode(root) {
  return {
    name: 'yaml-as-in-node',
    setup(build) {
      build.onLoad(
        { filter: /[\\/]node_modules[\\/]yaml[\\/]browser[\\/]dist[\\/]log\.js$/ },
        () => ({
          contents: readFileSync(join(root, 'scripts', 'stubs', 'yaml-log.mjs'), 'utf8'),
          loader: 'js',
        }),
      );
      build.onLoad(
        {
          filter:
            /[\\/]node_modules[\\/]yaml[\\/]browser[\\/]dist[\\/]schema[\\/]yaml-1\.1[\\/]binary\.js$/,
        },
        (args) => {
          const text = readFileSync(args.path, 'utf8');
          if (!text.includes(YAML_BINARY_ANCHOR)) {
            throw new Error(
              `${args.path}: the base64 reading changed; check scripts/bundle-options.mjs yamlAsInNode`,
            );
          }
          const node =
            "        if (typeof Buffer === 'function') {\n            return Buffer.from(src, 'base64');\n        }\n        else if (typeof atob === 'function') {";
          return { contents: text.replace(YAML_BINARY_ANCHOR, node), loader: 'js' };
        },
      );
    },
  };
}

/**
 * esbuild options of one chunk file (`FUNCTION_CHUNKS`): the package bundled alone, CommonJS,
 * `module.exports` being the package's own.
 * @param {string} root the repository root
 * @param {string} pkg `yaml` or `@alicloud/log`
 * @param {string} outfile where the chunk goes
 */
export function functionChunkOptions(root, pkg, outfile) {
  return {
    absWorkingDir: root,
    stdin: {
      contents: pkg === 'yaml' ? YAML_CHUNK : `module.exports = require(${JSON.stringify(pkg)});`,
      resolveDir: root,
      loader: 'js',
      sourcefile: `chunk-${FUNCTION_CHUNKS[pkg]}`,
    },
    ...(pkg === 'yaml' ? { plugins: [yamlAsInNode(root)] } : {}),
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    sourcemap: false,
    metafile: true,
    legalComments: 'none',
    alias: stubbedModules(root),
    logLevel: 'warning',
  };
}

/**
 * Builds the function's code folder into `dir`: `index.js`, its chunks (`FUNCTION_CHUNKS`),
 * `package.json` (`{"type":"commonjs"}`) and `sls.proto` (read by @alicloud/log next to itself).
 * @param {typeof import('esbuild').build} build esbuild's `build`
 * @param {string} root the repository root
 * @param {string} dir the folder (created)
 * @returns {Promise<{ metafile: import('esbuild').Metafile, files: string[] }>} the main file's
 *   metafile and the files written
 */
export async function buildFunctionFolder(build, root, dir) {
  mkdirSync(dir, { recursive: true });
  const result = await build(functionBundleOptions(root, join(dir, 'index.js')));
  for (const [pkg, file] of Object.entries(FUNCTION_CHUNKS)) {
    await build(functionChunkOptions(root, pkg, join(dir, file)));
  }
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ type: 'commonjs' })}\n`);
  copyFileSync(
    join(root, 'node_modules', '@alicloud', 'log', 'lib', 'sls.proto'),
    join(dir, 'sls.proto'),
  );
  return {
    metafile: result.metafile,
    files: ['index.js', ...Object.values(FUNCTION_CHUNKS), 'package.json', 'sls.proto'],
  };
}
