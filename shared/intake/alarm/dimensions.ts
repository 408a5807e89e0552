/**
 * CloudMonitor alarm `dimensions`, in every shape it arrives in.
 * Source: CloudMonitor docs, "Alarm callback" (a Java-map string `{userId=123, instanceId=i-abc}`;
 * older docs: a JSON array of objects); EventBridge `data` is undocumented and may carry a JSON
 * object; absent values arrive as the literal string `null` (docs/reference/fc-triggers.md).
 */

import { repeatedNamePath } from '../../core/json.js';
import { isRecord, printable } from '../../core/text.js';

/** Keys, and values of keys that name no id, longer than this are dropped: no real dimension is that long. */
const MAX_DIMENSION_CHARS = 512;
/** At most this many dimensions are kept (id keys are always kept, whatever comes before them). */
const MAX_DIMENSIONS = 64;

/** What {@link readDimensions} makes of an alarm's `dimensions`. */
export interface DimensionsRead {
  /**
   * A flat `{key: value}` map of trimmed strings. An id key (`changeId`, `envId`, in any
   * spelling: see {@link idKeyOf}) is stored under its canonical name; several dimension objects
   * of an array naming different ids are kept comma-joined; a blank id value is kept as `''`
   * (the caller refuses it, never falls back).
   */
  dimensions: Record<string, string>;
  /**
   * Why the dimensions cannot be read as one meaning, each naming the key: one series giving a
   * key twice with different values, two series disagreeing on a key that is not an id, a
   * dimensions text nothing could be read from.
   */
  problems: string[];
  /** `[changeId, envId]` as given, for every series that names both (the caller validates). */
  pairs: [string, string][];
}

/**
 * Normalises `dimensions` into a flat `{key: value}` map of trimmed strings.
 * Accepted shapes:
 * - a Java-map string `{userId=123, envId=we-...}` (braces optional; values may hold commas);
 * - a JSON array string `[{"userId":"1","changeId":"wc-..."}]` (each object one series), also
 *   `[{"name":"envId","value":"we-..."}]` / `{"key":..., "value":...}` pair objects (together one
 *   series);
 * - a JSON object string `{"envId":"we-..."}`;
 * - any of the above URL-encoded once more (`%7B...`, `%5B...`);
 * - an already parsed array or object.
 * Values that are `null`, empty, or the literal `null` are dropped, except for id keys (kept as
 * `''`, so that a blank `changeId` is refused rather than read as absent); numbers and booleans
 * become strings; an object or array given as an id key's value is kept as `<object>`, which no
 * id parser accepts (an `invalid` record, and no fallback to the policy's rules); nested objects
 * are otherwise skipped. Surrounding quotes around Java-map values are removed.
 * A key given twice with different values is a problem naming the key (ambiguous), whatever the
 * shape: a Java map, a JSON object text (a repeated name), a pair array. Only id keys may differ
 * between the objects of an array (each object names one series: several changes may be meant).
 * Never throws.
 *
 * Nothing that names an id is dropped silently (issue 11): every item of a dimensions array is
 * read and an id key is kept whatever its length and however many dimensions came first, so the
 * pipeline can act on the first `ALARM_MAX_IDS` and record every other one `deferred`. An id
 * value may list several ids, comma-separated (`changeId=wc-…1,wc-…2`): each is named. The size
 * of what is read is bounded by the event itself (`HTTP_MAX_BODY_BYTES` for a callback; FC's
 * event size limit for EventBridge).
 */
export function readDimensions(raw: unknown): DimensionsRead {
  const series: Series[] = [];
  const problems: string[] = [];
  collect(raw, series, problems, 0);
  const out = new Map<string, string>();
  const pairs: [string, string][] = [];
  for (const one of series) {
    const c = one.get('changeId');
    const e = one.get('envId');
    if (c !== undefined && e !== undefined) pairs.push([c, e]);
    for (const [key, value] of one) {
      const before = out.get(key);
      if (before === undefined) {
        if (out.size < MAX_DIMENSIONS || isIdKey(key)) out.set(key, value);
      } else if (before !== value) {
        if (isIdKey(key)) {
          if (!before.split(',').includes(value)) out.set(key, `${before},${value}`);
        } else {
          problem(
            problems,
            `dimension ${key} is ${quoted(before)} in one series and ${quoted(value)} in another`,
          );
        }
      }
    }
  }
  const text = typeof raw === 'string' ? raw.trim() : '';
  if (out.size === 0 && problems.length === 0 && !EMPTY_TEXTS.has(text.replace(/\s/g, ''))) {
    problem(problems, `dimensions ${quoted(text)} cannot be read`);
  }
  return { dimensions: Object.fromEntries(out), problems, pairs };
}

/** Dimension texts that say "none". */
const EMPTY_TEXTS: ReadonlySet<string> = new Set(['', 'null', '{}', '[]', '[{}]']);

/** {@link readDimensions} without the problems (tests, display). */
export function parseDimensions(raw: unknown): Record<string, string> {
  return readDimensions(raw).dimensions;
}

/** One series: its keys and values. */
type Series = Map<string, string>;

function collect(raw: unknown, series: Series[], problems: string[], depth: number): void {
  if (depth > 3 || raw === null || raw === undefined) return;
  if (typeof raw === 'string') {
    collectString(raw, series, problems, depth);
    return;
  }
  if (Array.isArray(raw)) {
    let pairs: Series | undefined;
    for (const item of raw) {
      if (!isRecord(item)) {
        // An item that is not a dimension object may name an id: never skipped silently.
        if (item !== null)
          problem(problems, `a dimensions item ${quoted(printable(item, 40))} is not an object`);
        continue;
      }
      const pairKey = item.name ?? item.key;
      if (typeof pairKey === 'string' && 'value' in item && Object.keys(item).length <= 2) {
        if (pairs === undefined) {
          pairs = new Map();
          series.push(pairs);
        }
        put(pairs, pairKey, item.value, problems);
      } else {
        collect(item, series, problems, depth + 1);
      }
    }
    return;
  }
  if (typeof raw === 'number' || typeof raw === 'boolean') {
    problem(problems, `dimensions ${String(raw)} is neither text, an array nor an object`);
    return;
  }
  if (isRecord(raw)) {
    const one: Series = new Map();
    for (const [key, value] of Object.entries(raw)) put(one, key, value, problems);
    series.push(one);
  }
}

function collectString(raw: string, series: Series[], problems: string[], depth: number): void {
  let text = raw.trim();
  if (text === '' || text === 'null') return;
  if (/^%(7B|5B)/i.test(text) || /^\{?[^=]*%3D/i.test(text)) {
    try {
      text = decodeURIComponent(text.replace(/\+/g, ' ')).trim();
    } catch {
      return;
    }
  }
  if (text.startsWith('[') || /^\{\s*"/.test(text)) {
    const read = readJsonObjectOrArray(text);
    if (read !== undefined) {
      if (read.repeated !== undefined) {
        problem(problems, `dimensions name ${read.repeated} more than once`);
        return;
      }
      collect(read.value, series, problems, depth + 1);
      return;
    }
    // not JSON after all: fall through to the Java-map reading
  }
  let body = text;
  if (body.startsWith('{') && body.endsWith('}')) body = body.slice(1, -1);
  const one: Series = new Map();
  // Split on commas that start a new `key=` pair, so a value may itself contain commas.
  for (const pair of body.split(/,\s*(?=[^,=\s][^,=]*=)/)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    put(one, pair.slice(0, eq), unquote(pair.slice(eq + 1).trim()), problems);
  }
  series.push(one);
}

/** JSON text as a value, and the first name it repeats (if any); undefined when not JSON. */
function readJsonObjectOrArray(text: string): { value: unknown; repeated?: string } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const repeated = repeatedNamePath(text);
  return repeated === undefined ? { value } : { value, repeated };
}

function unquote(value: string): string {
  if (value.length >= 2 && /^(["']).*\1$/.test(value)) return value.slice(1, -1);
  return value;
}

function put(one: Series, rawKey: string, rawValue: unknown, problems: string[]): void {
  const given = unquote(rawKey.trim());
  if (given === '' || given.length > MAX_DIMENSION_CHARS) return;
  const idKey = idKeyOf(given);
  if (idKey === undefined && one.size >= MAX_DIMENSIONS) return;
  const key = idKey ?? given;
  let value: string;
  if (typeof rawValue === 'string') value = rawValue.trim();
  else if (typeof rawValue === 'number' || typeof rawValue === 'boolean') value = String(rawValue);
  else if (idKey !== undefined)
    value = rawValue === null || rawValue === undefined ? '' : '<object>';
  else return;
  if (value === 'null') value = '';
  if (idKey === undefined && value.length > MAX_DIMENSION_CHARS) return;
  if (value === '' && idKey === undefined) return;
  const before = one.get(key);
  if (before !== undefined && before !== value) {
    problem(
      problems,
      `dimension ${given === key ? key : `${key} (as ${given})`} is given twice with different values (${quoted(before)}, ${quoted(value)})`,
    );
    return;
  }
  one.set(key, value);
}

function problem(problems: string[], text: string): void {
  if (problems.length < 8 && !problems.includes(text)) problems.push(text);
}

function quoted(value: string): string {
  return `'${printable(value, 40)}'`;
}

/**
 * The canonical id key a dimension key spells, or undefined: `changeId` for `changeId`,
 * `ChangeId`, `CHANGEID`, `change_id`, `change-id` (lower case, without `-`, `_`, `.`, spaces),
 * likewise `envId`. Every spelling is read, so that no spelling is silently left out while the
 * alarm falls back to a wider target.
 */
export function idKeyOf(key: string): 'changeId' | 'envId' | undefined {
  const norm = key.toLowerCase().replace(/[-_.\s]/g, '');
  if (norm === 'changeid') return 'changeId';
  if (norm === 'envid') return 'envId';
  return undefined;
}

function isIdKey(key: string): boolean {
  return key === 'changeId' || key === 'envId';
}
