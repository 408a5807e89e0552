/**
 * CloudMonitor alarm `dimensions`, in every shape it arrives in.
 * Source: CloudMonitor docs, "Alarm callback" (a Java-map string `{userId=123, instanceId=i-abc}`;
 * older docs: a JSON array of objects); EventBridge `data` is undocumented and may carry a JSON
 * object; absent values arrive as the literal string `null` (docs/reference/fc-triggers.md).
 */
import { isRecord } from '../../core/text.js';

/** Keys, and values of keys that name no id, longer than this are dropped: no real dimension is that long. */
const MAX_DIMENSION_CHARS = 512;
/** At most this many dimensions are kept (id keys are always kept, whatever comes before them). */
const MAX_DIMENSIONS = 64;

/**
 * Normalises `dimensions` into a flat `{key: value}` map of trimmed strings.
 * Accepted shapes:
 * - a Java-map string `{userId=123, envId=we-...}` (braces optional; values may hold commas);
 * - a JSON array string `[{"userId":"1","changeId":"wc-..."}]` (objects merged in order), also
 *   `[{"name":"envId","value":"we-..."}]` / `{"key":..., "value":...}` pair objects;
 * - a JSON object string `{"envId":"we-..."}`;
 * - any of the above URL-encoded once more (`%7B...`, `%5B...`);
 * - an already parsed array or object.
 * Values that are `null`, empty, or the literal `null` are dropped; numbers and booleans become
 * strings; nested objects are skipped. Surrounding quotes around Java-map values are removed.
 * Never throws; anything unreadable yields `{}`.
 *
 * Nothing that names an id is dropped silently (issue 11): every item of a dimensions array is
 * read and an id key (`changeId`, `envId`, ...) is kept whatever its length and however many
 * dimensions came first, so the pipeline can act on the first `ALARM_MAX_IDS` and record every
 * other one `deferred`; an id key whose value is an object or an array is kept as its JSON text,
 * which no id parser accepts (an `invalid` record, and no fallback to the policy's rules). The
 * size of what is read is bounded by the event itself (`HTTP_MAX_BODY_BYTES` for a callback;
 * FC's event size limit for EventBridge).
 */
export function parseDimensions(raw: unknown): Record<string, string> {
  const out: Dims = new Map();
  collect(raw, out, 0);
  return Object.fromEntries(
    [...out].map(([key, value]) => [key, Array.isArray(value) ? value.join(',') : value]),
  );
}

/** Dimensions read so far; an id key holds every value it was given, in order (joined at the end). */
type Dims = Map<string, string | string[]>;

function collect(raw: unknown, out: Dims, depth: number): void {
  if (depth > 3 || raw === null || raw === undefined) return;
  if (typeof raw === 'string') {
    collectString(raw, out, depth);
    return;
  }
  if (Array.isArray(raw)) {
    for (const item of raw) {
      if (!isRecord(item)) continue;
      const pairKey = item.name ?? item.key;
      if (typeof pairKey === 'string' && 'value' in item && Object.keys(item).length <= 2) {
        put(out, pairKey, item.value);
      } else {
        collect(item, out, depth + 1);
      }
    }
    return;
  }
  if (isRecord(raw)) {
    for (const [key, value] of Object.entries(raw)) put(out, key, value);
  }
}

function collectString(raw: string, out: Dims, depth: number): void {
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
    try {
      collect(JSON.parse(text) as unknown, out, depth + 1);
      return;
    } catch {
      // not JSON after all: fall through to the Java-map reading
    }
  }
  let body = text;
  if (body.startsWith('{') && body.endsWith('}')) body = body.slice(1, -1);
  // Split on commas that start a new `key=` pair, so a value may itself contain commas.
  for (const pair of body.split(/,\s*(?=[^,=\s][^,=]*=)/)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    put(out, pair.slice(0, eq), unquote(pair.slice(eq + 1).trim()));
  }
}

function unquote(value: string): string {
  if (value.length >= 2 && /^(["']).*\1$/.test(value)) return value.slice(1, -1);
  return value;
}

function put(out: Dims, rawKey: string, rawValue: unknown): void {
  const key = unquote(rawKey.trim());
  const idKey = ID_KEYS.has(key);
  if (!idKey && out.size >= MAX_DIMENSIONS) return;
  if (key === '' || key.length > MAX_DIMENSION_CHARS) return;
  let value: string;
  if (typeof rawValue === 'string') value = rawValue.trim();
  else if (typeof rawValue === 'number' || typeof rawValue === 'boolean') value = String(rawValue);
  else if (idKey && rawValue !== null && rawValue !== undefined) {
    // Kept as text so that the id parser refuses it (never read as "no id named").
    value = JSON.stringify(rawValue) ?? String(rawValue);
  } else return;
  if (value === '' || value === 'null' || (!idKey && value.length > MAX_DIMENSION_CHARS)) return;
  // An array of dimension objects may name several changes or environments: keep them all
  // (comma-joined at the end; ids never hold commas); any other repeated key keeps its last value.
  if (idKey) {
    const previous = out.get(key);
    if (Array.isArray(previous)) previous.push(value);
    else out.set(key, [value]);
    return;
  }
  out.set(key, value);
}

/** Dimension keys that name a Web+ change or environment (CloudMonitor custom-metric dimensions). */
export const CHANGE_ID_KEYS: readonly string[] = ['changeId', 'ChangeId', 'changeid', 'change_id'];
export const ENV_ID_KEYS: readonly string[] = ['envId', 'EnvId', 'envid', 'env_id'];
const ID_KEYS: ReadonlySet<string> = new Set([...CHANGE_ID_KEYS, ...ENV_ID_KEYS]);
