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
): BuildOptions & { metafile: true };
