/**
 * `invoke --remote --function F`: sends an event to a deployed FC 3.0 function through the FC 3.0
 * API (InvokeFunction, version 2023-03-30) with the `@alicloud/fc20230330` SDK. With
 * `--service S` (an FC 2.0 function, which belongs to a service) the command goes through the FC
 * 2.0 API with `@alicloud/fc2` instead (cli/commands/invoke-remote-fc2.ts): a function created in
 * FC 3.0 (this project's s.yaml, component fc3) belongs to no service, and FC's "Comparison and
 * compatibility between Function Compute 3.0 and 2.0" page documents only that 2.0 services and
 * functions keep working in 3.0. See docs/remote-invoke.md.
 *
 * The SDKs are loaded on first use, from the CLI only: nothing under functions/ or shared/
 * imports this file, so they never reach the function bundle.
 */
import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';
import { endpointProblem } from '#shared/core/endpoint.js';
import { createRedactor } from '#shared/core/redact.js';
import { describeResolved, resolveCredentials } from '../credentials.js';
import { RemoteInvokeError, UsageError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { cliSecrets } from '../secrets.js';
import { invokeFc2 } from './invoke-remote-fc2.js';
import { notTheAnswer, parseAnswer, type SeenReply, watchReplies } from './remote-reply.js';

/** Keys used to sign the call (an AccessKey pair, or STS keys with their token). */
export interface RemoteCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

export interface InvokeRemoteOptions {
  /** The deployed function's name (FC 3.0: no service). */
  functionName: string;
  /** The payload, sent as the request body byte for byte (the function gets it as its Buffer). */
  event: Buffer;
  /** `true`: asynchronous invocation (`x-fc-invocation-type: Async`; FC answers 202). */
  async: boolean;
  /** Region id, e.g. `cn-hangzhou`. */
  region: string;
  /** Alibaba Cloud account id (the FC 3.0 endpoint is `<accountId>.<region>.fc.aliyuncs.com`). */
  accountId: string;
  credentials: RemoteCredentials;
  /** Endpoint override, `http(s)://host[:port]` (tests: a loopback stand-in). */
  endpoint?: string;
  /** Version or alias (`LATEST` when absent). */
  qualifier?: string;
  /** Read timeout, ms. Default 70 000 (over the function's 60 s timeout). */
  timeoutMs?: number;
}

export interface InvokeRemoteResult {
  /** HTTP status: 200 sync, 202 async; 4xx/5xx when FC refused the call. */
  status: number;
  /** The function's answer (sync), or FC's error document; UTF-8. */
  body: string;
  /** `x-fc-request-id`. */
  requestId?: string;
  /** `x-fc-error-type` when the function itself failed (FC still answers 200). */
  errorType?: string;
  /** The reply's `content-type`, when it had one. */
  contentType?: string;
  /**
   * Set when the SDK could not read the reply at all (an HTML 502 from a gateway: the FC 3.0 SDK
   * throws parsing it): what was seen of it. `status` and `body` are then from it too.
   */
  unreadable?: SeenReply;
}

/** The parts of the SDK used here (it ships typings, but it is loaded lazily with require). */
interface Sdk {
  Client: new (
    config: unknown,
  ) => {
    invokeFunctionWithOptions(
      functionName: string,
      request: unknown,
      headers: unknown,
      runtime: unknown,
    ): Promise<{ statusCode?: number; headers?: Record<string, string>; body?: Readable }>;
  };
  InvokeFunctionRequest: new (fields: Record<string, unknown>) => unknown;
  InvokeFunctionHeaders: new (fields: Record<string, unknown>) => unknown;
  Config: new (fields: Record<string, unknown>) => unknown;
  RuntimeOptions: new (fields: Record<string, unknown>) => unknown;
}

let sdk: Sdk | undefined;

function loadSdk(): Sdk {
  if (sdk) return sdk;
  const require = createRequire(import.meta.url);
  const fc = require('@alicloud/fc20230330');
  // openapi-core and darabonba are the SDK's own dependencies: resolve them from it.
  const fromSdk = createRequire(require.resolve('@alicloud/fc20230330'));
  const openapi = fromSdk('@alicloud/openapi-core');
  const dara = fromSdk('@darabonba/typescript');
  sdk = {
    Client: fc.default,
    InvokeFunctionRequest: fc.InvokeFunctionRequest,
    InvokeFunctionHeaders: fc.InvokeFunctionHeaders,
    Config: openapi.$OpenApiUtil.Config,
    RuntimeOptions: dara.RuntimeOptions,
  };
  return sdk;
}

/** `http(s)://host[:port]` → SDK `protocol` and `endpoint` (host[:port]). */
function parseEndpoint(options: InvokeRemoteOptions): { protocol: string; endpoint: string } {
  if (!options.endpoint) {
    return {
      protocol: 'https',
      endpoint: `${options.accountId}.${options.region}.fc.aliyuncs.com`,
    };
  }
  // Never quoted: an endpoint with user info holds a password (red-team 12 F5).
  const problem = endpointProblem(options.endpoint);
  if (problem) throw new UsageError(`invalid FC_ENDPOINT: ${problem}`);
  const url = new URL(options.endpoint);
  return { protocol: url.protocol.replace(':', ''), endpoint: url.host };
}

async function readAll(stream: Readable | undefined): Promise<string> {
  if (!stream) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array));
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** What the SDK throws for a non-2xx reply (openapi-core ResponseError). */
interface SdkError {
  statusCode?: number;
  code?: string;
  message?: string;
  data?: Record<string, unknown>;
}

/**
 * Invokes a deployed FC 3.0 function: `POST /2023-03-30/functions/<fn>/invocations[?qualifier=]`
 * signed with ACS3-HMAC-SHA256, body = `event` (bytes unchanged), header
 * `x-fc-invocation-type: Async` when `async` (Sync otherwise).
 *
 * Resolves with the HTTP status and body for every answer FC gives, errors included (4xx/5xx
 * become `{status, body: JSON of FC's error}`); a function error is a 200 with `errorType`; an
 * answer the SDK cannot read (an HTML 502) comes back with `unreadable` (what was seen of it).
 * Source: FC API reference, InvokeFunction (2023-03-30); @alicloud/fc20230330 4.7.6
 * `invokeFunctionWithOptions`.
 * @throws RemoteInvokeError (exit 1) when no HTTP answer came; UsageError for a malformed `endpoint`
 *   (`invalid FC_ENDPOINT: …`, never quoting it).
 */
export async function invokeRemote(options: InvokeRemoteOptions): Promise<InvokeRemoteResult> {
  const { Client, InvokeFunctionRequest, InvokeFunctionHeaders, Config, RuntimeOptions } =
    loadSdk();
  const { protocol, endpoint } = parseEndpoint(options);
  const client = new Client(
    new Config({
      accessKeyId: options.credentials.accessKeyId,
      accessKeySecret: options.credentials.accessKeySecret,
      ...(options.credentials.securityToken
        ? { securityToken: options.credentials.securityToken }
        : {}),
      regionId: options.region,
      endpoint,
      protocol,
    }),
  );
  const { Readable } = await import('node:stream');
  const request = new InvokeFunctionRequest({
    body: Readable.from([options.event]),
    ...(options.qualifier ? { qualifier: options.qualifier } : {}),
  });
  const headers = new InvokeFunctionHeaders({
    xFcInvocationType: options.async ? 'Async' : 'Sync',
  });
  const timeout = options.timeoutMs ?? 70_000;
  const replies = watchReplies(endpoint);
  const runtime = new RuntimeOptions({
    readTimeout: timeout,
    connectTimeout: Math.min(timeout, 10_000),
    autoretry: false,
    maxAttempts: 1,
  });
  try {
    const response = await client.invokeFunctionWithOptions(
      options.functionName,
      request,
      headers,
      runtime,
    );
    const replyHeaders = response.headers ?? {};
    const result: InvokeRemoteResult = {
      status: response.statusCode ?? 0,
      body: await readAll(response.body),
    };
    if (replyHeaders['x-fc-request-id']) result.requestId = replyHeaders['x-fc-request-id'];
    if (replyHeaders['x-fc-error-type']) result.errorType = replyHeaders['x-fc-error-type'];
    if (replyHeaders['content-type']) result.contentType = replyHeaders['content-type'];
    return result;
  } catch (thrown) {
    const error = thrown as SdkError;
    const seen = replies.last();
    if (typeof error.statusCode === 'number' && error.statusCode >= 400) {
      const data = error.data ?? {};
      const requestId = data.RequestId ?? data.requestId;
      return {
        status: error.statusCode,
        body: JSON.stringify(
          Object.keys(data).length > 0 ? data : { code: error.code, message: error.message },
        ),
        ...(typeof requestId === 'string' ? { requestId } : {}),
        ...(seen?.contentType ? { contentType: seen.contentType } : {}),
      };
    }
    // An answer came but the SDK could not read it (not FC's JSON error document).
    if (seen) {
      return {
        status: seen.status,
        body: seen.firstBytes,
        unreadable: seen,
        ...(seen.requestId ? { requestId: seen.requestId } : {}),
        ...(seen.contentType ? { contentType: seen.contentType } : {}),
      };
    }
    const reason = thrown instanceof Error ? thrown.message : String(thrown);
    throw new RemoteInvokeError(
      `invoke --remote: no HTTP answer from ${endpoint}: ${reason.split('\n')[0]!.slice(0, 200)}`,
      { cause: thrown },
    );
  } finally {
    replies.stop();
  }
}

/** What `invoke --remote [--service S] --function F [--async]` passes (cli/commands/invoke.ts). */
export interface InvokeRemoteCommandOptions {
  event: Buffer;
  functionName: string;
  /** FC 2.0: the service the function belongs to (then `@alicloud/fc2` is used). */
  serviceName?: string;
  async?: boolean;
  /** `--profile`: a profile of `~/.aliyun/config.json` (cli/credentials.ts). */
  profile?: string;
  /** `--region` (cli/credentials.ts for the order of the other sources). */
  region?: string;
  /** `--qualifier`: version or alias; `FC_QUALIFIER` otherwise. */
  qualifier?: string;
}

/**
 * The CLI side of `invoke --remote`: credentials and region from the chain of
 * cli/credentials.ts (`--profile`, environment, OIDC, `~/.aliyun/config.json`, ECS RAM role),
 * the account from `ALIBABA_CLOUD_ACCOUNT_ID`, optional `FC_ENDPOINT` and `FC_QUALIFIER`. With
 * `serviceName` the FC 2.0 API through `@alicloud/fc2` ({@link invokeFc2}), else the FC 3.0 API
 * ({@link invokeRemote}). Says on stderr which credential source, region and API it used (never
 * a key). Prints exactly one JSON document on stdout (the function's answer when it is JSON,
 * otherwise `{status, body, requestId}`) and returns the exit status: 0; 1 when FC answered 400
 * or more; 3 when the function itself failed (`x-fc-error-type`); 4 when the reply is not the
 * function's JSON answer (one line on stderr names its status, content type and first bytes).
 * @throws UsageError / CredentialsError when no credentials are found or the account id is missing.
 */
export async function invokeRemoteCommand(
  options: InvokeRemoteCommandOptions,
  env: NodeJS.ProcessEnv = process.env,
  home?: string,
): Promise<number> {
  // Checked first, for both APIs, and never quoted (red-team 12 F5).
  const endpointIssue = env.FC_ENDPOINT ? endpointProblem(env.FC_ENDPOINT) : undefined;
  if (endpointIssue) throw new UsageError(`invalid FC_ENDPOINT: ${endpointIssue}`);
  const resolved = await resolveCredentials(
    {
      ...(options.profile !== undefined ? { profile: options.profile } : {}),
      ...(options.region !== undefined ? { region: options.region } : {}),
    },
    env,
    ...(home !== undefined ? [home] : []),
  );
  if (!resolved.credentials) {
    throw new UsageError(
      `invoke --remote needs Alibaba Cloud credentials allowed fc:InvokeFunction; found ${resolved.source.description}`,
    );
  }
  const accountId = env.ALIBABA_CLOUD_ACCOUNT_ID;
  if (!accountId) {
    throw new UsageError(
      'invoke --remote needs ALIBABA_CLOUD_ACCOUNT_ID (the endpoint is <accountId>.<region>.fc.aliyuncs.com)',
    );
  }
  const qualifier = options.qualifier ?? env.FC_QUALIFIER;
  const target = {
    functionName: options.functionName,
    event: options.event,
    async: options.async === true,
    region: resolved.region,
    accountId,
    credentials: resolved.credentials,
    ...(env.FC_ENDPOINT ? { endpoint: env.FC_ENDPOINT } : {}),
    ...(qualifier ? { qualifier } : {}),
  };
  process.stderr.write(
    `webplus-abort: ${describeResolved(resolved)}; ${options.serviceName ? `FC 2.0 API (@alicloud/fc2), service ${options.serviceName}` : 'FC 3.0 API (@alicloud/fc20230330)'}, function ${options.functionName}\n`,
  );
  const answered = options.serviceName
    ? await invokeFc2({ ...target, serviceName: options.serviceName })
    : await invokeRemote(target);
  // FC's errors are outside text: a SignatureDoesNotMatch quotes the string to sign (with the STS
  // token in it). They pass the one redactor, with the keys this call signed with and every
  // secret the CLI knows (cli/secrets.ts).
  const redactor = createRedactor([
    resolved.credentials.accessKeySecret,
    resolved.credentials.securityToken,
    ...cliSecrets(env, home),
  ]);
  // A reply that is not the function's JSON answer (an HTML error page, a 200 text/plain from a
  // proxy, an unreadable error): one line on stderr, one document on stdout, exit 4.
  const synchronousOk = !options.async && answered.status < 300 && !answered.errorType;
  if (answered.unreadable || (synchronousOk && !parseAnswer(answered.body))) {
    const seen: SeenReply = answered.unreadable ?? {
      status: answered.status,
      firstBytes: answered.body.slice(0, 120),
      ...(answered.contentType ? { contentType: answered.contentType } : {}),
      ...(answered.requestId ? { requestId: answered.requestId } : {}),
    };
    const line = notTheAnswer(seen, redactor);
    process.stderr.write(`webplus-abort: invoke --remote: ${line}\n`);
    process.stdout.write(
      `${JSON.stringify(redactor.value({ error: 'reply-not-the-answer', status: seen.status, contentType: seen.contentType ?? null, requestId: seen.requestId ?? null }))}\n`,
    );
    return EXIT.reply;
  }
  const result = redactor.value(answered);
  const document = result.status < 300 ? parseAnswer(result.body)?.value : undefined;
  const { contentType: _type, unreadable: _unreadable, ...shown } = result;
  process.stdout.write(`${JSON.stringify(document ?? shown)}\n`);
  if (result.errorType) return 3;
  return result.status >= 400 ? 1 : 0;
}
