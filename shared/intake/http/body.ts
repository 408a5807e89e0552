/**
 * Bodies of HTTP trigger calls: base64 decoding, the size limit, and reading JSON / form fields.
 * Source: Function Compute docs, "HTTP trigger" (`body` is base64 with `isBase64Encoded: true` for
 * content FC treats as binary; which text types are left alone is not documented, so both are
 * accepted; docs/reference/fc-triggers.md). Limits: docs/reference/configuration.md,
 * `HTTP_MAX_BODY_BYTES`.
 */
import type { z } from 'zod';
import { printable } from '../../core/text.js';
import { HttpRequestError } from '../errors.js';
import { looksLikeForm, parseForm } from '../form.js';

/**
 * The body as UTF-8 text (a leading BOM removed). `raw` is FC's `body` (absent → empty);
 * `isBase64Encoded` → decoded from base64 first. The limit applies to the decoded bytes.
 * @throws HttpRequestError 413 `payload_too_large` (field `body`) when over `maxBytes`.
 */
export function decodeBody(
  raw: string | undefined,
  isBase64Encoded: boolean,
  maxBytes: number,
): string {
  if (raw === undefined || raw === '') return '';
  let bytes: number;
  let text = raw;
  if (isBase64Encoded) {
    // Base64 takes 4 characters per 3 bytes; twice that (room for line breaks) is surely too big,
    // and is refused without decoding. Otherwise the decoded length is measured exactly.
    const surelyTooBig = raw.length > Math.ceil((maxBytes * 4) / 3) * 2 + 1024;
    if (surelyTooBig) bytes = Number.POSITIVE_INFINITY;
    else {
      const buffer = Buffer.from(raw, 'base64');
      bytes = buffer.length;
      text = buffer.toString('utf8');
    }
  } else {
    bytes = Buffer.byteLength(raw, 'utf8');
  }
  if (bytes > maxBytes) {
    throw new HttpRequestError(
      413,
      'payload_too_large',
      `body is larger than ${maxBytes} bytes (HTTP_MAX_BODY_BYTES)`,
      'body',
    );
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Reads a non-empty body into fields: JSON when it starts with `{`/`[` or does not look like a
 * form; `name=value&...` pairs otherwise (curl `-d` sends form content type even for JSON, so the
 * text decides, not the content type). Never 415.
 * @throws HttpRequestError 400 `invalid_body` (field `body`) for broken JSON or a non-object.
 */
export function readBodyFields(body: string): Record<string, unknown> {
  const text = body.trim();
  if (!text.startsWith('{') && !text.startsWith('[') && looksLikeForm(text)) return parseForm(text);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new HttpRequestError(400, 'invalid_body', 'body is not valid JSON', 'body');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new HttpRequestError(400, 'invalid_body', 'body must be a JSON object', 'body');
  }
  return parsed as Record<string, unknown>;
}

/**
 * Validates fields with a zod schema.
 * @throws HttpRequestError 400 `invalid_input`, field = the first issue's top-level key (or `body`).
 */
export function validateFields<T>(schema: z.ZodType<T>, fields: unknown): T {
  const result = schema.safeParse(fields);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const key = issue?.path[0];
  const field = typeof key === 'string' ? printable(key, 60) : 'body';
  throw new HttpRequestError(
    400,
    'invalid_input',
    `${field}: ${printable(issue?.message ?? 'invalid', 200)}`,
    field,
  );
}
