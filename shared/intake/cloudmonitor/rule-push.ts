/**
 * CloudMonitor alarm rules pushing JSON (the MNS / Function Compute push channel).
 * Source: CloudMonitor docs, "Alarm rule push to MNS" (`ruleId`, `ruleName`, `curLevel`,
 * `resources` as a JSON string, `metricData`, `metricName`, `namespace`, `eventName`
 * `Alert|AlertOk`, `time` ms); assumed identical for a Function Compute target
 * (docs/reference/fc-triggers.md).
 */

import { isRecord, printable } from '../../core/text.js';
import type { Trigger } from '../../model/record.js';
import type { AbortRequest, AlarmSignal } from '../../model/request.js';
import { readDimensions } from '../alarm/dimensions.js';
import { refusedKeys } from '../alarm/keys.js';
import type { RegionSaying } from '../alarm/region.js';
import {
  alarmRequest,
  curLevelVerdict,
  exactString,
  fieldString,
  type StateVerdict,
} from '../alarm/signal.js';
import { readAlarmTimes, type TimeField } from '../alarm/times.js';

/** `metricData` keys that are statistics or time, not dimensions. */
const METRIC_VALUE_KEYS: ReadonlySet<string> = new Set([
  'timestamp',
  'Average',
  'Maximum',
  'Minimum',
  'Sum',
  'SampleCount',
  'Value',
  'value',
  'count',
]);

/** True for an object shaped like a rule push: a string `ruleId` and `curLevel`, `resources` or `metricData`. */
export function isCmsRulePush(event: Record<string, unknown>): boolean {
  return (
    typeof event.ruleId === 'string' &&
    ('curLevel' in event || 'resources' in event || 'metricData' in event)
  );
}

/** The keys a rule push is read from (another spelling of one is refused). */
export const RULE_PUSH_READ_KEYS: readonly string[] = [
  'ruleId',
  'ruleName',
  'alertName',
  'curLevel',
  'eventName',
  'resources',
  'metricData',
  'metricName',
  'namespace',
  'time',
];

/**
 * Turns a rule push into a request (trigger `cms-callback`: it is a CloudMonitor push;
 * `triggerRef` = `ruleId`). Firing = `curLevel` exactly `CRITICAL|WARN|INFO` and `eventName`
 * absent or exactly `Alert`; `AlertOk` is a recovery; `OK`, missing or unknown levels and
 * unknown event names → `IgnoredRequest`. Dimensions: `resources` (a JSON string, or an object)
 * and the non-statistic keys of `metricData`: a key on which the two disagree makes the alarm
 * ambiguous (`IgnoredRequest` naming it). `alertName` is set from `ruleName` (the push has no
 * `alertName`) so policy rules matching on it work. Times: `time` and `metricData.timestamp`
 * (and `extraTimes`, an envelope's), each that is present must be readable (ms; seconds
 * accepted); the alarm's time is the oldest. A key that reads like a control key (`dryRun`,
 * `mode`, ...) or another spelling of a read key → `RefusedRequest`. Never throws.
 * `trigger` / `triggerRef` are overridden when the push arrives inside an EventBridge envelope.
 */
export function cmsRulePushRequest(
  event: Record<string, unknown>,
  trigger: Trigger = 'cms-callback',
  triggerRef?: string,
  options: {
    prefix?: string;
    extraTimes?: readonly TimeField[];
    /** Further places the alarm names its region (an EventBridge envelope's). */
    regionSayings?: readonly RegionSaying[];
  } = {},
): AbortRequest {
  const refused = [
    ...refusedKeys(event, RULE_PUSH_READ_KEYS),
    ...(isRecord(event.metricData)
      ? refusedKeys(event.metricData, ['timestamp'], undefined, true).map((r) => ({
          ...r,
          key: `metricData.${r.key}`,
        }))
      : []),
  ].map((r) => ({ ...r, key: `${options.prefix ?? ''}${r.key}` }));
  const metricData = isRecord(event.metricData) ? event.metricData : {};
  const fromMetric: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(metricData)) {
    if (!METRIC_VALUE_KEYS.has(key)) fromMetric[key] = value;
  }
  const fromResources = readDimensions(event.resources);
  const fromMetricData = readDimensions(fromMetric);
  const problems = [...fromResources.problems, ...fromMetricData.problems];
  // A part that is there but not in its documented shape may hide a time or an id: never skipped.
  if (event.metricData !== undefined && !isRecord(event.metricData)) {
    problems.push(`metricData ${printable(event.metricData, 40)} is not an object`);
  }
  if (
    event.resources !== undefined &&
    event.resources !== null &&
    typeof event.resources !== 'string' &&
    !isRecord(event.resources)
  ) {
    problems.push(
      `resources ${printable(event.resources, 40)} is neither a JSON text nor an object`,
    );
  }
  const dimensions: Record<string, string> = { ...fromMetricData.dimensions };
  for (const [key, value] of Object.entries(fromResources.dimensions)) {
    const other = dimensions[key];
    if (other !== undefined && other !== value) {
      problems.push(
        `dimension ${key} is '${printable(value, 40)}' in resources and '${printable(other, 40)}' in metricData`,
      );
    }
    dimensions[key] = value;
  }
  const level = exactString(event.curLevel);
  let verdict: StateVerdict = curLevelVerdict(level);
  const eventName = exactString(event.eventName);
  if (verdict.firing && eventName === 'AlertOk') {
    verdict = { firing: false, why: 'eventName AlertOk is a recovery notification' };
  } else if (verdict.firing && eventName !== undefined && eventName !== 'Alert') {
    verdict = {
      firing: false,
      why: `unknown eventName '${printable(eventName, 40)}' (documented: Alert, AlertOk) is never acted on`,
    };
  }
  const times = readAlarmTimes([
    { field: 'metricData.timestamp', raw: metricData.timestamp, format: 'epoch' },
    { field: 'time', raw: event.time, format: 'epoch' },
    ...(options.extraTimes ?? []),
  ]);
  if (!times.ok) problems.push(times.why);
  const signal: AlarmSignal = { state: level ?? '', dimensions };
  const ruleName = fieldString(event.ruleName);
  const optional = {
    ruleId: fieldString(event.ruleId),
    ruleName,
    alertName: fieldString(event.alertName) ?? ruleName,
    namespace: fieldString(event.namespace),
    metricName: fieldString(event.metricName),
    timestampMs: times.ok ? times.ms : undefined,
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) Object.assign(signal, { [key]: value });
  }
  const unread = [fromResources.unread, fromMetricData.unread].filter((u) => u !== undefined);
  return alarmRequest({
    signal,
    verdict,
    trigger,
    problems,
    refused,
    ...(options.regionSayings ? { regionSayings: options.regionSayings } : {}),
    pairs: [...fromResources.pairs, ...fromMetricData.pairs],
    ...(unread.length > 0
      ? {
          unread: {
            series: unread.reduce((n, u) => n + u.series, 0),
            values: unread.reduce((n, u) => n + u.values, 0),
            cap: unread[0]!.cap,
          },
        }
      : {}),
    ...(triggerRef === undefined ? {} : { triggerRef }),
  });
}
