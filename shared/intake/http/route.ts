/**
 * The FC 3.0 HTTP trigger request struct: routing, auth, limits, and the reply for refused calls.
 * Source: Function Compute docs, "HTTP trigger: request format" (`version`, `rawPath`, `body`,
 * `isBase64Encoded`, `headers` keeping the sender's case, `queryParameters` with repeats
 * comma-joined, `requestContext.http.method`, `requestContext.requestId`;
 * docs/reference/fc-triggers.md). Routes and errors: docs/reference/http-api.md.
 */

import { isRecord, printable } from '../../core/text.js';
import { errorResponse, type HttpResponse, jsonResponse } from '../../fc/http.js';
import type { AbortRequest } from '../../model/request.js';
import { refusedKeys } from '../alarm/keys.js';
import { parseCmsCallbackBody } from '../cloudmonitor/callback.js';
import { HttpRequestError } from '../errors.js';
import { manualAbortRequest } from './abort.js';
import { isAuthorised } from './auth.js';
import { decodeBody, describeBodySize, FC_MAX_BODY_BYTES } from './body.js';
import { platformHttpRequest, platformOfCall } from './platform.js';
import { manualSweepRequest } from './sweep.js';

/** The routes that become requests. */
export type HttpRoute = '/abort' | '/sweep' | '/cms-callback';

/** Every route and the one method it answers. */
export const ROUTES: Readonly<Record<HttpRoute | '/health', 'GET' | 'POST'>> = {
  '/abort': 'POST',
  '/sweep': 'POST',
  '/cms-callback': 'POST',
  '/health': 'GET',
};

/** What the HTTP intake yields (the `http` and `http-reply` kinds of `IntakeResult`). */
export type HttpIntake =
  | {
      kind: 'http';
      route: HttpRoute;
      requestId?: string;
      /** `requestContext.timeEpoch` as sent (epoch ms as text), unchecked. */
      timeEpoch?: string;
      request: AbortRequest;
    }
  | { kind: 'http-reply'; response: HttpResponse; warning?: string };

/** Options the HTTP intake needs (a subset of `IntakeOptions`). */
export interface HttpIntakeOptions {
  authTokens: readonly string[];
  maxBodyBytes: number;
  maxIds: number;
  version: string;
}

/** The struct's fields, normalised. */
export interface HttpCall {
  /** Upper-case method; '' when missing. */
  method: string;
  /** Path without query string or trailing slash ('/' stays '/'). */
  path: string;
  /** Header names lower-cased; repeated values joined with `, `. */
  headers: Record<string, string>;
  /** Query parameters; array values comma-joined (FC already joins repeats). */
  query: Record<string, string>;
  body: string | undefined;
  isBase64Encoded: boolean;
  requestId?: string;
  /** `requestContext.timeEpoch`: when FC received the request (epoch ms as text), unchecked. */
  timeEpoch?: string;
}

/** True for an object shaped like the FC 3.0 HTTP struct: a string `rawPath` or a `requestContext.http`. */
export function isHttpEvent(event: Record<string, unknown>): boolean {
  return (
    typeof event.rawPath === 'string' ||
    (isRecord(event.requestContext) && isRecord(event.requestContext.http))
  );
}

/** Reads the struct leniently: fields of the wrong type count as absent. Never throws. */
export function readHttpCall(event: Record<string, unknown>): HttpCall {
  const context = isRecord(event.requestContext) ? event.requestContext : {};
  const http = isRecord(context.http) ? context.http : {};
  const rawPath =
    typeof event.rawPath === 'string'
      ? event.rawPath
      : typeof http.path === 'string'
        ? http.path
        : '';
  let path = rawPath.split('?')[0] ?? '';
  while (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  const requestId =
    typeof context.requestId === 'string' && context.requestId !== ''
      ? printable(context.requestId, 128)
      : undefined;
  const epoch = context.timeEpoch;
  const timeEpoch =
    typeof epoch === 'string' || typeof epoch === 'number'
      ? printable(String(epoch), 32)
      : undefined;
  return {
    method: typeof http.method === 'string' ? http.method.trim().toUpperCase() : '',
    path,
    headers: stringMap(event.headers, true, ', '),
    query: stringMap(event.queryParameters, false, ','),
    body: typeof event.body === 'string' ? event.body : undefined,
    isBase64Encoded: event.isBase64Encoded === true || event.isBase64Encoded === 'true',
    ...(requestId === undefined ? {} : { requestId }),
    ...(timeEpoch === undefined ? {} : { timeEpoch }),
  };
}

function stringMap(raw: unknown, lowerCase: boolean, joiner: string): Record<string, string> {
  const out = new Map<string, string>();
  if (!isRecord(raw)) return {};
  for (const [name, value] of Object.entries(raw)) {
    const key = lowerCase ? name.toLowerCase() : name;
    let text: string | undefined;
    if (typeof value === 'string') text = value;
    else if (Array.isArray(value) && value.every((v) => typeof v === 'string'))
      text = value.join(joiner);
    if (text === undefined) continue;
    const before = out.get(key);
    out.set(key, before === undefined ? text : `${before}${joiner}${text}`);
  }
  return Object.fromEntries(out);
}

/**
 * Classifies one HTTP call. Order: unknown path → 404; wrong method → 405 (`allow` header);
 * `GET /health` → 200 `{status: 'ok', version}` (no auth, no secrets); missing or wrong token →
 * 401; decoded body over `maxBodyBytes` → 413; then the route's parser (400 on bad input).
 * Before all of these: a key beside the struct's own that reads like a switch, or `repeated`
 * (the dotted path of a name the event's JSON text gives twice) → 400 naming it.
 * `/cms-callback` answers 200 for anything once authenticated (a 4xx makes CloudMonitor resend):
 * an unreadable or oversized body becomes an `IgnoredRequest`. Refusals carry a `warning` log line
 * (status, code, method, path, field, request id; never a token). Never throws.
 */
export function classifyHttp(
  event: Record<string, unknown>,
  options: HttpIntakeOptions,
  repeated?: string,
): HttpIntake {
  const call = readHttpCall(event);
  try {
    // The struct as sent named a field twice (`"body"` twice, two `Authorization` headers):
    // which one FC meant is a guess, so the call is refused before anything is read.
    if (repeated !== undefined) {
      throw new HttpRequestError(
        400,
        'invalid_input',
        `the event names ${printable(repeated, 80)} more than once: refused rather than read as its last value`,
        printable(repeated, 80),
      );
    }
    // A switch beside FC's own keys (`{"rawPath": "/abort", "dryRun": true, ...}`, a hand-made
    // event) would be dropped while the call goes ahead: refused.
    const [stray] = refusedKeys(event, HTTP_EVENT_KEYS);
    if (stray) {
      throw new HttpRequestError(
        400,
        'invalid_input',
        `event key "${printable(stray.key, 60)}" ${stray.message}: refused rather than ignored`,
        printable(stray.key, 60),
      );
    }
    return route(call, options);
  } catch (error) {
    const refusal =
      error instanceof HttpRequestError
        ? error
        : new HttpRequestError(400, 'bad_request', 'the request could not be read');
    return refuse(call, refusal);
  }
}

/** The FC 3.0 HTTP struct's own keys (docs/reference/fc-triggers.md, "HTTP trigger"). */
const HTTP_EVENT_KEYS = [
  'version',
  'rawPath',
  'body',
  'isBase64Encoded',
  'headers',
  'queryParameters',
  'requestContext',
] as const;

function route(call: HttpCall, options: HttpIntakeOptions): HttpIntake {
  const path = call.path as keyof typeof ROUTES;
  const method = Object.hasOwn(ROUTES, path) ? ROUTES[path] : undefined;
  if (method === undefined) {
    // The path is never echoed (answer or log): a token or key pasted into it would come back.
    throw new HttpRequestError(404, 'not_found', `no such route (${KNOWN_ROUTES})`);
  }
  if (call.method !== method) {
    throw new HttpRequestError(
      405,
      'method_not_allowed',
      `${path} accepts ${method} only`,
      undefined,
      { allow: method },
    );
  }
  if (path === '/health') {
    return {
      kind: 'http-reply',
      response: jsonResponse(200, { status: 'ok', version: options.version }),
    };
  }
  const authorised = isAuthorised(
    { headers: call.headers, query: call.query, allowQueryToken: path === '/cms-callback' },
    options.authTokens,
  );
  if (!authorised) {
    throw new HttpRequestError(401, 'unauthorized', 'missing or wrong token');
  }
  const base = {
    kind: 'http' as const,
    route: path,
    ...(call.requestId === undefined ? {} : { requestId: call.requestId }),
    ...(call.timeEpoch === undefined ? {} : { timeEpoch: call.timeEpoch }),
  };
  if (path === '/cms-callback') return { ...base, request: cmsCallback(call, options) };
  const input = {
    body: decodeBody(call.body, call.isBase64Encoded, options.maxBodyBytes),
    query: call.query,
    ...(call.requestId === undefined ? {} : { requestId: call.requestId }),
  };
  const platform = platformOfCall(input);
  const request = platform
    ? platformHttpRequest(input, path === '/abort' ? '/abort' : '/sweep', options.maxIds)
    : path === '/abort'
      ? manualAbortRequest(input, options.maxIds)
      : manualSweepRequest(input, options.maxIds);
  return { ...base, request };
}

function cmsCallback(call: HttpCall, options: HttpIntakeOptions): AbortRequest {
  // The body is CloudMonitor's (lenient: it adds fields); the query is the operator's URL, and
  // only `token` means something there. A `?dryRun=true` would otherwise be dropped while the
  // alarm aborts: refused (one `invalid` record, nothing done; still 200, or CloudMonitor resends).
  const unknown = Object.keys(call.query).filter((k) => k !== 'token');
  if (unknown.length > 0) {
    return {
      kind: 'refused',
      trigger: 'cms-callback',
      invalid: unknown.map((key) => ({
        field: `query.${printable(key, 60)}`,
        message:
          'unknown key in the callback URL (only token is read): the alarm is refused and nothing is aborted; fix the callback URL',
      })),
    };
  }
  let body: string;
  try {
    body = decodeBody(call.body, call.isBase64Encoded, options.maxBodyBytes);
  } catch {
    return {
      kind: 'ignored',
      trigger: 'cms-callback',
      // Fail closed (rt11 F2): the ids it names are unknown, so nothing is aborted; the record
      // says how big it was, the limit, and how to raise it.
      detail:
        `CloudMonitor callback body of ${describeBodySize(call.body, call.isBase64Encoded)} is larger than ` +
        `HTTP_MAX_BODY_BYTES (${options.maxBodyBytes} bytes): not read, so no id it names was read and ` +
        `nothing is aborted; raise HTTP_MAX_BODY_BYTES (at most ${FC_MAX_BODY_BYTES}, FC's own body limit) ` +
        'or make the alarm name fewer series',
      invalid: [],
    };
  }
  return parseCmsCallbackBody(body);
}

/** The routes, for the 404 answer. */
const KNOWN_ROUTES = Object.keys(ROUTES).join(', ');

/**
 * How a path may be printed: a known route as itself, anything else only by its length (a path
 * is caller input: a token or an AccessKey secret pasted into it must never be echoed).
 */
export function routeName(path: string | undefined): string {
  const trimmed = path && path.length > 1 ? path.replace(/\/+$/, '') : path;
  if (trimmed && Object.hasOwn(ROUTES, trimmed)) return trimmed;
  return `(unknown path, ${path?.length ?? 0} characters)`;
}

function refuse(call: HttpCall, error: HttpRequestError): HttpIntake {
  const response = errorResponse(error.statusCode, error.code, error.message, error.field);
  Object.assign(response.headers, error.headers);
  const parts = [
    `http ${error.statusCode} ${error.code}: ${printable(call.method || '-', 16)} ${routeName(call.path)}`,
  ];
  if (error.field !== undefined) parts.push(`field=${error.field}`);
  parts.push(`(${printable(error.message, 200)})`);
  if (call.requestId !== undefined) parts.push(`requestId=${call.requestId}`);
  return { kind: 'http-reply', response, warning: parts.join(' ') };
}
