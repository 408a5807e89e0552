/**
 * Timer trigger events and their payload.
 * Source: Function Compute docs, "Timer trigger event format":
 * `{"triggerTime":"2026-05-20T02:00:00Z","triggerName":"sweep","payload":"<string>"}`; `payload`
 * is the configured message as a string (JSON in it is parsed a second time) and may be empty
 * (docs/reference/fc-triggers.md). Payload keys: docs/policy.md, "How each trigger uses the rules".
 */
import { z } from 'zod';
import type { IdKind } from '../../core/ids.js';
import { isRecord, printable, typeName } from '../../core/text.js';
import type { AbortRequest, InvalidInput, SweepRequest } from '../../model/request.js';
import { collectIds } from '../id-list.js';

/** The timer event as FC delivers it (payload also accepted already parsed, or absent). */
export const TimerEventSchema = z.object({
  triggerTime: z.string().optional(),
  triggerName: z.string(),
  payload: z.unknown().optional(),
});

/** Keys a timer payload may carry. */
export const TIMER_PAYLOAD_KEYS = [
  'envIds',
  'appIds',
  'dryRun',
  'maxIdleMinutes',
  'maxDurationMinutes',
] as const;

/** Longest threshold accepted, in minutes (one year). */
export const MAX_THRESHOLD_MINUTES = 525_600;

/** A threshold in whole minutes, 1 .. one year. */
export const MinutesSchema = z.number().int().positive().max(MAX_THRESHOLD_MINUTES);

/** `true` / `false`, or the strings `'true'` / `'false'` (any case, trimmed). */
export const DryRunSchema = z.union([
  z.boolean(),
  z
    .string()
    .transform((s) => s.trim().toLowerCase())
    .pipe(z.enum(['true', 'false']))
    .transform((s) => s === 'true'),
]);

/** True for an object shaped like a timer event: a string `triggerName` and a `triggerTime` key. */
export function isTimerEvent(event: Record<string, unknown>): boolean {
  return typeof event.triggerName === 'string' && 'triggerTime' in event;
}

/**
 * Turns a timer event into a request (trigger `timer`, `triggerRef` = `triggerName`,
 * `triggerTime` kept as given, never used as "now").
 *
 * Payload rules (docs/policy.md, "How each trigger uses the rules": an invalid value or unknown
 * key is dropped with one
 * `invalid` record naming it, the run goes on with the policy's values, and a bad payload never
 * widens a sweep):
 * - empty / absent payload → a plain sweep;
 * - `maxIdleMinutes`, `maxDurationMinutes`: whole minutes, 1 .. 525600; anything else (a string,
 *   an unrendered `${var}`, negative, zero, fractional) → dropped, `invalid` field
 *   `payload.<key>`; the policy's threshold applies;
 * - `dryRun`: boolean or `'true'`/`'false'`; an unreadable value is read as `true` (and reported):
 *   a bad payload never makes a run more aggressive than the operator asked;
 * - `envIds` / `appIds`: an array of ids or a comma-separated string; bad entries →
 *   `invalid` (`payload.envIds[1]`), duplicates removed; `[]` means no limit (the policy file's
 *   convention). When a list was given but **no valid id remains** (or it has the wrong type), the
 *   intended scope is unknown: the result is an `IgnoredRequest` ("sweeping nothing rather than
 *   everything") carrying every `invalid`, never a sweep of everything;
 * - unknown key → dropped, `invalid` field `payload.<key>`;
 * - a payload that is not JSON, or JSON but not an object → one `invalid` (field `payload`), then a
 *   plain sweep, unless its text mentions `envIds` or `appIds` (it meant to narrow the sweep): then
 *   it is ignored as above.
 * Never throws.
 */
export function timerRequest(event: Record<string, unknown>): AbortRequest {
  const parsed = TimerEventSchema.safeParse(event);
  const triggerName = parsed.success ? parsed.data.triggerName : String(event.triggerName);
  const triggerTime = parsed.success ? parsed.data.triggerTime : undefined;
  const sweep: SweepRequest = {
    kind: 'sweep',
    trigger: 'timer',
    triggerRef: triggerName,
    ...(triggerTime === undefined ? {} : { triggerTime }),
    invalid: [],
  };
  const payload = readPayload(parsed.success ? parsed.data.payload : undefined);
  sweep.invalid.push(...payload.invalid);
  let scopeLost = payload.scopeLost;

  for (const [key, value] of Object.entries(payload.fields)) {
    const field = `payload.${printable(key, 60)}`;
    switch (key) {
      case 'envIds':
      case 'appIds': {
        const kind: IdKind = key === 'envIds' ? 'EnvId' : 'AppId';
        const list = collectIds(kind, value, field);
        if (list === undefined) {
          sweep.invalid.push({
            field,
            value: printable(value),
            message: `expected an array of ${kind}s or a comma-separated string, got ${typeName(value)}`,
          });
          scopeLost = true;
          break;
        }
        sweep.invalid.push(...list.invalid);
        if (list.ids.length > 0) sweep[key] = list.ids;
        else if (list.given > 0) scopeLost = true;
        break;
      }
      case 'dryRun': {
        const result = DryRunSchema.safeParse(value);
        if (result.success) {
          sweep.dryRun = result.data;
        } else {
          sweep.dryRun = true;
          sweep.invalid.push({
            field,
            value: printable(value),
            message: `${describeBad(value, 'true or false')}; read as dryRun=true`,
          });
        }
        break;
      }
      case 'maxIdleMinutes':
      case 'maxDurationMinutes': {
        const result = MinutesSchema.safeParse(value);
        if (result.success) sweep[key] = result.data;
        else {
          sweep.invalid.push({
            field,
            value: printable(value),
            message: `${describeBad(value, `whole minutes between 1 and ${MAX_THRESHOLD_MINUTES}`)}; the policy's value applies`,
          });
        }
        break;
      }
      default:
        sweep.invalid.push({
          field,
          value: printable(value),
          message: `unknown key (allowed: ${TIMER_PAYLOAD_KEYS.join(', ')}); dropped`,
        });
    }
  }

  if (scopeLost) {
    return {
      kind: 'ignored',
      trigger: 'timer',
      triggerRef: triggerName,
      detail:
        'timer payload named environments or applications but none was valid: sweeping nothing rather than everything',
      invalid: sweep.invalid,
    };
  }
  return sweep;
}

interface PayloadRead {
  fields: Record<string, unknown>;
  invalid: InvalidInput[];
  /** The payload meant to narrow the sweep, but could not be read. */
  scopeLost: boolean;
}

function readPayload(payload: unknown): PayloadRead {
  if (payload === undefined || payload === null)
    return { fields: {}, invalid: [], scopeLost: false };
  if (isRecord(payload)) return { fields: payload, invalid: [], scopeLost: false };
  if (typeof payload !== 'string') {
    return {
      fields: {},
      invalid: [
        {
          field: 'payload',
          value: printable(payload),
          message: `expected a string, got ${typeName(payload)}; ignored`,
        },
      ],
      scopeLost: false,
    };
  }
  const text = payload.trim();
  if (text === '') return { fields: {}, invalid: [], scopeLost: false };
  const narrowing = /envIds|appIds/i.test(text);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return {
      fields: {},
      invalid: [{ field: 'payload', value: printable(text), message: 'not JSON; ignored' }],
      scopeLost: narrowing,
    };
  }
  if (!isRecord(parsed)) {
    return {
      fields: {},
      invalid: [
        {
          field: 'payload',
          value: printable(text),
          message: `expected a JSON object, got ${typeName(parsed)}; ignored`,
        },
      ],
      scopeLost: narrowing,
    };
  }
  return { fields: parsed, invalid: [], scopeLost: false };
}

function describeBad(value: unknown, expected: string): string {
  if (typeof value === 'string' && value.includes('${')) {
    return `an unrendered variable, expected ${expected}`;
  }
  if (typeof value === 'number' && value < 0) return `negative, expected ${expected}`;
  return `expected ${expected}, got ${typeName(value)}${typeof value === 'number' ? ` ${value}` : ''}`;
}
