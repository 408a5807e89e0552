/**
 * Which transport failures prove that a request never left this process (so nothing on the
 * other side can have acted on it): the only transport failures after which a call that changes
 * state (AbortChange, AbortChangeOrder) may be sent again. Every other failure (a reset, a
 * timeout, a reply cut short) may come after the request was written: the change is re-read,
 * never re-sent blindly (shared/core/paced-call.ts `changesState`).
 * Sources: Node.js errors (https://nodejs.org/api/errors.html#common-system-errors), OpenSSL
 * verify codes as Node names them (https://nodejs.org/api/tls.html), and Node's message for a
 * socket closed during the TLS handshake (`_tls_wrap.js`).
 */

/** No connection was made: refused, no route, the name does not resolve. */
const NOT_CONNECTED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** The TLS handshake failed: the certificate was refused or the protocols did not agree. */
const TLS_HANDSHAKE =
  /^(?:ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_(?:GET|VERIFY|DECRYPT)_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|HOSTNAME_MISMATCH$)/;

/** Node's words for a socket that closed before the TLS handshake ended (code ECONNRESET). */
const CLOSED_IN_HANDSHAKE = 'before secure TLS connection was established';

/**
 * Whether a transport failure proves the request was never sent.
 * @param code the error's `code` (`ECONNREFUSED`, `ERR_TLS_CERT_ALTNAME_INVALID`, ...)
 * @param message the error's message, unredacted or redacted (only Node's fixed words are read)
 */
export function provesNeverSent(code: string, message = ''): boolean {
  return (
    NOT_CONNECTED.has(code) || TLS_HANDSHAKE.test(code) || message.includes(CLOSED_IN_HANDSHAKE)
  );
}
