/**
 * Our typings for @alicloud/log 1.2.6 (the package ships none). Only what this project uses,
 * checked against node_modules/@alicloud/log/lib/client.js and httpx 2.3.3 (its HTTP layer).
 */
declare module '@alicloud/log' {
  import type { Agent } from 'node:http';

  namespace Client {
    interface Credentials {
      accessKeyId: string;
      accessKeySecret: string;
      securityToken?: string;
    }

    interface ClientConfig {
      accessKeyId?: string;
      accessKeySecret?: string;
      securityToken?: string;
      /** `getCredentials` must be a native `async function` (checked by `constructor.name`). */
      credentialsProvider?: { getCredentials(): Promise<Credentials> };
      /**
       * `cn-hangzhou.log.aliyuncs.com` (plain HTTP unless `use_https`), or `http(s)://host[:port]`.
       * Requests go to `<scheme>://<project>.<endpoint><path>` (virtual-host style).
       */
      endpoint?: string;
      /** Used when `endpoint` is absent: `<region>[-<net>].log.aliyuncs.com`. */
      region?: string;
      net?: string;
      use_https?: boolean;
      userAgent?: string;
    }

    /** One log. `timestamp` is whole epoch seconds (uint32): milliseconds are silently wrong. */
    interface Log {
      timestamp: number;
      /** Nanoseconds within the second (fixed32 `TimeNs`). */
      timestampNsPart?: number;
      /** Every value must be a string, or the call throws a bare string synchronously. */
      content: Record<string, string>;
    }

    interface PostLogsData {
      logs: Log[];
      /** Each object's entries become LogTags. */
      tags?: Record<string, string>[];
      topic?: string;
      source?: string;
    }

    /** Options merged into httpx.request (the 4th argument of most methods). */
    interface RequestOptions {
      /** The agent for the request (httpx otherwise uses its own keep-alive agent). */
      agent?: Agent;
      /** Connect and read timeout, ms (default 3000). */
      timeout?: number;
      readTimeout?: number;
      connectTimeout?: number;
    }

    /**
     * What the client throws for a JSON `{errorCode, errorMessage}` reply: `name` is
     * `<errorCode>Error`, `code` the errorCode, `requestid` the `x-log-requestid` header.
     * Non-JSON replies (an HTML 502) are NOT thrown: they resolve with the body as a string.
     */
    interface SlsError extends Error {
      code: string;
      requestid?: string;
    }
  }

  class Client {
    constructor(config: Client.ClientConfig);
    /**
     * PutLogs: POST /logstores/<logstore>/shards/lb with a protobuf LogGroup.
     * Throws synchronously (a bare string, or an Error) when a value fails protobuf verification;
     * resolves with the parsed body (`''` on success; any non-JSON reply as its text).
     */
    postLogStoreLogs(
      projectName: string,
      logstoreName: string,
      data: Client.PostLogsData,
      options?: Client.RequestOptions,
    ): Promise<unknown>;
    getProject(projectName: string, options?: Client.RequestOptions): Promise<unknown>;
    getLogs(
      projectName: string,
      logstoreName: string,
      from: Date,
      to: Date,
      data?: Record<string, unknown>,
      options?: Client.RequestOptions,
    ): Promise<unknown>;
  }

  export = Client;
}
