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
