import { UsageError } from '../errors.js';

/** Options of `invoke --remote --function NAME [--async]`. */
export interface InvokeRemoteOptions {
  /** The event file's bytes, sent as the invocation payload. */
  event: Buffer;
  /** The deployed function's name. */
  functionName: string;
  /** Asynchronous invocation (FC answers 202 and runs it later). */
  async?: boolean;
  /** Fields from `--context` (unused remotely; FC builds the context). */
  context?: Record<string, unknown>;
}

/**
 * Sends the event to a deployed function through the FC API (hook for `invoke --remote`).
 * Must print exactly one JSON document on stdout (the function's answer) and return the exit
 * status (0, 1 failed / timeout / HTTP status >= 400, 3 the function errored).
 * @throws UsageError until implemented.
 */
export async function invokeRemote(_options: InvokeRemoteOptions): Promise<number> {
  throw new UsageError('invoke --remote is not yet available');
}
