/**
 * Shapes of the SLS stand-in (a local PutLogs endpoint for tests, the demo and `--sls`).
 */

/** Keys the stand-in accepts. Default: `sandbox-ak` / `sandbox-secret`, no token. */
export interface SlsStandInCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  /** When given, requests must carry it in `x-acs-security-token`. */
  securityToken?: string;
}

/** One log as stored, decoded from the PutLogs LogGroup. */
export interface StoredLog {
  project: string;
  logstore: string;
  /** Log `Time`: epoch seconds. */
  time: number;
  /** Log `TimeNs`: nanoseconds within the second, when sent. */
  timeNs?: number;
  contents: Record<string, string>;
  topic?: string;
  source?: string;
  tags: Record<string, string>;
}

/** One request the stand-in received, rejected ones included. No secrets. */
export interface SlsJournalEntry {
  /** Arrival, ISO 8601 UTC. */
  time: string;
  method: string;
  path: string;
  /** First label of the Host header; null when the host is a bare IP or `localhost`. */
  project: string | null;
  logstore: string | null;
  /** HTTP status answered. */
  status: number;
  /** `OK`, or the `errorCode` answered (`HTML502` for the HTML reply). */
  code: string;
  /** `x-log-compresstype` (`lz4`, `deflate`), or `none`. */
  compressType: string;
  /** Logs in the decoded LogGroup (0 when it was not decoded). */
  logCount: number;
  accessKeyId: string | null;
  signatureValid: boolean;
  /** The management or query action served (`CreateIndex`, `GetLogs`...); absent for PutLogs. */
  action?: string;
}

/**
 * A failure to answer with, on demand.
 * - `unauthorized`: 401 `{errorCode: "Unauthorized"}`; `server-busy`: 503 `{errorCode: "ServerBusy"}`;
 * - `echo-authorization`: 401 `SignatureNotMatch` whose message quotes the request's
 *   `Authorization: LOG <keyid>:<signature>` header (red-team 12 F6);
 * - `html-502`: 502 with a `text/html` page (the SDK resolves it as if it were success);
 * - `html-200`: 200 with a `text/html` page and no `x-log-requestid` (a captive proxy or a
 *   misrouted endpoint: nothing is stored);
 * - `slow`: waits `delayMs` (default 5000) and then answers normally; the logs are stored on
 *   arrival, as a real service would store a write whose answer is late;
 * - `huge-reply`: stores the logs, then answers 200 with `x-log-requestid` and a body of
 *   `sizeBytes` (default 50 MiB) of JSON-looking text, streamed in 64 KiB chunks without a
 *   content-length (chunked), so only the bytes received can tell its size;
 * - `gzip-reply`: stores the logs, then answers 200 with `x-log-requestid`,
 *   `content-encoding: gzip` and a small gzip body that inflates to `sizeBytes` (default 50 MiB);
 * - `none`: back to normal.
 * `every`: `all` (default) fails every request until changed; `half` fails every other request,
 * starting with the next; a number N fails the next N requests.
 */
export interface SlsFailureMode {
  kind:
    | 'none'
    | 'unauthorized'
    | 'echo-token'
    | 'echo-message'
    | 'echo-authorization'
    | 'server-busy'
    | 'html-502'
    | 'html-200'
    | 'slow'
    | 'huge-reply'
    | 'gzip-reply';
  every?: 'all' | 'half' | number;
  delayMs?: number;
  /** `huge-reply` / `gzip-reply`: the body's (inflated) size, bytes. Default 50 MiB. */
  sizeBytes?: number;
  /** `echo-message`: the error message of the 401 answer (a test plants a disguised secret in it). */
  message?: string;
}

export interface SlsStandIn {
  /** `http://127.0.0.1:PORT`: usable as `SLS_ENDPOINT`. */
  url: string;
  port: number;
  close(): Promise<void>;
  /** Stored logs in arrival order, optionally of one project and logstore. */
  logs(project?: string, logstore?: string): StoredLog[];
  journal(): SlsJournalEntry[];
  setFailure(mode: SlsFailureMode): void;
  /** Copies of what a project holds: index per logstore, saved searches, dashboards, alerts by name. */
  resources(project: string): {
    indexes: Record<string, Record<string, unknown>>;
    savedsearches: Record<string, Record<string, unknown>>;
    dashboards: Record<string, Record<string, unknown>>;
    alerts: Record<string, Record<string, unknown>>;
  };
}

export interface SlsStandInOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  credentials?: SlsStandInCredentials[];
  /**
   * The project of requests sent to the bare address (`Host: 127.0.0.1:PORT`), as the
   * management client does for a loopback endpoint (shared/sls/admin-client.ts).
   * @default 'webplus-abort-demo' (`DEMO_SLS_PROJECT`, the project the CLI's `--sls` runs use)
   */
  defaultProject?: string;
}
