import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { printable } from '#shared/core/text.js';
import { errorResponse, type HttpResponse } from '#shared/fc/http.js';
import { routeName } from '#shared/intake/http/route.js';
import { createHandler } from '../../functions/abort-stuck-changes/handler.js';
import { type SlsStandIn, startSlsStandIn } from '../../sandbox/sls/server.js';
import { EXIT, type ExitCode, isHttpResponse } from '../exit-codes.js';
import {
  buildRuntime,
  defaultContext,
  listenFailure,
  parsePort,
  slsEnv,
  stderrLine,
  untilSignal,
} from '../setup.js';
import { slsStandInUsage, slsStandInVariables } from '../sls-stand-in.js';
import { type CloudOptions, runTarget } from '../target.js';

export interface ServeOptions extends CloudOptions {
  port?: string;
  scenario?: string;
  sls?: boolean;
}

/** The FC 3.0 HTTP trigger event (FC docs, "HTTP trigger: event format"). */
export interface FcHttpEvent {
  version: 'v1';
  rawPath: string;
  body: string;
  isBase64Encoded: boolean;
  headers: Record<string, string>;
  queryParameters: Record<string, string>;
  requestContext: {
    requestId: string;
    http: {
      method: string;
      path: string;
      protocol: string;
      sourceIp: string;
      userAgent: string;
    };
    time: string;
    timeEpoch: string;
  };
}

/** Content types FC passes as text; anything else arrives base64 with `isBase64Encoded: true`. */
export function isTextContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return (
    type.startsWith('text/') ||
    type === 'application/json' ||
    type.endsWith('+json') ||
    type === 'application/xml' ||
    type.endsWith('+xml') ||
    type === 'application/x-www-form-urlencoded' ||
    type === 'application/javascript'
  );
}

/**
 * Wraps one Node request (and its body bytes) into the FC 3.0 HTTP event: header names as the
 * client sent them (repeats joined with `, `), query repeats comma-joined, body base64 for
 * non-text content types.
 */
export function toFcHttpEvent(req: IncomingMessage, body: Buffer, requestId: string): FcHttpEvent {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const headers: Record<string, string> = {};
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
    const value = req.rawHeaders[i + 1]!;
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  const queryParameters: Record<string, string> = {};
  for (const [key, value] of url.searchParams) {
    queryParameters[key] = key in queryParameters ? `${queryParameters[key]},${value}` : value;
  }
  const text = body.length === 0 || isTextContentType(req.headers['content-type']);
  const now = Date.now();
  return {
    version: 'v1',
    rawPath: url.pathname,
    body: text ? body.toString('utf8') : body.toString('base64'),
    isBase64Encoded: !text,
    headers,
    queryParameters,
    requestContext: {
      requestId,
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: req.headers['user-agent'] ?? '',
      },
      time: new Date(now).toISOString(),
      timeEpoch: String(now),
    },
  };
}

/**
 * `webplus-abort serve [--port N] [--scenario FILE] [--sls]`: a local HTTP server (default port
 * 9000, 0 = any free port) that turns each request into the FC 3.0 HTTP event and answers with the
 * handler's response. First stdout line: `listening on http://127.0.0.1:PORT`. Ctrl-C closes it.
 */
export async function serveCommand(options: ServeOptions): Promise<ExitCode> {
  const port = parsePort(options.port ?? '9000');
  let sls: SlsStandIn | undefined;
  const target = await runTarget(options);
  const sandbox = target.sandbox;
  try {
    let env: NodeJS.ProcessEnv = target.env;
    const sandboxed = target.sandboxPlatforms ? { sandbox: target.sandboxPlatforms } : {};
    buildRuntime(env, sandboxed);
    const credentials = target.credentials;
    if (options.sls) {
      sls = await startSlsStandIn(credentials ? { credentials: [credentials] } : {});
      env = slsEnv(env, sls.url);
    }
    const { config, runtime } = buildRuntime(env, sandboxed);
    const handler = createHandler(runtime);
    // Every line serve prints passes the redactor of the keys it signs with and the HTTP tokens.
    const redactor = runtime.redactorFor([
      credentials?.accessKeySecret,
      credentials?.securityToken,
    ]);

    const server = createServer((req, res) => {
      void answer(req, res);
    });
    const answer = async (req: IncomingMessage, res: ServerResponse) => {
      const requestId = `serve-${randomUUID()}`;
      let response: HttpResponse;
      try {
        const body = await readBody(req);
        const event = toFcHttpEvent(req, body, requestId);
        const result = await handler(
          Buffer.from(JSON.stringify(event)),
          defaultContext(credentials, { requestId, region: target.region }),
        );
        response = isHttpResponse(result)
          ? result
          : errorResponse(500, 'InternalError', 'the handler did not answer an HTTP response');
      } catch (err) {
        stderrLine(
          redactor.text(
            `webplus-abort: handler threw on ${printable(req.method ?? '-', 16)} ${routeName(pathOf(req))}: ${String(err)}`,
          ),
        );
        response = errorResponse(500, 'InternalError', 'the handler failed');
      }
      const bytes = response.isBase64Encoded
        ? Buffer.from(response.body, 'base64')
        : Buffer.from(response.body, 'utf8');
      res.writeHead(response.statusCode, { ...response.headers, 'content-length': bytes.length });
      res.end(bytes);
      // The access line names a known route, or only the length of any other path: a token or
      // key pasted into a URL (path or query) is never printed.
      stderrLine(
        redactor.text(
          `${new Date().toISOString()} ${printable(req.method ?? '-', 16)} ${routeName(pathOf(req))} ${response.statusCode} ${requestId}`,
        ),
      );
    };

    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    }).catch((err: unknown) => {
      throw listenFailure(err, port, '--port');
    });
    const { port: bound } = server.address() as AddressInfo;
    process.stdout.write(`listening on http://127.0.0.1:${bound}\n`);
    stderrLine(`webplus-abort: ${target.description}`);
    if (sls && sandbox && credentials) {
      // the scenario's demo keys only: with an account's keys the usage would print a secret
      for (const line of slsStandInUsage(sls.url, credentials, sandbox.path)) {
        stderrLine(`webplus-abort: ${line}`);
      }
    } else if (sls) {
      stderrLine(
        `webplus-abort: SLS stand-in at ${sls.url} (${slsStandInVariables(sls.url)}; it accepts the keys this command signs with)`,
      );
    }
    stderrLine(
      `webplus-abort: records go to ${runtime.outcomeLog.store.target}; ${config.httpAuthTokens.length === 0 ? 'HTTP_AUTH_TOKENS is empty: every protected route answers 401' : `${config.httpAuthTokens.length} HTTP token(s) accepted`}`,
    );

    await untilSignal();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    if (sls) {
      stderrLine(`webplus-abort: SLS stand-in held ${sls.logs().length} log(s)`);
    }
    return EXIT.ok;
  } finally {
    await sandbox?.sandbox.close();
    await sls?.close();
  }
}

/** The request's path, percent-decoding left to no one: only compared with the known routes. */
function pathOf(req: IncomingMessage): string {
  try {
    return new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
  } catch {
    return req.url ?? '';
  }
}

/** Reads the whole request body (the handler enforces HTTP_MAX_BODY_BYTES on it). */
function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
