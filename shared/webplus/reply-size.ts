/** Web+ reply size limit; the watcher itself is shared (core/reply-size.ts). */
export { ReplyTooLargeError, watchReplySize } from '../core/reply-size.js';

/** Largest Web+ reply body read, bytes (1 MiB): a page of 100 environments is about 60 KB. */
export const MAX_REPLY_BYTES = 1024 * 1024;
