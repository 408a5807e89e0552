/**
 * The loopback server under the SAE and EDAS emulators: routing by exact `METHOD path`, the
 * same ROA signature checks as the Web+ sandbox (sandbox/webplus/auth.ts, with the product's
 * `x-acs-version`), a token-bucket `qpsLimit`, scripted faults, latency and a journal.
 *
 * Order of handling one request: route (unknown → 404 InvalidAction.NotFound) → authentication
 * → body check (parameters belong in the query: a body other than empty or `{}` is refused with
 * 400 InvalidParameter) → throttling (400 Throttling.User) → scripted fault → the action.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { authenticate } from '../webplus/auth.js';
import type { Reply } from '../webplus/faults.js';
import { NonceCache } from '../webplus/nonce-cache.js';
import type { ScenarioCredential } from '../webplus/scenario.js';
import { TokenBucket } from '../webplus/token-bucket.js';
import { RoaFaultPlan } from './faults.js';
import { type RoaJournalEntry, writeRoaJournal } from './journal.js';
import type { RoaFault } from './section.js';

/** Largest request body read, bytes. */
const MAX_BODY_BYTES = 64 * 1024;

/** An answer of the product: HTTP status and the whole JSON body. */
export interface ProductAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** What a product plugs into the server. */
export interface RoaProduct {
  /** `sae` or `edas`, for messages */
  readonly name: string;
  /** the `x-acs-version` served */
  readonly apiVersion: string;
  /** `HostId` of gateway error bodies */
  readonly hostId: string;
  /** `METHOD path` → action name; paths match exactly, case included */
  readonly routes: Readonly<Record<string, string>>;
  /**
   * The region a product host names (`sae.cn-hangzhou.aliyuncs.com` → `cn-hangzhou`), or
   * undefined for a host this product does not serve by region.
   */
  regionOfHost(host: string): string | undefined;
  /** the order and app a request names, for the journal and fault matching */
  target(query: Readonly<Record<string, string>>): { changeOrderId?: string; appId?: string };
  /**
   * Runs one action at `now` (state changes happen here), as the endpoint of `regionId`
   * (undefined: every region).
   */
  run(
    action: string,
    query: Readonly<Record<string, string>>,
    now: number,
    requestId: string,
    regionId: string | undefined,
  ): ProductAnswer;
  /** The product's error body for a scripted error. */
  errorBody(
    status: number,
    code: string,
    message: string,
    requestId: string,
  ): Record<string, unknown>;
}

export interface RoaServerOptions {
  credentials: readonly ScenarioCredential[];
  latencyMs: number;
  qpsLimit: number | null;
  faults: readonly RoaFault[];
  /** TCP port; default 0 (ephemeral) */
  port?: number;
  /** default 127.0.0.1 */
  host?: string;
  /** the platform's clock minus the real one, ms (default 0): `now` and the `Date` header */
  clockSkewMs?: number;
}

/** A running SAE or EDAS emulator. */
export interface RoaEmulator {
  /** `http://127.0.0.1:PORT`: the ROAClient endpoint */
  readonly url: string;
  readonly port: number;
  /** epoch ms the emulator started; relative scenario times count back from it */
  readonly startedAt: number;
  close(): Promise<void>;
  /** Copy of the journal so far, in arrival order. */
  journal(): RoaJournalEntry[];
  /** Write the journal as JSON lines. */
  writeJournal(path: string): Promise<void>;
  /** Requests of `action` received (any outcome), all or those naming `changeOrderId`. */
  calls(action: string, changeOrderId?: string): number;
  /** Replace the scripted faults (cursors restart). */
  setFaults(faults: readonly RoaFault[]): void;
  /**
   * Marks every kept-alive connection idle right now as dropped, as a server or a NAT does to a
   * connection left idle while the function's instance was frozen: the next request on it is
   * answered with a TCP reset (journal code `SocketReset`, fault `idle-reset`, never acted on).
   * Same as the Web+ sandbox's (sandbox/webplus/server.ts).
   * @returns how many connections were marked
   */
  dropIdleConnections(): number;
}

/** The change order and application a request names, by the query parameters SAE and EDAS share. */
export function changeOrderTarget(query: Readonly<Record<string, string>>): {
  changeOrderId?: string;
  appId?: string;
} {
  return {
    ...(query.ChangeOrderId ? { changeOrderId: query.ChangeOrderId } : {}),
    ...(query.AppId ? { appId: query.AppId } : {}),
  };
}

/**
 * The server options of a scenario section: its latency, throttling, faults and clock, the
 * scenario's credentials, then the caller's `port` / `host`.
 */
export function sectionServerOptions(
  section: {
    latencyMs: number;
    qpsLimit: number | null;
    faults: readonly RoaFault[];
    clockSkewMs: number;
  },
  credentials: readonly ScenarioCredential[],
  opts: { port?: number; host?: string },
): RoaServerOptions {
  return {
    credentials,
    latencyMs: section.latencyMs,
    qpsLimit: section.qpsLimit,
    faults: section.faults,
    clockSkewMs: section.clockSkewMs,
    ...opts,
  };
}

function queryObject(raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(raw)) out[k] = v;
  return out;
}

function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function label(reply: Reply): string {
  if (reply.kind === 'normal') return reply.delayMs > 0 ? 'delay' : 'ok';
  if (reply.kind === 'reset') return reply.applied ? 'reset-applied' : 'reset';
  return reply.kind;
}

/**
 * Start a product emulator on loopback.
 * @param product the product's routes, actions and envelopes
 * @param options credentials, latency, throttling, faults, port
 * @throws the listen error (e.g. EADDRINUSE)
 */
export async function startRoaServer(
  product: RoaProduct,
  options: RoaServerOptions,
): Promise<RoaEmulator> {
  const skewMs = options.clockSkewMs ?? 0;
  const startedAt = Date.now() + skewMs;
  const credentials = new Map(options.credentials.map((c) => [c.accessKeyId, c]));
  const nonces = new NonceCache();
  const bucket = options.qpsLimit === null ? null : new TokenBucket(options.qpsLimit, startedAt);
  let plan = new RoaFaultPlan(options.faults);
  const journal: RoaJournalEntry[] = [];
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
    entry: RoaJournalEntry,
    status: number,
    contentType: string,
    body: string,
    code: string,
    requestId: string,
  ) => {
    entry.status = status;
    entry.code = code;
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(status, {
      'content-type': contentType,
      'content-length': Buffer.byteLength(body),
      'x-acs-request-id': requestId,
      date: new Date(Date.now() + skewMs).toUTCString(),
    });
    res.end(body);
  };
  const sendJson = (
    res: ServerResponse,
    entry: RoaJournalEntry,
    answer: ProductAnswer,
    requestId: string,
  ) => {
    const e = answer.body.ErrorCode;
    const c = typeof e === 'string' && e !== '' && e !== 'success' ? e : answer.body.Code;
    send(
      res,
      entry,
      answer.status,
      'application/json;charset=utf-8',
      JSON.stringify(answer.body),
      typeof c === 'string' || typeof c === 'number' ? String(c) : String(answer.status),
      requestId,
    );
  };
  const gatewayError = (status: number, code: string, message: string, requestId: string) => ({
    status,
    body: { Code: code, Message: message, RequestId: requestId, HostId: product.hostId },
  });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const realNow = Date.now();
    const now = realNow + skewMs;
    const requestId = randomUUID().toUpperCase();
    const method = (req.method ?? 'GET').toUpperCase();
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const path = q === -1 ? rawUrl : rawUrl.slice(0, q);
    const query = queryObject(q === -1 ? '' : rawUrl.slice(q + 1));
    const action = product.routes[`${method} ${path}`] ?? null;
    const entry: RoaJournalEntry = {
      time: new Date(now).toISOString(),
      method,
      path,
      action,
      query,
      body: '',
      contentType: String(req.headers['content-type'] ?? ''),
      apiVersion: String(req.headers['x-acs-version'] ?? ''),
      status: 0,
      code: 'NoAnswer',
      nonce: null,
      accessKeyId: null,
      signatureValid: false,
    };
    journal.push(entry);
    // The region is the host's, as on the real service (docs/reference/sae-edas.md §2.1, §3.1:
    // the host selects the region). A request to the emulator's own address (`127.0.0.1`) sees
    // every region; an `*.aliyuncs.com` host the product does not place is refused below.
    const hostHeader = String(req.headers.host ?? '')
      .replace(/:\d+$/, '')
      .toLowerCase();
    entry.host = hostHeader;
    const regionId = product.regionOfHost(hostHeader);
    if (regionId !== undefined) entry.regionId = regionId;
    const unplaced = regionId === undefined && hostHeader.endsWith('.aliyuncs.com');
    const target = product.target(query);
    if (target.changeOrderId !== undefined) entry.changeOrderId = target.changeOrderId;
    if (target.appId !== undefined) entry.appId = target.appId;

    const body = await readBody(req);
    await sleep(options.latencyMs);
    if (body === null) {
      sendJson(
        res,
        entry,
        gatewayError(413, 'RequestEntityTooLarge', 'Body too large.', requestId),
        requestId,
      );
      return;
    }
    entry.body = body.toString('utf8');
    const auth = authenticate(
      { method, path, headers: req.headers, query, body },
      credentials,
      nonces,
      realNow,
      action !== null,
      product.apiVersion,
    );
    entry.nonce = auth.nonce;
    entry.accessKeyId = auth.accessKeyId;
    entry.signatureValid = auth.signatureValid;
    if (action === null) {
      const msg = `Specified api is not found: ${method} ${path} (${product.name} ${product.apiVersion}).`;
      sendJson(res, entry, gatewayError(404, 'InvalidAction.NotFound', msg, requestId), requestId);
      return;
    }
    if (auth.error) {
      const e = auth.error;
      sendJson(res, entry, gatewayError(e.status, e.code, e.message, requestId), requestId);
      return;
    }
    if (unplaced) {
      const msg = `${product.name} sandbox: host ${hostHeader} names no region it serves (expected ${product.name}.<region>.aliyuncs.com).`;
      sendJson(res, entry, gatewayError(400, 'InvalidRegionId', msg, requestId), requestId);
      return;
    }
    const trimmed = entry.body.trim();
    if (trimmed !== '' && trimmed !== '{}') {
      const msg = `${action} takes its parameters in the query string, not in the body.`;
      sendJson(
        res,
        entry,
        { status: 400, body: product.errorBody(400, 'InvalidParameter', msg, requestId) },
        requestId,
      );
      return;
    }
    if (bucket !== null && !bucket.take(now)) {
      entry.fault = 'throttle:qps';
      const msg = 'Request was denied due to user flow control.';
      sendJson(
        res,
        entry,
        { status: 400, body: product.errorBody(400, 'Throttling.User', msg, requestId) },
        requestId,
      );
      return;
    }
    const reply = plan.take(action, { ...target, ...(regionId !== undefined ? { regionId } : {}) });
    if (reply) entry.fault = `scripted:${label(reply)}`;
    const r: Reply = reply ?? { kind: 'normal', delayMs: 0 };
    // `applied: true` performs the state change first, then waits (fault-response.ts): a client
    // that gives up during the delay has still changed the order, as on the Web+ sandbox.
    const applied = (r.kind === 'raw' || r.kind === 'reset') && r.applied === true;
    if (applied) product.run(action, query, now, requestId, regionId);
    await sleep(r.delayMs);
    switch (r.kind) {
      case 'error':
        sendJson(
          res,
          entry,
          { status: r.status, body: product.errorBody(r.status, r.code, r.message, requestId) },
          requestId,
        );
        return;
      case 'raw':
        send(res, entry, r.status, r.contentType, r.body, 'RawReply', requestId);
        return;
      case 'reset': {
        entry.status = 0;
        entry.code = 'SocketReset';
        const socket = req.socket as Socket & { resetAndDestroy?: () => Socket };
        if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
        else socket.destroy();
        return;
      }
      case 'normal':
        sendJson(res, entry, product.run(action, query, now, requestId, regionId), requestId);
        return;
    }
  };

  /** Open connections, and whether each is between requests (idle) or was dropped. */
  const connections = new Map<Socket, { idle: boolean; dropped: boolean }>();
  const server: Server = createServer((req, res) => {
    const conn = connections.get(req.socket);
    if (conn?.dropped) {
      const method = (req.method ?? 'GET').toUpperCase();
      const rawUrl = req.url ?? '/';
      const q = rawUrl.indexOf('?');
      const path = q === -1 ? rawUrl : rawUrl.slice(0, q);
      const query = queryObject(q === -1 ? '' : rawUrl.slice(q + 1));
      const target = product.target(query);
      journal.push({
        time: new Date(Date.now() + skewMs).toISOString(),
        method,
        path,
        action: product.routes[`${method} ${path}`] ?? null,
        query,
        body: '',
        contentType: String(req.headers['content-type'] ?? ''),
        apiVersion: String(req.headers['x-acs-version'] ?? ''),
        ...(target.changeOrderId !== undefined ? { changeOrderId: target.changeOrderId } : {}),
        ...(target.appId !== undefined ? { appId: target.appId } : {}),
        status: 0,
        code: 'SocketReset',
        nonce: null,
        accessKeyId: null,
        signatureValid: false,
        fault: 'idle-reset',
      });
      req.socket.resetAndDestroy();
      return;
    }
    if (conn) conn.idle = false;
    res.once('finish', () => {
      if (conn) conn.idle = true;
    });
    handle(req, res).catch((err: unknown) => {
      if (closed || res.headersSent || res.destroyed) return;
      const message = err instanceof Error ? err.message : String(err);
      res.writeHead(500, { 'content-type': 'application/json;charset=utf-8' });
      res.end(JSON.stringify({ Code: 'InternalError', Message: `Sandbox bug: ${message}` }));
    });
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  server.on('connection', (socket: Socket) => {
    connections.set(socket, { idle: true, dropped: false });
    socket.once('close', () => connections.delete(socket));
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    startedAt,
    close: () =>
      new Promise<void>((resolve, reject) => {
        if (closed) return resolve();
        closed = true;
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
    journal: () => journal.map((e) => ({ ...e, query: { ...e.query } })),
    writeJournal: (path) => writeRoaJournal(path, journal),
    calls: (action, changeOrderId) =>
      journal.filter(
        (e) =>
          e.action === action && (changeOrderId === undefined || e.changeOrderId === changeOrderId),
      ).length,
    setFaults: (faults) => {
      plan = new RoaFaultPlan(faults);
    },
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
  };
}
