/**
 * SAE and EDAS change-order events delivered through EventBridge (FC `eventbridge` trigger).
 * Sources (docs/reference/sae-edas.md §5.2):
 * - SAE, `source: "acs.sae"` (EventBridge docs, "SAE events", help.aliyun.com/zh/eventbridge/user-guide/sae-events):
 *   the change-order types `sae:ChangeOrder:SaeChangeOrderFailEvent` (a change order failed),
 *   `sae:ChangeOrder:SaeWaitBatchConfirmEvent` (a manual batch not confirmed for a long time) and
 *   `sae:ChangeOrder:SaeK8sUnhealthyEvent` (health check failed during a change); the application
 *   is `data.resourceId`, or the last segment of `subject` (`acs.sae:<region>:<account>:<AppId>`);
 *   whether `data` names the change order is UNVERIFIED (`data.changeOrderId` is read when present).
 * - EDAS, `source: "acs.edas"`, type `edas:ApplicationChange:ChangeOrder` (EventBridge docs,
 *   "EDAS events"): `data.appId`, `data.event.involvedObject.additionalProperties.changeOrderId`
 *   and `.eventType` (the published sample shows `onSuccess`; the other values are UNVERIFIED).
 * Fail closed: any other type of these sources, an EDAS `eventType` that does not say failure,
 * an application id that is not a lower-case UUID, two readings of the application that
 * disagree (EDAS `data.appId`, `data.event.involvedObject.id`, `subject`; SAE
 * `data.resourceId`, `subject`: red-team 25 G13), no readable time, times that disagree, or
 * two regions (`aliyunregionid`, an SAE `subject`, an SAE `data.namespaceId`: s24 F12) →
 * one `IgnoredRequest` naming why. The event's time is the oldest of the envelope's `time`
 * (RFC 3339), `aliyunpublishtime` (`…PRC`), `timestamp`, `data.time`, `data.timestamp` and
 * EDAS `data.event.timestamp` (epoch ms), which must lie within 10 min of one another.
 */
import { parseId } from '../../core/ids.js';
import { isRecord, printable } from '../../core/text.js';
import type { AbortRequest, InvalidInput } from '../../model/request.js';
import { refusedKeys } from '../alarm/keys.js';
import { namedRegion, REGION_ID, subjectRegion } from '../alarm/region.js';
import { eventTimesDisagree, readAlarmTimes, type TimeField } from '../alarm/times.js';
import { invalidId } from '../id-list.js';

/** The EventBridge sources of SAE and EDAS events. */
export const PLATFORM_EVENT_SOURCES: ReadonlyMap<string, 'sae' | 'edas'> = new Map([
  ['acs.sae', 'sae'],
  ['acs.edas', 'edas'],
]);

/** SAE event types about a change order that may be stuck or failing (reference §5.2). */
export const SAE_CHANGE_ORDER_EVENT_TYPES: ReadonlySet<string> = new Set([
  'sae:ChangeOrder:SaeChangeOrderFailEvent',
  'sae:ChangeOrder:SaeWaitBatchConfirmEvent',
  'sae:ChangeOrder:SaeK8sUnhealthyEvent',
]);

/** The one EDAS event type (reference §5.2). */
export const EDAS_CHANGE_ORDER_EVENT_TYPE = 'edas:ApplicationChange:ChangeOrder';

/**
 * EDAS `eventType` / `reason` words that say the change order failed or hangs. `onSuccess`
 * (`APPLICATION_CODEPLOY_SUCCESS`) is the only documented value; any value without one of these
 * words (a start, a success, a value never seen) is not acted on.
 */
const EDAS_FAILURE_WORDS = /fail|error|timeout|exception|unhealthy/i;

/** The envelope keys read from a platform event (another spelling of one is refused). */
const PLATFORM_ENVELOPE_KEYS: readonly string[] = [
  'specversion',
  'id',
  'source',
  'type',
  'time',
  'subject',
  'data',
  'aliyunregionid',
];

/** The `data` keys read per platform (another spelling of one, or another id key, is refused). */
const DATA_READ_KEYS: Readonly<Record<'sae' | 'edas', readonly string[]>> = {
  sae: ['resourceId', 'changeOrderId'],
  edas: ['appId', 'event'],
};

/**
 * The request of one SAE / EDAS EventBridge envelope (trigger `eventbridge`, `triggerRef` =
 * `id`): a `PlatformRequest` with `source: 'alarm'` naming the application (and the change
 * order when the event names one), or an `IgnoredRequest` / `RefusedRequest` saying why not.
 * @param platform from {@link PLATFORM_EVENT_SOURCES}
 * @param envelope the CloudEvents envelope
 * @param base trigger and triggerRef
 */
export function platformEventRequest(
  platform: 'sae' | 'edas',
  envelope: Record<string, unknown>,
  base: { trigger: 'eventbridge'; triggerRef?: string },
): AbortRequest {
  const type = typeof envelope.type === 'string' ? envelope.type : '';
  const reason = `alarm:${type || `${platform}-event`}`;
  const ignored = (detail: string, invalid: InvalidInput[] = []): AbortRequest => ({
    kind: 'ignored',
    ...base,
    detail,
    reason,
    invalid,
  });
  const data = isRecord(envelope.data) ? envelope.data : undefined;
  const refused = [
    ...refusedKeys(envelope, PLATFORM_ENVELOPE_KEYS),
    ...(data
      ? refusedKeys(data, DATA_READ_KEYS[platform])
          // The keys this module reads are ids by design (`appId`, `resourceId`, `changeOrderId`).
          .filter((k) => !DATA_READ_KEYS[platform].includes(k.key))
          .map((k) => ({ ...k, key: `data.${k.key}` }))
      : []),
  ];
  if (refused.length > 0)
    return {
      kind: 'refused',
      ...base,
      invalid: refused.map(({ key, message }) => ({
        field: printable(key, 60),
        message: `${message}; the event is refused and nothing is aborted`,
      })),
    };
  const known =
    platform === 'sae'
      ? SAE_CHANGE_ORDER_EVENT_TYPES.has(type)
      : type === EDAS_CHANGE_ORDER_EVENT_TYPE;
  if (!known)
    return ignored(
      `${platform.toUpperCase()} event type '${printable(type, 80)}' is not a change-order event webplus-abort acts on`,
    );
  if (!data)
    return ignored(`${platform.toUpperCase()} event without a data object: nothing is aborted`);

  // Every time the event carries (red-team s24 F12): the envelope's `time`, EventBridge's
  // `aliyunpublishtime`, and any `timestamp` / `data.time` / `data.timestamp` (the `data` of
  // SAE change-order events is UNVERIFIED, so a time there is read, never skipped).
  const times: TimeField[] = [
    { field: 'time', raw: envelope.time, format: 'rfc3339' },
    { field: 'aliyunpublishtime', raw: envelope.aliyunpublishtime, format: 'prc' },
    { field: 'timestamp', raw: envelope.timestamp, format: 'any' },
    { field: 'data.time', raw: data.time, format: 'any' },
    { field: 'data.timestamp', raw: data.timestamp, format: 'any' },
  ];
  let appIds: string[] = [];
  let orderRaw: unknown;
  const subjectApp =
    typeof envelope.subject === 'string' ? envelope.subject.split(':').at(-1) : undefined;
  if (platform === 'sae') {
    const app = eventAppId('SAE', [
      ['data.resourceId', data.resourceId],
      ['subject', subjectApp],
    ]);
    if (!app.ok) return ignored(app.why);
    appIds = app.appId === undefined ? [] : [app.appId];
    orderRaw = data.changeOrderId;
  } else {
    const event = isRecord(data.event) ? data.event : undefined;
    const object = event && isRecord(event.involvedObject) ? event.involvedObject : undefined;
    const props =
      object && isRecord(object.additionalProperties) ? object.additionalProperties : undefined;
    const eventType = typeof props?.eventType === 'string' ? props.eventType : undefined;
    const why = typeof event?.reason === 'string' ? event.reason : undefined;
    if (!EDAS_FAILURE_WORDS.test(eventType ?? '') && !EDAS_FAILURE_WORDS.test(why ?? ''))
      return ignored(
        `EDAS change-order event with eventType '${printable(eventType ?? '(none)', 40)}' and reason '${printable(why ?? '(none)', 60)}' does not say the change order failed: nothing to abort`,
      );
    // Every place the event names its application must name the same one, exactly (red-team
    // 25 G13): `data.appId`, `data.event.involvedObject.id` (the published sample's
    // `APPLICATION` object) and the last segment of `subject`.
    const app = eventAppId('EDAS', [
      ['data.appId', data.appId],
      ['data.event.involvedObject.id', object?.id],
      ['subject', subjectApp],
    ]);
    if (!app.ok) return ignored(app.why);
    if (data.appId === undefined || data.appId === '' || app.appId === undefined)
      return ignored(
        'the event names no EDAS application id (data.appId): nothing is aborted (fail closed)',
      );
    appIds = [app.appId];
    orderRaw = props?.changeOrderId;
    if (event?.timestamp !== undefined)
      times.push({ field: 'data.event.timestamp', raw: event.timestamp, format: 'epoch' });
  }
  const at = readAlarmTimes(times);
  if (!at.ok)
    return ignored(`${at.why}: the event's age is unknown; nothing is aborted (fail closed)`);
  const disagree = eventTimesDisagree(times);
  if (disagree)
    return ignored(`${disagree}: when it happened is unknown; nothing is aborted (fail closed)`);
  const changeOrderIds: string[] = [];
  if (orderRaw !== undefined && orderRaw !== '') {
    const parsed = parseId('ChangeOrderId', orderRaw);
    if (!parsed.ok || parsed.id !== orderRaw)
      // One event, one record: the bad value is named in the `ignored` one (red-team 25 G13).
      return ignored(
        `the event names its change order with a value that is not a ChangeOrderId: nothing is aborted (fail closed) [${describeInvalid(
          invalidId(
            'changeOrderId',
            orderRaw,
            parsed.ok ? 'not exactly a ChangeOrderId' : parsed.message,
          ),
        )}]`,
      );
    changeOrderIds.push(parsed.id);
  }
  // The region: `aliyunregionid`, an SAE `subject`'s region segment
  // (`acs.sae:<region>:<account>:<AppId>`) and an SAE `data.namespaceId`'s region
  // (`<region>:<name>`, or the region itself for the default namespace): every one present must
  // name the same region (red-team s24 F12), else which one is meant is a guess.
  const namespace = platform === 'sae' ? namespaceRegion(data.namespaceId) : { ok: true as const };
  if (!namespace.ok) return ignored(namespace.why);
  const region = namedRegion([
    {
      field: 'aliyunregionid',
      value: typeof envelope.aliyunregionid === 'string' ? envelope.aliyunregionid : undefined,
    },
    { field: 'subject', value: platform === 'sae' ? subjectRegion(envelope.subject) : undefined },
    { field: 'data.namespaceId', value: namespace.regionId },
  ]);
  if (!region.ok)
    return ignored(
      `the event ${region.why}: which one is meant is ambiguous; nothing is aborted (fail closed)`,
    );
  const regionId = region.regionId;
  return {
    kind: 'platform',
    platform,
    source: 'alarm',
    ...base,
    reason,
    // The order the event names; else the application's in-flight order.
    changeOrderIds,
    ...(changeOrderIds.length > 0 ? {} : { appIds }),
    ...(changeOrderIds.length > 0 && appIds.length > 0 ? { expectAppId: appIds[0] } : {}),
    ...(at.ms === undefined ? {} : { alarmAtMs: at.ms }),
    ...(at.field === undefined ? {} : { alarmAtField: at.field }),
    ...(regionId ? { regionId } : {}),
    invalid: [],
  };
}

/**
 * The application an event names, from every place it names one (`[field, raw]`; `undefined`
 * and `''` are "not said"): all must be the same string exactly, and a lower-case UUID
 * (red-team 25 G13: `data.appId` and `data.event.involvedObject.id` differing, even in case
 * only, is no choice to make).
 * @returns `{ ok: true, appId }` (`appId` undefined when no place names one), or `{ ok: false,
 *   why }`, one sentence naming the fields and their values, for one `ignored` record
 */
export function eventAppId(
  product: 'SAE' | 'EDAS',
  readings: ReadonlyArray<readonly [string, unknown]>,
): { ok: true; appId?: string } | { ok: false; why: string } {
  const said = readings.filter(([, raw]) => raw !== undefined && raw !== '');
  const text = (raw: unknown): string =>
    typeof raw === 'string'
      ? printable(raw, 60)
      : (JSON.stringify(raw)?.slice(0, 60) ?? String(raw));
  const first = said[0];
  const other = said.find(([, raw]) => raw !== first?.[1]);
  if (first && other)
    return {
      ok: false,
      why: `the event names two applications (${first[0]} ${text(first[1])}, ${other[0]} ${text(other[1])}): which one is meant is ambiguous; nothing is aborted (fail closed)`,
    };
  if (!first) return { ok: true };
  const [field, raw] = first;
  const parsed = parseId('PlatformAppId', raw);
  if (!parsed.ok || parsed.id !== raw)
    return {
      ok: false,
      why: `the event names its application with a value that is not an ${product} application id: nothing is aborted (fail closed) [${describeInvalid(
        invalidId(field, raw, parsed.ok ? 'not exactly an application id' : parsed.message),
      )}]`,
    };
  return { ok: true, appId: parsed.id };
}

/** `field: message (got "value")`, as an `invalid` record would say it. */
function describeInvalid(i: InvalidInput): string {
  return `${i.field}: ${i.message}${i.value !== undefined ? ` (got ${JSON.stringify(i.value)})` : ''}`;
}

/** An SAE namespace id: `<region>:<name>` (`cn-beijing:demo`), or the region itself. */
const NAMESPACE_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The region of an SAE event's `data.namespaceId` (docs/reference/sae-edas.md §2.4: `NamespaceId`
 * `cn-beijing:demo`; the default namespace is the region itself), `regionId` undefined when the
 * event names none; or why it is no namespace id.
 */
function namespaceRegion(
  raw: unknown,
): { ok: true; regionId?: string } | { ok: false; why: string } {
  if (raw === undefined) return { ok: true };
  const [region, name, ...rest] = typeof raw === 'string' ? raw.split(':') : [];
  const ok =
    region !== undefined &&
    REGION_ID.test(region) &&
    rest.length === 0 &&
    (name === undefined || NAMESPACE_NAME.test(name));
  return ok
    ? { ok: true, regionId: region }
    : {
        ok: false,
        why: `the event's data.namespaceId ${JSON.stringify(typeof raw === 'string' ? raw.slice(0, 60) : raw)} is not an SAE namespace id (<region>:<name>, or the region): which namespace and region it is about is unknown; nothing is aborted (fail closed)`,
      };
}
