/**
 * From the normalised fields of an alarm (callback form, EventBridge `data`, rule push) to a
 * request: an `AlarmRequest` when it fires, an `IgnoredRequest` otherwise.
 * Source of the states: CloudMonitor docs, "Alarm callback" (`alertState`: `ALERT`, older docs
 * `ALARM`; recovery `OK`; `INSUFFICIENT_DATA`); rule push `curLevel` `CRITICAL|WARN|INFO|OK`
 * (docs/reference/fc-triggers.md).
 */

import { parseChangeId, parseEnvId } from '../../core/ids.js';
import { printable } from '../../core/text.js';
import type { Trigger } from '../../model/record.js';
import type { AbortRequest, AlarmSignal, InvalidInput } from '../../model/request.js';
import { invalidId } from '../id-list.js';
import { type DimensionsUnread, readDimensions } from './dimensions.js';
import { CALLBACK_KEYS, refusedKeys } from './keys.js';
import { namedRegion, type RegionSaying } from './region.js';
import { SAE_CMS_NAMESPACE, saeAlarmRequest } from './sae.js';
import { readAlarmTimes, type TimeField } from './times.js';

/**
 * Callback `alertState` values that mean "firing" (same meaning). Compared exactly, case
 * included: CloudMonitor documents upper case (`ALERT`; older docs `ALARM`), and a value spelt
 * otherwise (`alert`) is not one it sends, so it is never acted on.
 */
export const FIRING_STATES: ReadonlySet<string> = new Set(['ALERT', 'ALARM']);
/** Rule-push `curLevel` values that mean "firing" (exact, as documented). */
export const FIRING_LEVELS: ReadonlySet<string> = new Set(['CRITICAL', 'WARN', 'INFO']);
/** Callback `triggerLevel` values (exact, as documented); `OK` is a recovery's level. */
export const TRIGGER_LEVELS: ReadonlySet<string> = new Set(['CRITICAL', 'WARN', 'INFO', 'OK']);

/** How a state reads: firing, or why it is not. */
export type StateVerdict = { firing: true } | { firing: false; why: string };

/** Reads a callback `alertState` exactly: `ALERT`/`ALARM` fire; `OK`, `INSUFFICIENT_DATA`, anything else do not. */
export function alertStateVerdict(state: string | undefined): StateVerdict {
  if (state === undefined) return { firing: false, why: 'the alarm carries no alertState' };
  if (FIRING_STATES.has(state)) return { firing: true };
  if (state === 'OK') return { firing: false, why: 'alarm state OK is a recovery notification' };
  if (state === 'INSUFFICIENT_DATA') {
    return { firing: false, why: 'alarm state INSUFFICIENT_DATA is a no-data notification' };
  }
  return {
    firing: false,
    why: `unknown alarm state '${printable(state, 40)}' (documented: ALERT, ALARM, OK, INSUFFICIENT_DATA, in upper case) is never acted on`,
  };
}

/** Reads a rule push `curLevel` exactly (`CRITICAL|WARN|INFO` fire; `OK` and anything else do not). */
export function curLevelVerdict(level: string | undefined): StateVerdict {
  if (level === undefined) return { firing: false, why: 'the alarm push carries no curLevel' };
  if (FIRING_LEVELS.has(level)) return { firing: true };
  if (level === 'OK') return { firing: false, why: 'alarm level OK is a recovery notification' };
  return {
    firing: false,
    why: `unknown alarm level '${printable(level, 40)}' (documented: CRITICAL, WARN, INFO, OK, in upper case) is never acted on`,
  };
}

/**
 * A CloudMonitor timestamp as epoch ms. CloudMonitor docs show seconds, real payloads carry
 * milliseconds: values below 1e12 are read as seconds. A number, or a string of digits (no sign,
 * no fraction, no leading zero); anything else is `undefined`.
 */
export function normaliseTimestampMs(raw: unknown): number | undefined {
  const read = readAlarmTimes([{ field: 'timestamp', raw, format: 'epoch' }]);
  return read.ok ? read.ms : undefined;
}

/** A field value as a trimmed string; `null`, empty and the literal `null` are absent. */
export function fieldString(raw: unknown): string | undefined {
  let value: string;
  if (typeof raw === 'string') value = raw.trim();
  else if (typeof raw === 'number' && Number.isFinite(raw)) value = String(raw);
  else return undefined;
  return value === '' || value === 'null' ? undefined : value;
}

/**
 * A state or level as sent, not trimmed or re-cased (it must match the documented set exactly);
 * absent, `''` and the literal `null` (CloudMonitor's absent value) are `undefined`.
 */
export function exactString(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw === '' || raw === 'null') return undefined;
  return raw;
}

/** What {@link alarmRequest} needs: the signal, the verdict on its state, where it came from. */
export interface AlarmInput {
  signal: AlarmSignal;
  verdict: StateVerdict;
  trigger: Trigger;
  /** Falls back to `ruleId`, then `alertName`, when not given. */
  triggerRef?: string;
  /**
   * Why the alarm cannot be read as one meaning (a time that cannot be read, a field or
   * dimension given twice with different values), each naming the field: any → ignored.
   */
  problems?: readonly string[];
  /** Keys refused (a control key, another spelling, an undocumented callback key): any → refused. */
  refused?: readonly { key: string; message: string }[];
  /** `[changeId, envId]` of each series naming both (readDimensions `pairs`). */
  pairs?: readonly [string, string][];
  /** What of the dimensions was past the cap and not read (readDimensions `unread`). */
  unread?: DimensionsUnread;
  /**
   * Further places the alarm names its region (an EventBridge envelope's `aliyunregionid` and
   * `subject`), read with the callback's `regionId` and a `regionId` dimension (./region.ts).
   */
  regionSayings?: readonly RegionSaying[];
}

/** `alarm:<ruleId or alertName>`, the record's `reason` for an alarm (docs/reference/record.md). */
export function alarmReason(signal: AlarmSignal): string | undefined {
  const name = signal.ruleId ?? signal.alertName ?? signal.ruleName;
  return name === undefined ? undefined : `alarm:${name}`;
}

/**
 * Builds the request for one alarm. Firing → `AlarmRequest` whose `changeIds` / `envIds` come from
 * the dimension keys `changeId`/`ChangeId` and `envId`/`EnvId` (validated; a bad value becomes an
 * `InvalidInput` with field `dimensions.<key>`). An alarm naming no id is still an `AlarmRequest`
 * (targeting maps it through the policy's `alarms` rules, or ignores it). Not firing →
 * `IgnoredRequest` whose `detail` says which state, `reason` `alarm:<ruleId or alertName>`.
 * A firing alarm on SAE's namespace `acs_serverless` → a `PlatformRequest` for the SAE
 * application its `appId` dimension names (./sae.ts).
 */
export function alarmRequest(input: AlarmInput): AbortRequest {
  const { signal, verdict, trigger } = input;
  const triggerRef = input.triggerRef ?? signal.ruleId ?? signal.alertName;
  const base = { trigger, ...(triggerRef === undefined ? {} : { triggerRef }) };
  const reason = alarmReason(signal);
  if (input.refused && input.refused.length > 0) {
    return {
      kind: 'refused',
      ...base,
      invalid: input.refused.map(({ key, message }) => ({
        field: printable(key, 60),
        message: `${message}; the alarm is refused and nothing is aborted`,
      })),
    };
  }
  if (input.problems && input.problems.length > 0) {
    return {
      kind: 'ignored',
      ...base,
      detail: `the alarm cannot be read as one meaning: ${input.problems.join('; ')}; nothing is aborted (fail closed)`,
      ...(reason === undefined ? {} : { reason }),
      invalid: [],
    };
  }
  if (!verdict.firing) {
    return {
      kind: 'ignored',
      ...base,
      detail: `${verdict.why}: nothing to abort`,
      ...(reason === undefined ? {} : { reason }),
      invalid: [],
    };
  }
  const unread = input.unread;
  // An alarm on an SAE metric is about an SAE application's change order (./sae.ts). Its target
  // (`appId`) must agree over every series: with series left unread that is not known.
  if (signal.namespace === SAE_CMS_NAMESPACE) {
    if (unread !== undefined) {
      return {
        kind: 'ignored',
        ...base,
        detail: `an SAE alarm (namespace ${SAE_CMS_NAMESPACE}) whose dimensions hold more than the ${unread.cap} series or values read (${unread.series} series and ${unread.values} id values not read): whether every series names one application is not known; nothing is aborted (fail closed)`,
        ...(reason === undefined ? {} : { reason }),
        invalid: [],
      };
    }
    return saeAlarmRequest(signal, base, reason, input.regionSayings ?? []);
  }
  // The region the Web+ alarm names: every place that names one must agree (the SAE/EDAS rule,
  // ./region.ts); the pipeline then works in that region only (red-team 24 F4).
  const region = namedRegion([
    { field: 'regionId', value: signal.regionId },
    { field: 'dimension regionId', value: signal.dimensions.regionId },
    ...(input.regionSayings ?? []),
  ]);
  if (!region.ok) {
    return {
      kind: 'ignored',
      ...base,
      detail: `the alarm ${region.why}: which region is meant is ambiguous; nothing is aborted (fail closed)`,
      ...(reason === undefined ? {} : { reason }),
      invalid: [],
    };
  }
  const invalid: InvalidInput[] = [];
  const changeIds = idsFromDimension(signal.dimensions, 'changeId', parseChangeId, invalid);
  const envIds = idsFromDimension(signal.dimensions, 'envId', parseEnvId, invalid);
  // Sets, not list look-ups: one change paired with 10,000 environments stays linear.
  const paired = new Map<string, Set<string>>();
  for (const [c, e] of input.pairs ?? []) {
    const change = parseChangeId(c);
    const env = parseEnvId(e);
    if (!change.ok || !env.ok) continue; // refused above, as an `invalid` input
    const envs = paired.get(change.id) ?? new Set<string>();
    envs.add(env.id);
    paired.set(change.id, envs);
  }
  const changeEnvIds: Record<string, string[]> = {};
  for (const [c, envs] of paired) changeEnvIds[c] = [...envs];
  return {
    kind: 'alarm',
    ...base,
    alarm: signal,
    changeIds,
    envIds,
    ...(paired.size > 0 ? { changeEnvIds } : {}),
    ...(unread === undefined ? {} : { unreadDimensions: unread }),
    ...(region.regionId === undefined ? {} : { regionId: region.regionId }),
    invalid,
  };
}

function idsFromDimension(
  dimensions: Record<string, string>,
  key: 'changeId' | 'envId',
  parse: typeof parseChangeId,
  invalid: InvalidInput[],
): string[] {
  const ids: string[] = [];
  const joined = dimensions[key];
  if (joined === undefined) return ids;
  // Several dimension objects naming this key arrive comma-joined (see dimensions.ts); a blank
  // value is kept as '' and refused here, never read as "not given".
  const seen = new Set<string>();
  const seenRaw = new Set<string>();
  for (const value of joined.split(',')) {
    if (seenRaw.has(value)) continue;
    seenRaw.add(value);
    const parsed = parse(value);
    if (!parsed.ok) invalid.push(invalidId(`dimensions.${key}`, value, parsed.message));
    else if (!seen.has(parsed.id)) {
      seen.add(parsed.id);
      ids.push(parsed.id);
    }
  }
  return ids;
}

/** The keys a callback-shaped alarm is read from (another spelling of one is refused). */
export const CALLBACK_READ_KEYS: readonly string[] = [
  'alertState',
  'ruleId',
  'ruleName',
  'alertName',
  'namespace',
  'metricName',
  'dimensions',
  'timestamp',
  'triggerLevel',
  'regionId',
];

/**
 * The signal of a callback-shaped alarm (form fields or EventBridge `data`): `alertState`,
 * `ruleId`, `alertName`, `namespace`, `metricName`, `dimensions`, `timestamp` (s or ms),
 * `regionId` (SAE alarms say their region with it),
 * `triggerLevel` (checked, not kept). Literal `null` values are absent. Fields not listed are not
 * kept (the `signature` included). `problems` lists what makes the alarm ambiguous or
 * unreadable (its `timestamp`, its dimensions, a `triggerLevel` outside the documented set or
 * contradicting the state); `extraTimes` are further times the alarm carries (an EventBridge
 * envelope's `time`): the signal's time is the oldest of all.
 */
export function signalFromCallbackFields(
  fields: Record<string, unknown>,
  extraTimes: readonly TimeField[] = [],
): {
  signal: AlarmSignal;
  verdict: StateVerdict;
  problems: string[];
  pairs: [string, string][];
  unread?: DimensionsUnread;
} {
  const dims = readDimensions(fields.dimensions);
  const problems = [...dims.problems];
  const state = exactString(fields.alertState);
  const signal: AlarmSignal = { state: state ?? '', dimensions: dims.dimensions };
  const times = readAlarmTimes([
    { field: 'timestamp', raw: fields.timestamp, format: 'epoch' },
    ...extraTimes,
  ]);
  if (!times.ok) problems.push(times.why);
  const optional = {
    ruleId: fieldString(fields.ruleId),
    ruleName: fieldString(fields.ruleName),
    alertName: fieldString(fields.alertName),
    namespace: fieldString(fields.namespace),
    metricName: fieldString(fields.metricName),
    timestampMs: times.ok ? times.ms : undefined,
    regionId: fieldString(fields.regionId),
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) Object.assign(signal, { [key]: value });
  }
  const level = exactString(fields.triggerLevel);
  if (level !== undefined && !TRIGGER_LEVELS.has(level)) {
    problems.push(
      `triggerLevel '${printable(level, 40)}' is not one of CRITICAL, WARN, INFO, OK (upper case)`,
    );
  } else if (level === 'OK' && state !== undefined && FIRING_STATES.has(state)) {
    problems.push(`alertState ${state} with triggerLevel OK: firing or recovered is a guess`);
  }
  return {
    signal,
    verdict: alertStateVerdict(state),
    problems,
    pairs: dims.pairs,
    ...(dims.unread === undefined ? {} : { unread: dims.unread }),
  };
}

/** Refused keys of callback-shaped fields; `strict`: the documented callback key set only. */
export function refusedCallbackKeys(
  fields: Readonly<Record<string, unknown>>,
  strict: boolean,
): { key: string; message: string }[] {
  return refusedKeys(fields, CALLBACK_READ_KEYS, strict ? CALLBACK_KEYS : undefined);
}
