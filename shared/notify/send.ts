import { NotifySendError } from './errors.js';
import type { Reply, TargetRequest } from './target.js';

/** Most of a reply body read, bytes; the rest is discarded. */
export const MAX_REPLY_BYTES = 64 * 1024;

/** The `fetch` the sender uses (Node's global fetch; injectable for tests of the sender only). */
export type FetchLike = typeof fetch;

/**
 * Posts one request and reads the reply (status, content type, at most {@link MAX_REPLY_BYTES}
 * of the body). Redirects are not followed (a 3xx is a reply like any other, so the URL's token
 * is never sent to another host). The whole exchange, body included, is cut at `timeoutMs`.
 * @throws NotifySendError `Timeout` when `timeoutMs` passed, or the socket error's code
 *   (`ECONNREFUSED`, `ECONNRESET`...) with `retryable` true; its message never holds the URL.
 */
export async function postOnce(
  request: TargetRequest,
  timeoutMs: number,
  fetchImpl: FetchLike = fetch,
): Promise<Reply> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), Math.max(1, timeoutMs));
  try {
    const response = await fetchImpl(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      redirect: 'manual',
      signal: controller.signal,
    });
    const body = await readCapped(response);
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      body,
    };
  } catch (error) {
    if (controller.signal.aborted) {
      throw new NotifySendError(`no answer within ${timeoutMs} ms`, 'Timeout', true, {
        cause: error,
      });
    }
    const code = socketCode(error);
    throw new NotifySendError(`connection failed (${code})`, code, true, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

async function readCapped(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const room = MAX_REPLY_BYTES - size;
    chunks.push(value.byteLength > room ? value.subarray(0, room) : value);
    size += Math.min(room, value.byteLength);
    if (size >= MAX_REPLY_BYTES) {
      await reader.cancel().catch(() => {});
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The socket error code under undici's `TypeError: fetch failed`, or `NetworkError`. */
function socketCode(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return 'NetworkError';
}
