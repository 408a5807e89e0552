import type { Trigger } from './record.js';

/**
 * What the intake stage hands to targeting: one request per actionable event.
 * Intake never calls Web+; every id in here is already trimmed and validated
 * (`wc-`/`we-` + 24 lower-case hex). Anything rejected is listed in `invalid`
 * and becomes one `invalid` record, so nothing is dropped silently.
 */
export type AbortRequest =
  | SweepRequest
  | ManualAbortRequest
  | AlarmRequest
  | IgnoredRequest
  | RefusedRequest
  | PlatformRequest;

interface RequestBase {
  trigger: Trigger;
  /** Timer name, alarm rule id, EventBridge event id, HTTP request id. */
  triggerRef?: string;
  /**
   * Inputs rejected before any Web+ call; each becomes one `invalid` record, except in an
   * `IgnoredRequest`, whose one `ignored` record names them (one event, one record).
   */
  invalid: InvalidInput[];
}

/** A rejected input: `field` names where it came from, `value` is a printable (truncated) copy. */
export interface InvalidInput {
  field: string;
  value?: string;
  /** Set when the input was a ChangeId / EnvId candidate (so the record can carry it). */
  changeId?: string;
  envId?: string;
  message: string;
}

/** A periodic (timer) or manual (`POST /sweep`, CLI `sweep`) sweep. */
export interface SweepRequest extends RequestBase {
  kind: 'sweep';
  /**
   * Limit the sweep to these environments (otherwise all, or the policy's `sweep.appIds`).
   * Absent = no limit. Intake never emits an empty list (a payload whose ids were all invalid
   * becomes an `IgnoredRequest`, never a wider sweep); should one appear, it means no environment.
   */
  envIds?: string[];
  /** Limit the sweep to these applications; same rules as `envIds`. */
  appIds?: string[];
  dryRun?: boolean;
  /** Thresholds from the timer payload: replace the policy's `defaults` for this run. */
  maxIdleMinutes?: number;
  maxDurationMinutes?: number;
  /** Timer `triggerTime`, recorded, never used as "now". */
  triggerTime?: string;
  /**
   * The timer payload's `schedule`: the trigger's cronExpression (core/schedule.ts, checked by
   * intake). The rotation numbers runs by it; absent: by 5-minute slots (s.yaml's timer).
   */
  schedule?: string;
}

/** An operator's explicit request (`POST /abort`, CLI `abort`): skips the stuck rules. */
export interface ManualAbortRequest extends RequestBase {
  kind: 'abort';
  changeIds: string[];
  /** Means each environment's in-flight change. */
  envIds: string[];
  dryRun?: boolean;
  note?: string;
  /**
   * The Web+ region the operator names (`/abort` `regionId`, CLI `abort --region`): the request
   * works there only (not in `WEBPLUS_REGIONS`: `failed`, `RegionNotEnabled`, nothing called).
   * Absent: every region is asked, and a change more than one region answers for is `skipped`
   * (region ambiguous), never aborted.
   */
  regionId?: string;
}

/** The normalised fields of a firing alarm, from any of the three alarm shapes. */
export interface AlarmSignal {
  /** `ALERT` (or the older `ALARM`), or a rule push's level other than OK. */
  state: string;
  ruleId?: string;
  ruleName?: string;
  alertName?: string;
  namespace?: string;
  metricName?: string;
  /** Dimension keys and values, literal `null` values removed. */
  dimensions: Record<string, string>;
  /** Event time, epoch ms (CloudMonitor sends seconds or milliseconds). */
  timestampMs?: number;
  /** The callback's `regionId` (absent when CloudMonitor sends its literal `null`). */
  regionId?: string;
}

/** A firing alarm (CloudMonitor callback, rule push, or EventBridge event). */
export interface AlarmRequest extends RequestBase {
  kind: 'alarm';
  alarm: AlarmSignal;
  /** Ids named by the alarm's dimensions (already validated). */
  changeIds: string[];
  envIds: string[];
  /**
   * For a ChangeId named in a series (one dimension object) that names an EnvId too: that EnvId.
   * The change must be in it (an alarm pairing change A with environment B, A not in B, does not
   * say which it meant).
   */
  changeEnvIds?: Record<string, string[]>;
  /**
   * What the alarm's dimensions held past the intake cap (`MAX_DIMENSION_ITEMS`, 10,000) and
   * were not read: `series` (dimension objects) and `values` (id values), counted; `cap` the
   * cap. Absent when everything was read. The pipeline writes one `deferred` record saying it,
   * and never falls back to the policy's `alarms` rules for such an alarm.
   */
  unreadDimensions?: { series: number; values: number; cap: number };
  /**
   * The Web+ region the alarm names (the callback's `regionId`, a `regionId` dimension, an
   * EventBridge envelope's `aliyunregionid` and `subject`: all that are present agree, else the
   * alarm is ignored at intake). Present: the alarm works in that region only (a region not in
   * `WEBPLUS_REGIONS` is `ignored`, `RegionNotEnabled`); absent: every region is asked and a
   * change more than one answers for is `skipped`, region ambiguous.
   */
  regionId?: string;
}

/**
 * A request refused as a whole (a timer payload with an unknown key or a bad value): one
 * `invalid` record per entry of `invalid` (an alarm or event: one record naming them all),
 * nothing else, no Web+ call.
 */
export interface RefusedRequest extends RequestBase {
  kind: 'refused';
  /** The refused request asked for a dry run (its records' `mode` and the summary say so). */
  dryRun?: boolean;
}

/** An event that names nothing actionable (recovery, unknown event): one `ignored` record. */
export interface IgnoredRequest extends RequestBase {
  kind: 'ignored';
  detail: string;
  /** e.g. `alarm:<ruleId>` when known. */
  reason?: string;
}

/**
 * A request about SAE or EDAS change orders (docs/reference/sae-edas.md): a sweep of the
 * platform, an operator's abort, or an alarm / event naming an application or an order. Ids
 * are already validated (shared/core/platform-ids.ts). Web+ requests never take this shape.
 */
export interface PlatformRequest extends RequestBase {
  kind: 'platform';
  platform: 'sae' | 'edas';
  /** `sweep` applies the stuck rules; `manual` and `alarm` are the signal themselves. */
  source: 'sweep' | 'manual' | 'alarm';
  /** ChangeOrderIds named by the request. */
  changeOrderIds: string[];
  /**
   * Sweep: limit to these applications (absent = every application; intake never emits an
   * empty list). Manual / alarm: each application's in-flight change order.
   */
  appIds?: string[];
  dryRun?: boolean;
  note?: string;
  /** `manual`, or `alarm:<ruleId|alertName|event type>`. */
  reason?: string;
  /**
   * Sweep thresholds from the timer payload, minutes: they replace `defaults` and the platform's
   * own thresholds for this run (a per-application entry under `apps` still wins), as for Web+.
   */
  maxIdleMinutes?: number;
  maxDurationMinutes?: number;
  /** Alarms: when the alarm or event fired, epoch ms (undefined: no readable time: ignored). */
  alarmAtMs?: number;
  /** Alarms: the field `alarmAtMs` was read from (the event's oldest time: `time`, `data.time`). */
  alarmAtField?: string;
  /**
   * The region the request is about: an alarm's (`aliyunregionid`, a CloudMonitor callback's
   * `regionId`) or the operator's (`regionId`, CLI `--region`). A region that is not enabled
   * (`SAE_REGIONS` / `EDAS_REGIONS`) is refused with one record; absent, a sweep covers every
   * enabled region and an abort or alarm works only where a single region is enabled.
   */
  regionId?: string;
  /** Alarms naming a ChangeOrderId and its application: the application the order must be in. */
  expectAppId?: string;
}
