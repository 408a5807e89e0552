/**
 * Test-only preload (`node --require`), for child processes only: refuses every connection and
 * every DNS lookup that is not this machine, before any byte leaves. Each refused attempt is
 * appended as one JSON line to the file named by `LOOPBACK_ONLY_LOG` (so a test sees an attempt
 * even when the code under test swallows the error), then the call fails with EREFUSEDBYTEST.
 * Loopback is 127.0.0.0/8, ::1 and `localhost`; a Unix socket path is allowed.
 */
'use strict';
const dns = require('node:dns');
const fs = require('node:fs');
const net = require('node:net');

const log = process.env.LOOPBACK_ONLY_LOG;

function isLoopback(host) {
  if (host === undefined || host === null || host === '') return true; // Node's default: localhost
  const h = String(host).replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

function refuse(kind, host, port) {
  if (log) fs.appendFileSync(log, `${JSON.stringify({ kind, host: String(host), port })}\n`);
  const err = new Error(`loopback-only (test): ${kind} ${host}${port ? `:${port}` : ''} refused`);
  err.code = 'EREFUSEDBYTEST';
  return err;
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function loopbackOnlyConnect(...args) {
  const first = args[0];
  const options = Array.isArray(first) ? first[0] : first;
  let host;
  let port;
  if (options && typeof options === 'object') {
    if (options.path) return connect.apply(this, args);
    host = options.host;
    port = options.port;
  } else if (typeof first === 'string' && !/^\d+$/.test(first)) {
    return connect.apply(this, args); // a Unix socket path
  } else {
    port = first;
    host = typeof args[1] === 'string' ? args[1] : undefined;
  }
  if (!isLoopback(host)) throw refuse('connect', host, port);
  return connect.apply(this, args);
};

const lookup = dns.lookup;
dns.lookup = function loopbackOnlyLookup(hostname, options, callback) {
  if (!isLoopback(hostname)) {
    const cb = typeof options === 'function' ? options : callback;
    const err = refuse('lookup', hostname);
    process.nextTick(() => cb(err));
    return {};
  }
  return lookup.call(this, hostname, options, callback);
};
const promiseLookup = dns.promises.lookup;
dns.promises.lookup = function loopbackOnlyPromiseLookup(hostname, options) {
  if (!isLoopback(hostname)) return Promise.reject(refuse('lookup', hostname));
  return promiseLookup.call(this, hostname, options);
};
for (const name of ['resolve', 'resolve4', 'resolve6', 'resolveAny']) {
  const original = dns[name];
  dns[name] = function loopbackOnlyResolve(hostname, ...rest) {
    if (isLoopback(hostname)) return original.call(this, hostname, ...rest);
    const cb = rest[rest.length - 1];
    const err = refuse(name, hostname);
    process.nextTick(() => cb(err));
    return undefined;
  };
}
