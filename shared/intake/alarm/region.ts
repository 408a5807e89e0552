/**
 * The region an alarm or event names, from every place it says one (a CloudMonitor callback's
 * `regionId` field, a `regionId` dimension, an EventBridge envelope's `aliyunregionid`, the
 * region segment of its `subject` `acs.<product>:<region>:<account>:<resource>`;
 * docs/reference/fc-triggers.md). The rule SAE/EDAS events already follow
 * (./sae.ts, ../eventbridge/platform-event.ts): every place that names one must name the same
 * region, and it must be a region id; otherwise which region is meant is a guess.
 */
import { printable } from '../../core/text.js';

/** One place an alarm names its region: the field's name and its value as sent. */
export interface RegionSaying {
  field: string;
  value: string | undefined;
}

/** A region id as Alibaba Cloud spells them (`cn-hangzhou`, `ap-southeast-1`). */
export const REGION_ID = /^[a-z]{2,}(?:-[a-z0-9]+)+$/;

/**
 * The region named, or why none can be taken.
 * @param sayings the places, in the order they are named in the detail; `undefined` or `''`
 *   values are "not said"
 * @returns `{ ok: true, regionId }` (`regionId` undefined when nothing names one), or
 *   `{ ok: false, why }`: `names two regions (aliyunregionid cn-shanghai, subject cn-hangzhou)`
 *   or `names its region as "x" (aliyunregionid), which is not a region id`
 */
export function namedRegion(
  sayings: readonly RegionSaying[],
): { ok: true; regionId?: string } | { ok: false; why: string } {
  const said = sayings.filter(
    (s): s is { field: string; value: string } => s.value !== undefined && s.value !== '',
  );
  const bad = said.find((s) => !REGION_ID.test(s.value));
  if (bad) {
    return {
      ok: false,
      why: `names its region as ${JSON.stringify(bad.value.slice(0, 40))} (${bad.field}), which is not a region id`,
    };
  }
  const other = said.find((s) => s.value !== said[0]!.value);
  if (other) {
    return {
      ok: false,
      why: `names two regions (${said[0]!.field} ${printable(said[0]!.value, 40)}, ${other.field} ${printable(other.value, 40)})`,
    };
  }
  return said[0] ? { ok: true, regionId: said[0].value } : { ok: true };
}

/** The region segment of a CloudEvents `subject` `acs.<product>:<region>:…`, when it has one. */
export function subjectRegion(subject: unknown): string | undefined {
  if (typeof subject !== 'string') return undefined;
  const parts = subject.split(':');
  return parts.length >= 3 && parts[1] !== '' ? parts[1] : undefined;
}
