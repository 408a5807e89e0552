/**
 * CloudMonitor alarm rules pushing JSON (the MNS / Function Compute push channel).
 * Source: CloudMonitor docs, "Alarm rule push to MNS" (`ruleId`, `ruleName`, `curLevel`,
 * `resources` as a JSON string, `metricData`, `metricName`, `namespace`, `eventName`
 * `Alert|AlertOk`, `time` ms); assumed identical for a Function Compute target
 * (docs/reference/fc-triggers.md).
 */

import { isRecord } from '../../core/text.js';
import type { Trigger } from '../../model/record.js';
import type { AbortRequest, AlarmSignal } from '../../model/request.js';
import { parseDimensions } from '../alarm/dimensions.js';
import {
  alarmRequest,
  curLevelVerdict,
  fieldString,
  normaliseTimestampMs,
  type StateVerdict,
} from '../alarm/signal.js';

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

/**
 * Turns a rule push into a request (trigger `cms-callback`: it is a CloudMonitor push;
 * `triggerRef` = `ruleId`). Firing = `curLevel` `CRITICAL|WARN|INFO` and `eventName` not `AlertOk`;
 * `OK`, missing or unknown levels → `IgnoredRequest`. Dimensions: `resources` (a JSON string, or
 * an object) merged with the non-statistic keys of `metricData` (resources win). `alertName` is set
 * from `ruleName` (the push has no `alertName`) so policy rules matching on it work. Timestamp:
 * `metricData.timestamp`, else `time` (ms; seconds accepted). Never throws.
 * `trigger` / `triggerRef` are overridden when the push arrives inside an EventBridge envelope.
 */
export function cmsRulePushRequest(
  event: Record<string, unknown>,
  trigger: Trigger = 'cms-callback',
  triggerRef?: string,
): AbortRequest {
  const metricData = isRecord(event.metricData) ? event.metricData : {};
  const fromMetric: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(metricData)) {
    if (!METRIC_VALUE_KEYS.has(key)) fromMetric[key] = value;
  }
  const dimensions = { ...parseDimensions(fromMetric), ...parseDimensions(event.resources) };
  const level = fieldString(event.curLevel);
  let verdict: StateVerdict = curLevelVerdict(level);
  const eventName = fieldString(event.eventName);
  if (verdict.firing && eventName?.toLowerCase() === 'alertok') {
    verdict = { firing: false, why: 'eventName AlertOk is a recovery notification' };
  }
  const signal: AlarmSignal = { state: level?.toUpperCase() ?? '', dimensions };
  const ruleName = fieldString(event.ruleName);
  const optional = {
    ruleId: fieldString(event.ruleId),
    ruleName,
    alertName: fieldString(event.alertName) ?? ruleName,
    namespace: fieldString(event.namespace),
    metricName: fieldString(event.metricName),
    timestampMs: normaliseTimestampMs(metricData.timestamp) ?? normaliseTimestampMs(event.time),
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) Object.assign(signal, { [key]: value });
  }
  return alarmRequest({
    signal,
    verdict,
    trigger,
    ...(triggerRef === undefined ? {} : { triggerRef }),
  });
}
