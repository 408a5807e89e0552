import type { MiddlewareObj } from '@middy/core';
import type { Context as LambdaContext } from 'aws-lambda';
import type { FcContext } from '#shared/fc/context.js';
import { errorResponse, type HttpResponse } from '#shared/fc/http.js';
import type { HandlerResult } from '#shared/pipeline/handle-event.js';

/** middy's types want an aws-lambda Context; FC's context is structurally different. */
export type MiddyFcContext = FcContext & LambdaContext;

type Internal = { isHttp: boolean };

/**
 * Notes whether the raw event is an FC 3.0 HTTP request struct, without parsing it for the
 * pipeline (intake does that). Only this flag lets HTTP-only behaviour run; a timer or
 * EventBridge event never meets HTTP code.
 */
export function detectHttpEvent(): MiddlewareObj<
  unknown,
  HandlerResult,
  Error,
  MiddyFcContext,
  Internal
> {
  return {
    name: 'detectHttpEvent',
    before: (request) => {
      request.internal.isHttp = looksLikeHttp(request.event);
    },
  };
}

/**
 * A bug inside the pipeline must never leak a stack trace to an HTTP caller: answer 500 with the
 * error shape of docs/reference/http-api.md and log the error (message and stack) to the function log. For other
 * triggers the error is re-thrown: the invocation failed and FC reports it.
 */
export function httpErrorBoundary(
  log: (line: string) => void,
): MiddlewareObj<unknown, HandlerResult, Error, MiddyFcContext, Internal> {
  return {
    name: 'httpErrorBoundary',
    onError: (request) => {
      const err = request.error;
      log(
        `webplus-abort: internal error in invocation ${request.context.requestId}: ${err?.stack ?? err}`,
      );
      if (!request.internal.isHttp) return;
      const response: HttpResponse = errorResponse(
        500,
        'InternalError',
        `internal error; see the function log for request ${request.context.requestId}`,
      );
      request.response = response;
      request.error = null;
      return response;
    },
  };
}

function looksLikeHttp(event: unknown): boolean {
  let text: string | undefined;
  if (Buffer.isBuffer(event)) text = event.subarray(0, 4096).toString('utf8');
  else if (typeof event === 'string') text = event.slice(0, 4096);
  else if (event && typeof event === 'object')
    return 'rawPath' in event && 'requestContext' in event;
  return Boolean(text && /"rawPath"\s*:/.test(text) && /"requestContext"\s*:/.test(text));
}
