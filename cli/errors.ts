/**
 * Errors the CLI turns into exit statuses (DESIGN.md, "The command line"):
 * `UsageError` → 2 (bad usage, unreadable file), `HandlerThrewError` → 3 (the handler threw: a bug).
 */

/** Bad usage: an unknown option value, an invalid id, an unreadable or unparsable file. Exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The FC handler (or the pipeline under it) threw instead of answering. Exit 3. */
export class HandlerThrewError extends Error {
  override readonly name = 'HandlerThrewError';
  constructor(readonly original: unknown) {
    super(`the handler threw: ${original instanceof Error ? original.message : String(original)}`);
  }
}
