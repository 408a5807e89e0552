import type { HttpResponse } from '#shared/fc/http.js';
import { FAILING_OUTCOMES } from '#shared/model/record.js';
import type { HandlerResult } from '#shared/pipeline/handle-event.js';
import type { RunSummary } from '#shared/pipeline/summary.js';

/** Exit statuses of `webplus-abort` (docs/reference/cli.md). */
export const EXIT = {
  /** The run finished; nothing ended `failed` or `timeout`; any HTTP status was below 400. */
  ok: 0,
  /** Something ended `failed` or `timeout`, or the HTTP status was 400 or more. */
  failed: 1,
  /** Bad usage, an unreadable file, invalid configuration or policy. */
  usage: 2,
  /** The handler threw (a bug); `invoke --remote`: the function itself failed (`x-fc-error-type`). */
  bug: 3,
  /**
   * `invoke --remote`: the reply is not the function's JSON answer (an HTML error page from a
   * gateway, a non-JSON 200 from a proxy); one line on stderr names it (red-team 12 F9).
   */
  reply: 4,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** 1 when any result ended `failed` or `timeout`, else 0. */
export function exitCodeForSummary(summary: Pick<RunSummary, 'results'>): ExitCode {
  return summary.results.some((r) => FAILING_OUTCOMES.has(r.outcome)) ? EXIT.failed : EXIT.ok;
}

/** True when a handler result is an FC HTTP response (a number `statusCode`), not a run summary. */
export function isHttpResponse(result: unknown): result is HttpResponse {
  return (
    typeof result === 'object' &&
    result !== null &&
    typeof (result as { statusCode?: unknown }).statusCode === 'number'
  );
}

/**
 * The exit status for a handler result: an HTTP response with status >= 400 → 1; a 2xx whose JSON
 * body is a run summary → judged by its results; a run summary → judged by its results.
 */
export function exitCodeForResult(result: HandlerResult): ExitCode {
  if (isHttpResponse(result)) {
    if (result.statusCode >= 400) return EXIT.failed;
    const summary = summaryFromBody(result);
    return summary ? exitCodeForSummary(summary) : EXIT.ok;
  }
  return exitCodeForSummary(result);
}

/** The run summary carried in an HTTP response body, when there is one. */
export function summaryFromBody(response: HttpResponse): RunSummary | undefined {
  try {
    const body = JSON.parse(response.body) as unknown;
    if (
      typeof body === 'object' &&
      body !== null &&
      Array.isArray((body as { results?: unknown }).results)
    ) {
      return body as RunSummary;
    }
  } catch {
    // Not JSON: no summary.
  }
  return undefined;
}
