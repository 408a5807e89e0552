/**
 * The SLS stand-in: a loopback HTTP server that accepts PutLogs as Log Service does, so the real
 * @alicloud/log SDK can write to it (tests, the demo, `--sls`). It stores the decoded logs in
 * memory and journals every request (no secrets).
 *
 * Wire facts (Log Service API reference "PutLogs"; @alicloud/log 1.2.6 lib/client.js):
 * `POST /logstores/<logstore>/shards/lb`, project from the Host header's first label,
 * `content-type: application/x-protobuf`, `x-log-bodyrawsize`, optional `x-log-compresstype`
 * (`lz4` | `deflate`), upper-case hex `content-md5`, `date`, `authorization: LOG <AK>:<sig>`.
 * Success: 200, empty body, `x-log-requestid`. Errors: JSON `{errorCode, errorMessage}`.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo, isIP } from 'node:net';
import { gzipSync } from 'node:zlib';
import {
  type AdminAnswer,
  isAdminPath,
  type ProjectResources,
  routeAdmin,
} from './admin-routes.js';
import { decompressBody, SlsBodyError } from './body.js';
import { FailureSchedule } from './failures.js';
import { decodeLogGroup, type LogGroup } from './log-group.js';
import {
  contentMd5,
  parseAuthorization,
  signatureAlgorithm,
  signatureMatches,
} from './signature.js';
import type {
  SlsJournalEntry,
  SlsStandIn,
  SlsStandInCredentials,
  SlsStandInOptions,
  StoredLog,
} from './types.js';

export type {
  SlsFailureMode,
  SlsJournalEntry,
  SlsStandIn,
  SlsStandInCredentials,
  SlsStandInOptions,
  StoredLog,
} from './types.js';

/**
 * The project a request to the bare address (`Host: 127.0.0.1:PORT`, no project label) is served
 * for, unless `defaultProject` names another: the demo's (docs/reference/sls.md).
 */
export const DEMO_SLS_PROJECT = 'webplus-abort-demo';
/** The logstore the CLI's `--sls` runs write to (`SLS_LOGSTORE`). */
export const DEMO_SLS_LOGSTORE = 'outcomes';

/** Keys accepted when none are given (as the Web+ sandbox's: docs/reference/scenario.md). */
export const DEFAULT_SLS_CREDENTIALS: readonly SlsStandInCredentials[] = [
  { accessKeyId: 'sandbox-ak', accessKeySecret: 'sandbox-secret' },
];

/** PutLogs limits (Log Service "Limits": 4096 logs, 10 MB raw per LogGroup; keys <= 128 bytes). */
const MAX_LOGS = 4096;
const MAX_RAW_BYTES = 10 * 1024 * 1024;
const MAX_BODY_BYTES = MAX_RAW_BYTES + 1024 * 1024;
const MAX_KEY_BYTES = 128;
/** Accepted clock skew of the `date` header (Log Service: 15 minutes). */
const MAX_SKEW_MS = 15 * 60 * 1000;

const PUT_LOGS_PATH = /^\/logstores\/([^/]+)\/shards\/lb$/;

class Reply {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly message: string,
  ) {}
}

/**
 * Starts the stand-in on 127.0.0.1.
 * @param opts.port 0 (default) picks a free port.
 * @param opts.credentials accepted keys; default `sandbox-ak` / `sandbox-secret`.
 * @returns the running stand-in; `url` is `http://127.0.0.1:PORT`, usable as `SLS_ENDPOINT`.
 */
export async function startSlsStandIn(opts: SlsStandInOptions = {}): Promise<SlsStandIn> {
  const credentials = new Map(
    (opts.credentials ?? DEFAULT_SLS_CREDENTIALS).map((c) => [c.accessKeyId, c] as const),
  );
  const stored: StoredLog[] = [];
  const journal: SlsJournalEntry[] = [];
  const failures = new FailureSchedule();
  const timers = new Set<NodeJS.Timeout>();
  const projects = new Map<string, ProjectResources>();
  const resourcesOf = (project: string): ProjectResources => {
    let found = projects.get(project);
    if (!found) {
      found = {
        indexes: new Map(),
        savedsearches: new Map(),
        dashboards: new Map(),
        alerts: new Map(),
      };
      projects.set(project, found);
    }
    return found;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const logstore = PUT_LOGS_PATH.exec(url.pathname)?.[1] ?? null;
    const entry: SlsJournalEntry = {
      time: new Date().toISOString(),
      method: req.method ?? '',
      path: url.pathname,
      project: projectOf(req.headers.host) ?? opts.defaultProject ?? DEMO_SLS_PROJECT,
      logstore: logstore === null ? null : decodeURIComponent(logstore),
      status: 0,
      code: '',
      compressType: header(req, 'x-log-compresstype') ?? 'none',
      logCount: 0,
      accessKeyId: null,
      signatureValid: false,
    };
    const answer = (status: number, code: string, send: () => void): void => {
      entry.status = status;
      entry.code = code;
      journal.push(entry);
      if (!res.destroyed) send();
    };
    const answerError = (reply: Reply): void =>
      answer(reply.status, reply.code, () => {
        const body = JSON.stringify({ errorCode: reply.code, errorMessage: reply.message });
        res.writeHead(reply.status, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'x-log-requestid': requestId(),
        });
        res.end(body);
      });

    if (entry.logstore === null && isAdminPath(url.pathname)) {
      return handleAdmin(req, res, url, entry, answer, answerError);
    }
    if (entry.logstore === null) {
      req.resume();
      return answerError(new Reply(404, 'RequestNotSupported', `no route for ${url.pathname}`));
    }
    if (req.method !== 'POST') {
      req.resume();
      return answerError(new Reply(405, 'MethodNotAllowed', `${req.method} is not allowed here`));
    }
    const body = await readBody(req);
    if (body === null) {
      return answerError(new Reply(413, 'PostBodyTooLarge', 'body exceeds the PutLogs size limit'));
    }

    const auth = parseAuthorization(header(req, 'authorization'));
    const key = auth ? credentials.get(auth.accessKeyId) : undefined;
    entry.accessKeyId = auth?.accessKeyId ?? null;
    const query = Object.fromEntries(url.searchParams);
    const signed = { method: 'POST', path: url.pathname, query, headers: req.headers };
    const algorithm = signatureAlgorithm(header(req, 'x-log-signaturemethod'));
    entry.signatureValid = !!(
      auth &&
      key &&
      algorithm &&
      signatureMatches(signed, key.accessKeySecret, auth.signature, algorithm)
    );

    const failure = failures.next();
    if (failure?.kind === 'unauthorized') {
      return answerError(
        new Reply(401, 'Unauthorized', 'The request is unauthorized (stand-in failure).'),
      );
    }
    if (failure?.kind === 'echo-message') {
      return answerError(new Reply(401, 'Unauthorized', failures.message ?? 'denied'));
    }
    if (failure?.kind === 'echo-authorization') {
      // SLS's signature check quoting the caller's `Authorization: LOG <keyid>:<signature>`
      // header back (red-team 12 F6), as a proxy or a debugging gateway does.
      const authorization = header(req, 'authorization') ?? '';
      return answerError(
        new Reply(
          401,
          'SignatureNotMatch',
          `signature not match; request headers: Authorization: ${authorization}\nx-log-apiversion: 0.6.0`,
        ),
      );
    }
    if (failure?.kind === 'echo-token') {
      // A store (or a proxy in front of it) that quotes the caller's STS token back, disguised:
      // percent-encoded in lower-case hex, and split by a zero-width space in upper case.
      const token = header(req, 'x-acs-security-token') ?? '';
      const pct = [...token]
        .map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
        .join('');
      const split = `${token.slice(0, 8)}\u200b${token.slice(8)}`.toUpperCase();
      return answerError(
        new Reply(401, 'Unauthorized', `security token ${pct} (${split}) is not accepted here`),
      );
    }
    if (failure?.kind === 'server-busy') {
      return answerError(
        new Reply(503, 'ServerBusy', 'The server is busy, please try again later.'),
      );
    }
    if (failure?.kind === 'html-502') {
      return answer(502, 'HTML502', () => {
        const page = '<html><body><h1>502 Bad Gateway</h1></body></html>';
        res.writeHead(502, {
          'content-type': 'text/html',
          'content-length': Buffer.byteLength(page),
        });
        res.end(page);
      });
    }

    if (failure?.kind === 'html-200') {
      return answer(200, 'HTML200', () => {
        const page = '<html><body><h1>Welcome</h1></body></html>';
        res.writeHead(200, {
          'content-type': 'text/html',
          'content-length': Buffer.byteLength(page),
        });
        res.end(page);
      });
    }

    let group: LogGroup;
    try {
      group = accept(req, body, key, entry.signatureValid, entry.project);
    } catch (error) {
      if (error instanceof Reply) return answerError(error);
      throw error;
    }
    entry.logCount = group.Logs.length;
    const tags = Object.fromEntries(group.LogTags.map((t) => [t.Key, t.Value]));
    for (const log of group.Logs) {
      stored.push({
        project: entry.project!,
        logstore: entry.logstore,
        time: log.Time,
        ...(log.TimeNs === undefined ? {} : { timeNs: log.TimeNs }),
        contents: Object.fromEntries(log.Contents.map((c) => [c.Key, c.Value])),
        ...(group.Topic === undefined ? {} : { topic: group.Topic }),
        ...(group.Source === undefined ? {} : { source: group.Source }),
        tags: { ...tags },
      });
    }

    // Journaled on arrival; a slow answer is only sent later.
    const send = (): void => {
      if (res.destroyed) return;
      res.writeHead(200, { 'content-length': 0, 'x-log-requestid': requestId() });
      res.end();
    };
    if (failure?.kind === 'huge-reply') {
      return answer(200, 'HugeReply', () => sendHuge(res, failures.sizeBytes, requestId()));
    }
    if (failure?.kind === 'gzip-reply') {
      return answer(200, 'GzipReply', () => {
        res.writeHead(200, {
          'content-encoding': 'gzip',
          'content-type': 'application/json',
          'x-log-requestid': requestId(),
        });
        res.end(gzipBomb(failures.sizeBytes));
      });
    }
    if (failure?.kind === 'slow') {
      answer(200, 'OK', () => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          send();
        }, failure.delayMs);
        timers.add(timer);
      });
    } else {
      answer(200, 'OK', send);
    }
  };

  /**
   * Management and GetLogs routes (admin-routes.ts): the same key, token, signature (SHA-1 or
   * SHA-256), date and content-md5 checks as PutLogs, and the same failure schedule.
   */
  const handleAdmin = async (
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    entry: SlsJournalEntry,
    answer: (status: number, code: string, send: () => void) => void,
    answerError: (reply: Reply) => void,
  ): Promise<void> => {
    const body = await readBody(req);
    if (body === null) {
      return answerError(new Reply(413, 'PostBodyTooLarge', 'body exceeds the size limit'));
    }
    const auth = parseAuthorization(header(req, 'authorization'));
    const key = auth ? credentials.get(auth.accessKeyId) : undefined;
    entry.accessKeyId = auth?.accessKeyId ?? null;
    const algorithm = signatureAlgorithm(header(req, 'x-log-signaturemethod'));
    const signed = {
      method: req.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
    };
    entry.signatureValid = !!(
      auth &&
      key &&
      algorithm &&
      signatureMatches(signed, key.accessKeySecret, auth.signature, algorithm)
    );
    const failure = failures.next();
    if (failure?.kind === 'unauthorized') {
      return answerError(
        new Reply(401, 'Unauthorized', 'The request is unauthorized (stand-in failure).'),
      );
    }
    if (failure?.kind === 'echo-token') {
      // A store (or a proxy in front of it) that quotes the caller's STS token back, disguised:
      // percent-encoded in lower-case hex, and split by a zero-width space in upper case.
      const token = header(req, 'x-acs-security-token') ?? '';
      const pct = [...token]
        .map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
        .join('');
      const split = `${token.slice(0, 8)}\u200b${token.slice(8)}`.toUpperCase();
      return answerError(
        new Reply(401, 'Unauthorized', `security token ${pct} (${split}) is not accepted here`),
      );
    }
    if (failure?.kind === 'huge-reply') {
      return answer(200, 'HugeReply', () => sendHuge(res, failures.sizeBytes, requestId()));
    }
    if (failure?.kind === 'server-busy') {
      return answerError(
        new Reply(503, 'ServerBusy', 'The server is busy, please try again later.'),
      );
    }
    if (failure?.kind === 'html-502') {
      return answer(502, 'HTML502', () => {
        const page = '<html><body><h1>502 Bad Gateway</h1></body></html>';
        res.writeHead(502, {
          'content-type': 'text/html',
          'content-length': Buffer.byteLength(page),
        });
        res.end(page);
      });
    }
    try {
      checkAuth(req, key, entry.signatureValid, body, entry.project);
    } catch (error) {
      if (error instanceof Reply) return answerError(error);
      throw error;
    }
    const result: AdminAnswer = routeAdmin(
      {
        method: req.method ?? '',
        path: url.pathname,
        query: url.searchParams,
        body: body.toString('utf8'),
        project: entry.project!,
      },
      resourcesOf(entry.project!),
      () => stored.filter((l) => l.project === entry.project),
      Date.now(),
    );
    entry.action = result.action;
    const send = (): void => {
      if (res.destroyed) return;
      const headers: Record<string, string | number> = {
        'content-length': Buffer.byteLength(result.body),
        'x-log-requestid': requestId(),
        ...(result.headers ?? {}),
      };
      if (result.body !== '') headers['content-type'] = 'application/json';
      res.writeHead(result.status, headers);
      res.end(result.body);
    };
    const code =
      result.status === 200
        ? 'OK'
        : String((JSON.parse(result.body) as { errorCode?: string }).errorCode);
    if (failure?.kind === 'slow') {
      answer(result.status, code, () => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          send();
        }, failure.delayMs);
        timers.add(timer);
      });
    } else {
      answer(result.status, code, send);
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ errorCode: 'InternalServerError', errorMessage: message }));
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    logs: (project, logstore) =>
      stored
        .filter(
          (l) =>
            (project === undefined || l.project === project) &&
            (logstore === undefined || l.logstore === logstore),
        )
        .map((l) => ({ ...l, contents: { ...l.contents }, tags: { ...l.tags } })),
    journal: () => journal.map((e) => ({ ...e })),
    resources: (project) => {
      const found = projects.get(project);
      const copy = (m?: Map<string, Record<string, unknown>>) =>
        Object.fromEntries(
          [...(m ?? new Map()).entries()].map(([k, v]) => [k, structuredClone(v)]),
        );
      return {
        indexes: copy(found?.indexes),
        savedsearches: copy(found?.savedsearches),
        dashboards: copy(found?.dashboards),
        alerts: copy(found?.alerts),
      };
    },
    setFailure: (mode) => failures.set(mode),
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/**
 * Checks a PutLogs request the way Log Service does and decodes its LogGroup.
 * @throws Reply with the status and errorCode to answer.
 */
function accept(
  req: IncomingMessage,
  body: Buffer,
  key: SlsStandInCredentials | undefined,
  signatureValid: boolean,
  project: string | null,
): LogGroup {
  if (!key) throw new Reply(401, 'Unauthorized', 'The AccessKeyId is unauthorized.');
  if (
    key.securityToken !== undefined &&
    header(req, 'x-acs-security-token') !== key.securityToken
  ) {
    throw new Reply(401, 'Unauthorized', 'The security token is invalid or expired.');
  }
  if (!signatureValid) {
    throw new Reply(401, 'SignatureNotMatch', 'The signature of the request does not match.');
  }
  const date = Date.parse(header(req, 'date') ?? '');
  if (!Number.isFinite(date) || Math.abs(Date.now() - date) > MAX_SKEW_MS) {
    throw new Reply(400, 'RequestTimeTooSkewed', 'The date header is missing or too far from now.');
  }
  if (header(req, 'x-log-apiversion') !== '0.6.0') {
    throw new Reply(400, 'InvalidAPIVersion', 'x-log-apiversion must be 0.6.0.');
  }
  if (header(req, 'content-md5') !== contentMd5(body)) {
    throw new Reply(400, 'InvalidContentMD5', 'content-md5 does not match the body.');
  }
  if (project === null) {
    throw new Reply(404, 'ProjectNotExist', 'The Host header names no project.');
  }
  if (header(req, 'content-type') !== 'application/x-protobuf') {
    throw new Reply(400, 'InvalidContentType', 'PutLogs takes application/x-protobuf.');
  }
  const rawSize = Number(header(req, 'x-log-bodyrawsize') ?? Number.NaN);
  if (rawSize > MAX_RAW_BYTES) {
    throw new Reply(
      413,
      'PostBodyTooLarge',
      `raw body of ${rawSize} bytes exceeds ${MAX_RAW_BYTES}.`,
    );
  }
  let group: LogGroup;
  try {
    group = decodeLogGroup(decompressBody(body, header(req, 'x-log-compresstype'), rawSize));
  } catch (error) {
    const why =
      error instanceof SlsBodyError ? error.message : `not a LogGroup: ${(error as Error).message}`;
    throw new Reply(400, 'PostBodyInvalid', why);
  }
  if (group.Logs.length > MAX_LOGS) {
    throw new Reply(
      400,
      'InvalidLogSize',
      `${group.Logs.length} logs exceed ${MAX_LOGS} per request.`,
    );
  }
  for (const log of group.Logs) {
    for (const content of log.Contents) {
      if (content.Key === '' || Buffer.byteLength(content.Key) > MAX_KEY_BYTES) {
        throw new Reply(
          400,
          'InvalidKey',
          `key "${content.Key.slice(0, 40)}" is empty or too long.`,
        );
      }
    }
  }
  return group;
}

/**
 * The checks every management or GetLogs request passes (as `accept` does for PutLogs):
 * a known key, its token, a valid signature, a date within 15 minutes, API version 0.6.0, a
 * matching content-md5 when there is a body, and a project.
 * @throws Reply
 */
function checkAuth(
  req: IncomingMessage,
  key: SlsStandInCredentials | undefined,
  signatureValid: boolean,
  body: Buffer,
  project: string | null,
): void {
  if (!key) throw new Reply(401, 'Unauthorized', 'The AccessKeyId is unauthorized.');
  if (
    key.securityToken !== undefined &&
    header(req, 'x-acs-security-token') !== key.securityToken
  ) {
    throw new Reply(401, 'Unauthorized', 'The security token is invalid or expired.');
  }
  if (!signatureValid) {
    throw new Reply(401, 'SignatureNotMatch', 'The signature of the request does not match.');
  }
  const date = Date.parse(header(req, 'date') ?? '');
  if (!Number.isFinite(date) || Math.abs(Date.now() - date) > MAX_SKEW_MS) {
    throw new Reply(400, 'RequestTimeTooSkewed', 'The date header is missing or too far from now.');
  }
  if (header(req, 'x-log-apiversion') !== '0.6.0') {
    throw new Reply(400, 'InvalidAPIVersion', 'x-log-apiversion must be 0.6.0.');
  }
  if (body.length > 0 && header(req, 'content-md5') !== contentMd5(body)) {
    throw new Reply(400, 'InvalidContentMD5', 'content-md5 does not match the body.');
  }
  if (project === null) {
    throw new Reply(404, 'ProjectNotExist', 'The Host header names no project.');
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** The project is the first label of a virtual-host name (`proj.127.0.0.1:9100` → `proj`). */
function projectOf(host: string | undefined): string | null {
  if (!host) return null;
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d+$/, '');
  if (isIP(name) !== 0 || name === 'localhost' || !name.includes('.')) return null;
  return name.slice(0, name.indexOf('.')) || null;
}

/** Reads the whole body; null (after draining) when it exceeds the size limit. */
async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
  }
  return size > MAX_BODY_BYTES ? null : Buffer.concat(chunks, size);
}

function requestId(): string {
  return randomBytes(12).toString('hex').toUpperCase();
}

/**
 * Streams a 200 of `size` bytes in 64 KiB chunks, chunked (no content-length), waiting for
 * `drain` so the stand-in itself holds one chunk at a time; stops when the client goes away.
 */
function sendHuge(res: ServerResponse, size: number, id: string): void {
  res.writeHead(200, { 'content-type': 'application/json', 'x-log-requestid': id });
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  chunk.write('{"x":"');
  let sent = 0;
  const pump = (): void => {
    while (sent < size && !res.destroyed) {
      const piece = size - sent >= chunk.length ? chunk : chunk.subarray(0, size - sent);
      sent += piece.length;
      if (!res.write(piece)) {
        res.once('drain', pump);
        return;
      }
    }
    if (!res.destroyed) res.end();
  };
  pump();
}

const bombs = new Map<number, Buffer>();

/** A gzip body that inflates to `size` bytes of `a` (about 1/1000 of that compressed), built once per size. */
function gzipBomb(size: number): Buffer {
  let bomb = bombs.get(size);
  if (!bomb) {
    bomb = gzipSync(Buffer.alloc(size, 0x61));
    bombs.set(size, bomb);
  }
  return bomb;
}
