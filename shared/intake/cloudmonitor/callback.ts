/**
 * CloudMonitor threshold-alarm callback (webhook) bodies.
 * Source: CloudMonitor docs, "Alarm callback": `POST`, form-encoded, fields `alertName`,
 * `alertState`, `dimensions`, `ruleId`, `metricName`, `namespace`, `timestamp`, ...
 * (docs/reference/fc-triggers.md). Read strictly: a key CloudMonitor does not document is
 * refused, and so is a field given twice with different values (shared/intake/alarm/keys.ts).
 */

import { readJsonObject } from '../../core/json.js';
import { isRecord, printable } from '../../core/text.js';
import type { Trigger } from '../../model/record.js';
import type { AbortRequest } from '../../model/request.js';
import type { RegionSaying } from '../alarm/region.js';
import { alarmRequest, refusedCallbackKeys, signalFromCallbackFields } from '../alarm/signal.js';
import type { TimeField } from '../alarm/times.js';
import { readForm } from '../form.js';

/** Field names any CloudMonitor alarm callback carries; a body with none of them is not one. */
const ALARM_FIELDS = ['alertState', 'alertName', 'ruleId', 'metricName'] as const;

/** True when an object carries at least one alarm-callback field (`alertState`, `ruleId`, ...). */
export function hasAlarmFields(fields: Record<string, unknown>): boolean {
  return ALARM_FIELDS.some((name) => typeof fields[name] === 'string' && fields[name] !== '');
}

/**
 * Turns a callback body into a request (trigger `cms-callback`). The body is form-encoded
 * (`a=b&c=d`, the documented shape); a JSON object body is accepted too. Firing (`ALERT`/`ALARM`)
 * → `AlarmRequest`; `OK`, `INSUFFICIENT_DATA`, unknown or missing state → `IgnoredRequest`; a body
 * carrying no alarm field at all → `IgnoredRequest` ("unparseable CloudMonitor callback body");
 * a field given twice with different values (form), or a JSON name given twice → `IgnoredRequest`
 * naming it; a key outside the documented set (`dryRun`, `DRY_RUN`, `mode`, `Timestamp`, ...) →
 * `RefusedRequest` (one `invalid` record per key, field `body.<key>`). `triggerRef` is the
 * `ruleId` (or `alertName`). Never throws.
 */
export function parseCmsCallbackBody(body: string): AbortRequest {
  let fields: Record<string, unknown> = {};
  const text = body.trim();
  if (text.startsWith('{')) {
    const read = readJsonObject(text);
    if (read.ok) fields = read.value;
    else if (read.why === 'duplicate-key') {
      return ambiguousBody(`the body names ${printable(read.field ?? 'a key', 60)} more than once`);
    }
  } else if (text !== '') {
    const form = readForm(text);
    if (form.conflicting.length > 0) {
      return ambiguousBody(
        `the body gives ${form.conflicting.map((k) => printable(k, 60)).join(', ')} more than once with different values`,
      );
    }
    fields = form.fields;
  }
  return cmsCallbackRequest(fields, 'cms-callback', undefined, {
    strictKeys: true,
    prefix: 'body.',
  });
}

function ambiguousBody(why: string): AbortRequest {
  return {
    kind: 'ignored',
    trigger: 'cms-callback',
    detail: `the alarm cannot be read as one meaning: ${why}; nothing is aborted (fail closed)`,
    invalid: [],
  };
}

/** How {@link cmsCallbackRequest} reads the fields. */
export interface CallbackReadOptions {
  /** Refuse every key outside the documented callback set (the `/cms-callback` body). */
  strictKeys?: boolean;
  /** Prefix of refused keys in `invalid` fields (`body.`, `data.`). */
  prefix?: string;
  /** Further times the alarm carries (an EventBridge envelope's `time`). */
  extraTimes?: readonly TimeField[];
  /** Further places the alarm names its region (an EventBridge envelope's; ../alarm/region.ts). */
  regionSayings?: readonly RegionSaying[];
}

/**
 * The request for already-split callback fields (form fields, a JSON object, or EventBridge
 * `data`); see {@link parseCmsCallbackBody}. `trigger` defaults to `cms-callback`; `triggerRef`
 * (an EventBridge event id) defaults to the `ruleId`, then `alertName`. Keys that read like a
 * control key or another spelling of a read key are always refused; `strictKeys` refuses every
 * undocumented key.
 */
export function cmsCallbackRequest(
  fields: Record<string, unknown>,
  trigger: Trigger = 'cms-callback',
  triggerRef?: string,
  options: CallbackReadOptions = {},
): AbortRequest {
  const refused = refusedCallbackKeys(fields, options.strictKeys ?? true).map((r) => ({
    ...r,
    key: `${options.prefix ?? ''}${r.key}`,
  }));
  if (!hasAlarmFields(fields)) {
    return {
      kind: 'ignored',
      trigger,
      ...(triggerRef === undefined ? {} : { triggerRef }),
      detail: 'unparseable CloudMonitor alarm: no alertState, alertName, ruleId or metricName',
      invalid: [],
    };
  }
  const { signal, verdict, problems, pairs, unread } = signalFromCallbackFields(
    isRecord(fields) ? fields : {},
    options.extraTimes,
  );
  return alarmRequest({
    signal,
    verdict,
    trigger,
    problems,
    refused,
    pairs,
    ...(unread === undefined ? {} : { unread }),
    ...(triggerRef === undefined ? {} : { triggerRef }),
    // A `region` field names the region too (EventBridge `data`; the callback refuses it as
    // undocumented): read with `regionId`, never dropped (red-team 25 G7).
    regionSayings: [
      { field: 'region', value: sayingOf(isRecord(fields) ? fields.region : undefined) },
      ...(options.regionSayings ?? []),
    ],
  });
}

/** A field's value as a region saying: a string as sent, anything else as its JSON text. */
function sayingOf(raw: unknown): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  return typeof raw === 'string' ? raw : (JSON.stringify(raw) ?? String(raw));
}
