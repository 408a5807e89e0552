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
/**
 * At most this many series (objects of a dimensions array) are read, and at most this many
 * values of each id key (`changeId`, `envId`: several series, or one value listing ids
 * comma-separated). What is past it is counted, not read ({@link DimensionsRead.unread}), so one
 * alarm costs work linear in what it holds and bounded by this cap (red-team 11 F5: 24,000
 * series took 41.8 s before). Default 10,000: CloudMonitor sends one series per alarm; far
 * more than any real alarm, and 1,000 times the default `ALARM_MAX_IDS`.
 */
export const MAX_DIMENSION_ITEMS = 10_000;

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
  /**
   * What was past {@link MAX_DIMENSION_ITEMS} and not read: `series` (dimension objects of an
   * array, none of whose keys was read) and `values` (values of an id key past the cap, duplicates
   * of one another included); absent when everything was read. The caller says it in a record:
   * nothing that may name an id is dropped silently.
   */
  unread?: DimensionsUnread;
}

/** What {@link readDimensions} did not read, and the cap that cut it. */
export interface DimensionsUnread {
  /** Series past the cap (each may name any number of ids). */
  series: number;
  /** Values of an id key past the cap (per key, summed). */
  values: number;
  /** The cap: {@link MAX_DIMENSION_ITEMS}. */
  cap: number;
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
  const read: Collected = { series: [], problems: [], unreadSeries: 0 };
  collect(raw, read, 0);
  const { series, problems } = read;
  const out = new Map<string, string>();
  // Each id key's values: a Set to test and an ordered list, joined once at the end, so the
  // work is linear in the number of series (red-team 11 F5: a split and a concatenation per
  // series made it quadratic).
  const idValues = new Map<string, { seen: Set<string>; order: string[] }>();
  let unreadValues = 0;
  const pairs: [string, string][] = [];
  for (const one of series) {
    const c = one.get('changeId');
    const e = one.get('envId');
    if (c !== undefined && e !== undefined) pairs.push([c, e]);
    for (const [key, value] of one) {
      if (isIdKey(key)) {
        let values = idValues.get(key);
        if (values === undefined) {
          values = { seen: new Set(), order: [] };
          idValues.set(key, values);
          out.set(key, '');
        }
        for (const part of value.split(',')) {
          if (values.seen.has(part)) continue;
          if (values.seen.size >= MAX_DIMENSION_ITEMS) {
            unreadValues++;
            continue;
          }
          values.seen.add(part);
          values.order.push(part);
        }
        continue;
      }
      const before = out.get(key);
      if (before === undefined) {
        if (out.size < MAX_DIMENSIONS) out.set(key, value);
      } else if (before !== value) {
        problem(
          problems,
          `dimension ${key} is ${quoted(before)} in one series and ${quoted(value)} in another`,
        );
      }
    }
  }
  for (const [key, values] of idValues) out.set(key, values.order.join(','));
  const text = typeof raw === 'string' ? raw.trim() : '';
  if (
    out.size === 0 &&
    problems.length === 0 &&
    read.unreadSeries === 0 &&
    !EMPTY_TEXTS.has(text.replace(/\s/g, ''))
  ) {
    problem(problems, `dimensions ${quoted(text)} cannot be read`);
  }
  const unread =
    read.unreadSeries > 0 || unreadValues > 0
      ? { series: read.unreadSeries, values: unreadValues, cap: MAX_DIMENSION_ITEMS }
      : undefined;
  return {
    dimensions: Object.fromEntries(out),
    problems,
    pairs,
    ...(unread === undefined ? {} : { unread }),
  };
}

/** Dimension texts that say "none". */
const EMPTY_TEXTS: ReadonlySet<string> = new Set(['', 'null', '{}', '[]', '[{}]']);

/** {@link readDimensions} without the problems (tests, display). */
export function parseDimensions(raw: unknown): Record<string, string> {
  return readDimensions(raw).dimensions;
}

/** One series: its keys and values. */
type Series = Map<string, string>;

/** What {@link collect} gathers: the series read, the problems, the series past the cap. */
interface Collected {
  series: Series[];
  problems: string[];
  /** Series past {@link MAX_DIMENSION_ITEMS}: counted, not read. */
  unreadSeries: number;
}

/** Adds a series, or counts it unread past the cap; true when it was added. */
function addSeries(read: Collected, one: Series): boolean {
  if (read.series.length >= MAX_DIMENSION_ITEMS) {
    read.unreadSeries++;
    return false;
  }
  read.series.push(one);
  return true;
}

function collect(raw: unknown, read: Collected, depth: number): void {
  if (depth > 3 || raw === null || raw === undefined) return;
  const { problems } = read;
  if (typeof raw === 'string') {
    collectString(raw, read, depth);
    return;
  }
  if (Array.isArray(raw)) {
    let pairs: Series | undefined;
    let pairsRead = false;
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
          pairsRead = addSeries(read, pairs); // past the cap: counted, the pairs not read
        }
        if (pairsRead) put(pairs, pairKey, item.value, problems);
      } else {
        collect(item, read, depth + 1);
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
    if (!addSeries(read, one)) return;
    for (const [key, value] of Object.entries(raw)) put(one, key, value, problems);
  }
}

function collectString(raw: string, read: Collected, depth: number): void {
  const { problems } = read;
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
    const json = readJsonObjectOrArray(text);
    if (json !== undefined) {
      if (json.repeated !== undefined) {
        problem(problems, `dimensions name ${json.repeated} more than once`);
        return;
      }
      collect(json.value, read, depth + 1);
      return;
    }
    // not JSON after all: fall through to the Java-map reading
  }
  let body = text;
  if (body.startsWith('{') && body.endsWith('}')) body = body.slice(1, -1);
  const one: Series = new Map();
  if (!addSeries(read, one)) return;
  // Split on commas that start a new `key=` pair, so a value may itself contain commas.
  for (const pair of body.split(/,\s*(?=[^,=\s][^,=]*=)/)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    put(one, pair.slice(0, eq), unquote(pair.slice(eq + 1).trim()), problems);
  }
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
  const key = idKey ?? regionKeyOf(given) ?? given;
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

/**
 * `regionId` for every spelling of a region dimension key: `regionId`, `RegionId`,
 * `REGION_ID`, `region-id` and `region` (lower case, without `-`, `_`, `.`, spaces), else
 * undefined. Every spelling is read as the alarm's region (red-team 25 G7: a `RegionId=` or
 * `region=` dimension was not read, and the alarm was worked on in every region); two of
 * them naming different regions in one series are "given twice with different values".
 */
export function regionKeyOf(key: string): 'regionId' | undefined {
  const norm = key.toLowerCase().replace(/[-_.\s]/g, '');
  return norm === 'regionid' || norm === 'region' ? 'regionId' : undefined;
}

function isIdKey(key: string): boolean {
  return key === 'changeId' || key === 'envId';
}
