/** A reply value in a record's words: JSON, cut to 80 characters (a PipelineId fits). */
export function shownValue(raw: unknown): string {
  let t: string;
  try {
    t = JSON.stringify(raw) ?? String(raw);
  } catch {
    t = String(raw);
  }
  return t.length > 80 ? `${t.slice(0, 80)}…` : t;
}
