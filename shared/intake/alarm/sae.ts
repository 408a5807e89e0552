/**
 * CloudMonitor alarms on SAE metrics: namespace `acs_serverless`, dimensions `userId` and
 * `appId` (the SAE AppId), plus `instanceId` for instance-level metrics (SAE docs, "CloudMonitor"
 * monitoring, metric namespace `acs_serverless`; docs/reference/sae-edas.md §5.1). Such an alarm
 * means the application's in-flight change order (DescribeApplicationStatus → LastChangeOrderId).
 * Its region is the callback's `regionId` (or a `regionId` dimension); without one the alarm is
 * worked on only where a single SAE region is enabled (pipeline/process-platform-request.ts).
 */
import { parseId } from '../../core/ids.js';
import type { Trigger } from '../../model/record.js';
import type { AbortRequest, AlarmSignal, InvalidInput } from '../../model/request.js';
import { invalidId } from '../id-list.js';
import { namedRegion, type RegionSaying } from './region.js';

/** The CloudMonitor namespace of SAE metrics. */
export const SAE_CMS_NAMESPACE = 'acs_serverless';

/**
 * The request of a firing alarm on an SAE metric: a `PlatformRequest` (platform `sae`, source
 * `alarm`) naming each valid `appId` dimension value (several dimension objects arrive
 * comma-joined), or an `IgnoredRequest` when none is valid (the bad values become `invalid`
 * records naming `dimensions.appId`), or names two regions or one that is not a region id. Web+ dimensions (`changeId`, `envId`) are not read: an
 * SAE metric is about an SAE application.
 * @param signal the alarm, already judged firing
 * @param base trigger and triggerRef of the alarm
 * @param reason `alarm:<ruleId or alertName>`
 */
export function saeAlarmRequest(
  signal: AlarmSignal,
  base: { trigger: Trigger; triggerRef?: string },
  reason: string | undefined,
  regionSayings: readonly RegionSaying[] = [],
): AbortRequest {
  const invalid: InvalidInput[] = [];
  const apps = new Set<string>();
  const joined = signal.dimensions.appId;
  for (const value of joined === undefined ? [] : joined.split(',')) {
    const parsed = parseId('PlatformAppId', value);
    if (!parsed.ok) invalid.push(invalidId('dimensions.appId', value, parsed.message));
    else apps.add(parsed.id);
  }
  const appIds = [...apps];
  // The region: the callback's `regionId`, a `regionId` dimension (any spelling), a `region`
  // field, an EventBridge envelope's `aliyunregionid` and `subject`: every one present must
  // agree (./region.ts; red-team 25 G7).
  const region = namedRegion([
    { field: 'regionId', value: signal.regionId },
    { field: 'dimension regionId', value: signal.dimensions.regionId },
    ...regionSayings,
  ]);
  const regionId = region.ok ? region.regionId : undefined;
  const regionProblem = region.ok ? undefined : region.why;
  if (regionProblem && appIds.length > 0 && invalid.length === 0)
    return {
      kind: 'ignored',
      ...base,
      detail: `an SAE alarm (namespace ${SAE_CMS_NAMESPACE}) that ${regionProblem}: which region is a guess; nothing is aborted (fail closed)`,
      ...(reason === undefined ? {} : { reason }),
      invalid: [],
    };
  if (appIds.length === 0 || invalid.length > 0)
    // A bad appId means the alarm meant something that cannot be named: never a guess.
    return {
      kind: 'ignored',
      ...base,
      detail:
        invalid.length > 0
          ? `an SAE alarm (namespace ${SAE_CMS_NAMESPACE}) whose appId dimension cannot be read: nothing is aborted (fail closed)`
          : `an SAE alarm (namespace ${SAE_CMS_NAMESPACE}) without an appId dimension names no application: nothing to abort`,
      ...(reason === undefined ? {} : { reason }),
      invalid,
    };
  return {
    kind: 'platform',
    platform: 'sae',
    source: 'alarm',
    ...base,
    ...(reason === undefined ? {} : { reason }),
    changeOrderIds: [],
    appIds,
    ...(signal.timestampMs === undefined ? {} : { alarmAtMs: signal.timestampMs }),
    ...(regionId === undefined ? {} : { regionId }),
    invalid: [],
  };
}
