import { arrivalMs } from '../fc/arrival.js';
import type { FcContext } from '../fc/context.js';
import { functionTimeoutMs } from '../fc/deadline.js';
import { type HttpResponse, jsonResponse } from '../fc/http.js';
import { classifyEvent } from '../intake/classify.js';
import { type RunReport, runRequests } from './run-requests.js';
import type { Runtime } from './runtime.js';
import type { RunSummary } from './summary.js';

/** The handler's answer: a run summary, or the FC HTTP response struct for HTTP events. */
export type HandlerResult = RunSummary | HttpResponse;

/**
 * One FC invocation: classify the raw event, run what it asks, write the records, answer.
 * HTTP calls refused at the HTTP layer (400/401/404/405/413) write no record, only a warning
 * line without secrets. `onReport` sees the full report (records and where they went): the CLI
 * uses it to print tables.
 */
export async function handleEvent(
  event: unknown,
  context: FcContext,
  runtime: Runtime,
  onReport?: (report: RunReport) => void,
): Promise<HandlerResult> {
  const startMs = Date.now();
  const { config } = runtime;
  // The instance's cold start, for its first invocation only (fc/arrival.ts).
  const coldStartAtMs = runtime.coldStartAtMs ?? startMs;
  runtime.coldStartAtMs = undefined;
  const intake = classifyEvent(event, {
    authTokens: config.httpAuthTokens,
    maxBodyBytes: config.httpMaxBodyBytes,
    maxIds: config.httpMaxIds,
    version: runtime.version,
    recentEvents: runtime.recentEvents,
  });
  if (intake.kind === 'http-reply') {
    // A refused call's answer and warning pass this invocation's redactor too (its AccessKey
    // secret and STS token, beside the HTTP tokens intake already removed).
    const redactor = runtime.redactorFor([
      context.credentials?.accessKeySecret,
      context.credentials?.securityToken,
    ]);
    if (intake.warning) runtime.warn(`webplus-abort: ${redactor.text(intake.warning)}`);
    return redactor.value(intake.response);
  }
  if (intake.kind === 'http') {
    const callback = intake.route === '/cms-callback';
    // CloudMonitor's 5 s count from when FC received the request, not from this handler's
    // start (a cold start can take seconds): requestContext.timeEpoch, bounded by now; when it
    // is not known, from the earliest moment known and every record says why.
    const arrival = callback
      ? arrivalMs(intake.timeEpoch, startMs, functionTimeoutMs(context), coldStartAtMs)
      : undefined;
    const report = await runRequests([intake.request], context, runtime, {
      startMs,
      callback,
      ...(arrival ? { arrivalMs: arrival.atMs } : {}),
      ...(arrival?.unknownWhy ? { arrivalUnknown: arrival.unknownWhy } : {}),
    });
    onReport?.(report);
    return jsonResponse(200, report.summary);
  }
  const report = await runRequests(intake.requests, context, runtime, { startMs });
  onReport?.(report);
  return report.summary;
}
