/**
 * Test-only preload (`node --require`), for child processes only: routes connections to the
 * fixed cloud addresses that @alicloud/credentials calls and cannot be pointed elsewhere — the
 * ECS instance metadata service at http://100.100.100.200 and STS at https://sts.aliyuncs.com —
 * to loopback stand-ins that the test started. Nothing else changes: the SDK's own request
 * code runs, TLS is verified against the original host name (the stand-in's certificate is
 * trusted through NODE_EXTRA_CA_CERTS), and every other connection goes where it was going.
 *
 * Configured by `TEST_ROUTE_MAP`, a JSON object `{ "host:port": "127.0.0.1:port", ... }`.
 * Sources: node_modules/@alicloud/credentials/dist/src/providers/ecs_ram_role.js (host
 * '100.100.100.200', protocol 'http') and oidc_role_arn.js (protocol 'https', host
 * `sts.aliyuncs.com` unless ALIBABA_CLOUD_STS_REGION is set), both using httpx's own keep-alive
 * agents, which are `http.Agent` / `https.Agent` instances.
 */
'use strict';
const http = require('node:http');
const https = require('node:https');

const map = JSON.parse(process.env.TEST_ROUTE_MAP || '{}');

function route(options, defaultPort) {
  const host = options.host || options.hostname;
  const port = Number(options.port || defaultPort);
  const to = map[`${host}:${port}`];
  if (!to) return options;
  const [toHost, toPort] = to.split(':');
  return { ...options, host: toHost, hostname: toHost, port: Number(toPort), servername: host };
}

for (const [Agent, defaultPort] of [
  [http.Agent, 80],
  [https.Agent, 443],
]) {
  const original = Agent.prototype.createConnection;
  Agent.prototype.createConnection = function createConnection(options, callback) {
    return original.call(this, route(options, defaultPort), callback);
  };
}
