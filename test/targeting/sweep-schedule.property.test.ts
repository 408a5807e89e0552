/**
 * Red-team 11 F3: rotation that never moves. Numbered by 5-minute slots, an hourly timer (12
 * slots apart) with P = 3 parts starts every run at the same part. Numbered by the timer's
 * schedule (payload `schedule`, core/schedule.ts), consecutive runs have consecutive numbers
 * whatever the gaps, so the bound holds for every schedule. Checked against an independent
 * oracle: the firings of a schedule found by stepping a clock second by second over its
 * matching minutes (Date getters, no code shared with core/schedule.ts), then every part must be
 * a first part within P consecutive firings, over (P, k, G, schedule).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSchedule, runNumber } from '#shared/core/schedule.js';
import { planSweep, rotationSlot, SWEEP_SLOT_MS } from '#shared/targeting/sweep-plan.js';
import type { AppEnv } from '#shared/webplus/types.js';

const env = (n: number): AppEnv => ({
  envId: `we-${n.toString(16).padStart(24, '0')}`,
  appId: 'wa-000000000000000000000001',
  envName: `e${n}`,
  envStatusRead: { kind: 'live' },
  applyingChange: true,
  abortingChange: false,
  latestChangeId: `wc-${n.toString(16).padStart(24, '0')}`,
});

/** A cron of chosen sets (oracle side: the sets, written out as a list expression). */
interface CronSpec {
  seconds: number[];
  minutes: number[];
  hours: number[];
  /** undefined: `*` */
  days?: number[];
  weekdays?: number[];
}
const list = (v: number[] | undefined) => (v === undefined ? '*' : v.join(','));
const cronText = (c: CronSpec) =>
  `${list(c.seconds)} ${list(c.minutes)} ${list(c.hours)} ${c.days ? list(c.days) : '*'} * ${c.weekdays ? list(c.weekdays) : c.days ? '?' : '*'}`;

/** Oracle: the next `count` firings of the spec at or after `fromMs`, by walking minutes. */
function firings(c: CronSpec, fromMs: number, count: number): number[] {
  const out: number[] = [];
  let t = Math.floor(fromMs / 60_000) * 60_000;
  for (let guard = 0; out.length < count && guard < 2_000_000; guard++, t += 60_000) {
    const d = new Date(t);
    const dayOk =
      c.days !== undefined && c.weekdays !== undefined
        ? c.days.includes(d.getUTCDate()) || c.weekdays.includes(d.getUTCDay())
        : (c.days === undefined || c.days.includes(d.getUTCDate())) &&
          (c.weekdays === undefined || c.weekdays.includes(d.getUTCDay()));
    if (!dayOk) {
      // the rest of this day cannot match: on to the next midnight
      t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1) - 60_000;
      continue;
    }
    if (!c.hours.includes(d.getUTCHours()) || !c.minutes.includes(d.getUTCMinutes())) continue;
    for (const s of [...c.seconds].sort((a, b) => a - b)) {
      const at = t + s * 1000;
      if (at >= fromMs && out.length < count) out.push(at);
    }
  }
  return out;
}

const sub = (max: number, maxLength: number) =>
  fc.uniqueArray(fc.integer({ min: 0, max }), { minLength: 1, maxLength });

const cronSpec: fc.Arbitrary<CronSpec> = fc.record(
  {
    seconds: fc.oneof(fc.constant<number[]>([0]), sub(59, 3)),
    minutes: fc.oneof(fc.constant<number[]>([0]), sub(59, 4)),
    hours: fc.oneof(fc.constant(Array.from({ length: 24 }, (_, i) => i)), sub(23, 3)),
    days: fc.option(
      fc.uniqueArray(fc.integer({ min: 1, max: 31 }), { minLength: 1, maxLength: 6 }),
      { nil: undefined },
    ),
    weekdays: fc.option(
      fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 3 }),
      { nil: undefined },
    ),
  },
  { requiredKeys: ['seconds', 'minutes', 'hours'] },
);

const START = fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2030, 0, 1) });

describe('timer schedules number their runs', () => {
  it('consecutive firings (oracle) get consecutive run numbers; other seconds none', () => {
    fc.assert(
      fc.property(cronSpec, START, (c, from) => {
        const parsed = parseSchedule(cronText(c));
        if (typeof parsed === 'string') throw new Error(parsed);
        const times = firings(c, from, 6);
        const numbers = times.map((t) => runNumber(parsed, t));
        for (let i = 1; i < numbers.length; i++) expect(numbers[i]).toBe(numbers[i - 1]! + 1);
        // A second that is not a firing has no number (its run is not this schedule's).
        for (const t of times) {
          const next = t + 1000;
          if (!times.includes(next) && firings(c, next, 1)[0] !== next)
            expect(runNumber(parsed, next)).toBeUndefined();
        }
      }),
      { numRuns: 120 },
    );
  });

  it('every part is a first part within P consecutive runs, over (P, k, G, schedule)', () => {
    // Schedules: every k × 5 minutes for k dividing 60 (as cron), hourly, daily, the oracle's
    // random crons, and @every of any minutes.
    const schedule = fc.oneof(
      fc
        .constantFrom(1, 2, 3, 4, 6, 12)
        .map((k) => ({ text: `0 */${5 * k} * * * *`, spec: undefined as CronSpec | undefined, k })),
      fc.constant({ text: '0 0 * * * *', spec: undefined, k: 12 }),
      fc.constant({ text: '0 30 4 * * *', spec: undefined, k: 288 }),
      cronSpec.map((spec) => ({ text: cronText(spec), spec, k: 0 })),
      fc
        .integer({ min: 1, max: 2000 })
        .map((m) => ({ text: `@every ${m}m`, spec: undefined, k: 0 })),
    );
    fc.assert(
      fc.property(
        schedule,
        fc.integer({ min: 2, max: 400 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 0, max: 400 }),
        START,
        (s, n, guaranteed, extra, from) => {
          const envs = Array.from({ length: n }, (_, i) => env(i));
          const sizing = { guaranteed, nominal: guaranteed + extra };
          const parsed = parseSchedule(s.text);
          if (typeof parsed === 'string') throw new Error(`${s.text}: ${parsed}`);
          // The runs: the oracle's firings, or a period apart for @every / */m crons.
          let times: number[];
          if (s.spec) times = firings(s.spec, from, 1);
          else if (parsed.kind === 'every') times = [from];
          else times = firings(cronLike(s.text), from, 1);
          const probe = planSweep(envs, times[0]!, sizing, rotationSlot(times[0]!, s.text).slot);
          const P = probe.parts;
          if (s.spec) times = firings(s.spec, from, P);
          else if (parsed.kind === 'every')
            times = Array.from({ length: P }, (_, i) => from + i * parsed.periodMs);
          else times = firings(cronLike(s.text), from, P);
          const first = new Set<number>();
          for (const t of times) {
            const r = rotationSlot(t, s.text);
            expect(r.by).toBe('schedule');
            const plan = planSweep(envs, t, sizing, r.slot);
            expect(plan.parts).toBe(P);
            first.add(plan.firstPart);
          }
          expect(first.size).toBe(P);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('the hole it closes: an hourly timer numbered by 5-minute slots never moves with P = 3', () => {
    // 3 parts: 30 in-flight environments, 10 sure per run
    const envs = Array.from({ length: 30 }, (_, i) => env(i));
    const sizing = { guaranteed: 10, nominal: 10 };
    const hours = Array.from({ length: 6 }, (_, i) => Date.UTC(2026, 4, 20, i));
    const bySlot = new Set(hours.map((t) => planSweep(envs, t, sizing).firstPart));
    const bySchedule = new Set(
      hours.map((t) => planSweep(envs, t, sizing, rotationSlot(t, '0 0 * * * *').slot).firstPart),
    );
    expect(planSweep(envs, hours[0]!, sizing).parts).toBe(3);
    expect(bySlot.size).toBe(1);
    expect(bySchedule.size).toBe(3);
    expect(Math.floor(hours[1]! / SWEEP_SLOT_MS) - Math.floor(hours[0]! / SWEEP_SLOT_MS)).toBe(12);
  });

  it('a time that is not a firing of the schedule is a mismatch, never numbered', () => {
    expect(rotationSlot(Date.UTC(2026, 4, 20, 2), '0 0 9 * * *')).toMatchObject({ by: 'mismatch' });
    expect(rotationSlot(Date.UTC(2026, 4, 20, 9), '0 0 9 * * *')).toMatchObject({ by: 'schedule' });
    expect(rotationSlot(Date.UTC(2026, 4, 20, 9), 'not a cron')).toMatchObject({ by: 'mismatch' });
  });
});

/** The oracle spec of the fixed crons above (`0 *\/m * * * *`, `0 0 * * * *`, `0 30 4 * * *`). */
function cronLike(text: string): CronSpec {
  const [, m, h] = text.split(' ');
  const all = (n: number) => Array.from({ length: n }, (_, i) => i);
  const step = (f: string, n: number) =>
    f === '*'
      ? all(n)
      : f.startsWith('*/')
        ? all(n).filter((x) => x % Number(f.slice(2)) === 0)
        : [Number(f)];
  return { seconds: [0], minutes: step(m!, 60), hours: step(h!, 24) };
}
