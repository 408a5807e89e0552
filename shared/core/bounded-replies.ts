/**
 * Bounded replies for SDKs that take no `http.Agent` (`@alicloud/sls20201230` through its tea
 * runtime): every HTTP request started inside {@link withBoundedReplies} has its reply watched
 * (`watchReplySize`, core/reply-size.ts) and cut past the limit. Scoped with AsyncLocalStorage:
 * requests started elsewhere in the process are not touched. Source of the hook: Node.js
 * `diagnostics_channel` `http.client.request.start` (published in the ClientRequest
 * constructor, synchronously, in the caller's async context; Node 20).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { subscribe } from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { ReplyTooLargeError, watchReplySize } from './reply-size.js';

interface Scope {
  limitBytes: number;
  oversized?: ReplyTooLargeError;
}

const scopes = new AsyncLocalStorage<Scope>();
let subscribed = false;

function hook(): void {
  if (subscribed) return;
  subscribed = true;
  subscribe('http.client.request.start', (message) => {
    const scope = scopes.getStore();
    if (!scope) return;
    const { request } = message as { request: ClientRequest };
    request.once('response', (res: IncomingMessage) => {
      const cut = (error: ReplyTooLargeError) => {
        scope.oversized ??= error;
      };
      // SLS's own compression header: the gateway inflates to this size (gateway-sls 0.3.2
      // `readAndUncompressBlock`), so a declared size over the limit is refused as too large.
      const raw = Number(res.headers['x-log-bodyrawsize']);
      if (Number.isFinite(raw) && raw > scope.limitBytes) {
        const error = new ReplyTooLargeError(scope.limitBytes, raw, true);
        cut(error);
        setImmediate(() => res.destroy(error));
        return;
      }
      watchReplySize(res, scope.limitBytes, cut);
    });
  });
}

/**
 * Runs `fn` with every HTTP reply it causes read up to `limitBytes` (content-length, bytes on
 * the socket, or SLS's declared `x-log-bodyrawsize`).
 * @returns what `fn` resolves with
 * @throws ReplyTooLargeError (with the size) when a reply was cut, whatever error the SDK made
 *   of it; otherwise what `fn` throws
 */
export async function withBoundedReplies<T>(limitBytes: number, fn: () => Promise<T>): Promise<T> {
  hook();
  const scope: Scope = { limitBytes };
  try {
    return await scopes.run(scope, fn);
  } catch (error) {
    throw scope.oversized ?? error;
  }
}
