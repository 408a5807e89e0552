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
import { CHANGE_ID_KEYS, ENV_ID_KEYS } from './dimensions.js';

/** Callback `alertState` values that mean "firing" (same meaning). */
export const FIRING_STATES: ReadonlySet<string> = new Set(['ALERT', 'ALARM']);
/** Rule-push `curLevel` values that mean "firing". */
export const FIRING_LEVELS: ReadonlySet<string> = new Set(['CRITICAL', 'WARN', 'INFO']);

/** How a state reads: firing, or why it is not. */
export type StateVerdict = { firing: true } | { firing: false; why: string };

/** Reads a callback `alertState`: `ALERT`/`ALARM` fire; `OK`, `INSUFFICIENT_DATA`, anything else do not. */
export function alertStateVerdict(state: string | undefined): StateVerdict {
  if (state === undefined) return { firing: false, why: 'the alarm carries no alertState' };
  const upper = state.toUpperCase();
  if (FIRING_STATES.has(upper)) return { firing: true };
  if (upper === 'OK') return { firing: false, why: 'alarm state OK is a recovery notification' };
  if (upper === 'INSUFFICIENT_DATA') {
    return { firing: false, why: 'alarm state INSUFFICIENT_DATA is a no-data notification' };
  }
  return {
    firing: false,
    why: `unknown alarm state '${printable(state, 40)}' is never acted on`,
  };
}

/** Reads a rule push `curLevel` (`CRITICAL|WARN|INFO` fire; `OK` and anything else do not). */
export function curLevelVerdict(level: string | undefined): StateVerdict {
  if (level === undefined) return { firing: false, why: 'the alarm push carries no curLevel' };
  const upper = level.toUpperCase();
  if (FIRING_LEVELS.has(upper)) return { firing: true };
  if (upper === 'OK') return { firing: false, why: 'alarm level OK is a recovery notification' };
  return { firing: false, why: `unknown alarm level '${printable(level, 40)}' is never acted on` };
}

/**
 * A CloudMonitor timestamp as epoch ms. CloudMonitor docs show seconds, real payloads carry
 * milliseconds: values below 1e12 are read as seconds. Accepts numbers and numeric strings;
 * anything else (or a non-positive value) is `undefined`.
 */
export function normaliseTimestampMs(raw: unknown): number | undefined {
  let n: number;
  if (typeof raw === 'number') n = raw;
  else if (typeof raw === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(raw)) n = Number(raw);
  else return undefined;
  if (!Number.isFinite(n) || n <= 0) return undefined;
  return Math.round(n < 1e12 ? n * 1000 : n);
}

/** A field value as a trimmed string; `null`, empty and the literal `null` are absent. */
export function fieldString(raw: unknown): string | undefined {
  let value: string;
  if (typeof raw === 'string') value = raw.trim();
  else if (typeof raw === 'number' && Number.isFinite(raw)) value = String(raw);
  else return undefined;
  return value === '' || value === 'null' ? undefined : value;
}

/** What {@link alarmRequest} needs: the signal, the verdict on its state, where it came from. */
export interface AlarmInput {
  signal: AlarmSignal;
  verdict: StateVerdict;
  trigger: Trigger;
  /** Falls back to `ruleId`, then `alertName`, when not given. */
  triggerRef?: string;
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
 */
export function alarmRequest(input: AlarmInput): AbortRequest {
  const { signal, verdict, trigger } = input;
  const triggerRef = input.triggerRef ?? signal.ruleId ?? signal.alertName;
  const base = { trigger, ...(triggerRef === undefined ? {} : { triggerRef }) };
  if (!verdict.firing) {
    const reason = alarmReason(signal);
    return {
      kind: 'ignored',
      ...base,
      detail: `${verdict.why}: nothing to abort`,
      ...(reason === undefined ? {} : { reason }),
      invalid: [],
    };
  }
  const invalid: InvalidInput[] = [];
  const changeIds = idsFromDimensions(signal.dimensions, CHANGE_ID_KEYS, parseChangeId, invalid);
  const envIds = idsFromDimensions(signal.dimensions, ENV_ID_KEYS, parseEnvId, invalid);
  return { kind: 'alarm', ...base, alarm: signal, changeIds, envIds, invalid };
}

function idsFromDimensions(
  dimensions: Record<string, string>,
  keys: readonly string[],
  parse: typeof parseChangeId,
  invalid: InvalidInput[],
): string[] {
  const ids: string[] = [];
  const seen = new Set<string>();
  const seenRaw = new Set<string>();
  for (const key of keys) {
    const joined = dimensions[key];
    if (joined === undefined) continue;
    // Several dimension objects naming this key arrive comma-joined (see dimensions.ts).
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
  }
  return ids;
}

/**
 * The signal of a callback-shaped alarm (form fields or EventBridge `data`): `alertState`,
 * `ruleId`, `alertName`, `namespace`, `metricName`, `dimensions`, `timestamp` (s or ms).
 * Literal `null` values are absent. Fields not listed are not kept (the `signature` included).
 */
export function signalFromCallbackFields(
  fields: Record<string, unknown>,
  dimensions: Record<string, string>,
): { signal: AlarmSignal; verdict: StateVerdict } {
  const state = fieldString(fields.alertState);
  const signal: AlarmSignal = { state: state ?? '', dimensions };
  const optional = {
    ruleId: fieldString(fields.ruleId),
    ruleName: fieldString(fields.ruleName),
    alertName: fieldString(fields.alertName),
    namespace: fieldString(fields.namespace),
    metricName: fieldString(fields.metricName),
    timestampMs: normaliseTimestampMs(fields.timestamp),
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) Object.assign(signal, { [key]: value });
  }
  if (state !== undefined && FIRING_STATES.has(state.toUpperCase())) {
    signal.state = state.toUpperCase();
  }
  return { signal, verdict: alertStateVerdict(state) };
}
