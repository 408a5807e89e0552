/**
 * `invoke --remote --service S --function F`: sends an event to a deployed **FC 2.0** function
 * (one that belongs to a service) through the FC 2.0 API with `@alicloud/fc2` (2.6.6):
 * `POST /2016-08-15/services/<service>[.<qualifier>]/functions/<function>/invocations`, signed
 * `Authorization: FC <AccessKeyId>:<signature>` (HMAC-SHA256 over method, Content-MD5,
 * Content-Type, Date, the `x-fc-` headers and the path; node_modules/@alicloud/fc2/lib/helper.js;
 * https://www.alibabacloud.com/help/en/functioncompute/fc-2-0/developer-reference/signature-authentication).
 * FC 3.0 functions (no service) go through cli/commands/invoke-remote.ts instead.
 *
 * The SDK (it loads ali-oss, axios and ws when required) is loaded on first use from the CLI
 * only: nothing under functions/ or shared/ imports this file, so it never reaches the function
 * bundle.
 */
import { createRequire } from 'node:module';
import type { InvokeRemoteResult, RemoteCredentials } from './invoke-remote.js';

export interface InvokeFc2Options {
  /** The FC 2.0 service the function belongs to. */
  serviceName: string;
  functionName: string;
  /** The payload, sent byte for byte (`application/octet-stream`). */
  event: Buffer;
  /** `true`: `x-fc-invocation-type: Async` (FC answers 202). */
  async: boolean;
  /** Region id, e.g. `cn-hangzhou`. */
  region: string;
  /** Account id: the endpoint is `https://<accountId>.<region>.fc.aliyuncs.com`. */
  accountId: string;
  credentials: RemoteCredentials;
  /** Endpoint override, `http(s)://host[:port]` (tests: a loopback stand-in). */
  endpoint?: string;
  /** Version or alias: the path names `<service>.<qualifier>` (fc2's `getServiceName`). */
  qualifier?: string;
  /** Whole-request timeout, ms. @default 70000 (over the function's 60 s timeout) */
  timeoutMs?: number;
}

/** The part of `@alicloud/fc2`'s client used here (lib/client.js). */
interface Fc2Client {
  invokeFunction(
    serviceName: string,
    functionName: string,
    event: Buffer,
    headers: Record<string, string>,
    qualifier: string | undefined,
    opts: { rawBuf?: boolean },
  ): Promise<{ headers: Record<string, string>; data: unknown }>;
}

type Fc2ClientClass = new (accountId: string, config: Record<string, unknown>) => Fc2Client;

let Client: Fc2ClientClass | undefined;

function loadSdk(): Fc2ClientClass {
  Client ??= createRequire(import.meta.url)('@alicloud/fc2') as Fc2ClientClass;
  return Client;
}

/** What fc2 throws for a non-2xx answer (lib/client.js `request`): `code` is FC's ErrorCode. */
interface Fc2Error {
  message?: string;
  code?: string;
  name?: string;
}

/**
 * Invokes an FC 2.0 function. Resolves with the status and body for every answer FC gives:
 * fc2 throws for 4xx/5xx with a message `... failed with <status>. requestid: <id>, message: ...`,
 * which is turned back into `{status, body: {ErrorCode, ErrorMessage}, requestId}`; a function
 * error is a 200 with `errorType` (`x-fc-error-type`).
 *
 * STS keys: fc2 sends `x-fc-security-token` only when the AccessKey id starts with `STS.`; the
 * token is added as a configured header whatever the id, so it is always sent (and signed, being
 * an `x-fc-` header).
 * @throws Error for network failures (no HTTP answer).
 */
export async function invokeFc2(options: InvokeFc2Options): Promise<InvokeRemoteResult> {
  const FcClient = loadSdk();
  const token = options.credentials.securityToken;
  const client = new FcClient(options.accountId, {
    accessKeyID: options.credentials.accessKeyId,
    accessKeySecret: options.credentials.accessKeySecret,
    ...(token ? { securityToken: token, headers: { 'x-fc-security-token': token } } : {}),
    region: options.region,
    secure: true,
    timeout: options.timeoutMs ?? 70_000,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  });
  const headers = { 'x-fc-invocation-type': options.async ? 'Async' : 'Sync' };
  try {
    const response = await client.invokeFunction(
      options.serviceName,
      options.functionName,
      options.event,
      headers,
      options.qualifier,
      { rawBuf: true },
    );
    const replyHeaders = response.headers ?? {};
    const data = response.data;
    const body = Buffer.isBuffer(data)
      ? data.toString('utf8')
      : typeof data === 'string'
        ? data
        : JSON.stringify(data ?? '');
    const result: InvokeRemoteResult = {
      status: options.async ? 202 : 200,
      body,
    };
    if (replyHeaders['x-fc-request-id']) result.requestId = replyHeaders['x-fc-request-id'];
    if (replyHeaders['x-fc-error-type']) result.errorType = replyHeaders['x-fc-error-type'];
    if (replyHeaders['content-type']) result.contentType = replyHeaders['content-type'];
    return result;
  } catch (thrown) {
    const error = thrown as Fc2Error;
    const parsed = /failed with (\d{3})\. requestid: ([^,]*), message: (.*)\.$/s.exec(
      error.message ?? '',
    );
    if (parsed) {
      const requestId = parsed[2]!.trim();
      return {
        status: Number(parsed[1]),
        body: JSON.stringify({
          ErrorCode: error.code ?? 'Unknown',
          ErrorMessage: parsed[3] === 'undefined' ? '' : parsed[3],
        }),
        ...(requestId && requestId !== 'undefined' ? { requestId } : {}),
      };
    }
    throw thrown;
  }
}
