import { ChunkLoadError } from './errors.js';

/**
 * Loads a module on first need: `load` is `() => import('./module.js')`. From the sources (tests,
 * the CLI) it is a plain dynamic import; in the function bundle scripts/build.mjs turns that
 * import into a `require` of the chunk file beside `index.js` that holds the module (scripts/bundle-options.mjs
 * `SOURCE_CHUNKS`), which takes every module it shares with `index.js` from `index.js` (one copy
 * of each class, so `instanceof` holds across the two). A cold start that never calls this never
 * reads the chunk. A failed load is not remembered: the next call tries again.
 * @param part what is loaded, for the error (`the SAE/EDAS code (platforms.js)`)
 * @param load the dynamic import
 * @returns the module's namespace
 * @throws ChunkLoadError when the import fails (the chunk file missing, unreadable, or bound to
 *   another copy of `index.js`), with the loader's error as `cause`
 */
export async function loadChunk<T>(part: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    throw new ChunkLoadError(part, error);
  }
}
