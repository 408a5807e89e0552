/**
 * The base class of every error this project throws on purpose (`shared/`, `functions/`, `cli/`;
 * the sandbox, an independent emulator, has its own). Subclasses set `name` to their class name
 * and pass the underlying error as `cause` (ES2022 `ErrorOptions`), so a chain is never lost.
 *
 * `exitKind` is what the command line makes of an error that ends a command
 * (docs/reference/cli.md): `usage` → exit 2 (bad usage, unreadable file, invalid configuration or
 * policy), `failed` → exit 1 (the work could not be done), `bug` → exit 3 (the handler threw).
 * Anything thrown that is not a `WebplusAbortError` is a bug (exit 3).
 *
 * @example
 * class PolicyError extends WebplusAbortError {
 *   override readonly name = 'PolicyError';
 *   override readonly exitKind = 'usage';
 * }
 */
export class WebplusAbortError extends Error {
  override readonly name: string = 'WebplusAbortError';
  readonly exitKind: 'usage' | 'failed' | 'bug' = 'failed';
}

/**
 * A part of the function loaded on first need could not be loaded: in the deployed code folder
 * a chunk file beside `index.js` (`platforms.js`, `notify-targets.js`; scripts/bundle-options.mjs
 * `SOURCE_CHUNKS`) is missing, unreadable or bound to another copy of `index.js`. The caller
 * turns it into a `failed` record (SAE/EDAS) or a `notify_failed` one (notifications): nothing
 * is called, nothing is lost. `part` names what could not be loaded; `cause` is the loader's
 * error.
 */
export class ChunkLoadError extends WebplusAbortError {
  override readonly name = 'ChunkLoadError';
  constructor(
    /** What could not be loaded, e.g. `the SAE/EDAS code (platforms.js)`. */
    readonly part: string,
    cause: unknown,
  ) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(`${part} could not be loaded: ${why.split('\n')[0]}`, { cause });
  }
}
