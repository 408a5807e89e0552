/**
 * Why a notification did not deliver, in the words of the run output and the doctor:
 * `connection failed (ECONNREFUSED), 2 attempts`. From a target result's `detail` (the
 * notifier's, already redacted: shared/notify/notifier.ts) and its attempt count. A detail that
 * already ends with its count in parentheses (`… sign not match (1 attempt)`) is rewritten to the
 * same `…, 1 attempt` form, so the count never stands in a second pair of parentheses.
 */
export function failureWords(detail: string, attempts: number): string {
  const why = detail.replace(/^not (delivered|sent): /, '');
  const counted = /^(.*?)[\s,]*\((\d+ attempts?)\)$/s.exec(why);
  if (counted) return `${counted[1]}, ${counted[2]}`;
  if (/\b\d+ attempts?\b/.test(why)) return why;
  return `${why}, ${attempts} attempt${attempts === 1 ? '' : 's'}`;
}
