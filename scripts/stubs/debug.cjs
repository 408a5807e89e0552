'use strict';
/**
 * Stand-in for `debug` in the function bundle (scripts/bundle-options.mjs aliases it here).
 * Two copies of it were bundled (pop-core's debug 3.2.7 and httpx's 4.4.3, each with its
 * browser and node variants and `ms`: about 16 KiB of `dist/index.js`; a third in
 * `sls-sdk.js`, 14 KiB), for four loggers: `roa` (@alicloud/pop-core 1.8.0 lib/roa.js: the
 * string to sign), `httpx:header` and `httpx:body` (httpx lib/index.js: every request header,
 * the `Authorization` signature and the STS `x-acs-security-token` among them, and every reply
 * body), `log:client` (@alicloud/log 1.2.6 lib/client.js: the string to sign). Those lines would go to stderr,
 * that is the function's log, past our redactor, whenever the instance has `DEBUG` set; the
 * bundle never writes them: every logger is disabled (`enabled` false) and does nothing.
 * The CLI (dist-cli/) keeps the real package.
 * @returns {((...args: unknown[]) => void) & { enabled: false, namespace: string }}
 */
function createDebug(namespace) {
  const debug = () => {};
  debug.enabled = false;
  debug.namespace = String(namespace);
  debug.extend = (sub) => createDebug(`${namespace}:${sub}`);
  return debug;
}
createDebug.enabled = () => false;
createDebug.enable = () => {};
createDebug.disable = () => '';
module.exports = createDebug;
