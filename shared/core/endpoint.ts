/**
 * What an endpoint variable may hold (`WEBPLUS_ENDPOINT`, `SAE_ENDPOINT`, `EDAS_ENDPOINT`,
 * `SLS_ENDPOINT`, and the CLI's `FC_ENDPOINT`): a scheme and a host with an optional port, nothing
 * else. Red-team 12 F5: `https://user:pass@host` was accepted and the password then reached
 * records, logs and `doctor` wherever the endpoint is named. A user name, a password, a path, a
 * query or a fragment is refused at cold start; the reason never quotes the value (it may be the
 * secret), only what is wrong with it.
 */

/** A host name (letters, digits, `-`, `_`, dots), an IPv4 address, or a bracketed IPv6 literal. */
const HOST = String.raw`(?:[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.?|\[[0-9A-Fa-f:.]+\])`;

/** `http(s)://host[:port]`, exactly. */
const URL_FORM = new RegExp(String.raw`^https?://${HOST}(?::\d{1,5})?$`, 'i');

/** A bare `host[:port]` (SLS takes one: HTTPS is then assumed). */
const HOST_FORM = new RegExp(String.raw`^${HOST}(?::\d{1,5})?$`);

/**
 * Why `raw` is not an acceptable endpoint, or `undefined` when it is. The reason is worded to
 * follow `invalid <VARIABLE>: ` and never holds any character of `raw`.
 * @param raw the variable's value (surrounding whitespace is ignored)
 * @param bareHost whether a bare `host[:port]` without a scheme is allowed (SLS_ENDPOINT)
 * @example endpointProblem('https://u:p@h') // 'must not hold a user name or password (…@host): …'
 */
export function endpointProblem(raw: string, bareHost = false): string | undefined {
  const text = raw.trim();
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(text);
  const rest = scheme ? text.slice(scheme[0].length) : text;
  // The authority ends at the first `/`, `?` or `#` (RFC 3986 §3.2); an `@` anywhere before it
  // (or anywhere at all: a `\` or an encoded slash can hide where it ends) is user info.
  if (text.includes('@')) {
    return 'must not hold a user name or password (user:password@host): keys go in the credentials, never in a URL; the value is not shown';
  }
  if (!scheme) {
    if (bareHost && HOST_FORM.test(rest)) return undefined;
    return bareHost
      ? 'must be a host (cn-hangzhou.log.aliyuncs.com) or http(s)://host[:port] with no path, query or fragment; the value is not shown'
      : 'must be http(s)://host[:port] with no path or trailing slash; the value is not shown';
  }
  if (URL_FORM.test(text)) return undefined;
  return 'must be http(s)://host[:port] with no path or trailing slash, query or fragment; the value is not shown';
}
