/** Types of scripts/bundle-options.mjs (the function bundle's esbuild options). */
import type { BuildOptions, Plugin } from 'esbuild';

/** Module name → throwing stub file (scripts/stubs/). */
export function stubbedModules(root: string): Record<string, string>;
/** esbuild plugin: zod's locale index → scripts/stubs/zod-locales.mjs (an empty namespace). */
export function zodLocalesStub(root: string): Plugin;
/** esbuild options of dist/index.js, writing to `outfile`. */
export function functionBundleOptions(
  root: string,
  outfile: string,
  shared?: { path: string; format?: string }[],
): BuildOptions & { metafile: true };
/** Source module (relative to the root) → the chunk file beside index.js holding it and what only it needs. */
export const SOURCE_CHUNKS: Record<string, string>;
/** The export of index.js holding the modules its source chunks take from it. */
export const CHUNK_HOST_EXPORT: string;
/** esbuild plugin: a dynamic import of a SOURCE_CHUNKS entry stays external as its chunk file. */
export function sourceChunksExternal(root: string): Plugin;
/** esbuild plugin: index.js exports the modules its chunks take from it. */
export function chunkHostExport(root: string, modules: { path: string; format?: string }[]): Plugin;
/** esbuild plugin of a chunk build: imports of index.js's files are taken from index.js. */
export function hostModules(root: string, host: Set<string>): Plugin;
/** esbuild options of one source chunk. */
export function sourceChunkOptions(
  root: string,
  entry: string,
  outfile: string,
  host: Set<string>,
): BuildOptions & { metafile: true };
/** Package → the file of its own beside index.js, required only when needed. */
export const FUNCTION_CHUNKS: Record<'yaml' | '@alicloud/log', string>;
/** esbuild plugin: `yaml` and `@alicloud/log` kept external as their chunk files. */
export function functionChunksExternal(): Plugin;
/** esbuild options of one chunk file. */
export function functionChunkOptions(
  root: string,
  pkg: 'yaml' | '@alicloud/log',
  outfile: string,
): BuildOptions & { metafile: true };
/** Builds the function's code folder (index.js, chunks, package.json, sls.proto) into `dir`. */
export function buildFunctionFolder(
  build: typeof import('esbuild').build,
  root: string,
  dir: string,
): Promise<{
  metafile: import('esbuild').Metafile;
  files: string[];
  chunks: Record<string, import('esbuild').Metafile>;
}>;
