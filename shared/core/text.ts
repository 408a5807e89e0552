/**
 * Printable, bounded copies of untrusted input, for `InvalidInput.value`, `detail` and log lines.
 */

/** Default length cap of a printable copy, in characters. */
export const PRINTABLE_MAX_CHARS = 120;

/**
 * A printable copy of any value: strings keep their text with control characters escaped
 * (`\n` → `\\n`, others → `\\uXXXX`); anything else is JSON-encoded (or `String()`-ed).
 * Longer than `maxChars` → cut and suffixed with `…`. Never throws.
 */
export function printable(value: unknown, maxChars: number = PRINTABLE_MAX_CHARS): string {
  let text: string;
  if (typeof value === 'string') {
    text = value;
  } else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = Object.prototype.toString.call(value);
    }
  }
  const cut = text.length > maxChars * 2 ? text.slice(0, maxChars * 2) : text;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: escaping control characters is the point
  const escaped = cut.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
  return escaped.length > maxChars ? `${escaped.slice(0, maxChars)}…` : escaped;
}

/** `typeof`, with `null` and `array` told apart: for messages such as "expected a string, got array". */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** A plain (non-array, non-null) object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An HTTP request line glued to the text before it: `…127.0.0.1:9GET http://…`. */
const GLUED_REQUEST_LINE = /(\S)((?:GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS) https?:\/\/)/g;

/**
 * A transport error's message with a separator (`; `) before every request line glued to the
 * text before it. httpx (under @alicloud/pop-core) appends `${method} ${url} failed.` to the
 * socket error's message with no space (node_modules/httpx/lib/index.js, `err.message +=`),
 * giving `connect ECONNREFUSED 127.0.0.1:9GET http://127.0.0.1:9/…`; every transport that
 * reads such a message passes it here.
 * @returns e.g. `connect ECONNREFUSED 127.0.0.1:9; GET http://127.0.0.1:9/… failed.`
 */
export function separateGluedMessages(message: string): string {
  return message.replace(GLUED_REQUEST_LINE, '$1; $2');
}
