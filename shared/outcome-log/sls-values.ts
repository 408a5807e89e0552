/**
 * Record → SLS log conversion (docs/reference/record.md, "Where records go" and "Time";
 * docs/reference/sls.md, "Writing with `@alicloud/log` 1.2.6").
 *
 * SLS facts relied on (Log Service PutLogs API reference, and @alicloud/log 1.2.6 lib/sls.proto):
 * - every content value is a string (protobuf `required string Value`); the SDK throws a bare
 *   string synchronously for anything else;
 * - `Time` is a uint32 of whole seconds, `TimeNs` an optional fixed32 nanosecond part;
 * - keys are at most 128 bytes, and keys starting with `__` are reserved (`__time__`, `__topic__`...).
 */

/** A log as `Client.postLogStoreLogs` takes it: `timestamp` in whole seconds. */
export interface SlsLog {
  /** Epoch seconds, whole (uint32). */
  timestamp: number;
  /** Nanoseconds within the second (0..999_999_999); from the record's milliseconds. */
  timestampNsPart?: number;
  content: Record<string, string>;
}

/** Longest key SLS accepts, in UTF-8 bytes. */
export const SLS_MAX_KEY_BYTES = 128;

/**
 * One value as SLS text, or `undefined` when it must be omitted.
 * - string → itself; number, bigint, boolean → `String(value)` (`3` → `"3"`, `false` → `"false"`);
 * - `Date` → ISO 8601; objects and arrays → JSON (`{code: "X"}` → `'{"code":"X"}'`);
 * - `null`, `undefined`, functions and symbols → `undefined` (omitted).
 */
export function toSlsValue(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'bigint':
    case 'boolean':
      return String(value);
    case 'object':
      if (value === null) return undefined;
      if (value instanceof Date) {
        return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
      }
      return toJson(value);
    default:
      return undefined;
  }
}

/**
 * The contents of one log: every field of `record` whose value is not omitted by
 * {@link toSlsValue}, as text. Keys that SLS refuses (empty, longer than
 * {@link SLS_MAX_KEY_BYTES} bytes, or starting with `__`) are left out; an `OutcomeRecord` has none.
 * Takes any object so that extra fields (`extra`, `dryRun` of case C11, test/README.md) convert
 * the same way.
 */
export function toSlsContents(record: object): Record<string, string> {
  const contents: Record<string, string> = {};
  for (const [key, value] of Object.entries(record)) {
    if (!isValidKey(key)) continue;
    const text = toSlsValue(value);
    if (text !== undefined) contents[key] = text;
  }
  return contents;
}

/**
 * The SLS log of one record. `record.time` (ISO 8601, ms) gives `timestamp` =
 * `Math.floor(ms / 1000)` seconds and `timestampNsPart` = the milliseconds as nanoseconds;
 * 1714540000123 ms → `{timestamp: 1714540000, timestampNsPart: 123000000}`.
 * A record whose `time` does not parse is stamped with `nowMs` (its `time` content stays as given),
 * so that a bad time never loses the record.
 */
export function toSlsLog(record: { time?: unknown }, nowMs: number = Date.now()): SlsLog {
  const parsed = typeof record.time === 'string' ? Date.parse(record.time) : Number.NaN;
  const ms = Number.isFinite(parsed) && parsed >= 0 ? parsed : nowMs;
  const seconds = Math.floor(ms / 1000);
  return {
    timestamp: seconds,
    timestampNsPart: Math.round(ms - seconds * 1000) * 1_000_000,
    content: toSlsContents(record),
  };
}

/**
 * An upper estimate of a log's size inside an encoded protobuf LogGroup, in bytes:
 * UTF-8 key and value lengths plus 8 bytes of framing per content and 16 per log.
 * Used to keep a PutLogs body under its raw-size budget.
 */
export function estimateLogBytes(log: SlsLog): number {
  let bytes = 16;
  for (const [key, value] of Object.entries(log.content)) {
    bytes += Buffer.byteLength(key) + Buffer.byteLength(value) + 8;
  }
  return bytes;
}

function isValidKey(key: string): boolean {
  return key !== '' && !key.startsWith('__') && Buffer.byteLength(key) <= SLS_MAX_KEY_BYTES;
}

function toJson(value: object): string {
  try {
    return JSON.stringify(value, (_key, inner: unknown) =>
      typeof inner === 'bigint' ? String(inner) : inner,
    );
  } catch {
    // A circular structure: keep what can be said about it rather than drop the field.
    return String(value);
  }
}
