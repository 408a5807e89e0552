/**
 * CloudMonitor threshold-alarm callback (webhook) bodies.
 * Source: CloudMonitor docs, "Alarm callback": `POST`, form-encoded, fields `alertName`,
 * `alertState`, `dimensions`, `ruleId`, `metricName`, `namespace`, `timestamp`, ...; new fields may
 * appear, so parsing is lenient (docs/reference/fc-triggers.md).
 */

import { isRecord } from '../../core/text.js';
import type { Trigger } from '../../model/record.js';
import type { AbortRequest } from '../../model/request.js';
import { parseDimensions } from '../alarm/dimensions.js';
import { alarmRequest, signalFromCallbackFields } from '../alarm/signal.js';
import { parseForm } from '../form.js';

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
 * carrying no alarm field at all → `IgnoredRequest` ("unparseable CloudMonitor callback body").
 * `triggerRef` is the `ruleId` (or `alertName`). Never throws.
 */
export function parseCmsCallbackBody(body: string): AbortRequest {
  let fields: Record<string, unknown> = {};
  const text = body.trim();
  if (text.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (isRecord(parsed)) fields = parsed;
    } catch {
      fields = {};
    }
  } else if (text !== '') {
    fields = parseForm(text);
  }
  return cmsCallbackRequest(fields);
}

/**
 * The request for already-split callback fields (form fields, a JSON object, or EventBridge
 * `data`); see {@link parseCmsCallbackBody}. `trigger` defaults to `cms-callback`; `triggerRef`
 * (an EventBridge event id) defaults to the `ruleId`, then `alertName`.
 */
export function cmsCallbackRequest(
  fields: Record<string, unknown>,
  trigger: Trigger = 'cms-callback',
  triggerRef?: string,
): AbortRequest {
  if (!hasAlarmFields(fields)) {
    return {
      kind: 'ignored',
      trigger,
      ...(triggerRef === undefined ? {} : { triggerRef }),
      detail: 'unparseable CloudMonitor alarm: no alertState, alertName, ruleId or metricName',
      invalid: [],
    };
  }
  const { signal, verdict } = signalFromCallbackFields(fields, parseDimensions(fields.dimensions));
  return alarmRequest({
    signal,
    verdict,
    trigger,
    ...(triggerRef === undefined ? {} : { triggerRef }),
  });
}
