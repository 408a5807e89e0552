/**
 * FC timer schedules, read so that a sweep's rotation can count runs (red-team 11 F3).
 *
 * Syntax (docs/reference/fc-triggers.md, "Timer trigger"; UTC):
 * - a cron expression of 6 fields, seconds first: `sec min hour day-of-month month day-of-week`
 *   (`0 *\/5 * * * *`). Each field: `*`, `?` (day fields only), a number, a range `a-b`, a step
 *   `*\/n` or `a-b/n` or `a/n`, or a comma list of those. Months `1-12` or `JAN`-`DEC`, days of
 *   the week `0-6` (`7` is Sunday too) or `SUN`-`SAT`. When both day fields are restricted
 *   (neither `*` nor `?`), a day matches either (the cron rule); otherwise both.
 * - `@every <duration>`: `<n>h`, `<n>m`, `<n>s` parts (`@every 1h30m`), at least 1 s.
 * A `CRON_TZ=` prefix, `L`, `W` and `#` are refused: FC timers here run in UTC.
 */

/** A parsed timer schedule. */
export type Schedule =
  | { kind: 'every'; text: string; periodMs: number }
  | {
      kind: 'cron';
      text: string;
      seconds: number[];
      minutes: number[];
      hours: number[];
      days: ReadonlySet<number>;
      months: ReadonlySet<number>;
      weekdays: ReadonlySet<number>;
      /** Whether day-of-month / day-of-week were `*` or `?` (unrestricted). */
      daysAny: boolean;
      weekdaysAny: boolean;
    };

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const DAY_MS = 86_400_000;

/** Longest schedule text read, characters. */
export const MAX_SCHEDULE_CHARS = 200;

function field(
  text: string,
  name: string,
  min: number,
  max: number,
  names: readonly string[] = [],
  nameBase = 0,
): { values: Set<number>; any: boolean } | string {
  const values = new Set<number>();
  const num = (s: string): number | undefined => {
    const i = names.indexOf(s.toUpperCase());
    if (i >= 0) return i + nameBase;
    return /^\d{1,2}$/.test(s) ? Number(s) : undefined;
  };
  if (text === '*' || text === '?') {
    if (text === '?' && name !== 'day-of-month' && name !== 'day-of-week')
      return `${name}: "?" is allowed only in the day fields`;
    for (let v = min; v <= max; v++) values.add(v);
    return { values, any: true };
  }
  for (const part of text.split(',')) {
    const m = /^([^/]+)(?:\/(\d{1,3}))?$/.exec(part);
    if (!m) return `${name}: "${part}" is not a value, range or step`;
    const step = m[2] === undefined ? 1 : Number(m[2]);
    if (step < 1) return `${name}: a step must be at least 1`;
    let lo: number | undefined;
    let hi: number | undefined;
    if (m[1] === '*') {
      lo = min;
      hi = max;
    } else {
      const r = m[1]!.split('-');
      if (r.length > 2) return `${name}: "${part}" is not a range`;
      lo = num(r[0]!);
      hi = r.length === 2 ? num(r[1]!) : m[2] === undefined ? lo : max;
    }
    if (lo === undefined || hi === undefined) return `${name}: "${part}" is not a number`;
    if (lo < min || hi > max || lo > hi)
      return `${name}: "${part}" is outside ${min}-${max} (or an empty range)`;
    for (let v = lo; v <= hi; v += step) values.add(v);
  }
  return { values, any: false };
}

/**
 * Reads a timer schedule.
 * @returns the schedule, or a message naming what is wrong (never throws)
 */
export function parseSchedule(input: string): Schedule | string {
  const text = input.trim();
  if (text.length === 0) return 'the schedule is empty';
  if (text.length > MAX_SCHEDULE_CHARS)
    return `the schedule is longer than ${MAX_SCHEDULE_CHARS} characters`;
  if (text.startsWith('@every')) {
    const m = /^@every\s+((?:\d{1,6}[hms])+)$/.exec(text);
    if (!m) return '@every needs a duration such as 5m or 1h30m';
    let ms = 0;
    for (const [, n, unit] of m[1]!.matchAll(/(\d+)([hms])/g))
      ms += Number(n) * (unit === 'h' ? 3_600_000 : unit === 'm' ? 60_000 : 1000);
    if (ms < 1000) return '@every needs at least 1 s';
    return { kind: 'every', text, periodMs: ms };
  }
  if (/^CRON_TZ=|^TZ=/i.test(text))
    return 'a time zone prefix is not read: FC timers here run in UTC';
  const parts = text.split(/\s+/);
  if (parts.length !== 6)
    return `a cron expression has 6 fields (seconds first), this one has ${parts.length}`;
  const sec = field(parts[0]!, 'seconds', 0, 59);
  const min = field(parts[1]!, 'minutes', 0, 59);
  const hour = field(parts[2]!, 'hours', 0, 23);
  const dom = field(parts[3]!, 'day-of-month', 1, 31);
  const mon = field(parts[4]!, 'month', 1, 12, MONTHS, 1);
  const dow = field(parts[5]!, 'day-of-week', 0, 7, WEEKDAYS, 0);
  for (const f of [sec, min, hour, dom, mon, dow]) if (typeof f === 'string') return f;
  const [s, mi, h, d, mo, w] = [sec, min, hour, dom, mon, dow] as {
    values: Set<number>;
    any: boolean;
  }[];
  if (w!.values.has(7)) w!.values.add(0);
  const sorted = (x: Set<number>) => [...x].sort((a, b) => a - b);
  return {
    kind: 'cron',
    text,
    seconds: sorted(s!.values),
    minutes: sorted(mi!.values),
    hours: sorted(h!.values),
    days: d!.values,
    months: mo!.values,
    weekdays: w!.values,
    daysAny: d!.any,
    weekdaysAny: w!.any,
  };
}

function dayMatches(s: Extract<Schedule, { kind: 'cron' }>, dayIndex: number): boolean {
  const date = new Date(dayIndex * DAY_MS);
  if (!s.months.has(date.getUTCMonth() + 1)) return false;
  const dom = s.days.has(date.getUTCDate());
  const dow = s.weekdays.has(date.getUTCDay());
  return s.daysAny || s.weekdaysAny ? dom && dow : dom || dow;
}

/** Per cron schedule: `counts[d]` = its matching days before day `d` (days since 1970-01-01). */
const dayCounts = new WeakMap<Schedule, number[]>();

function matchingDaysBefore(schedule: Extract<Schedule, { kind: 'cron' }>, day: number): number {
  let counts = dayCounts.get(schedule);
  if (!counts) {
    counts = [0];
    dayCounts.set(schedule, counts);
  }
  for (let d = counts.length - 1; d < day; d++)
    counts.push(counts[d]! + (dayMatches(schedule, d) ? 1 : 0));
  return counts[day]!;
}

/**
 * The number of the run at `atMs` (epoch ms, UTC): consecutive runs of the schedule get
 * consecutive numbers, whatever the gaps between them. Cron: the firings from 1970-01-01T00:00Z
 * up to `atMs` (exclusive), counted day by day (at most ~20,000 days, under a millisecond a few
 * times over); `undefined` when `atMs` (cut to the second) is not a firing of the schedule.
 * `@every`: `floor(atMs / period)` (FC counts the period from the trigger's creation, so the
 * firing times are not known here: consecutive runs, a period apart, still get consecutive
 * numbers).
 */
export function runNumber(schedule: Schedule, atMs: number): number | undefined {
  if (!Number.isFinite(atMs) || atMs < 0) return undefined;
  if (schedule.kind === 'every') return Math.floor(atMs / schedule.periodMs);
  const t = Math.floor(atMs / 1000) * 1000;
  const day = Math.floor(t / DAY_MS);
  const inDay = (t - day * DAY_MS) / 1000;
  const hour = Math.floor(inDay / 3600);
  const minute = Math.floor((inDay % 3600) / 60);
  const second = inDay % 60;
  if (
    !dayMatches(schedule, day) ||
    !schedule.hours.includes(hour) ||
    !schedule.minutes.includes(minute) ||
    !schedule.seconds.includes(second)
  )
    return undefined;
  const perDay = schedule.hours.length * schedule.minutes.length * schedule.seconds.length;
  const everyDay = schedule.daysAny && schedule.weekdaysAny && schedule.months.size === 12;
  const days = everyDay ? day : matchingDaysBefore(schedule, day);
  const before = (list: number[], v: number) => list.filter((x) => x < v).length;
  const earlier =
    before(schedule.hours, hour) * schedule.minutes.length * schedule.seconds.length +
    before(schedule.minutes, minute) * schedule.seconds.length +
    before(schedule.seconds, second);
  return days * perDay + earlier;
}
