/**
 * Bounded reply reading for every SDK that reads its body with httpx (pop-core for Web+, SAE and
 * EDAS; @alicloud/log for PutLogs): a watcher that cuts a reply past a byte limit.
 */
import type { IncomingMessage } from 'node:http';
import { WebplusAbortError } from './errors.js';

/** A reply body over the limit: it was cut off, never buffered whole. (Read by the Web+ transport and the SLS store.) */
export class ReplyTooLargeError extends WebplusAbortError {
  override readonly name = 'ReplyTooLargeError';
  constructor(
    /** the limit, bytes */
    readonly limitBytes: number,
    /** the declared `content-length`, or the bytes seen when the reply was cut (then `declared` is false) */
    readonly sizeBytes: number,
    readonly declared: boolean,
  ) {
    super(
      declared
        ? `reply of ${sizeBytes} bytes (content-length) is over the ${limitBytes}-byte limit`
        : `reply over the ${limitBytes}-byte limit (cut after ${sizeBytes} bytes)`,
    );
  }
}

/**
 * Watches one reply's size and destroys it once it is over `limitBytes`: at once when its
 * `content-length` says so, else when the bytes received on its socket pass the limit
 * (headers included, so the cut comes at most one chunk late). The reader (httpx inside
 * pop-core, or in @alicloud/log) then rejects with the {@link ReplyTooLargeError}, so memory stays near the limit
 * whatever the server sends. The destroy waits one macrotask, after the reader has attached its
 * listeners: destroying inside the `response` event would emit `error` with no listener.
 * Source of the reader's behaviour: httpx 2.3.3 lib/index.js (`read` collects `data` chunks and
 * rejects on `error`).
 * @param onOversize called once with the error before the reply is destroyed
 */
export function watchReplySize(
  res: IncomingMessage,
  limitBytes: number,
  onOversize: (error: ReplyTooLargeError) => void,
): void {
  let done = false;
  const cut = (error: ReplyTooLargeError): void => {
    if (done) return;
    done = true;
    onOversize(error);
    setImmediate(() => res.destroy(error));
  };
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) {
    cut(new ReplyTooLargeError(limitBytes, declared, true));
    return;
  }
  const socket = res.socket;
  if (!socket) return;
  let seen = 0;
  const onData = (chunk: Buffer): void => {
    seen += chunk.length;
    if (seen > limitBytes) {
      socket.removeListener('data', onData);
      cut(new ReplyTooLargeError(limitBytes, seen, false));
    }
  };
  socket.on('data', onData);
  const stop = (): void => {
    socket.removeListener('data', onData);
  };
  res.once('end', stop);
  res.once('close', stop);
}
