import middy from '@middy/core';
import type { FcContext } from '#shared/fc/context.js';
import { type HandlerResult, handleEvent } from '#shared/pipeline/handle-event.js';
import type { RunReport } from '#shared/pipeline/run-requests.js';
import type { Runtime } from '#shared/pipeline/runtime.js';
import { detectHttpEvent, httpErrorBoundary, type MiddyFcContext } from './middlewares.js';

/** The FC handler signature: `event` is the raw payload Buffer, `context` FC's context. */
export type FcHandler = (
  event: Buffer | string | unknown,
  context: FcContext,
) => Promise<HandlerResult>;

/**
 * Builds the FC handler over a runtime: a thin middy pipeline around `handleEvent`.
 * middy's early-timeout is off (`timeoutEarlyInMillis: 0`: FC has no getRemainingTimeInMillis; the
 * pipeline keeps its own deadline from `function.timeout`, in seconds, minus `DEADLINE_MARGIN_MS`).
 * The CLI (`invoke`, `serve`, `start`) and the tests build their handler with this.
 *
 * @param runtime the instance runtime (`createRuntime`, shared/pipeline/runtime.ts): validated
 *   config and policy, pacer, outcome log. One per instance, shared by its invocations.
 * @param onReport called once per invocation that ran requests, with every record and where it
 *   went (the CLI prints tables from it). @default none
 * @returns the handler: `(event: Buffer, context: FcContext) => Promise<RunSummary | HttpResponse>`.
 *   It does not throw for an HTTP event (a bug becomes a 500 JSON error without a stack); for other
 *   triggers a bug is re-thrown so FC counts the invocation failed.
 *
 * @example
 * ```ts
 * const { runtime } = buildRuntime(process.env); // cli/setup.ts: config + policy, validated
 * const handler = createHandler(runtime);
 * const reply = await handler(Buffer.from(JSON.stringify(httpEvent)), context);
 * // reply.statusCode === 200, JSON.parse(reply.body).results[0].outcome === 'aborted'
 * ```
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
