/**
 * Timer trigger events and their payload.
 * Source: Function Compute docs, "Timer trigger event format":
 * `{"triggerTime":"2026-05-20T02:00:00Z","triggerName":"sweep","payload":"<string>"}`; `payload`
 * is the configured message as a string (JSON in it is parsed a second time) and may be empty
 * (docs/reference/fc-triggers.md). Payload keys: docs/policy.md, "How each trigger uses the rules".
 */
import type { IdKind } from '../../core/ids.js';
import { readJsonObject } from '../../core/json.js';
import { parseSchedule } from '../../core/schedule.js';
import { isRecord, printable, typeName } from '../../core/text.js';
import * as z from '../../core/zod.js';
import type { AbortRequest, InvalidInput, SweepRequest } from '../../model/request.js';
import { refusedKeys } from '../alarm/keys.js';
import { collectIds } from '../id-list.js';

/** The timer event as FC delivers it (payload also accepted already parsed, or absent). */
export const TimerEventSchema = z.object({
  triggerTime: z.string(),
  triggerName: z.string(),
  payload: z.optional(z.unknown()),
});

/** The timer event's own keys (docs/reference/fc-triggers.md, "Timer trigger"). */
const TIMER_EVENT_KEYS = ['triggerTime', 'triggerName', 'payload'] as const;

/** Keys a timer payload may carry. */
export const TIMER_PAYLOAD_KEYS = [
  'envIds',
  'appIds',
  'dryRun',
  'maxIdleMinutes',
  'maxDurationMinutes',
  'schedule',
] as const;

/** Longest threshold accepted, in minutes (one year). */
export const MAX_THRESHOLD_MINUTES = 525_600;

/** A threshold in whole minutes, 1 .. one year. */
export const MinutesSchema = z.number().check(z.int(), z.positive(), z.lte(MAX_THRESHOLD_MINUTES));

/** `true` / `false`, or the strings `'true'` / `'false'` (any case, trimmed). */
export const DryRunSchema = z.union([
  z.boolean(),
  z.pipe(
    z.pipe(
      z.pipe(
        z.string(),
        z.transform((s) => s.trim().toLowerCase()),
      ),
      z.enum(['true', 'false']),
    ),
    z.transform((s) => s === 'true'),
  ),
]);

/** True for an object shaped like a timer event: a string `triggerName` and a `triggerTime` key. */
export function isTimerEvent(event: Record<string, unknown>): boolean {
  return typeof event.triggerName === 'string' && 'triggerTime' in event;
}

/** Appended to every payload problem: a payload that cannot be read whole sweeps nothing. */
const REFUSED = 'the payload is refused and nothing is swept';

/**
 * Turns a timer event into a request (trigger `timer`, `triggerRef` = `triggerName`,
 * `triggerTime` kept as given, never used as "now").
 *
 * Payload rules (docs/policy.md, "How each trigger uses the rules"): the payload is read whole or not at all. A
 * sweep runs only when every key is known and every value valid; otherwise the result is a
 * `RefusedRequest`: one `invalid` record per problem, naming `payload.<key>`, and no Web+ call
 * (a misspelt `dryRun` or a threshold the operator got wrong never lets a wider or more
 * aggressive sweep go ahead).
 * - empty / absent payload → a plain sweep (everything the policy allows);
 * - `maxIdleMinutes`, `maxDurationMinutes`: whole minutes, 1 .. 525600;
 * - `dryRun`: boolean or `'true'`/`'false'`;
 * - `schedule`: the trigger's `cronExpression` (6 fields, UTC, or `@every 5m`; core/schedule.ts),
 *   from which the sweep numbers its runs (its rotation's coverage bound holds for that schedule);
 * - `envIds` / `appIds`: an array of ids or a comma-separated string, duplicates removed; one
 *   bad entry → refused (one `invalid` record per bad entry, `payload.envIds[1]`: the sweep never
 *   narrows to the valid ones); an empty list, or both lists together → refused;
 * - unknown key, a name given twice, a payload that is not JSON or not a JSON object → refused.
 * The event itself is read as strictly: exactly `triggerTime`, `triggerName` (strings) and
 * `payload` (docs/reference/fc-triggers.md, "Timer trigger"); any other key, or one of the wrong
 * type, refuses it the same way, and so does a name the event's JSON text gives twice
 * (`repeated`: its dotted path, found by the caller).
 * Never throws.
 */
export function timerRequest(event: Record<string, unknown>, repeated?: string): AbortRequest {
  const parsed = TimerEventSchema.safeParse(event);
  const triggerName = parsed.success ? parsed.data.triggerName : printable(event.triggerName, 128);
  const triggerTime = parsed.success ? parsed.data.triggerTime : undefined;
  const sweep: SweepRequest = {
    kind: 'sweep',
    trigger: 'timer',
    triggerRef: triggerName,
    ...(triggerTime === undefined ? {} : { triggerTime }),
    invalid: [],
  };
  const payload = readPayload(parsed.success ? parsed.data.payload : undefined);
  const problems: InvalidInput[] = [...payload.invalid];
  // The event's own keys: FC sends exactly triggerTime, triggerName, payload. Any key beside
  // them (`dryRun`, `Payload`, `force`) would be dropped while the sweep runs: refused.
  for (const { key, message } of refusedKeys(event, TIMER_EVENT_KEYS)) {
    problems.push({ field: printable(key, 60), message: `${message}: ${REFUSED}` });
  }
  if (repeated !== undefined) {
    // `{"payload": "{}", "payload": "{\"dryRun\":true}"}` is read as its last value by JSON.parse.
    problems.push({
      field: printable(repeated, 80),
      message: `the event names ${printable(repeated, 80)} more than once: ${REFUSED}`,
    });
  }
  const named = new Set(problems.map((p) => p.field));
  for (const key of Object.keys(event)) {
    if ((TIMER_EVENT_KEYS as readonly string[]).includes(key) || named.has(printable(key, 60)))
      continue;
    problems.push({
      field: printable(key, 60),
      message: `not a key of FC's timer event (it sends ${TIMER_EVENT_KEYS.join(', ')}): ${REFUSED}`,
    });
  }
  // A key of the wrong type (`"triggerTime": 5`, `"payload": 7`) is never read as absent.
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? 'event');
      problems.push({
        field: printable(key, 60),
        value: printable(event[key]),
        message: `expected a string, got ${typeName(event[key])}: ${REFUSED}`,
      });
    }
  }
  const refuse = (field: string, value: unknown, message: string) =>
    problems.push({ field, value: printable(value), message: `${message}: ${REFUSED}` });

  for (const [key, value] of Object.entries(payload.fields)) {
    const field = `payload.${printable(key, 60)}`;
    switch (key) {
      case 'envIds':
      case 'appIds': {
        const kind: IdKind = key === 'envIds' ? 'EnvId' : 'AppId';
        const list = collectIds(kind, value, field);
        if (list === undefined) {
          refuse(
            field,
            value,
            `expected an array of ${kind}s or a comma-separated string, got ${typeName(value)}`,
          );
        } else if (list.given === 0 || (typeof value === 'string' && value.trim() === '')) {
          refuse(
            field,
            value,
            `${key} is empty (an empty list never means everything; leave the key out for that)`,
          );
        } else if (list.invalid.length > 0) {
          // One bad id refuses the payload: sweeping the rest would act on a list the operator
          // did not write (a typo in one EnvId must not leave the others swept as if meant).
          for (const bad of list.invalid)
            problems.push({ ...bad, message: `${bad.message}: ${REFUSED}` });
        } else {
          sweep[key] = list.ids;
        }
        break;
      }
      case 'dryRun': {
        const result = DryRunSchema.safeParse(value);
        if (result.success) sweep.dryRun = result.data;
        else refuse(field, value, describeBad(value, 'true or false'));
        break;
      }
      case 'maxIdleMinutes':
      case 'maxDurationMinutes': {
        const result = MinutesSchema.safeParse(value);
        if (result.success) sweep[key] = result.data;
        else
          refuse(
            field,
            value,
            describeBad(value, `whole minutes between 1 and ${MAX_THRESHOLD_MINUTES}`),
          );
        break;
      }
      case 'schedule': {
        // The trigger's own cronExpression, so that the sweep's rotation counts runs of it
        // (targeting/sweep-plan.ts; red-team 11 F3). Refused when it cannot be read.
        const read = typeof value === 'string' ? parseSchedule(value) : undefined;
        if (read === undefined)
          refuse(
            field,
            value,
            `expected the timer's cronExpression as a string, got ${typeName(value)}`,
          );
        else if (typeof read === 'string')
          refuse(
            field,
            value,
            typeof value === 'string' && value.includes('${')
              ? `an unrendered variable, expected the timer's cronExpression`
              : `not a timer schedule (${read})`,
          );
        else sweep.schedule = read.text;
        break;
      }
      default:
        refuse(field, value, `unknown key (allowed: ${TIMER_PAYLOAD_KEYS.join(', ')})`);
    }
  }
  if ('envIds' in payload.fields && 'appIds' in payload.fields) {
    refuse('payload.appIds', payload.fields.appIds, 'give envIds or appIds, not both');
  }

  if (problems.length > 0) {
    return {
      kind: 'refused',
      trigger: 'timer',
      triggerRef: triggerName,
      invalid: [...sweep.invalid, ...problems],
    };
  }
  return sweep;
}

interface PayloadRead {
  fields: Record<string, unknown>;
  /** Why the payload as a whole cannot be read (each refuses it). */
  invalid: InvalidInput[];
}

function readPayload(payload: unknown): PayloadRead {
  if (payload === undefined || payload === null) return { fields: {}, invalid: [] };
  if (isRecord(payload)) return { fields: payload, invalid: [] };
  const whole = (value: unknown, message: string): PayloadRead => ({
    fields: {},
    invalid: [{ field: 'payload', value: printable(value), message: `${message}: ${REFUSED}` }],
  });
  if (typeof payload !== 'string')
    return whole(payload, `expected a string, got ${typeName(payload)}`);
  const text = payload.trim();
  if (text === '') return { fields: {}, invalid: [] };
  const read = readJsonObject(text);
  if (read.ok) return { fields: read.value, invalid: [] };
  if (read.why === 'not-json') return whole(text, 'not JSON');
  if (read.why === 'not-object') return whole(text, 'expected a JSON object');
  return whole(
    text,
    read.field
      ? `names "${printable(read.field, 60)}" more than once`
      : 'repeats a name inside an object',
  );
}

function describeBad(value: unknown, expected: string): string {
  if (typeof value === 'string' && value.includes('${')) {
    return `an unrendered variable, expected ${expected}`;
  }
  if (typeof value === 'number' && value < 0) return `negative, expected ${expected}`;
  return `expected ${expected}, got ${typeName(value)}${typeof value === 'number' ? ` ${value}` : ''}`;
}
