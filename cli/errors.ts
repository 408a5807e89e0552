/**
 * Errors the CLI turns into exit statuses (docs/reference/cli.md): `UsageError` → 2 and the
 * command's usage line (bad options or arguments); `InputFileError`, `PortInUseError` → 2 with
 * a one-line message; `HandlerThrewError` → 3 (the handler threw: a bug).
 */
import { WebplusAbortError } from '#shared/core/errors.js';

/** Bad usage: an unknown option value, an invalid id, options that do not go together. Exit 2. */
export class UsageError extends WebplusAbortError {
  override readonly name = 'UsageError';
  override readonly exitKind = 'usage';
}

/** A file named on the command line cannot be read or is not what it must be (JSON). Exit 2. */
export class InputFileError extends WebplusAbortError {
  override readonly name = 'InputFileError';
  override readonly exitKind = 'usage';
}

/** The port to listen on is taken (or needs privileges). Exit 2. */
export class PortInUseError extends WebplusAbortError {
  override readonly name = 'PortInUseError';
  override readonly exitKind = 'usage';
}

/**
 * A sandbox run (`--scenario`) whose configuration would send a platform's calls anywhere but a
 * loopback emulator: refused before any call is made. Exit 2.
 */
export class SandboxEscapeError extends WebplusAbortError {
  override readonly name = 'SandboxEscapeError';
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

/** `invoke --remote` got no HTTP answer (refused, DNS, TLS, timeout): one line, exit 1. */
export class RemoteInvokeError extends WebplusAbortError {
  override readonly name = 'RemoteInvokeError';
  override readonly exitKind = 'failed';
}
