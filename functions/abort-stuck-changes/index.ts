/**
 * FC 3.0 entry point (runtime nodejs20, handler `index.handler`, initializer `index.initialize`).
 * Configuration and policy are read and validated once per instance, in the initializer (or at
 * the first invocation if FC runs none). The pipeline is imported on first use: loading the
 * bundle does no work, so an instance starts as fast as bare Node.js.
 */
import type { FcContext } from '../../shared/fc/context.js';
import type { FcHandler } from './handler.js';

let ready: Promise<FcHandler> | undefined;

function coldStart(): Promise<FcHandler> {
  ready ??= import('./cold-start.js').then((m) => m.buildHandler());
  // A failed cold start (invalid configuration) is reported, and tried again next time.
  ready.catch(() => {
    ready = undefined;
  });
  return ready;
}

/** FC initializer: validates configuration and policy once per instance. */
export const initialize = async (_context: FcContext): Promise<void> => {
  await coldStart();
};

/** FC handler: `event` is the raw payload Buffer for every trigger. */
export const handler = async (event: Buffer, context: FcContext) =>
  (await coldStart())(event, context);
