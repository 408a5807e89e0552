/**
 * Errors the CLI turns into exit statuses (DESIGN.md, "The command line"):
 * `UsageError` → 2 (bad usage, unreadable file), `HandlerThrewError` → 3 (the handler threw: a bug).
 */
import { WebplusAbortError } from '../shared/core/errors.js';

/** Bad usage: an unknown option value, an invalid id, an unreadable or unparsable file. Exit 2. */
export class UsageError extends WebplusAbortError {
  override readonly name = 'UsageError';
  override readonly exitKind = 'usage';
}

/** The FC handler (or the pipeline under it) threw instead of answering. Exit 3. */
export class HandlerThrewError extends WebplusAbortError {
  override readonly name = 'HandlerThrewError';
  override readonly exitKind = 'bug';
  constructor(readonly original: unknown) {
    super(`the handler threw: ${original instanceof Error ? original.message : String(original)}`, {
      cause: original,
    });
  }
}
