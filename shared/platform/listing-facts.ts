import { shownValue } from './shown.js';

/**
 * What the listing that found a change order says of it, against what the order's own read
 * says (red-team 25 G14; docs/policy.md, "What is a contradiction"). The listing is SAE
 * DescribeApplicationStatus (the application's last order) or EDAS ListRecentChangeOrder; the
 * read is DescribeChangeOrder / GetChangeOrderInfo. Every field both give must agree exactly
 * (times are `"yyyy-MM-dd HH:mm:ss"` on both sides, to the second: equal text); free text
 * (descriptions) is not compared: the reference's own examples of one EDAS order differ in it
 * (docs/reference/sae-edas.md §3.7).
 */

/** The listing's facts about one order, carried on its `ChangeRef`. */
export interface ListedOrder {
  /** the listing call, for the words: `DescribeApplicationStatus`, `ListRecentChangeOrder` */
  action: string;
  /**
   * What the read must then say, by the read's own field names, as JSON values of the read's
   * documented types (SAE: the `LastChangeOrderStatus` name as its status code).
   */
  facts: Readonly<Record<string, unknown>>;
  /** the listing's own faults (a field of the wrong type, or contradicting the listing) */
  faults: readonly string[];
}

/**
 * The disagreements between a listing and a read, each naming the field and both values, the
 * listing's own faults first.
 * @param readFacts the read's values of the same fields, as they came (undefined: not given)
 * @param readAction the read call, for the words
 */
export function listingDisagreements(
  listed: ListedOrder,
  readFacts: Readonly<Record<string, unknown>>,
  readAction: string,
): string[] {
  const out = listed.faults.map((f) => `${listed.action}: ${f}`);
  for (const [field, want] of Object.entries(listed.facts)) {
    const got = readFacts[field];
    if (want === undefined || got === undefined) continue;
    if (!sameJson(want, got))
      out.push(
        `${listed.action} gives ${field} ${shownValue(want)}, ${readAction} gives ${shownValue(got)}`,
      );
  }
  return out;
}

/** The same JSON scalar (type and value); objects and arrays never agree. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === null || b === null) return a === b;
  if (typeof a === 'object' || typeof b === 'object') return false;
  return a === b;
}
