/**
 * The Web+ sandbox: a loopback HTTP emulator of the Web+ API (ROA, version 2019-03-20) serving
 * AbortChange, DescribeChange, DescribeChanges, DescribeAppEnvs, DescribeAppEnvStatus and
 * DescribeApplications from a scenario, with real signature checks, scripted and random faults,
 * throttling, latency and a request journal. Contracts: docs/reference/scenario.md and
 * docs/reference/record.md, "Time"; Web+ facts: docs/reference/webplus-api.md.
 *
 * Order of handling one request: retired (scenario `retired: true` → 404 InvalidApi.NotFound) →
 * route (unknown → 404 InvalidAction.NotFound) → authentication (auth.ts) → strict mode
 * (scenario `strict: true`: documented-required parameters and the region, strict.ts) → throttling (maxInFlight, qpsLimit → 400 Throttling.User) → scripted fault, else
 * random fault → the action. Every answer waits `latencyMs` (plus a fault's `delayMs`); state
 * changes happen when the request arrives.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { WebplusAccount } from './account.js';
import { type ActionRequest, requestTarget, runAction } from './actions.js';
import { authenticate } from './auth.js';
import { WebplusApiError } from './errors.js';
import { FaultPlan, type Reply } from './faults.js';
import { type JournalEntry, writeJournalFile } from './journal.js';
import type { WebplusAppEnv, WebplusChange } from './model.js';
import { NonceCache } from './nonce-cache.js';
import { RandomFaultSource } from './random-faults.js';
import { matchRoute } from './routes.js';
import {
  parseScenario,
  parseSettings,
  type SandboxSettings,
  type Scenario,
  type ScenarioCredential,
} from './scenario.js';
import { strictRefusal } from './strict.js';
import { TokenBucket } from './token-bucket.js';

/** HostId put in error bodies. */
export const SANDBOX_HOST_ID = 'webplus-sandbox.local';
/** Largest request body accepted, bytes (larger: 413 RequestEntityTooLarge). */
export const MAX_BODY_BYTES = 1024 * 1024;

export interface WebplusSandboxOptions {
  /** TCP port; default 0 (an ephemeral port) */
  port?: number;
  /** interface to listen on; default 127.0.0.1 */
  host?: string;
}

export interface WebplusSandbox {
  /** `http://127.0.0.1:PORT` (no trailing slash): the endpoint for ROAClient */
  readonly url: string;
  readonly port: number;
  /** epoch ms (the sandbox's clock) the sandbox started or was last re-seeded; relative scenario times count back from it */
  readonly startedAt: number;
  /** The sandbox's clock now: the real clock plus the scenario's `clockSkewMs`, epoch ms. */
  now(): number;
  /** Stop listening and drop every connection (keep-alive ones included). */
  close(): Promise<void>;
  /**
   * Marks every kept-alive connection idle right now as dropped, as a server or a NAT does to a
   * connection left idle while the function's instance was frozen: the next request on it is
   * answered with a TCP reset (journal code `SocketReset`, fault `idle-reset`, never acted on).
   * @returns how many connections were marked
   */
  dropIdleConnections(): number;
  /** Copy of the journal so far, in arrival order. */
  journal(): JournalEntry[];
  /** Write the journal as JSON lines to `path` (parent folders created). */
  writeJournal(path: string): Promise<void>;
  /** The change as DescribeChange would show it now (foreign ones too), or undefined. */
  change(changeId: string): WebplusChange | undefined;
  /** The env as a DescribeAppEnvs item now, or undefined. */
  appEnv(envId: string): WebplusAppEnv | undefined;
  /** AbortChange requests received (any outcome): all, or those naming `changeId`. */
  abortCalls(changeId?: string): number;
  /**
   * Replace run-time settings (validated like the scenario; absent keys unchanged). New `faults`
   * restart their cursors; new `qpsLimit` refills the bucket; new `randomFaults` reseed
   * (null turns them off).
   * @throws ScenarioError on an invalid value
   */
  update(partial: SandboxSettings): void;
  /**
   * Replace the whole scenario, as if the sandbox had just started with it (same port): a new
   * account, clock skew and settings, an empty journal and abort counts. For tests that run many
   * small worlds through one server.
   * @throws ScenarioError for an invalid scenario (the old one stays)
   */
  reseed(scenario: unknown): void;
}

interface Settings {
  latencyMs: number;
  maxInFlight: number | null;
  bucket: TokenBucket | null;
  plan: FaultPlan;
  random: RandomFaultSource | null;
  strict: boolean;
  retired: boolean;
}

function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Journal label of a scripted reply: error, raw, delay, ok, reset or reset-applied. */
function replyLabel(reply: Reply): string {
  if (reply.kind === 'normal') return reply.delayMs > 0 ? 'delay' : 'ok';
  if (reply.kind === 'reset') return reply.applied ? 'reset-applied' : 'reset';
  return reply.kind;
}

function queryObject(raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(raw)) out[k] = v;
  return out;
}

/**
 * Start the Web+ sandbox on loopback: an HTTP server that answers the six Web+ actions from the
 * scenario, verifies the ROA signature of every request, and journals each one. Relative scenario
 * times (`startedMinutesAgo`, `idleMinutes`, in minutes) count back from the moment it starts;
 * state moves on in real time (an accepted abort completes `abortStepSeconds` later).
 * Format and behaviour: docs/reference/scenario.md; Web+ facts: docs/reference/webplus-api.md.
 * @param scenario a scenario, parsed or as plain JSON (it is validated with `parseScenario`:
 *   unknown keys refused, every mistake named by its field path).
 * @param opts `port`: TCP port, @default 0 (an ephemeral port: what tests use); `host`: interface
 *   to listen on, @default `127.0.0.1`.
 * @returns the running sandbox: `url` (`http://127.0.0.1:PORT`, no trailing slash: the
 *   `WEBPLUS_ENDPOINT` / ROAClient endpoint), `port`, `startedAt` (epoch ms), `journal()`,
 *   `writeJournal(path)`, `change(id)`, `appEnv(id)`, `abortCalls(id?)`, `update(settings)` and
 *   `close()` (stops listening and drops every connection, keep-alive ones included).
 * @throws ScenarioError for an invalid scenario; the listen error (e.g. EADDRINUSE) otherwise.
 * @example
 * ```ts
 * import { startWebplusSandbox } from './sandbox/webplus/index.js';
 * const sandbox = await startWebplusSandbox({
 *   apps: [{ AppId: 'wa-5d39b7a06786bd4b14930001', AppName: 'shop' }],
 *   envs: [{ EnvId: 'we-5d39b8ba6786bd4b14950001', AppId: 'wa-5d39b7a06786bd4b14930001', EnvName: 'shop-prod' }],
 *   changes: [{ ChangeId: 'wc-5d3a963d5802611c4ddc0001', EnvId: 'we-5d39b8ba6786bd4b14950001', startedMinutesAgo: 95, idleMinutes: 90 }],
 * });
 * try {
 *   // point the function at it: WEBPLUS_ENDPOINT=sandbox.url, keys sandbox-ak / sandbox-secret
 *   // ... run a sweep ...
 *   console.log(sandbox.abortCalls('wc-5d3a963d5802611c4ddc0001')); // 1
 * } finally {
 *   await sandbox.close();
 * }
 * ```
 */
export async function startWebplusSandbox(
  scenario: unknown,
  opts: WebplusSandboxOptions = {},
): Promise<WebplusSandbox> {
  let parsed: Scenario = parseScenario(scenario);
  /** The sandbox's clock: real time plus the scenario's skew. */
  const clock = (): number => Date.now() + parsed.clockSkewMs;
  let startedAt = clock();
  let account = new WebplusAccount(parsed, startedAt);
  let credentials = new Map<string, ScenarioCredential>(
    parsed.credentials.map((c) => [c.accessKeyId, c]),
  );
  const nonces = new NonceCache();
  const settingsOf = (s: Scenario, at: number): Settings => ({
    latencyMs: s.latencyMs,
    maxInFlight: s.maxInFlight,
    bucket: s.qpsLimit === null ? null : new TokenBucket(s.qpsLimit, at),
    plan: new FaultPlan(s.faults),
    random: s.randomFaults ? new RandomFaultSource(s.randomFaults) : null,
    strict: s.strict,
    retired: s.retired,
  });
  let settings: Settings = settingsOf(parsed, startedAt);
  const journal: JournalEntry[] = [];
  const abortCounts = new Map<string, number>();
  let abortTotal = 0;
  let inFlight = 0;
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  const sleep = (ms: number): Promise<void> =>
    ms <= 0
      ? Promise.resolve()
      : new Promise((resolve) => {
          const t = setTimeout(() => {
            timers.delete(t);
            resolve();
          }, ms);
          timers.add(t);
        });

  const send = (
    res: ServerResponse,
    entry: JournalEntry,
    status: number,
    contentType: string,
    body: string,
    code: string,
    requestId: string,
  ) => {
    entry.status = status;
    entry.code = code;
    if (res.destroyed || res.writableEnded) return;
    // The Date header tells the client the server's clock (skewed by clockSkewMs), or is left out.
    res.sendDate = false;
    res.writeHead(status, {
      'content-type': contentType,
      'content-length': Buffer.byteLength(body),
      'x-acs-request-id': requestId,
      ...(parsed.dateHeader ? { date: new Date(clock()).toUTCString() } : {}),
    });
    res.end(body);
  };

  const sendError = (
    res: ServerResponse,
    entry: JournalEntry,
    status: number,
    code: string,
    message: string,
    requestId: string,
  ) =>
    send(
      res,
      entry,
      status,
      'application/json;charset=utf-8',
      JSON.stringify({
        Code: code,
        Message: message,
        RequestId: requestId,
        HostId: SANDBOX_HOST_ID,
      }),
      code,
      requestId,
    );

  const reset = (req: IncomingMessage, entry: JournalEntry) => {
    entry.status = 0;
    entry.code = 'SocketReset';
    const socket = req.socket as Socket & { resetAndDestroy?: () => Socket };
    if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
    else socket.destroy();
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const now = clock();
    const requestId = randomUUID().toUpperCase();
    const method = (req.method ?? 'GET').toUpperCase();
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const path = q === -1 ? rawUrl : rawUrl.slice(0, q);
    const query = queryObject(q === -1 ? '' : rawUrl.slice(q + 1));
    const action = matchRoute(method, path);
    const regionHeader = req.headers['x-acs-region-id'];
    const region = Array.isArray(regionHeader) ? regionHeader.join(',') : regionHeader;
    const entry: JournalEntry = {
      time: new Date(now).toISOString(),
      method,
      path,
      action,
      query,
      body: '',
      status: 0,
      code: 'NoAnswer',
      nonce: null,
      accessKeyId: null,
      signatureValid: false,
      regionId: region ?? null,
    };
    journal.push(entry);
    if (action === 'AbortChange') abortTotal += 1;

    const body = await readBody(req);
    if (body === null) {
      await sleep(settings.latencyMs);
      sendError(res, entry, 413, 'RequestEntityTooLarge', 'Request body too large.', requestId);
      return;
    }
    entry.body = body.toString('utf8');
    const contentType = String(req.headers['content-type'] ?? '');
    const form = contentType.startsWith('application/x-www-form-urlencoded')
      ? queryObject(entry.body)
      : {};
    const actionRequest: ActionRequest = {
      query,
      form,
      now,
      pageSizeMax: parsed.pageSizeMax,
      pageSizeEcho: parsed.pageSizeEcho,
      strict: settings.strict,
    };
    if (settings.strict && region !== undefined) actionRequest.regionId = region;
    const target = requestTarget(actionRequest, account);
    if (target.changeId !== undefined) entry.changeId = target.changeId;
    if (target.envId !== undefined) entry.envId = target.envId;
    if (action === 'AbortChange' && target.changeId !== undefined)
      abortCounts.set(target.changeId, (abortCounts.get(target.changeId) ?? 0) + 1);

    const auth = authenticate(
      { method, path, headers: req.headers, query, body },
      credentials,
      nonces,
      now,
      action !== null,
    );
    entry.nonce = auth.nonce;
    entry.accessKeyId = auth.accessKeyId;
    entry.signatureValid = auth.signatureValid;

    if (settings.retired) {
      await sleep(settings.latencyMs);
      sendError(
        res,
        entry,
        404,
        'InvalidApi.NotFound',
        'Specified api is not found, please check your url and method.',
        requestId,
      );
      return;
    }
    if (action === null) {
      await sleep(settings.latencyMs);
      sendError(
        res,
        entry,
        404,
        'InvalidAction.NotFound',
        `Specified api is not found: ${method} ${path}.`,
        requestId,
      );
      return;
    }
    if (auth.error) {
      await sleep(settings.latencyMs);
      sendError(res, entry, auth.error.status, auth.error.code, auth.error.message, requestId);
      return;
    }
    const refusal = settings.strict
      ? strictRefusal({ action, regionHeader: region, query, form, regions: account.regions() })
      : null;
    if (refusal) {
      entry.fault = 'strict';
      await sleep(settings.latencyMs);
      sendError(res, entry, refusal.status, refusal.code, refusal.message, requestId);
      return;
    }
    const throttled =
      settings.maxInFlight !== null && inFlight >= settings.maxInFlight
        ? 'throttle:in-flight'
        : settings.bucket !== null && !settings.bucket.take(now)
          ? 'throttle:qps'
          : null;
    if (throttled) {
      entry.fault = throttled;
      await sleep(settings.latencyMs);
      sendError(
        res,
        entry,
        400,
        'Throttling.User',
        'Request was denied due to user flow control.',
        requestId,
      );
      return;
    }

    inFlight += 1;
    let released = false;
    const release = () => {
      if (!released) {
        released = true;
        inFlight -= 1;
      }
    };
    res.once('close', release);
    try {
      const scripted = settings.plan.take(action, {
        ...target,
        ...(region !== undefined ? { regionId: region } : {}),
      });
      const reply: Reply = scripted ??
        settings.random?.draw(action) ?? { kind: 'normal', delayMs: 0 };
      if (scripted) {
        entry.fault = `scripted:${replyLabel(reply)}`;
      } else if (reply.kind !== 'normal') {
        entry.fault = `random:${reply.kind}`;
      }
      const wait = settings.latencyMs + reply.delayMs;
      switch (reply.kind) {
        case 'error':
          await sleep(wait);
          sendError(res, entry, reply.status, reply.code, reply.message, requestId);
          return;
        case 'raw':
          if (reply.applied) {
            try {
              runAction(action, actionRequest, account);
            } catch {
              // the raw reply answers either way
            }
          }
          await sleep(wait);
          send(res, entry, reply.status, reply.contentType, reply.body, 'RawReply', requestId);
          return;
        case 'reset':
          if (reply.applied) {
            try {
              runAction(action, actionRequest, account);
            } catch {
              // the answer is lost either way
            }
          }
          await sleep(wait);
          reset(req, entry);
          return;
        case 'normal': {
          let result: Record<string, unknown> | WebplusApiError;
          try {
            result = runAction(action, actionRequest, account);
          } catch (err) {
            if (!(err instanceof WebplusApiError)) throw err;
            result = err;
          }
          await sleep(wait);
          if (result instanceof WebplusApiError) {
            sendError(res, entry, result.status, result.code, result.message, requestId);
          } else {
            const payload: Record<string, unknown> = {
              ...result,
              Code: 'OK',
              Message: 'success',
              RequestId: requestId,
            };
            const envelope =
              action === 'DescribeChange' && target.changeId !== undefined
                ? parsed.changes.find((c) => c.ChangeId === target.changeId)?.envelope
                : undefined;
            for (const [k, v] of Object.entries(envelope ?? {})) {
              if (v === null) delete payload[k];
              else payload[k] = v;
            }
            send(
              res,
              entry,
              200,
              'application/json;charset=utf-8',
              JSON.stringify(payload),
              'OK',
              requestId,
            );
          }
          return;
        }
      }
    } finally {
      release();
    }
  };

  /** Open connections, and whether each is between requests (idle). */
  const connections = new Map<Socket, { idle: boolean; dropped: boolean }>();
  const server: Server = createServer((req, res) => {
    const conn = connections.get(req.socket);
    if (conn?.dropped) {
      const action = matchRoute(
        (req.method ?? 'GET').toUpperCase(),
        (req.url ?? '/').split('?')[0]!,
      );
      journal.push({
        time: new Date(clock()).toISOString(),
        method: (req.method ?? 'GET').toUpperCase(),
        path: (req.url ?? '/').split('?')[0]!,
        action,
        query: {},
        body: '',
        status: 0,
        code: 'SocketReset',
        nonce: null,
        accessKeyId: null,
        signatureValid: false,
        regionId: null,
        fault: 'idle-reset',
      });
      if (action === 'AbortChange') abortTotal += 1;
      req.socket.resetAndDestroy();
      return;
    }
    if (conn) conn.idle = false;
    res.once('finish', () => {
      if (conn) conn.idle = true;
    });
    handle(req, res).catch((err: unknown) => {
      if (closed) return;
      const requestId = randomUUID().toUpperCase();
      const last = journal[journal.length - 1];
      const message = err instanceof Error ? err.message : String(err);
      if (res.headersSent || res.destroyed) return;
      const body = JSON.stringify({
        Code: 'InternalError',
        Message: `Sandbox bug: ${message}`,
        RequestId: requestId,
        HostId: SANDBOX_HOST_ID,
      });
      if (last) {
        last.status = 500;
        last.code = 'InternalError';
      }
      res.sendDate = parsed.dateHeader;
      res.writeHead(500, { 'content-type': 'application/json;charset=utf-8' });
      res.end(body);
    });
  });
  // a client that resets its own socket must not crash the sandbox
  server.on('clientError', (_err, socket) => socket.destroy());
  server.on('connection', (socket: Socket) => {
    connections.set(socket, { idle: true, dropped: false });
    socket.once('close', () => connections.delete(socket));
  });

  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (opts.port ?? 0);
  const urlHost =
    host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}`,
    port,
    get startedAt() {
      return startedAt;
    },
    now: clock,
    close: () =>
      new Promise<void>((resolve, reject) => {
        if (closed) {
          resolve();
          return;
        }
        closed = true;
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
    dropIdleConnections: () => {
      let n = 0;
      for (const conn of connections.values()) {
        if (conn.idle && !conn.dropped) {
          conn.dropped = true;
          n += 1;
        }
      }
      return n;
    },
    journal: () => journal.map((e) => ({ ...e, query: { ...e.query } })),
    writeJournal: (path) => writeJournalFile(path, journal),
    change: (changeId) => account.change(changeId, clock()),
    appEnv: (envId) => account.appEnv(envId, clock()),
    abortCalls: (changeId) =>
      changeId === undefined ? abortTotal : (abortCounts.get(changeId) ?? 0),
    update: (partial) => {
      const s = parseSettings(partial);
      if (s.latencyMs !== undefined) settings.latencyMs = s.latencyMs;
      if (s.maxInFlight !== undefined) settings.maxInFlight = s.maxInFlight;
      if (s.qpsLimit !== undefined)
        settings.bucket = s.qpsLimit === null ? null : new TokenBucket(s.qpsLimit, clock());
      if (s.faults !== undefined) settings.plan = new FaultPlan(s.faults);
      if (s.randomFaults !== undefined)
        settings.random = s.randomFaults === null ? null : new RandomFaultSource(s.randomFaults);
      if (s.strict !== undefined) settings.strict = s.strict;
      if (s.retired !== undefined) settings.retired = s.retired;
    },
    reseed: (next) => {
      const fresh = parseScenario(next);
      parsed = fresh;
      startedAt = clock();
      account = new WebplusAccount(fresh, startedAt);
      credentials = new Map(fresh.credentials.map((c) => [c.accessKeyId, c]));
      settings = settingsOf(fresh, startedAt);
      journal.length = 0;
      abortCounts.clear();
      abortTotal = 0;
    },
  };
}
