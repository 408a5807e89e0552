/**
 * FC 3.0 HTTP trigger response struct and JSON helpers.
 * Source: Function Compute docs, "HTTP trigger: response format" (docs/reference/fc-triggers.md).
 */
export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  /** Always a string; never base64 in our answers. */
  body: string;
  isBase64Encoded: false;
}

/** A JSON reply with `content-type: application/json`. */
export function jsonResponse(statusCode: number, payload: unknown): HttpResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(payload),
    isBase64Encoded: false,
  };
}

/** The error shape of docs/reference/http-api.md `{error: {code, message, field?}}`; never carries a stack trace. */
export function errorResponse(
  statusCode: number,
  code: string,
  message: string,
  field?: string,
): HttpResponse {
  return jsonResponse(statusCode, { error: field ? { code, message, field } : { code, message } });
}
