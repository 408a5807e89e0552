/**
 * JSON that cannot say two things at once. `{"Code": "ChangeOnAborting", "Code": "OK"}` is valid
 * JSON (RFC 8259 §4: the names within an object "SHOULD be unique", and when they are not
 * "the behavior of software that receives such an object is unpredictable"); `JSON.parse` keeps
 * the last, a proxy or a reviewer may read the first. Every reader of an outside JSON text
 * that a decision rests on (caller bodies and alarm events in intake, Web+ / SAE / EDAS replies)
 * refuses a text in which any object, at any depth, repeats a name.
 * Source: https://www.rfc-editor.org/rfc/rfc8259#section-4
 */

/** Where a JSON text first repeats a name. */
export interface RepeatedName {
  /** The repeated name, as `JSON.parse` decodes it (`"\u0061"` is `a`). */
  name: string;
  /**
   * The dotted path of the repeat: `Code`, `Data.ChangeId`, `[0].time`, `Change.Stages[2].Status`
   * (a name with a dot in it is not quoted).
   */
  path: string;
  /** True when the repeat is in the outermost object. */
  topLevel: boolean;
}

interface Frame {
  object: boolean;
  path: string;
  /** Names seen so far (objects). */
  names: Set<string>;
  /** The name whose value comes next (objects), or the index of the next item (arrays). */
  key: string;
  index: number;
  expectName: boolean;
}

function childPath(frame: Frame | undefined): string {
  if (!frame) return '';
  if (frame.object) return frame.path === '' ? frame.key : `${frame.path}.${frame.key}`;
  return `${frame.path}[${frame.index}]`;
}

/** How {@link repeatedName} compares names. */
export interface RepeatedNameOptions {
  /**
   * Names that differ only in case (`Change` and `change`, `Code` and `CODE`) count as the same
   * name: a platform reply read by a case-insensitive reader (the Go and Java SDKs' fuzzy JSON
   * decoders, a proxy) would see one, `JSON.parse` the other. Case is folded with
   * `String.prototype.toLowerCase`. @default false (exact names: caller bodies, alarm events)
   */
  caseInsensitive?: boolean;
}

/**
 * The first name repeated inside one object of `text`, or undefined when no object repeats a
 * name. One pass over the text, linear in its length. `text` must be JSON that `JSON.parse`
 * accepted (call it after the parse): on other text the answer means nothing. Never throws.
 * @param options `caseInsensitive`: names that differ only in case repeat each other (platform
 *   replies). @default exact names
 * @example repeatedName('{"a":{"b":1,"b":2}}') // { name: 'b', path: 'a.b', topLevel: false }
 * @example repeatedName('{"Change":{},"change":{}}', { caseInsensitive: true }) // name 'change'
 */
export function repeatedName(
  text: string,
  options: RepeatedNameOptions = {},
): RepeatedName | undefined {
  const fold = options.caseInsensitive === true;
  const stack: Frame[] = [];
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      let j = i + 1;
      let escaped = false;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === 0x5c /* \ */) {
          escaped = true;
          j += 2;
          continue;
        }
        if (d === 0x22) break;
        j++;
      }
      const top = stack[stack.length - 1];
      if (top?.object && top.expectName) {
        let name: string;
        try {
          name = escaped ? (JSON.parse(text.slice(i, j + 1)) as string) : text.slice(i + 1, j);
        } catch {
          name = text.slice(i + 1, j);
        }
        const key = fold ? name.toLowerCase() : name;
        if (top.names.has(key)) {
          return {
            name,
            path: top.path === '' ? name : `${top.path}.${name}`,
            topLevel: stack.length === 1,
          };
        }
        top.names.add(key);
        top.key = name;
        top.expectName = false;
      }
      i = j;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      const parent = stack[stack.length - 1];
      stack.push({
        object: c === 0x7b,
        path: childPath(parent),
        names: new Set(),
        key: '',
        index: 0,
        expectName: c === 0x7b,
      });
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
    } else if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top?.object) top.expectName = true;
      else if (top) top.index++;
    }
  }
  return undefined;
}

/** The outcome of {@link readJsonObject}: the object, or why not. */
export type JsonObjectRead =
  | { ok: true; value: Record<string, unknown> }
  | {
      ok: false;
      why: 'not-json' | 'not-object' | 'duplicate-key';
      /** The repeated name when it is in the outermost object. */
      field?: string;
      /** Where the name is repeated (see {@link RepeatedName.path}). */
      path?: string;
    };

/** Parses `text` as one JSON object in which no object repeats a name. Never throws. */
export function readJsonObject(text: string): JsonObjectRead {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, why: 'not-json' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, why: 'not-object' };
  }
  const repeated = repeatedName(text);
  if (repeated) {
    return {
      ok: false,
      why: 'duplicate-key',
      path: repeated.path,
      ...(repeated.topLevel ? { field: repeated.name } : {}),
    };
  }
  return { ok: true, value: parsed as Record<string, unknown> };
}

/**
 * Where a JSON text repeats a name, at any depth: the dotted path of the first repeat
 * (`data.timestamp`, `[0].time`), or undefined when no object in it says a name twice or the
 * text is not JSON. Never throws.
 */
export function repeatedNamePath(text: string): string | undefined {
  try {
    JSON.parse(text);
  } catch {
    return undefined;
  }
  return repeatedName(text)?.path;
}

/**
 * Whether a JSON text nests arrays and objects deeper than `max` levels (strings skipped, one
 * pass, no recursion). Replies are read only up to a depth whose values can be walked, printed
 * and redacted without exhausting the stack: a 5,000-deep array parses, but `JSON.stringify`
 * of it throws `RangeError` (red-team 12b F1).
 * @param text a JSON text (validity not checked here)
 * @param max levels allowed, e.g. {@link MAX_REPLY_DEPTH}
 */
export function nestedDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      // A backslash skips the escaped character; a quote ends the string.
      if (c === 0x5c) i += 1;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth += 1;
      if (depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth -= 1;
  }
  return false;
}

/** The deepest nesting a platform reply may have (Web+'s documented replies nest under 10). */
export const MAX_REPLY_DEPTH = 64;
