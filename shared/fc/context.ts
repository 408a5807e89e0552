import type { Credentials } from '../core/credentials.js';

/**
 * The FC 3.0 invocation context, as the nodejs20 runtime passes it.
 * Source: Function Compute docs, "Node.js context" (see docs/reference/fc-triggers.md).
 * There is no `getRemainingTimeInMillis`: the deadline comes from `function.timeout` (seconds).
 */

export interface FcContext {
  requestId: string;
  credentials?: Credentials;
  function: { name: string; handler?: string; memory?: number; timeout: number };
  service?: { logProject?: string; logStore?: string; qualifier?: string; versionId?: string };
  region?: string;
  accountId?: string;
  logger?: unknown;
}
