/**
 * `application/x-www-form-urlencoded` bodies, as CloudMonitor's alarm callback sends them
 * (CloudMonitor docs, "Alarm callback": `POST`, `Content-Type: application/x-www-form-urlencoded`;
 * docs/reference/fc-triggers.md).
 */

/**
 * Parses a form body into `{name: value}`. Decoding follows the WHATWG URL standard
 * (`URLSearchParams`: `+` is a space, `%XX` bytes are UTF-8, a lone `%` is kept as text),
 * so it never throws (bytes that are not UTF-8 become U+FFFD). A name given more than once has its values joined with `,`, the way FC joins
 * repeated query parameters. Values are not trimmed; the literal `null` is kept (callers drop it).
 * The result has no prototype-derived keys (`__proto__` is an ordinary own key).
 */
export function parseForm(body: string): Record<string, string> {
  // Each name's values listed and joined once: linear in the body however often a name repeats.
  const values = new Map<string, string[]>();
  for (const [name, value] of new URLSearchParams(body)) {
    const list = values.get(name);
    if (list === undefined) values.set(name, [value]);
    else list.push(value);
  }
  return Object.fromEntries([...values].map(([name, list]) => [name, list.join(',')]));
}

/** A form read so that it cannot say two things at once (see {@link readForm}). */
export interface FormRead {
  /** Each name's value (a name repeated with the same value once). */
  fields: Record<string, string>;
  /** Names given more than once with different values, in first-seen order. */
  conflicting: string[];
}

/**
 * Parses a form body like {@link parseForm}, but a name given twice with different values is
 * not joined: it is listed in `conflicting` (the caller refuses it: which value was meant is a
 * guess). The same value repeated is the value. No prototype-derived keys. Never throws.
 */
export function readForm(body: string): FormRead {
  const values = new Map<string, string>();
  // A Set beside the ordered list: 50,000 conflicting names stay linear.
  const conflicting = new Set<string>();
  for (const [name, value] of new URLSearchParams(body)) {
    const before = values.get(name);
    if (before === undefined) values.set(name, value);
    else if (before !== value) conflicting.add(name);
  }
  return { fields: Object.fromEntries(values), conflicting: [...conflicting] };
}

/** True when a body looks form-encoded: `name=value` pairs, not JSON. */
export function looksLikeForm(body: string): boolean {
  const text = body.trim();
  return text !== '' && !text.startsWith('{') && !text.startsWith('[') && /^[^=&\s]+=/.test(text);
}
