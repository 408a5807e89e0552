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
import { isAbsolute, join, relative } from 'node:path';

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
 * Parts of our own code kept out of `index.js` and shipped as chunk files beside it, each loaded
 * by the dynamic `import()` of its entry module (through shared/core/load-chunk.ts `loadChunk`)
 * at the first need, so that a cold start without that need never reads or compiles it:
 * - `shared/pipeline/process-platform-request.ts` → `platforms.js`: the SAE/EDAS pipeline
 *   (targeting, policy, executor of the platform seam) with the SAE and EDAS clients and
 *   platforms and the ROA client base; loaded by shared/pipeline/platform-pipeline.ts at the
 *   first SAE/EDAS request (a sweep with `PLATFORMS` listing sae or edas, an SAE/EDAS event or
 *   alarm, an operator's request naming one);
 * - `shared/notify/deliver.ts` → `notify-targets.js`: the notification messages, the target
 *   formats and signatures (shared/notify/targets/) and the post; loaded by
 *   shared/notify/notifier.ts at the first message (a notification target configured).
 *
 * A chunk holds only the modules `index.js` does not: every module it shares with `index.js`
 * (shared/core/errors.ts, the redactor, backoff, pacer, retry, pop-core...) is taken from
 * `index.js` at run time ({@link hostModules}: one copy of each module, so a class thrown in a
 * chunk is the class `index.js` tests with `instanceof`, and module state is not doubled).
 * {@link buildFunctionFolder} fails the build when a module would be in both, or in two chunks.
 */
export const SOURCE_CHUNKS = {
  'shared/pipeline/process-platform-request.ts': 'platforms.js',
  'shared/notify/deliver.ts': 'notify-targets.js',
};

/** The export of `index.js` holding the modules its chunks take from it (internal). */
export const CHUNK_HOST_EXPORT = '__chunkHost';

/** The function's entry module, relative to the root. */
const ENTRY = 'functions/abort-stuck-changes/index.ts';
/** The module the entry imports at initialize (the pipeline), relative to the root. */
const COLD_START = 'functions/abort-stuck-changes/cold-start.ts';

/** A metafile input path or an absolute path → the path relative to the root, `/`-separated. */
function rel(root, path) {
  return (isAbsolute(path) ? relative(root, path) : path).split('\\').join('/');
}

/**
 * esbuild plugin of the function bundle: a dynamic `import()` of a {@link SOURCE_CHUNKS} entry
 * becomes a `require('./<chunk>.js')` run when the import is (its promise rejects with what
 * `require` threw; a failed load is tried again by the next import). `require`, not node's
 * `import()`: the first `import()` of a process starts node's ES-module loader, ~26 ms of CPU
 * before a 53 KiB chunk (3 ms by `require`). A static import of an entry is left alone (it
 * bundles the module, and the build then fails: the module would be in index.js and in its
 * chunk).
 * @param {string} root the repository root
 */
export function sourceChunksExternal(root) {
  const names = Object.keys(SOURCE_CHUNKS)
    .map((f) => f.split('/').pop().replace(/\.ts$/, '').replace(/[.-]/g, '\\$&'))
    .join('|');
  const files = Object.values(SOURCE_CHUNKS)
    .map((f) => f.replace(/[.-]/g, '\\$&'))
    .join('|');
  return {
    name: 'source-chunks-external',
    setup(build) {
      build.onResolve({ filter: new RegExp(`(^|/)(${names})\\.js$`) }, (args) => {
        if (args.kind !== 'dynamic-import') return undefined;
        const file = rel(root, join(args.resolveDir, args.path.replace(/\.js$/, '.ts')));
        const chunk = SOURCE_CHUNKS[file];
        return chunk ? { path: chunk, namespace: 'source-chunk' } : undefined;
      });
      build.onLoad({ filter: /.*/, namespace: 'source-chunk' }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(`./${args.path}`)});`,
        loader: 'js',
      }));
      build.onResolve({ filter: new RegExp(`^\\./(${files})$`) }, (args) =>
        args.namespace === 'source-chunk' ? { path: args.path, external: true } : undefined,
      );
    },
  };
}

/**
 * esbuild plugin of the function bundle: `index.js` exports {@link CHUNK_HOST_EXPORT}, an
 * object mapping each module its chunks take from it (relative path) to that module: its
 * namespace (ES module) or its `module.exports` (CommonJS, as a `require` of it gives). The
 * object is made when the pipeline is loaded (functions/abort-stuck-changes/cold-start.ts, the
 * module `index.js` imports at initialize), not when `index.js` is required, so requiring
 * `index.js` evaluates no more than before; until then the export is `undefined` (a chunk is
 * only ever loaded by the pipeline, after that).
 * @param {string} root the repository root
 * @param {{ path: string, format?: string }[]} modules the modules the chunks take (may be empty)
 */
export function chunkHostExport(root, modules) {
  const append = (file, line) => (args) => {
    if (rel(root, args.path) !== file) return undefined;
    return { contents: `${readFileSync(args.path, 'utf8')}\n${line}\n`, loader: 'ts' };
  };
  return {
    name: 'chunk-host-export',
    setup(build) {
      build.onLoad(
        { filter: /[\\/]functions[\\/]abort-stuck-changes[\\/]index\.ts$/ },
        append(ENTRY, `export { chunkHost as ${CHUNK_HOST_EXPORT} } from 'chunk-host:slot';`),
      );
      build.onLoad(
        { filter: /[\\/]functions[\\/]abort-stuck-changes[\\/]cold-start\.ts$/ },
        append(COLD_START, "import 'chunk-host:modules';"),
      );
      build.onResolve({ filter: /^chunk-host:(slot|modules)$/ }, (args) => ({
        path: args.path.slice('chunk-host:'.length),
        namespace: 'chunk-host',
      }));
      build.onLoad({ filter: /^slot$/, namespace: 'chunk-host' }, () => ({
        contents:
          'export let chunkHost;\nexport function setChunkHost(value) { chunkHost = value; }',
        loader: 'js',
      }));
      build.onLoad({ filter: /^modules$/, namespace: 'chunk-host' }, () => {
        const lines = ["import { setChunkHost } from 'chunk-host:slot';"];
        const entries = [];
        modules.forEach((m, i) => {
          const abs = JSON.stringify(join(root, m.path));
          if (m.format === 'cjs') lines.push(`const m${i} = require(${abs});`);
          else lines.push(`import * as m${i} from ${abs};`);
          entries.push(`${JSON.stringify(m.path)}: m${i}`);
        });
        lines.push(`setChunkHost(Object.freeze({ ${entries.join(', ')} }));`);
        return { contents: lines.join('\n'), loader: 'js', resolveDir: root };
      });
    },
  };
}

/**
 * esbuild plugin of a chunk build: an import that resolves to one of `host` (the files in
 * `index.js`) becomes `require('./index.js')[CHUNK_HOST_EXPORT][path]`, read from node's module
 * cache: the chunk binds only to the `index.js` already loaded beside it, never loads a second
 * copy (it throws instead; the import rejects and `loadChunk` says so).
 * @param {string} root the repository root
 * @param {Set<string>} host relative paths of the files in `index.js`
 */
export function hostModules(root, host) {
  return {
    name: 'host-modules',
    setup(build) {
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData?.hostProbe || args.namespace !== 'file') return undefined;
        if (args.kind === 'entry-point') return undefined;
        const found = await build.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: { hostProbe: true },
        });
        if (found.errors.length > 0 || found.external || found.namespace !== 'file') {
          return undefined;
        }
        const path = rel(root, found.path);
        return host.has(path) ? { path, namespace: 'host-module' } : undefined;
      });
      build.onResolve({ filter: /^chunk-host:index$/ }, () => ({
        path: 'index',
        namespace: 'chunk-host-index',
      }));
      build.onLoad({ filter: /.*/, namespace: 'host-module' }, (args) => ({
        contents: `module.exports = require('chunk-host:index')[${JSON.stringify(args.path)}];`,
        loader: 'js',
        resolveDir: root,
      }));
      build.onLoad({ filter: /.*/, namespace: 'chunk-host-index' }, () => ({
        contents: [
          "const file = require('node:path').join(__dirname, 'index.js');",
          'const host = require.cache[file];',
          `const modules = host && host.exports && host.exports.${CHUNK_HOST_EXPORT};`,
          'if (!modules) {',
          "  throw new Error(require('node:path').basename(__filename) + ' is loaded only by the index.js beside it, once its pipeline is loaded, and ' + file + ' is not');",
          '}',
          'module.exports = modules;',
        ].join('\n'),
        loader: 'js',
        resolveDir: root,
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
 * no source map, with a metafile). Its {@link SOURCE_CHUNKS} stay out (external imports).
 * @param {string} root the repository root
 * @param {string} outfile where the bundle goes
 * @param {{ path: string, format?: string }[]} [shared] the modules the chunks take from it
 *   ({@link chunkHostExport}; default none: a bundle whose chunks cannot load, for sizes only)
 */
export function functionBundleOptions(root, outfile, shared = []) {
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
    plugins: [
      zodLocalesStub(root),
      middyLazyStreamWeb(root),
      functionChunksExternal(),
      sourceChunksExternal(root),
      chunkHostExport(root, shared),
    ],
    logLevel: 'warning',
  };
}

/**
 * esbuild options of one {@link SOURCE_CHUNKS} chunk: its entry module and what it imports that
 * `index.js` does not hold, CommonJS like `index.js`, the modules of `host` taken from `index.js`
 * ({@link hostModules}); yaml and @alicloud/log stay their own files as in `index.js`.
 * @param {string} root the repository root
 * @param {string} entry the chunk's entry module, relative to the root
 * @param {string} outfile where the chunk goes
 * @param {Set<string>} host relative paths of the files in `index.js`
 */
export function sourceChunkOptions(root, entry, outfile, host) {
  return {
    ...functionBundleOptions(root, outfile),
    entryPoints: [join(root, entry)],
    plugins: [
      zodLocalesStub(root),
      middyLazyStreamWeb(root),
      functionChunksExternal(),
      sourceChunksExternal(root),
      hostModules(root, host),
    ],
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
 * Builds the function's code folder into `dir`: `index.js`, its package chunks
 * (`FUNCTION_CHUNKS`), its source chunks (`SOURCE_CHUNKS`), `package.json`
 * (`{"type":"commonjs"}`) and `sls.proto` (read by @alicloud/log next to itself).
 *
 * Three steps: `index.js` without its source chunks (not written) gives the files it holds; each
 * source chunk is built with those files taken from `index.js` (written); `index.js` is built
 * again exporting the modules the chunks take (written). The build fails (an Error naming the
 * files) when a chunk would hold a file `index.js` holds, when two chunks would hold the same
 * file, or when exporting the shared modules changed which files `index.js` holds.
 * @param {typeof import('esbuild').build} build esbuild's `build`
 * @param {string} root the repository root
 * @param {string} dir the folder (created)
 * @returns {Promise<{ metafile: import('esbuild').Metafile, files: string[], chunks: Record<string, import('esbuild').Metafile> }>}
 *   the main file's metafile, the files written, and each source chunk's metafile by file name
 */
export async function buildFunctionFolder(build, root, dir) {
  mkdirSync(dir, { recursive: true });
  const realInputs = (metafile) =>
    Object.keys(metafile.inputs).filter((k) => !k.includes(':') || /^[A-Za-z]:[\\/]/.test(k));
  const first = await build({
    ...functionBundleOptions(root, join(dir, 'index.js')),
    write: false,
  });
  const hostFiles = realInputs(first.metafile).map((k) => rel(root, k));
  const host = new Set(hostFiles);
  const formats = new Map(
    Object.entries(first.metafile.inputs).map(([k, v]) => [rel(root, k), v.format]),
  );
  const chunks = {};
  const shared = new Set();
  const owner = new Map();
  for (const [entry, file] of Object.entries(SOURCE_CHUNKS)) {
    const result = await build(sourceChunkOptions(root, entry, join(dir, file), host));
    chunks[file] = result.metafile;
    for (const input of Object.keys(result.metafile.inputs)) {
      if (input.startsWith('host-module:')) {
        shared.add(input.slice('host-module:'.length));
        continue;
      }
      if (input.includes(':')) continue;
      const path = rel(root, input);
      if (host.has(path)) throw new Error(`${path} would be in index.js and in ${file}`);
      if (owner.has(path)) throw new Error(`${path} would be in ${owner.get(path)} and in ${file}`);
      owner.set(path, file);
    }
  }
  const modules = [...shared].sort().map((path) => ({ path, format: formats.get(path) }));
  const result = await build(functionBundleOptions(root, join(dir, 'index.js'), modules));
  const again = realInputs(result.metafile).map((k) => rel(root, k));
  const added = again.filter((p) => !host.has(p));
  if (added.length > 0) {
    throw new Error(`exporting the chunks' modules added files to index.js: ${added.join(', ')}`);
  }
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
    files: [
      'index.js',
      ...Object.values(FUNCTION_CHUNKS),
      ...Object.values(SOURCE_CHUNKS),
      'package.json',
      'sls.proto',
    ],
    chunks,
  };
}
