/**
 * Delay before attempt n+1 after attempt n failed: "equal jitter", drawn between half and all of
 * `min(maxDelayMs, baseMs * 2^(n-1))` (docs/reference/configuration.md, "Retries and the
 * deadline"; AWS Architecture Blog,
 * "Exponential Backoff And Jitter").
 * @param failedAttempt n, 1-based
 * @returns ms
 */
export function equalJitterDelay(
  failedAttempt: number,
  baseMs: number,
  maxDelayMs: number,
  random: () => number = Math.random,
): number {
  const cap = Math.min(maxDelayMs, baseMs * 2 ** Math.max(0, failedAttempt - 1));
  return cap / 2 + random() * (cap / 2);
}
