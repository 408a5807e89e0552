const MINUTE_MS = 60_000;

/** Whole minutes between two epoch-ms instants, rounded down, never negative. */
export function wholeMinutes(fromMs: number, toMs: number): number {
  return Math.max(0, Math.floor((toMs - fromMs) / MINUTE_MS));
}
