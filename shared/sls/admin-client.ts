/**
 * A thin typed client for the Log Service management and query API (version 2020-12-30) through
 * `@alicloud/sls20201230` 5.9.0, used by `webplus-abort setup-sls` and `webplus-abort log --sls`.
 * (Writing records stays with `@alicloud/log`: this SDK cannot PutLogs.)
 *
 * Facts relied on (@alicloud/sls20201230 dist/client.js; @alicloud/gateway-sls 0.3.2
 * dist/client.js, read for this file; Log Service API reference
 * https://www.alibabacloud.com/help/en/sls/developer-reference/api-sls-2020-12-30-dir):
 * - requests are signed by the gateway (`LOG <AK>:<base64 HMAC-SHA256>`,
 *   `x-log-signaturemethod: hmac-sha256`) and sent to `<project>.<endpoint>` (virtual host);
 * - a 4xx/5xx answer throws an error with `code` = errorCode and `data.statusCode`;
 * - GetLogs is `GET /logstores/<logstore>?type=log&from&to&query&line&offset&reverse` and answers
 *   an array of logs (every value a string) with headers `x-log-progress` and `x-log-count`.
 *
 * The SDK can take no `http.Agent`, so a loopback endpoint (`http://127.0.0.1:PORT`, the
 * stand-in) cannot be reached by `<project>.127.0.0.1` names: for an IP or `localhost` endpoint
 * the host is the bare endpoint, and the stand-in serves such requests for its `defaultProject`.
 */
import { createRequire } from 'node:module';
import { withBoundedReplies } from '../core/bounded-replies.js';
import type { Credentials } from '../core/credentials.js';
import { endpointProblem } from '../core/endpoint.js';
import { createRedactor } from '../core/redact.js';
import { ReplyTooLargeError } from '../core/reply-size.js';
import { SlsApiError } from './errors.js';

/**
 * Largest reply read from the management and query API, bytes (16 MiB): a GetLogs page holds at
 * most 100 logs, a record is at most a few tens of KiB. A larger reply (content-length, bytes
 * received, or a declared `x-log-bodyrawsize`) is cut and the call fails with its size.
 */
export const SLS_ADMIN_MAX_REPLY_BYTES = 16 * 1024 * 1024;

/** One GetLogs page. */
export interface LogsPage {
  /** The logs, every value a string (`__time__`, `__topic__`, `__source__`, `__tag__:k`, contents). */
  logs: Record<string, string>[];
  /** `Complete`, or `Incomplete` when SLS has not read every shard yet. */
  progress: string;
}

/** The calls this project makes. Resource bodies are the JSON of deploy/sls/*.json. */
export interface SlsAdmin {
  /** The resource, or `undefined` when SLS answers 404. @throws SlsApiError */
  get(kind: SlsResourceKind, name: string): Promise<Record<string, unknown> | undefined>;
  /** @throws SlsApiError (e.g. `IndexAlreadyExist`) */
  create(kind: SlsResourceKind, name: string, body: Record<string, unknown>): Promise<void>;
  /** @throws SlsApiError */
  update(kind: SlsResourceKind, name: string, body: Record<string, unknown>): Promise<void>;
  /**
   * One GetLogs page.
   * @param query.from / query.to epoch seconds, `[from, to)`
   * @param query.line at most 100
   * @throws SlsApiError
   */
  getLogs(
    logstore: string,
    query: {
      from: number;
      to: number;
      query: string;
      line: number;
      offset: number;
      reverse: boolean;
    },
  ): Promise<LogsPage>;
}

/** `index` is named by its logstore; the others by their own name. */
export type SlsResourceKind = 'index' | 'savedsearch' | 'dashboard' | 'alert';

export interface SlsAdminOptions {
  /** `cn-hangzhou.log.aliyuncs.com` (HTTPS) or `http(s)://host[:port]`. */
  endpoint: string;
  project: string;
  credentials: Credentials;
  /** Connect and read timeout per call, ms. Default 10000. */
  timeoutMs?: number;
  /** Region id, for the SDK's endpoint rules (unused with an explicit endpoint). */
  region?: string;
}

interface Sdk {
  Client: new (
    config: unknown,
  ) => Record<string, (...args: unknown[]) => Promise<SdkResponse>> & {
    _spi: unknown;
  };
  Gateway: new () => {
    getHost(network: unknown, project: unknown, endpoint: string): Promise<string>;
  };
  Config: new (fields: Record<string, unknown>) => unknown;
  RuntimeOptions: new (fields: Record<string, unknown>) => unknown;
  models: Record<string, new (fields: Record<string, unknown>) => unknown>;
}

interface SdkResponse {
  statusCode?: number;
  headers?: Record<string, string>;
  body?: unknown;
}

let sdk: Sdk | undefined;

function loadSdk(): Sdk {
  if (sdk) return sdk;
  const require = createRequire(import.meta.url);
  const sls = require('@alicloud/sls20201230');
  const fromSdk = createRequire(require.resolve('@alicloud/sls20201230'));
  const openapi = fromSdk('@alicloud/openapi-core');
  const dara = fromSdk('@darabonba/typescript');
  const gateway = fromSdk('@alicloud/gateway-sls');
  sdk = {
    Client: sls.default,
    Gateway: gateway.default,
    Config: openapi.$OpenApiUtil.Config,
    RuntimeOptions: dara.RuntimeOptions,
    models: sls,
  };
  return sdk;
}

/**
 * Creates the client.
 * @throws SlsApiError (code `InvalidEndpoint`) when the endpoint does not parse.
 */
export function createSlsAdmin(options: SlsAdminOptions): SlsAdmin {
  const { protocol, host, loopback } = parseEndpoint(options.endpoint);
  const s = loadSdk();
  const client = new s.Client(
    new s.Config({
      accessKeyId: options.credentials.accessKeyId,
      accessKeySecret: options.credentials.accessKeySecret,
      ...(options.credentials.securityToken
        ? { securityToken: options.credentials.securityToken }
        : {}),
      endpoint: host,
      protocol,
      ...(options.region ? { regionId: options.region } : {}),
    }),
  );
  if (loopback) {
    const Gateway = s.Gateway;
    class LoopbackGateway extends Gateway {
      override async getHost(
        _network: unknown,
        _project: unknown,
        endpoint: string,
      ): Promise<string> {
        return endpoint;
      }
    }
    client._spi = new LoopbackGateway();
  }
  const timeoutMs = options.timeoutMs ?? 10_000;
  const runtime = () => new s.RuntimeOptions({ readTimeout: timeoutMs, connectTimeout: timeoutMs });
  const project = options.project;
  const secrets = [options.credentials.accessKeySecret, options.credentials.securityToken].filter(
    (v): v is string => typeof v === 'string' && v.length >= 4,
  );

  const call = async (what: string, fn: () => Promise<SdkResponse>): Promise<SdkResponse> => {
    try {
      return await withBoundedReplies(SLS_ADMIN_MAX_REPLY_BYTES, fn);
    } catch (error) {
      throw toApiError(what, error, secrets);
    }
  };
  const model = (name: string, fields: Record<string, unknown>) => new s.models[name]!(fields);

  return {
    async get(kind, name) {
      try {
        const response = await call(`Get ${kind} ${name}`, () => {
          switch (kind) {
            case 'index':
              return client.getIndexWithOptions!(project, name, {}, runtime());
            case 'savedsearch':
              return client.getSavedSearchWithOptions!(project, name, {}, runtime());
            case 'dashboard':
              return client.getDashboardWithOptions!(project, name, {}, runtime());
            default:
              return client.getAlertWithOptions!(project, name, {}, runtime());
          }
        });
        return toPlain(response.body);
      } catch (error) {
        if (error instanceof SlsApiError && error.status === 404) return undefined;
        throw error;
      }
    },
    async create(kind, name, body) {
      await call(`Create ${kind} ${name}`, () => {
        switch (kind) {
          case 'index':
            return client.createIndexWithOptions!(
              project,
              name,
              model('CreateIndexRequest', { body }),
              {},
              runtime(),
            );
          case 'savedsearch':
            return client.createSavedSearchWithOptions!(
              project,
              model('CreateSavedSearchRequest', body),
              {},
              runtime(),
            );
          case 'dashboard':
            return client.createDashboardWithOptions!(
              project,
              model('CreateDashboardRequest', { body }),
              {},
              runtime(),
            );
          default:
            return client.createAlertWithOptions!(
              project,
              model('CreateAlertRequest', body),
              {},
              runtime(),
            );
        }
      });
    },
    async update(kind, name, body) {
      await call(`Update ${kind} ${name}`, () => {
        switch (kind) {
          case 'index':
            return client.updateIndexWithOptions!(
              project,
              name,
              model('UpdateIndexRequest', { body }),
              {},
              runtime(),
            );
          case 'savedsearch':
            return client.updateSavedSearchWithOptions!(
              project,
              name,
              model('UpdateSavedSearchRequest', body),
              {},
              runtime(),
            );
          case 'dashboard':
            return client.updateDashboardWithOptions!(
              project,
              name,
              model('UpdateDashboardRequest', body),
              {},
              runtime(),
            );
          default:
            return client.updateAlertWithOptions!(
              project,
              name,
              model('UpdateAlertRequest', body),
              {},
              runtime(),
            );
        }
      });
    },
    async getLogs(logstore, query) {
      const response = await call(`GetLogs ${logstore}`, () =>
        client.getLogsWithOptions!(
          project,
          logstore,
          model('GetLogsRequest', { ...query }),
          {},
          runtime(),
        ),
      );
      const body = response.body;
      if (!Array.isArray(body)) {
        throw new SlsApiError(
          `GetLogs ${logstore}: the answer is not a list of logs`,
          'InvalidReply',
          response.statusCode,
        );
      }
      const logs = body.map((log) => {
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries((log ?? {}) as Record<string, unknown>))
          out[k] = String(v);
        return out;
      });
      return { logs, progress: response.headers?.['x-log-progress'] ?? 'Complete' };
    },
  };
}

/** The SDK's error as an SlsApiError, secrets removed. */
function toApiError(what: string, error: unknown, secrets: readonly string[]): SlsApiError {
  const e = error as {
    code?: unknown;
    message?: unknown;
    statusCode?: unknown;
    data?: { statusCode?: unknown; requestId?: unknown };
  };
  const status =
    typeof e?.data?.statusCode === 'number'
      ? e.data.statusCode
      : typeof e?.statusCode === 'number'
        ? e.statusCode
        : undefined;
  const code =
    error instanceof ReplyTooLargeError
      ? 'ReplyTooLarge'
      : typeof e?.code === 'string' && e.code !== ''
        ? e.code
        : status
          ? `HTTP${status}`
          : 'NetworkError';
  let message = typeof e?.message === 'string' ? e.message : String(error);
  // The one redactor (shared/core/redact.ts), then any secret too short for it, as it is.
  message = createRedactor(secrets).text(message);
  for (const secret of secrets) if (secret) message = message.split(secret).join('[redacted]');
  const requestId =
    typeof e?.data?.requestId === 'string' ? ` [x-log-requestid ${e.data.requestId}]` : '';
  return new SlsApiError(
    `${what}: ${status ? `HTTP ${status} ` : ''}${code}: ${message}${requestId}`,
    code,
    status,
    { cause: error },
  );
}

function toPlain(body: unknown): Record<string, unknown> | undefined {
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    return JSON.parse(JSON.stringify(body)) as Record<string, unknown>;
  }
  return undefined;
}

/** `http(s)://host[:port]` or a bare host (HTTPS). Loopback: an IPv4 address or `localhost`. */
function parseEndpoint(endpoint: string): { protocol: string; host: string; loopback: boolean } {
  const text = endpoint.trim();
  // Never quoted in the message: an endpoint with user info holds a password (red-team 12 F5).
  const problem = endpointProblem(text, true);
  if (problem) throw new SlsApiError(`SLS endpoint (SLS_ENDPOINT) ${problem}`, 'InvalidEndpoint');
  const withScheme = /^https?:\/\//i.test(text) ? text : `https://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new SlsApiError(
      'SLS endpoint (SLS_ENDPOINT) is not a host or http(s)://host[:port]; the value is not shown',
      'InvalidEndpoint',
    );
  }
  const loopback = /^\d{1,3}(\.\d{1,3}){3}$/.test(url.hostname) || url.hostname === 'localhost';
  return { protocol: url.protocol.replace(':', ''), host: url.host, loopback };
}
