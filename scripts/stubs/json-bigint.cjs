'use strict';
/**
 * Stand-in for `json-bigint` (and with it bignumber.js) in the function bundle (scripts/build.mjs
 * aliases it here). @alicloud/pop-core uses it only to parse a JSON reply: ROAClient after its
 * `if (opts.rawBody) return responseBody` (lib/roa.js), RPCClient (lib/rpc.js) which we never
 * construct. Our transport always passes `rawBody: true` and parses replies itself, so reaching
 * this is a bug: it throws instead of silently misparsing.
 */
function unavailable() {
  throw new Error('json-bigint is stubbed out of the function bundle (scripts/build.mjs)');
}
function jsonBigint() {
  return { parse: unavailable, stringify: unavailable };
}
jsonBigint.parse = unavailable;
jsonBigint.stringify = unavailable;
module.exports = jsonBigint;
