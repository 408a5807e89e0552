/**
 * `node:stream/web` for @middy/core only (scripts/bundle-options.mjs `middyLazyStreamWeb`): the
 * same `ReadableStream`, loaded from node when it is first read, not when middy is loaded.
 */
module.exports = {
  get ReadableStream() {
    return require('node:stream/web').ReadableStream;
  },
};
