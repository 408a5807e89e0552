/**
 * CloudMonitor alarms delivered through EventBridge (FC `eventbridge` trigger).
 * Source: EventBridge docs (CloudEvents 1.0 envelope `specversion, id, source, type, data, ...`;
 * event-streaming delivery sends a JSON array of envelopes), CloudMonitor event type
 * `cms:CloudMonitor:AlertWebHook`; the schema of `data` is not documented, so the callback's field
 * names are accepted there (docs/reference/fc-triggers.md).
 */

import { readJsonObject } from '../../core/json.js';
import { isRecord, printable } from '../../core/text.js';
import type { AbortRequest } from '../../model/request.js';
import { refusedKeys } from '../alarm/keys.js';
import { type RegionSaying, subjectRegion } from '../alarm/region.js';
import type { TimeField } from '../alarm/times.js';
import { cmsCallbackRequest, hasAlarmFields } from '../cloudmonitor/callback.js';
import { cmsRulePushRequest, isCmsRulePush } from '../cloudmonitor/rule-push.js';
import { readForm } from '../form.js';
import { eventKey, type RecentEvents } from '../recent-events.js';
import { PLATFORM_EVENT_SOURCES, platformEventRequest } from './platform-event.js';

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

/** The envelope keys the function reads (another spelling of one is refused). */
const ENVELOPE_READ_KEYS: readonly string[] = [
  'specversion',
  'id',
  'source',
  'type',
  'time',
  'data',
  'subject',
  'aliyunregionid',
];

/**
 * The requests for one envelope: none when `id`+`source` was already seen in this instance (a
 * redelivery writes nothing new), else exactly one (trigger `eventbridge`, `triggerRef` = `id`):
 * - an envelope or `data` key that reads like a control key (`dryRun`, `mode`, `force`, ...) or
 *   another spelling of a read key → `RefusedRequest` (field `<key>` / `data.<key>`);
 * - `source` `acs.sae` / `acs.edas` → an SAE / EDAS change-order event (./platform-event.ts);
 * - a non-alert `type` → `IgnoredRequest`;
 * - `data` (an object, or a JSON / form string) shaped like a callback → as a callback
 *   (firing `ALERT`/`ALARM` → `AlarmRequest`, recovery / unknown state → `IgnoredRequest`);
 * - `data` shaped like a rule push (`ruleId` + `curLevel`, no `alertState`) → as a rule push;
 * - no readable `data` → `IgnoredRequest`; a `data` text repeating a name → `IgnoredRequest`.
 * The envelope's `time` (RFC 3339), when present, must be readable and counts with the times
 * inside `data`: the alarm's time is the oldest. `aliyunpublishtime` (when EventBridge published
 * it, never earlier; seen as `...123PRC`) is not read. Never throws.
 */
export function eventBridgeRequests(
  envelope: Record<string, unknown>,
  recentEvents: RecentEvents,
): AbortRequest[] {
  const id = typeof envelope.id === 'string' && envelope.id !== '' ? envelope.id : undefined;
  const source = typeof envelope.source === 'string' ? envelope.source : '';
  if (id !== undefined && recentEvents.seen(eventKey(source, id))) return [];
  const base = { trigger: 'eventbridge' as const, ...(id === undefined ? {} : { triggerRef: id }) };
  const refused = refusedKeys(envelope, ENVELOPE_READ_KEYS);
  if (refused.length > 0) {
    return [
      {
        kind: 'refused',
        ...base,
        invalid: refused.map(({ key, message }) => ({
          field: printable(key, 60),
          message: `${message}; the alarm is refused and nothing is aborted`,
        })),
      },
    ];
  }
  const platform = PLATFORM_EVENT_SOURCES.get(source);
  if (platform) return [platformEventRequest(platform, envelope, base)];
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
  if (typeof data === 'string') {
    return [
      {
        kind: 'ignored',
        ...base,
        detail: `the alarm cannot be read as one meaning: ${data}; nothing is aborted (fail closed)`,
        invalid: [],
      },
    ];
  }
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
  const extraTimes: TimeField[] = [{ field: 'time', raw: envelope.time, format: 'rfc3339' }];
  // The envelope names the alarm's region too: with `data.regionId`, every one must agree
  // (../alarm/region.ts; red-team 24 F4).
  const regionSayings: RegionSaying[] = [
    {
      field: 'aliyunregionid',
      value: typeof envelope.aliyunregionid === 'string' ? envelope.aliyunregionid : undefined,
    },
    { field: 'subject', value: subjectRegion(envelope.subject) },
  ];
  if (isCmsRulePush(data) && data.alertState === undefined) {
    return [
      cmsRulePushRequest(data, 'eventbridge', id, { prefix: 'data.', extraTimes, regionSayings }),
    ];
  }
  const mixed = mixedLevels(data);
  if (mixed !== undefined) {
    return [
      {
        kind: 'ignored',
        ...base,
        detail: `the alarm cannot be read as one meaning: ${mixed}; nothing is aborted (fail closed)`,
        invalid: [],
      },
    ];
  }
  return [
    cmsCallbackRequest(data, 'eventbridge', id, {
      strictKeys: false,
      prefix: 'data.',
      extraTimes,
      regionSayings,
    }),
  ];
}

/**
 * A callback-shaped `data` that also carries a rule push's level fields must not contradict
 * itself: `alertState: ALERT` with `curLevel: OK` or `eventName: AlertOk` is no firing alarm.
 */
function mixedLevels(data: Record<string, unknown>): string | undefined {
  const state = data.alertState;
  const firing = state === 'ALERT' || state === 'ALARM';
  if (!firing) return undefined;
  const level = data.curLevel;
  if (level !== undefined && !['CRITICAL', 'WARN', 'INFO'].includes(String(level))) {
    return `alertState ${String(state)} with curLevel '${printable(level, 40)}': firing or recovered is a guess`;
  }
  const name = data.eventName;
  if (name !== undefined && name !== 'Alert') {
    return `alertState ${String(state)} with eventName '${printable(name, 40)}': firing or recovered is a guess`;
  }
  return undefined;
}

/** `data` as an object; a string saying why it is ambiguous; undefined when unreadable. */
function readData(data: unknown): Record<string, unknown> | string | undefined {
  if (isRecord(data)) return data;
  if (typeof data !== 'string') return undefined;
  const text = data.trim();
  if (text.startsWith('{')) {
    const read = readJsonObject(text);
    if (read.ok) return read.value;
    if (read.why === 'duplicate-key') {
      return `data names ${printable(read.field ?? 'a key', 60)} more than once`;
    }
    return undefined;
  }
  const form = readForm(text);
  if (form.conflicting.length > 0) {
    return `data gives ${form.conflicting.map((k) => printable(k, 60)).join(', ')} more than once with different values`;
  }
  return form.fields;
}
