/**
 * CloudMonitor alarms delivered through EventBridge (FC `eventbridge` trigger).
 * Source: EventBridge docs (CloudEvents 1.0 envelope `specversion, id, source, type, data, ...`;
 * event-streaming delivery sends a JSON array of envelopes), CloudMonitor event type
 * `cms:CloudMonitor:AlertWebHook`; the schema of `data` is not documented, so the callback's field
 * names are accepted there (docs/reference/fc-triggers.md).
 */

import { isRecord, printable } from '../../core/text.js';
import type { AbortRequest } from '../../model/request.js';
import { cmsCallbackRequest, hasAlarmFields } from '../cloudmonitor/callback.js';
import { cmsRulePushRequest, isCmsRulePush } from '../cloudmonitor/rule-push.js';
import { parseForm } from '../form.js';
import { eventKey, type RecentEvents } from '../recent-events.js';

/** True for a CloudEvents envelope: a string `specversion` and a string `id` or `source`. */
export function isCloudEvent(event: unknown): event is Record<string, unknown> {
  return (
    isRecord(event) &&
    typeof event.specversion === 'string' &&
    (typeof event.id === 'string' || typeof event.source === 'string')
  );
}

/** True for a CloudMonitor alert event type (`cms:CloudMonitor:AlertWebHook` and kin). */
export function isCmsAlertType(type: unknown): boolean {
  return typeof type === 'string' && /^cms:/i.test(type) && /alert/i.test(type);
}

/**
 * The requests for one envelope: none when `id`+`source` was already seen in this instance (a
 * redelivery writes nothing new), else exactly one (trigger `eventbridge`, `triggerRef` = `id`):
 * - a non-alert `type` → `IgnoredRequest`;
 * - `data` (an object, or a JSON / form string) shaped like a callback → as a callback
 *   (firing `ALERT`/`ALARM` → `AlarmRequest`, recovery / unknown state → `IgnoredRequest`);
 * - `data` shaped like a rule push (`ruleId` + `curLevel`, no `alertState`) → as a rule push;
 * - no readable `data` → `IgnoredRequest`.
 * Never throws.
 */
export function eventBridgeRequests(
  envelope: Record<string, unknown>,
  recentEvents: RecentEvents,
): AbortRequest[] {
  const id = typeof envelope.id === 'string' && envelope.id !== '' ? envelope.id : undefined;
  const source = typeof envelope.source === 'string' ? envelope.source : '';
  if (id !== undefined && recentEvents.seen(eventKey(source, id))) return [];
  const base = { trigger: 'eventbridge' as const, ...(id === undefined ? {} : { triggerRef: id }) };
  if (!isCmsAlertType(envelope.type)) {
    return [
      {
        kind: 'ignored',
        ...base,
        detail: `EventBridge event type '${printable(envelope.type, 80)}' is not a CloudMonitor alert`,
        invalid: [],
      },
    ];
  }
  const data = readData(envelope.data);
  if (data === undefined || !hasAlarmFields(data)) {
    return [
      {
        kind: 'ignored',
        ...base,
        detail: 'EventBridge CloudMonitor event without readable alarm data',
        invalid: [],
      },
    ];
  }
  if (isCmsRulePush(data) && data.alertState === undefined) {
    return [cmsRulePushRequest(data, 'eventbridge', id)];
  }
  return [cmsCallbackRequest(data, 'eventbridge', id)];
}

function readData(data: unknown): Record<string, unknown> | undefined {
  if (isRecord(data)) return data;
  if (typeof data !== 'string') return undefined;
  const text = data.trim();
  if (text.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(text);
      return isRecord(parsed) ? parsed : undefined;
    } catch {
      return undefined;
    }
  }
  return parseForm(text);
}
