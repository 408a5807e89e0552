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
 *
 * zod's locale index (`zod/v4/locales/index.js`, about 265 KB of the 447 KB zod put in the
 * bundle): imported only by `export * as locales` in zod/v4/classic/external.js and
 * zod/v4/core/index.js (and zod/v4/mini/external.js), i.e. `z.locales` / `z.core.locales`,
 * which our code never uses. zod's English messages come from a direct import of
 * `../locales/en.js` in zod/v4/classic/schemas.js (zod 4.6.7), which stays; so every error
 * message is unchanged (test/deploy/bundle-stubs.test.ts compares them with the source's).
 */
import { join } from 'node:path';

/**
 * @param {string} root the repository root
 * @returns {Record<string, string>} module name → throwing stub file
 */
export function stubbedModules(root) {
  return {
    xml2js: join(root, 'scripts', 'stubs', 'xml2js.cjs'),
    'json-bigint': join(root, 'scripts', 'stubs', 'json-bigint.cjs'),
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
    plugins: [zodLocalesStub(root)],
    logLevel: 'warning',
  };
}
