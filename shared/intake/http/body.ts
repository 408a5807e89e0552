/**
 * Bodies of HTTP trigger calls: base64 decoding, the size limit, and reading JSON / form fields.
 * Source: Function Compute docs, "HTTP trigger" (`body` is base64 with `isBase64Encoded: true` for
 * content FC treats as binary; which text types are left alone is not documented, so both are
 * accepted; docs/reference/fc-triggers.md). Limits: docs/reference/configuration.md,
 * `HTTP_MAX_BODY_BYTES`.
 */

import { readJsonObject } from '../../core/json.js';
import { printable } from '../../core/text.js';
import type * as z from '../../core/zod.js';
import { HttpRequestError } from '../errors.js';
import { looksLikeForm, parseForm } from '../form.js';

/** FC's own limit on a synchronous HTTP trigger's body, bytes (docs/reference/fc-triggers.md). */
export const FC_MAX_BODY_BYTES = 32 * 1024 * 1024;

/**
 * How a body too big to read is described (rt11 F2): its size in bytes (exact for plain text;
 * for base64 the decoded size estimated from its length, `about`), without decoding it.
 * @returns e.g. `4912345 bytes` or `about 4912345 bytes (base64)`
 */
export function describeBodySize(raw: string | undefined, isBase64Encoded: boolean): string {
  if (raw === undefined) return '0 bytes';
  if (!isBase64Encoded) return `${Buffer.byteLength(raw, 'utf8')} bytes`;
  return `about ${Math.floor((raw.replace(/[^A-Za-z0-9+/]/g, '').length * 3) / 4)} bytes (base64)`;
}

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
  const read = readJsonObject(text);
  if (read.ok) return read.value;
  switch (read.why) {
    case 'not-json':
      throw new HttpRequestError(400, 'invalid_body', 'body is not valid JSON', 'body');
    case 'not-object':
      throw new HttpRequestError(400, 'invalid_body', 'body must be a JSON object', 'body');
    default:
      throw new HttpRequestError(
        400,
        'invalid_body',
        read.field
          ? `body names "${printable(read.field, 60)}" more than once: say it once`
          : 'body repeats a name inside an object: say it once',
        read.field ? printable(read.field, 60) : 'body',
      );
  }
}

/**
 * Refuses any key of `fields` not in `allowed`, so a misspelt switch (`DryRun`, `dry_run`,
 * `?dry-run=true`) is never dropped while the request goes ahead (issue 10, kind 4).
 * @param where `body` or `query`, for the message
 * @throws HttpRequestError 400 `invalid_input`, field = the first unknown key
 */
export function refuseUnknownKeys(
  fields: Readonly<Record<string, unknown>>,
  allowed: readonly string[],
  where: 'body' | 'query',
): void {
  for (const key of Object.keys(fields)) {
    if (allowed.includes(key)) continue;
    const field = printable(key, 60);
    throw new HttpRequestError(
      400,
      'invalid_input',
      `unknown ${where} key "${field}" (allowed: ${allowed.join(', ') || 'none'}): refused rather than ignored`,
      field,
    );
  }
}

/**
 * Validates fields with a zod schema.
 * @throws HttpRequestError 400 `invalid_input`, field = the first issue's top-level key (or `body`).
 */
export function validateFields<T>(schema: z.ZodMiniType<T>, fields: unknown): T {
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
