import middy from '@middy/core';
import type { FcContext } from '../../shared/fc/context.js';
import { type HandlerResult, handleEvent } from '../../shared/pipeline/handle-event.js';
import type { RunReport } from '../../shared/pipeline/run-requests.js';
import type { Runtime } from '../../shared/pipeline/runtime.js';
import { detectHttpEvent, httpErrorBoundary, type MiddyFcContext } from './middlewares.js';

/** The FC handler signature: `event` is the raw payload Buffer, `context` FC's context. */
export type FcHandler = (
  event: Buffer | string | unknown,
  context: FcContext,
) => Promise<HandlerResult>;

/**
 * Builds the FC handler over a runtime: a thin middy pipeline around `handleEvent`.
 * middy's early-timeout is off (FC has no getRemainingTimeInMillis; the pipeline keeps its own
 * deadline from `function.timeout`).
 */
export function createHandler(runtime: Runtime, onReport?: (report: RunReport) => void): FcHandler {
  const handler = middy<unknown, HandlerResult, Error, MiddyFcContext>({ timeoutEarlyInMillis: 0 })
    .use(detectHttpEvent())
    .use(httpErrorBoundary(runtime.warn))
    .handler((event, context) => handleEvent(event, context, runtime, onReport));
  return (event, context) =>
    handler(event, context as MiddyFcContext, {
      signal: new AbortController().signal,
    }) as Promise<HandlerResult>;
}
