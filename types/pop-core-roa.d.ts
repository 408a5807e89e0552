/**
 * Our declaration of @alicloud/pop-core 1.8.0's ROAClient (the package types only RPCClient).
 * Source: node_modules/@alicloud/pop-core/lib/roa.js, read on Node 20.
 */
declare module '@alicloud/pop-core/lib/roa.js' {
  import type { Agent } from 'node:http';

  export interface RoaCredentials {
    accessKeyId: string;
    accessKeySecret: string;
    securityToken?: string;
  }

  export interface RoaClientConfig {
    /** Base URL, no trailing slash (a trailing slash breaks the signature). */
    endpoint: string;
    apiVersion: string;
    accessKeyId?: string;
    accessKeySecret?: string;
    securityToken?: string;
    /** Called on every request. */
    credentialsProvider?: { getCredentials(): Promise<RoaCredentials> };
    /** Passed to httpx.request on every call (e.g. `agent`). */
    opts?: { agent?: Agent; timeout?: number };
  }

  export interface RoaRequestOptions {
    /** ms, connect and read (httpx default 3000). */
    timeout?: number;
    readTimeout?: number;
    connectTimeout?: number;
    /** Resolve with the raw body string instead of parsing it. */
    rawBody?: boolean;
    agent?: Agent;
  }

  class ROAClient {
    constructor(config: RoaClientConfig);
    request(
      method: string,
      uriPattern: string,
      query?: Record<string, string>,
      body?: string,
      headers?: Record<string, string>,
      opts?: RoaRequestOptions,
    ): Promise<unknown>;
  }

  export = ROAClient;
}
