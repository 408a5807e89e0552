/**
 * Reading a JSON object that a caller wrote, so that it cannot say two things at once:
 * `{"dryRun": true, "dryRun": false}` is valid JSON (RFC 8259 §4: names "SHOULD be unique", and
 * `JSON.parse` keeps the last), but a reviewer reads the first. A repeated name is refused.
 * Duplicates are found with the `yaml` package's parser (JSON is YAML 1.2; its `uniqueKeys`
 * check reports `DUPLICATE_KEY`), run only after `JSON.parse` accepted the text.
 */
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';

/** The object, or why not: `field` is the repeated top-level name when there is one. */
export type JsonObjectRead =
  | { ok: true; value: Record<string, unknown> }
  | { ok: false; why: 'not-json' | 'not-object' | 'duplicate-key'; field?: string };

/** Parses `text` as one JSON object with no repeated name at any depth. Never throws. */
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
  const duplicate = repeatedName(text);
  if (duplicate !== undefined)
    return { ok: false, why: 'duplicate-key', field: duplicate || undefined };
  return { ok: true, value: parsed as Record<string, unknown> };
}

/** The first repeated top-level name, '' for a repeat deeper down, undefined for none. */
function repeatedName(text: string): string | undefined {
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text, { uniqueKeys: true });
  } catch {
    return undefined;
  }
  if (!doc.errors.some((e) => e.code === 'DUPLICATE_KEY')) return undefined;
  const seen = new Set<string>();
  if (isMap(doc.contents)) {
    for (const pair of doc.contents.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      if (seen.has(key)) return key;
      seen.add(key);
    }
  }
  return '';
}

/**
 * Where a JSON text repeats a name, at any depth: the dotted path of the first repeat
 * (`data.timestamp`, `[0].time`), or undefined when no object in it says a name twice (or the
 * text is not JSON). Used for alarm events, whose envelope and `data` are read as they came:
 * `{"time": "...", "time": "..."}` would otherwise be read as the last one only. Never throws.
 */
export function repeatedNamePath(text: string): string | undefined {
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text, { uniqueKeys: true });
  } catch {
    return undefined;
  }
  if (!doc.errors.some((e) => e.code === 'DUPLICATE_KEY')) return undefined;
  return walk(doc.contents, '') ?? '(a nested object)';
}

function walk(node: unknown, path: string): string | undefined {
  if (isMap(node)) {
    const seen = new Set<string>();
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      const here = path === '' ? key : `${path}.${key}`;
      if (seen.has(key)) return here;
      seen.add(key);
      const deeper = walk(pair.value, here);
      if (deeper !== undefined) return deeper;
    }
  } else if (isSeq(node)) {
    for (const [i, item] of node.items.entries()) {
      const deeper = walk(item, `${path}[${i}]`);
      if (deeper !== undefined) return deeper;
    }
  }
  return undefined;
}
